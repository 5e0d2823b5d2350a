"""`kampagne serve` as a process: shutdown on SIGTERM mid-send, idle timeouts and the
per-client connection cap, with raw sockets on loopback."""
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request

from conftest import BIN, free_port
from test_delivery import setup_campaign


def serve(k, *extra, toml_extra=""):
    if toml_extra:
        toml = (k.folder / "kampagne.toml").read_text()
        for line in toml_extra.strip().splitlines():
            key = line.split("=")[0].strip()
            toml = "\n".join(l for l in toml.splitlines() if not l.startswith(key + " ="))
            toml = toml.replace("[web]\n", f"[web]\n{line}\n", 1)
        (k.folder / "kampagne.toml").write_text(toml)
    port = free_port()
    process = subprocess.Popen([BIN, "serve", "--port", str(port), *extra], cwd=k.folder, env=k.env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return process, port
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read())
            time.sleep(0.1)
    raise RuntimeError("serve did not start")


def test_sigterm_during_a_paced_send_stops_after_the_message_in_flight(k, smtp):
    server = smtp()
    n = 40
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=n, connections=1, extra='rate = "240/min"')
    k.run("newsletter", "send", edition, "--list", "Nyhedsbrev", "--queue-only")
    process, _ = serve(k, "--every", "1")
    deadline = time.time() + 60
    while len(server.messages()) < 3 and time.time() < deadline:
        time.sleep(0.05)
    assert len(server.messages()) >= 3, "the scheduler sends"
    started = time.time()
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=30)
    stopped_in = time.time() - started
    assert process.returncode == 0
    assert stopped_in < 3, f"stopped after {stopped_in:.1f} s"
    status = k.json("outbox", "status")[0]
    accepted = len(server.messages())
    assert status["sending"] == 0, "nothing is left half-way"
    assert status["sent"] == accepted < n
    assert status["sent"] + status["queued"] == n
    with sqlite3.connect(k.folder / "kampagne.sqlite") as db:
        (last_run,) = db.execute("select value from setting where key = 'scheduler.lastRunAt'").fetchone()
    assert last_run.startswith(time.strftime("%Y-", time.gmtime())) and last_run.endswith("Z")


def test_sigint_stops_the_server_cleanly(k):
    k.run("init")
    process, port = serve(k, "--no-scheduler")
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=10)
    assert process.returncode == 0


def closed(s):
    """True when the server has closed `s` (no data waiting, end of stream)."""
    s.setblocking(False)
    try:
        return s.recv(4096) == b""
    except BlockingIOError:
        return False
    except ConnectionResetError:
        return True


def test_slowloris_connections_are_closed_and_capped(k):
    k.run("init")
    process, port = serve(k, "--no-scheduler", toml_extra="idle_timeout = 3\nconnections_per_client = 20\n")
    try:
        # Half a header, and a body announced but never sent; one more than the cap.
        stalled = []
        for i in range(21):
            s = socket.create_connection(("127.0.0.1", port))
            if i % 2:
                s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            else:
                s.sendall(b"POST /nyhedsbrev HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\nemail=")
            stalled.append(s)
        time.sleep(1)
        # Over the cap: one is closed at once, without an answer; the rest wait for the timeout.
        assert sum(closed(s) for s in stalled) == 1
        time.sleep(3)
        assert all(closed(s) for s in stalled), "stalled connections are closed after idle_timeout"
        for s in stalled:
            s.close()
        # The server still answers, and the cap was given back.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert response.status == 200
            assert response.headers["X-Content-Type-Options"] == "nosniff"
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_404_and_head_carry_the_security_headers(k):
    k.run("init")
    process, port = serve(k, "--no-scheduler")
    try:
        for method, path, status in [("GET", "/findes-ikke", 404), ("HEAD", "/", 200), ("HEAD", "/findes-ikke", 404)]:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
            try:
                response = urllib.request.urlopen(request, timeout=5)
            except urllib.error.HTTPError as error:
                response = error
            assert response.status == status, (method, path)
            assert "default-src 'none'" in response.headers["Content-Security-Policy"], (method, path)
            assert response.headers["X-Frame-Options"] == "DENY", (method, path)
    finally:
        process.terminate()
        process.communicate(timeout=10)
