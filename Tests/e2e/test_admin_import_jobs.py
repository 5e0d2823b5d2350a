"""Upload imports as jobs that survive the server (issue 14): a real `kill -9` of `kampagne
serve` in the middle of a 100,000-row import, and a restart that finishes it with exactly
100,000 contacts; and the same upload through Chromium, with the progress moving on the page
without a reload while another staff member opens and saves a contact. Screenshots at 1280
and 390 px go to test-artifacts/admin/kontakter/."""
import json
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import pytest

from conftest import ROOT
from test_admin import PASSWORD, browser, cookie_of, csrf_for, wait_for  # noqa: F401 (browser is a fixture)
from test_admin_contacts import shot
from test_web import Web, organiser_request

SECRETARIAT = "sif@partnerskab.example"
COLLEAGUE = "sune@partnerskab.example"
ROWS = 100_000


def generate(k, rows=ROWS, name="store.csv"):
    """`bench/gen-contacts.py`: fictional people at .example addresses, every address unique."""
    path = k.folder / name
    subprocess.run([sys.executable, str(ROOT / "bench" / "gen-contacts.py"), str(rows), str(path)], check=True)
    return path


@pytest.fixture
def office(k):
    k.run("init")
    for user in (SECRETARIAT, COLLEAGUE):
        k.run("users", "add", user, "--role", "sekretariat", "--password-stdin", input=PASSWORD + "\n")
    return k


def login(w, username):
    _, csrf = w.form("/admin/login")
    status, headers, page = organiser_request(w, "/admin/login", {"csrf": csrf, "username": username, "password": PASSWORD})
    assert status == 303, page
    return cookie_of(headers)


def get(w, path, cookie):
    status, _, body = organiser_request(w, path, cookie=cookie)
    return status, body


def status_of(w, job, cookie):
    status, body = get(w, f"/admin/kontakter/import/{job}/status.json", cookie)
    assert status == 200, body
    return json.loads(body)


def wait_state(w, job, cookie, states, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        current = status_of(w, job, cookie)
        if current["state"] in states:
            return current
        time.sleep(0.05)
    raise AssertionError(f"job {job} never reached {states}: {current}")


def upload(w, cookie, path):
    """The raw file as the body, the choices in the query (as a script would send it)."""
    _, page = get(w, "/admin/kontakter/import", cookie)
    csrf = csrf_for(page, "/admin/kontakter/import")
    query = urllib.parse.urlencode({"csrf": csrf, "fil": path.name, "liste": "Store liste"})
    req = urllib.request.Request(w.base + "/admin/kontakter/import?" + query, data=path.read_bytes(), method="POST",
                                 headers={"Cookie": cookie, "Content-Type": "text/csv"})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    try:
        urllib.request.build_opener(NoRedirect).open(req, timeout=60)
        raise AssertionError("the upload did not redirect to its job")
    except urllib.error.HTTPError as answer:
        assert answer.code == 303, answer.read().decode()
        return answer.headers["Location"].rsplit("/", 1)[1]


def apply_all(w, job, cookie):
    _, page = get(w, f"/admin/kontakter/import/{job}", cookie)
    path = f"/admin/kontakter/import/{job}/anvend"
    status, _, body = organiser_request(w, path, {"csrf": csrf_for(page, path), "mode": "alle"}, cookie=cookie)
    assert status == 303, body


def jobs(k):
    return k.json("contacts", "import-jobs")


def count(k):
    return len(k.json("contacts", "list"))


def test_kill_9_mid_import_then_restart_finishes_with_the_exact_count(office):
    k = office
    csv = generate(k)
    w = Web(k)
    try:
        cookie = login(w, SECRETARIAT)
        job = upload(w, cookie, csv)
        preview = wait_state(w, job, cookie, {"previewed"})
        assert preview["recordsTotal"] == ROWS
        apply_all(w, job, cookie)
        # Somewhere in the middle: at least one chunk committed, far from the end.
        deadline = time.time() + 120
        while True:
            done = status_of(w, job, cookie)["recordsDone"]
            if 0 < done < ROWS // 2 or time.time() > deadline:
                break
            time.sleep(0.02)
        assert 0 < done < ROWS, done
    finally:
        w.process.kill()  # SIGKILL: no shutdown handler runs
        w.process.wait(timeout=10)
    [stored] = jobs(k)
    assert stored["state"] == "running" and 0 < stored["recordsDone"] < ROWS
    # Every committed chunk is in the database with its progress, and nothing more.
    assert count(k) == stored["recordsDone"] == stored["new"], stored
    assert stored["recordsDone"] % 2000 == 0

    # The restarted server takes the job over and continues after the last committed chunk.
    w = Web(k)
    try:
        cookie = login(w, SECRETARIAT)
        final = wait_state(w, job, cookie, {"done", "failed"})
        assert final["state"] == "done", final
        _, page = get(w, f"/admin/kontakter/import/{job}", cookie)
        assert "100.000 nye, 0 opdateret, 0 uændrede" in page
    finally:
        w.stop()
    [finished] = jobs(k)
    assert (finished["new"], finished["updated"], finished["unchanged"], finished["rejected"]) == (ROWS, 0, 0, 0)
    assert finished["longestWriteMs"] > 0 and finished["chunks"] >= ROWS // 2000
    listed = k.json("contacts", "list", "--list", "Store liste")
    assert len(listed) == ROWS and len({c["email"].lower() for c in listed}) == ROWS
    assert count(k) == ROWS
