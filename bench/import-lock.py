#!/usr/bin/env python3
"""How long an import keeps other writers waiting (issue 14): sign-up POSTs to `kampagne serve`,
one after another, while 100,000 contacts are imported.

    python3 bench/import-lock.py [ROWS]        (KAMPAGNE_BIN picks the binary; debug by default)

Three phases, each in a fresh workspace:
  idle    sign-ups with nothing else running;
  before  during `contacts import` (one transaction for the whole file, as the upload import
          applied it before the jobs), which holds SQLite's write lock throughout;
  after   during an upload import job applied in chunks (`ImportQueue`, 2,000 records per
          write transaction); the job's `longestWriteMs` is its longest transaction.
Prints the sign-ups' median and longest latency per phase and the import's duration. Standard
library only (plus the e2e helpers in Tests/e2e).
"""
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "Tests" / "e2e"))
from conftest import BIN, ROOT, Kampagne  # noqa: E402
from test_admin_import_jobs import SECRETARIAT, apply_all, generate, login, status_of, upload, wait_state  # noqa: E402
from test_admin import PASSWORD  # noqa: E402
from test_web import Web, create, meeting  # noqa: E402

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000


def workspace(folder):
    k = Kampagne(Path(folder))
    k.run("init")
    k.run("users", "add", SECRETARIAT, "--role", "sekretariat", "--password-stdin", input=PASSWORD + "\n")
    _, public = create(k, meeting(capacity=1_000_000))
    return k, public


def sign_ups(w, public, running, prefix):
    """Sequential sign-ups while `running()` holds; each one's latency in seconds."""
    _, csrf = w.form(f"/moede/{public}")
    times = []
    failed = []
    i = 0
    while running() or len(times) < 5:
        i += 1
        body = urllib.parse.urlencode({"csrf": csrf, "name": f"Deltager {i}", "email": f"{prefix}{i}@kommune.example"}).encode()
        start = time.perf_counter()
        # A long timeout: the point is how long a sign-up waits, however long that is.
        try:
            with urllib.request.urlopen(urllib.request.Request(w.base + f"/moede/{public}", data=body), timeout=600) as answer:
                answer.read()
        except urllib.error.HTTPError as answer:
            # 409: the server gave up waiting for the write lock (SQLite's 30 s busy timeout).
            failed.append(answer.code)
        times.append(time.perf_counter() - start)
    if failed:
        print(f"  {len(failed)} sign-ups refused: {sorted(set(failed))}", flush=True)
    return times


def report(name, times, extra=""):
    print(f"{name:7} sign-ups {len(times):4}  median {statistics.median(times) * 1000:7.0f} ms  "
          f"longest {max(times) * 1000:7.0f} ms  {extra}", flush=True)


def main():
    print(f"binary {BIN}, {ROWS:,} rows")
    with tempfile.TemporaryDirectory() as folder:
        k, public = workspace(folder)
        w = Web(k, posts_per_minute=1_000_000)
        try:
            end = time.time() + 5
            report("idle", sign_ups(w, public, lambda: time.time() < end, "idle"))
            csv = generate(k, ROWS)
            done = threading.Event()
            took = {}

            def cli():
                start = time.perf_counter()
                result = k.run("contacts", "import", csv.name, "--list", "Store liste", check=False)
                took["s"] = time.perf_counter() - start
                took["rc"] = result.returncode
                if result.returncode != 0:
                    print(result.stderr.strip(), flush=True)
                done.set()
            thread = threading.Thread(target=cli)
            thread.start()
            time.sleep(0.5)
            times = sign_ups(w, public, lambda: not done.is_set(), "before")
            thread.join()
            report("before", times, f"import {took['s']:.1f} s in one transaction (exit {took['rc']})")
        finally:
            w.stop()
    with tempfile.TemporaryDirectory() as folder:
        k, public = workspace(folder)
        w = Web(k, posts_per_minute=1_000_000)
        try:
            csv = generate(k, ROWS)
            cookie = login(w, SECRETARIAT)
            job = upload(w, cookie, csv)
            wait_state(w, job, cookie, {"previewed"}, timeout=600)
            start = time.perf_counter()
            apply_all(w, job, cookie)
            times = sign_ups(w, public, lambda: status_of(w, job, cookie)["state"] == "running", "after")
            took = time.perf_counter() - start
            [stored] = k.json("contacts", "import-jobs")
            report("after", times, f"import {took:.1f} s in {stored['chunks']} transactions, "
                                   f"longest {stored['longestWriteMs']} ms")
        finally:
            w.stop()


if __name__ == "__main__":
    main()
