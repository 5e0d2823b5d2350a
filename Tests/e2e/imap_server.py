"""A throwaway Debian dovecot IMAP server for the bounce tests, and a TCP proxy that stalls or
cuts the IMAP stream on cue (a real dropped connection, not a mock)."""
import os
import shutil
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path

from conftest import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
MAIL_UID = 65534

CONFIG = """\
listen = 127.0.0.1
protocols = imap
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:{root}/Maildir
passdb {{
  driver = passwd-file
  args = {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={uid} home={root}/home
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
}}
"""


class Dovecot:
    """dovecot -F with its own config, Maildir and password file under `root`, a folder of its
    own outside pytest's temporary tree (pytest keeps /tmp/pytest-of-USER at mode 0700, and
    dovecot's users must reach the files)."""

    def __init__(self, root: Path, user="bounces@partnerskab.example", password="hemmelig-imap"):
        self.root = root
        self.user = user
        self.password = password
        self.port = free_port()
        for sub in ("run", "state", "home", "Maildir/new", "Maildir/cur", "Maildir/tmp"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        (root / "passwd").write_text(f"{user}:{{PLAIN}}{password}:::::{root}/home::\n")
        (root / "dovecot.conf").write_text(CONFIG.format(root=root, uid=MAIL_UID, port=self.port))
        os.chmod(root, 0o755)
        self.chown()
        self.process = None
        self.start()

    def chown(self):
        for folder in (self.root / "Maildir", self.root / "home"):
            for dirpath, dirnames, filenames in os.walk(folder):
                os.chown(dirpath, MAIL_UID, MAIL_UID)
                for name in filenames:
                    os.chown(os.path.join(dirpath, name), MAIL_UID, MAIL_UID)

    def start(self):
        self.process = subprocess.Popen([DOVECOT, "-c", str(self.root / "dovecot.conf"), "-F"],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    if s.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("dovecot did not start: " + (self.root / "dovecot.log").read_text(errors="replace"))

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def deliver(self, data: bytes, folder=""):
        """Puts a message into the Maildir as a delivery agent would (tmp, then new)."""
        base = self.root / "Maildir" / (f".{folder}" if folder else "")
        name = f"{time.time():.6f}.{uuid.uuid4().hex}.test"
        tmp = base / "tmp" / name
        tmp.write_bytes(data)
        os.chown(tmp, MAIL_UID, MAIL_UID)
        os.rename(tmp, base / "new" / name)

    def files(self, folder=""):
        """(name, flags) of every message file in a folder."""
        base = self.root / "Maildir" / (f".{folder}" if folder else "")
        out = []
        for sub in ("new", "cur"):
            if (base / sub).exists():
                for path in sorted((base / sub).iterdir()):
                    flags = path.name.split(":2,", 1)[1] if ":2," in path.name else ""
                    out.append((path.name, flags))
        return out

    def keywords(self, folder=""):
        """The Maildir keyword letters dovecot assigned, by name."""
        base = self.root / "Maildir" / (f".{folder}" if folder else "")
        path = base / "dovecot-keywords"
        if not path.exists():
            return {}
        out = {}
        for line in path.read_text().splitlines():
            number, name = line.split(" ", 1)
            out[name] = chr(ord("a") + int(number))
        return out


class Proxy:
    """Relays loopback TCP to `port`. When the client has sent `trigger` `count` times, it
    either holds everything from then on ("stall") or passes `keep` more bytes of the server's
    answer and closes both ends ("cut")."""

    def __init__(self, port, trigger: bytes, count: int, mode: str, keep=200):
        self.target = port
        self.trigger, self.count, self.mode, self.keep = trigger, count, mode, keep
        self.seen = 0
        self.fired = threading.Event()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self.sockets = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            self.sockets += [client, server]
            threading.Thread(target=self.pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self.pump, args=(server, client, False), daemon=True).start()

    def pump(self, source, sink, upstream):
        budget = None
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if upstream and not self.fired.is_set():
                    self.seen += data.count(self.trigger)
                    if self.seen >= self.count:
                        self.fired.set()
                        if self.mode == "stall":
                            continue
                if self.fired.is_set() and self.mode == "stall":
                    continue
                if not upstream and self.fired.is_set() and self.mode == "cut":
                    budget = self.keep if budget is None else budget
                    sink.sendall(data[:budget])
                    budget -= min(budget, len(data))
                    if budget == 0:
                        self.close()
                        return
                    continue
                sink.sendall(data)
        except OSError:
            pass

    def close(self):
        for s in self.sockets + [self.listener]:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
