"""Running Kampagne for real: backup while serving and sending, restore and its refusals,
the upgrade backup, /healthz, doctor, the systemd unit and JSON log lines."""
import concurrent.futures
import json
import os
import pwd
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import BIN, ROOT, Kampagne
from test_delivery import setup_campaign
from test_web import Web, create, meeting, web  # noqa: F401 (the fixture)


def integrity(path):
    """PRAGMA integrity_check, less SQLite 3.40.1's false "NULL value in T.C" lines for WITHOUT
    ROWID tables (kept when the column really holds a NULL)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        found = []
        for (line,) in db.execute("PRAGMA integrity_check").fetchall():
            if line.startswith("NULL value in "):
                table, column = line[len("NULL value in "):].split(".")
                if db.execute(f'SELECT count(*) FROM "{table}" WHERE typeof("{column}") = \'null\'').fetchone()[0] == 0:
                    continue
            found.append((line,))
        return found or [("ok",)]
    finally:
        db.close()


def query(path, sql):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def healthz(w):
    try:
        with urllib.request.urlopen(w.base + "/healthz", timeout=10) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def test_backup_during_200_sign_ups_and_a_send_restores_consistent(k, smtp, tmp_path):
    server = smtp()
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=1500, connections=2)
    _, public = create(k, meeting(capacity=300))
    queued = k.json("newsletter", "send", edition, "--list", "Nyhedsbrev", "--queue-only")
    assert queued["queued"] == 1500
    w = Web(k, scheduler=True)
    try:
        _, csrf = w.form(f"/moede/{public}")
        backups, done = [], threading.Event()

        def back_up():
            while not done.is_set() or len(backups) < 2:
                target = k.folder / f"kopi-{len(backups)}.sqlite"
                result = json.loads(k.run("backup", target, "--json").stdout)
                backups.append(result)

        def post(i):
            return w.request(f"/moede/{public}", {"csrf": csrf, "name": f"Deltager {i}", "email": f"d{i:03d}@kommune.example"})

        backer = threading.Thread(target=back_up)
        backer.start()
        with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
            results = list(pool.map(post, range(200)))
        done.set()
        backer.join(timeout=60)
        assert all(status == 200 for status, _, _ in results)
        sent_during = len(server.messages())
    finally:
        w.stop()
    assert len(backups) >= 2
    print("backups under load:", [(b["bytes"], round(b["seconds"], 3)) for b in backups], "sent meanwhile:", sent_during)
    assert 0 < sent_during, "the send ran while the backups were taken"
    for result in backups:
        assert result["integrity"] == "ok" and result["bytes"] > 0 and result["seconds"] < 30
        assert Path(result["config"]).read_text() == (k.folder / "kampagne.toml").read_text()
        assert oct(os.stat(result["file"]).st_mode & 0o777) == "0o600", "the copy holds the installation secret"
        # Restored into a fresh installation: intact, and every registration with its confirmation.
        fresh = Kampagne(Path(tempfile.mkdtemp(dir=tmp_path)))
        fresh.run("restore", result["file"], "--yes")
        db = fresh.folder / "kampagne.sqlite"
        assert integrity(db) == [("ok",)]
        registrations = query(db, "SELECT id, revision FROM registration")
        confirmations = {key for (key,) in query(db, "SELECT noticeKey FROM outbox WHERE noticeKey LIKE 'confirmation:%'")}
        assert all(f"confirmation:{rid}:{rev}" in confirmations for rid, rev in registrations)
        assert len(confirmations) == len(registrations)
        # The newsletter's 1,500 rows were queued in one transaction: all there, each in one state.
        states = dict(query(db, "SELECT state, count(*) FROM outbox o JOIN campaign c ON c.id = o.campaignId "
                                "WHERE c.editionId IS NOT NULL GROUP BY state"))
        assert sum(states.values()) == 1500 and set(states) <= {"queued", "sending", "sent", "deferred"}
    counts = [len(query(Path(b["file"]), "SELECT id FROM registration")) for b in backups]
    assert counts == sorted(counts), "later backups hold at least as many sign-ups"
    assert len(query(k.folder / "kampagne.sqlite", "SELECT id FROM registration")) == 200


def backup(k, name="kopi.sqlite"):
    return json.loads(k.run("backup", name, "--json").stdout)


def test_restore_refuses_damaged_newer_and_while_serving(k, web, tmp_path):
    create(k, meeting())
    copy = backup(k)["file"]
    before = (k.folder / "kampagne.sqlite").stat().st_size

    assert Path(copy).is_absolute()
    truncated = tmp_path / "afkortet.sqlite"
    data = Path(copy).read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    result = k.run("restore", truncated, "--yes", check=False)
    assert result.returncode != 0 and "afkortet" in result.stderr

    not_sqlite = k.write("noter.sqlite", "E-mail;Navn\nx@kommune.example;X\n")
    result = k.run("restore", not_sqlite, "--yes", check=False)
    assert result.returncode != 0 and "ikke en SQLite-database" in result.stderr

    # A file of the right length with the meeting table's root page overwritten: integrity_check finds it.
    damaged = bytearray(data)
    page = int.from_bytes(data[16:18], "big")
    (root,) = query(Path(copy), "SELECT rootpage FROM sqlite_schema WHERE name = 'event'")[0]
    damaged[(root - 1) * page:(root - 1) * page + 12] = b"\xff" * 12
    (tmp_path / "skadet.sqlite").write_bytes(bytes(damaged))
    result = k.run("restore", tmp_path / "skadet.sqlite", "--yes", check=False)
    assert result.returncode != 0 and ("beskadiget" in result.stderr or "kan ikke læses" in result.stderr), result.stderr

    newer = tmp_path / "nyere.sqlite"
    shutil.copy(copy, newer)
    with sqlite3.connect(newer) as db:
        db.execute("INSERT INTO grdb_migrations VALUES ('v99-fremtid')")
    result = k.run("restore", newer, "--yes", check=False)
    assert result.returncode != 0 and "nyere version af Kampagne" in result.stderr and "v99-fremtid" in result.stderr

    w = web()
    result = k.run("restore", copy, "--yes", check=False)
    assert result.returncode != 0 and "serve kører" in result.stderr
    w.stop()
    assert (k.folder / "kampagne.sqlite").stat().st_size >= before, "nothing was replaced"
    assert k.json("events", "list")


def test_restore_shows_counts_keeps_the_replaced_file_and_drops_stale_wal(k):
    k.run("init")
    k.write("a.csv", "E-mail;Fornavn\nanne@kommune.example;Anne\nbo@kommune.example;Bo\n")
    k.run("contacts", "import", "a.csv", "--list", "Nyhedsbrev")
    copy = backup(k)["file"]
    k.write("b.csv", "E-mail;Fornavn\ncarl@kommune.example;Carl\n")
    k.run("contacts", "import", "b.csv", "--list", "Nyhedsbrev")
    no = k.run("restore", copy, check=False, input="nej\n")
    assert no.returncode != 0 and len(k.json("contacts", "list")) == 3
    # A -wal beside the live database (committed frames not yet in the main file) must be
    # folded into the copy kept aside, and never replayed onto the restored file.
    live = k.folder / "kampagne.sqlite"
    db = sqlite3.connect(live)
    db.execute("PRAGMA wal_autocheckpoint = 0")
    db.execute("INSERT INTO setting VALUES ('test.stale', 'fra den gamle -wal')")
    db.commit()
    wal = live.with_name("kampagne.sqlite-wal").read_bytes()
    assert len(wal) > 0
    db.close()
    live.with_name("kampagne.sqlite-wal").write_bytes(wal)
    result = k.run("restore", copy, "--yes")
    assert "2 kontakter" in result.stderr and "3 kontakter" in result.stderr
    assert query(live, "SELECT count(*) FROM setting WHERE key = 'test.stale'") == [(0,)]
    kept = list(k.folder.glob("kampagne.sqlite.replaced-*"))
    assert len(kept) == 1 and len(query(kept[0], "SELECT id FROM contact")) == 3
    assert query(kept[0], "SELECT value FROM setting WHERE key = 'test.stale'") == [("fra den gamle -wal",)]
    assert integrity(live) == [("ok",)]
    assert sorted(c["email"] for c in k.json("contacts", "list")) == ["anne@kommune.example", "bo@kommune.example"]


def test_newer_schema_is_refused_in_danish(k):
    k.run("init")
    with sqlite3.connect(k.folder / "kampagne.sqlite") as db:
        db.execute("INSERT INTO grdb_migrations VALUES ('v99-fremtid')")
    result = k.run("contacts", "list", check=False)
    assert result.returncode != 0 and "nyere version af Kampagne" in result.stderr
    assert query(k.folder / "kampagne.sqlite", "SELECT count(*) FROM grdb_migrations WHERE identifier = 'v99-fremtid'") == [(1,)]
    version = k.json("version")
    assert version["databaseSchema"]["status"] == "newer" and version["databaseSchema"]["unknown"] == ["v99-fremtid"]


def test_old_schema_fixture_is_backed_up_before_it_is_migrated(k):
    k.run("init")
    shutil.copy(ROOT / "Tests" / "KampagneTests" / "Fixtures" / "schema-v1.sqlite", k.folder / "kampagne.sqlite")
    for suffix in ("-wal", "-shm"):
        (k.folder / f"kampagne.sqlite{suffix}").unlink(missing_ok=True)
    before = k.json("version")
    assert before["databaseSchema"]["status"] == "older" and before["databaseSchema"]["version"] == "v1-contacts"
    assert before["knownSchema"] == before["knownMigrations"][-1] and before["binary"]
    result = k.run("contacts", "list", "--json")
    assert "opgraderet fra skema v1-contacts" in result.stderr
    copies = list((k.folder / "backups").glob("kampagne-upgrade-from-v1-contacts-*.sqlite"))
    assert len(copies) == 1
    assert query(copies[0], "SELECT identifier FROM grdb_migrations") == [("v1-contacts",)]
    assert len(query(copies[0], "SELECT id FROM contact")) == len(json.loads(result.stdout)) == 3
    assert k.json("version")["databaseSchema"]["status"] == "current"
    k.run("contacts", "list")
    assert len(list((k.folder / "backups").glob("*.sqlite"))) == 1, "a current database is not backed up again"


def test_healthz_reports_a_stuck_outbox(k, web):
    k.run("init")
    toml = (k.folder / "kampagne.toml").read_text() + '\n[health]\noutbox_stuck_after = "2s"\n'
    (k.folder / "kampagne.toml").write_text(toml)
    k.write("a.csv", "E-mail;Fornavn\nanne@kommune.example;Anne\nbo@kommune.example;Bo\n")
    k.run("contacts", "import", "a.csv", "--list", "Nyhedsbrev")
    edition = k.run("newsletter", "create", ROOT / "examples" / "nyhedsbrev-nr-14.md").stdout.strip()
    w = web()
    status, headers, report = healthz(w)
    assert status == 200 and report["healthy"] and report["databaseReachable"] and report["outboxDue"] == 0
    assert report["schemaVersion"] == report["knownSchemaVersion"] and report["bouncesLastRunAt"] is None
    k.run("newsletter", "send", edition, "--list", "Nyhedsbrev", "--queue-only")
    time.sleep(3)
    status, headers, report = healthz(w)
    assert status == 503 and report["outboxStuck"] and not report["healthy"]
    assert report["outboxDue"] == 2 and report["outboxOldestDueSeconds"] >= 2
    assert headers["Content-Type"].startswith("application/json")
    raw = json.dumps(report)
    assert "@" not in raw and "Anne" not in raw, "no personal data"
    w.stop()
    # With the scheduler the outbox drains and its run is recorded.
    w = web(scheduler=True)
    deadline = time.time() + 15
    while time.time() < deadline:
        status, _, report = healthz(w)
        if status == 200 and report["schedulerLastRunAt"]:
            break
        time.sleep(0.3)
    assert status == 200 and report["outboxDue"] == 0 and report["schedulerLastRunAt"], report


def test_scheduler_makes_the_daily_backup_once(k, web):
    k.run("init")
    toml = (k.folder / "kampagne.toml").read_text().replace('# daily_at = "03:15"', 'daily_at = "00:00"')
    (k.folder / "kampagne.toml").write_text(toml)
    w = web(scheduler=True)
    deadline = time.time() + 15
    while time.time() < deadline and not list((k.folder / "backups").glob("kampagne-2*.sqlite")):
        time.sleep(0.3)
    time.sleep(2.5)
    status, _, report = healthz(w)
    w.stop()
    copies = list((k.folder / "backups").glob("kampagne-2*.sqlite"))
    assert len(copies) == 1, "one backup a day, however many ticks"
    assert copies[0].with_suffix(".toml").exists() and integrity(copies[0]) == [("ok",)]
    assert report["backupLastRunAt"]


def smtp_doctor_setup(k, server, password_file):
    k.run("init")
    toml = (k.folder / "kampagne.toml").read_text().replace('path = "Templates"', f'path = "{ROOT / "Templates"}"')
    toml = toml.replace('base_url = "http://localhost:8080"', 'base_url = "https://kampagne.partnerskab.example"')
    toml += (f'\n[smtp]\nurl = "smtp://127.0.0.1:{server.port}"\nstarttls = "off"\nusername = "sekretariat"\n'
             f'password_file = "{password_file}"\n')
    (k.folder / "kampagne.toml").write_text(toml)


def doctor(k):
    result = k.run("doctor", "--json", check=False)
    report = json.loads(result.stdout)
    return result.returncode, {c["check"]: c for c in report["checks"]}


def test_doctor_names_a_wrong_smtp_password_and_a_readable_password_file(k, smtp):
    server = smtp(auth="sekretariat:hemmeligt")
    secret = k.write("smtp-password", "forkert\n")
    os.chmod(secret, 0o600)
    smtp_doctor_setup(k, server, secret)
    code, checks = doctor(k)
    assert code != 0 and checks["smtp.login"]["level"] == "error"
    assert "afviste login" in checks["smtp.login"]["message"] and "forkert brugernavn eller adgangskode" in checks["smtp.login"]["message"]
    assert checks["smtp.password_file"]["level"] == "ok"

    secret.write_text("hemmeligt\n")
    os.chmod(secret, 0o644)
    code, checks = doctor(k)
    assert code == 0, checks
    assert checks["smtp.login"]["level"] == "ok" and "lykkedes" in checks["smtp.login"]["message"]
    assert checks["smtp.password_file"]["level"] == "warning" and "chmod 600" in checks["smtp.password_file"]["message"]
    assert checks["web.base_url"]["level"] == "ok" and checks["templates"]["level"] == "ok"
    assert server.messages() == [], "the login check sends nothing"
    text = k.run("doctor", check=False).stdout
    assert "smtp.login" in text and "Ingen fejl" in text


def test_doctor_names_an_unreadable_password_file_and_a_plain_http_address(k, smtp, tmp_path):
    server = smtp(auth="sekretariat:hemmeligt")
    # Root reads any file: the check runs as an unprivileged user in a folder of its own.
    folder = Path(tempfile.mkdtemp(prefix="kampagne-doctor-"))
    try:
        os.chmod(folder, 0o755)
        user = Kampagne(folder)
        secret = folder / "smtp-password"
        smtp_doctor_setup(user, server, secret)
        secret.write_text("hemmeligt\n")
        toml = (folder / "kampagne.toml").read_text().replace("https://kampagne.partnerskab.example", "http://kampagne.partnerskab.example")
        (folder / "kampagne.toml").write_text(toml)
        command = [BIN, "doctor", "--json"]
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            for path in [folder, *folder.iterdir()]:
                os.chown(path, nobody.pw_uid, nobody.pw_gid)
            command = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups", *command]
        os.chmod(secret, 0o000)
        result = subprocess.run(command, cwd=folder, env=user.env, capture_output=True, text=True, timeout=60)
        assert result.returncode != 0, result.stderr
        checks = {c["check"]: c for c in json.loads(result.stdout)["checks"]}
        assert checks["smtp.password_file"]["level"] == "error"
        assert "kan ikke læses" in checks["smtp.password_file"]["message"] and str(secret) in checks["smtp.password_file"]["message"]
        assert checks["smtp.login"]["level"] == "error" and "ikke prøvet" in checks["smtp.login"]["message"]
        assert checks["web.base_url"]["level"] == "error" and "https" in checks["web.base_url"]["message"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_systemd_unit_verifies(tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed (make deps installs the systemd package)")
    unit = (ROOT / "contrib" / "kampagne.service").read_text()
    assert "/usr/local/bin/kampagne serve" in unit
    # verify checks that ExecStart exists: point it at the binary under test.
    (tmp_path / "kampagne.service").write_text(unit.replace("/usr/local/bin/kampagne", str(Path(BIN).resolve())))
    result = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "kampagne.service")], capture_output=True, text=True,
                            cwd=tmp_path)
    assert result.returncode == 0 and "kampagne.service" not in result.stdout + result.stderr, result.stdout + result.stderr
    security = subprocess.run(["systemd-analyze", "security", "--offline=yes", str(tmp_path / "kampagne.service")],
                              capture_output=True, text=True, cwd=tmp_path)
    exposure = float(security.stdout.split("Overall exposure level for kampagne.service:")[1].split()[0])
    assert exposure < 2.0, security.stdout[-2000:]
    for option in ("NoNewPrivileges=yes", "ProtectSystem=strict", "StateDirectory=kampagne", "Restart=on-failure",
                   "SystemCallFilter=@system-service", "ReadWritePaths=/var/lib/kampagne"):
        assert option in unit


def test_json_log_lines(k):
    k.run("init")
    k.env.update({"KAMPAGNE_LOG_FORMAT": "json", "KAMPAGNE_LOG": "info"})
    result = k.run("backup", "kopi.sqlite")
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    written = [line for line in lines if line["label"] == "kampagne.backup" and line["message"] == "backup written"]
    assert len(written) == 1
    assert int(written[0]["metadata"]["bytes"]) == (k.folder / "kopi.sqlite").stat().st_size
    assert written[0]["level"] == "info" and written[0]["ts"].endswith("Z")
