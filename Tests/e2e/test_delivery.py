"""Delivery end to end: the built binary, a real SMTP server process, Python's email parser."""
import collections
import os
import signal
import sqlite3
import subprocess
import time

import pytest

from conftest import BIN, ROOT

DANISH = [("Søren", "Ærbøl"), ("Åse", "Østergaard"), ("Jens Peter", "Hansen"), ("Mette", "Ågesen"),
          ("Øjvind", "Aagaard"), ("Anne-Marie", "Lund")]


def setup_campaign(k, smtp_url, n=30, extra="", starttls="off", connections=2):
    k.run("init")
    toml = (k.folder / "kampagne.toml").read_text()
    toml = toml.replace('[delivery]\n# Ventetider efter et midlertidigt afslag (4xx), og hvornår der gives op.\nretry = "1m, 5m, 15m, 1h, 4h"',
                        '[delivery]\nretry = "0s"')
    toml = toml.replace('path = "Templates"', f'path = "{ROOT / "Templates"}"')
    toml += f'\n[smtp]\nurl = "{smtp_url}"\nstarttls = "{starttls}"\nconnections = {connections}\n{extra}\n'
    (k.folder / "kampagne.toml").write_text(toml)
    rows = ["E-mail;Fornavn;Efternavn;Kommune"]
    for i in range(n):
        first, last = DANISH[i % len(DANISH)]
        rows.append(f"modtager{i:04d}@kommune.example;{first};{last};Odense")
    k.write("modtagere.csv", "\n".join(rows) + "\n")
    k.run("contacts", "import", "modtagere.csv", "--list", "Nyhedsbrev")
    edition = k.run("newsletter", "create", ROOT / "examples" / "nyhedsbrev-nr-14.md").stdout.strip()
    return edition


def expected_subject():
    for line in (ROOT / "examples" / "nyhedsbrev-nr-14.md").read_text().splitlines():
        if line.startswith("subject:"):
            return line.split(":", 1)[1].strip()


def test_full_campaign_arrives_intact(k, smtp):
    server = smtp()
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=30)
    result = k.json("newsletter", "send", edition, "--list", "Nyhedsbrev")
    assert result["dispatch"]["sent"] == 30 and result["dispatch"]["failed"] == 0
    messages = server.messages()
    assert len(messages) == 30
    subject = expected_subject()
    ids = set()
    for m in messages:
        assert m["Subject"] == subject
        rcpt = m["X-Test-Rcpt"]
        number = int(rcpt[len("modtager"):len("modtager") + 4])
        first, last = DANISH[number % len(DANISH)]
        assert m["To"].addresses[0].display_name == f"{first} {last}"
        assert m["To"].addresses[0].addr_spec == rcpt
        assert m["From"].addresses[0].display_name == "Partnerskabets sekretariat"
        text = m.get_body(("plain",)).get_content()
        html = m.get_body(("html",)).get_content()
        assert f"Kære {first}" in text and f"Kære {first}" in html
        assert "Birgitte Østergaard" in text and "temamøder" in html
        assert m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "/afmeld/" in m["List-Unsubscribe"] and "mailto:" in m["List-Unsubscribe"]
        assert m["Date"].datetime is not None
        assert m["MIME-Version"] == "1.0"
        ids.add(m["Message-ID"])
        assert not m.defects, m.defects
    assert len(ids) == 30
    status = k.json("outbox", "status")[0]
    assert status["sent"] == 30 and status["queued"] == 0


def test_rows_queued_before_the_send_columns_still_send_personalised(k, smtp):
    """v12-send-columns: a row queued by an older build has its recipient only as JSON and
    NULL columns; it must send exactly as a new row does (greeting, To name, List-Id)."""
    server = smtp()
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=6)
    k.run("newsletter", "send", edition, "--list", "Nyhedsbrev", "--queue-only")
    db = sqlite3.connect(k.folder / "kampagne.sqlite")
    with db:
        stored = db.execute("SELECT count(*) FROM outbox WHERE recipient = '{}' AND recipientFirstName IS NOT NULL").fetchone()[0]
        assert stored == 6, "new rows carry the snapshot in the columns"
        # Half the rows as an older build wrote them.
        db.execute("""UPDATE outbox SET recipient = json_object('firstName', recipientFirstName, 'lastName', recipientLastName,
                          'organisation', recipientOrganisation, 'municipality', recipientMunicipality, 'list', recipientList),
                      recipientFirstName = NULL, recipientLastName = NULL, recipientOrganisation = NULL,
                      recipientMunicipality = NULL, recipientList = NULL WHERE id % 2 = 0""")
    db.close()
    k.run("outbox", "run")
    messages = server.messages()
    assert len(messages) == 6
    for m in messages:
        number = int(m["X-Test-Rcpt"][len("modtager"):len("modtager") + 4])
        first, last = DANISH[number % len(DANISH)]
        assert m["To"].addresses[0].display_name == f"{first} {last}"
        assert f"Kære {first}" in m.get_body(("plain",)).get_content()
        assert m["List-Id"].startswith("Nyhedsbrev <nyhedsbrev.")
    assert k.json("outbox", "status")[0]["sent"] == 6


def test_starttls_with_self_signed_certificate(k, smtp, tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    server = smtp(cert=cert, key=key, require_tls=True)
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=5, starttls="required",
                             extra=f'ca_file = "{cert}"')
    result = k.json("newsletter", "send", edition, "--list", "Nyhedsbrev")
    assert result["dispatch"]["sent"] == 5
    assert len(server.messages()) == 5


def make_certificate(folder):
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    return cert, key


def test_smtps_implicit_tls(k, smtp, tmp_path):
    cert, key = make_certificate(tmp_path)
    server = smtp(cert=cert, key=key, implicit_tls=True)
    edition = setup_campaign(k, f"smtps://127.0.0.1:{server.port}", n=3, extra=f'ca_file = "{cert}"')
    assert k.json("newsletter", "send", edition, "--list", "Nyhedsbrev")["dispatch"]["sent"] == 3
    assert len(server.messages()) == 3


def test_untrusted_certificate_is_refused(k, smtp, tmp_path):
    cert, key = make_certificate(tmp_path)
    server = smtp(cert=cert, key=key, require_tls=True)
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=2, starttls="required")
    result = k.run("newsletter", "send", edition, "--list", "Nyhedsbrev", check=False)
    assert result.returncode == 3 and "certifikat kan ikke godkendes" in result.stdout
    assert server.messages() == []


def test_ctrl_c_pauses_cleanly(k, smtp):
    server = smtp()
    n = 200
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=n, connections=2)
    server.set_rules(delay=0.01)
    process = subprocess.Popen([BIN, "newsletter", "send", edition, "--list", "Nyhedsbrev"], cwd=k.folder, env=k.env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while len(list(server.store.glob("*.eml"))) < 30 and time.time() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 3
    assert "Ctrl-C" in out
    status = k.json("outbox", "status")[0]
    accepted = len(server.messages())
    assert status["sending"] == 0, "nothing is left half-way"
    assert status["sent"] == accepted < n
    assert status["sent"] + status["queued"] == n
    server.set_rules()
    assert k.json("outbox", "run")["dispatch"]["recoveredInFlight"] == 0
    assert len(server.messages()) == n


def test_starttls_required_but_not_offered_sends_nothing(k, smtp):
    server = smtp()
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=3, starttls="required")
    result = k.run("newsletter", "send", edition, "--list", "Nyhedsbrev", check=False)
    assert result.returncode == 3
    assert "tilbyder ikke kryptering (STARTTLS)" in result.stdout
    assert server.messages() == []
    assert k.json("outbox", "status")[0]["sent"] == 0


def test_auth_password_from_environment(k, smtp, tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    server = smtp(cert=cert, key=key, require_tls=True, auth="sekretariat:hemmeligt")
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=4, starttls="required",
                             extra=f'ca_file = "{cert}"\nusername = "sekretariat"\npassword_env = "TEST_SMTP_PASSWORD"')
    missing = k.run("newsletter", "send", edition, "--list", "Nyhedsbrev", check=False)
    assert missing.returncode != 0 and "TEST_SMTP_PASSWORD" in missing.stderr
    assert k.json("outbox", "status") == [], "a configuration error queues nothing"
    k.env["TEST_SMTP_PASSWORD"] = "forkert"
    wrong = k.run("newsletter", "send", edition, "--list", "Nyhedsbrev", check=False)
    assert wrong.returncode == 3 and "afviste login" in wrong.stdout
    assert server.messages() == []
    status = k.json("outbox", "status")[0]
    assert status["failed"] == 0 and status["queued"] + status["deferred"] == 4, "a refused login fails no recipient"
    k.env["TEST_SMTP_PASSWORD"] = "hemmeligt"
    k.run("outbox", "run")
    assert len(server.messages()) == 4
    assert "hemmeligt" not in (k.folder / "kampagne.sqlite").read_bytes().decode("latin-1")


def test_xoauth2_bearer_token_from_file(k, smtp, tmp_path):
    cert, key = make_certificate(tmp_path)
    server = smtp(cert=cert, key=key, require_tls=True, auth="sekretariat@partnerskab.example:token-123")
    (k.folder / "token").write_text("token-123\n")
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=3, starttls="required",
                             extra=f'ca_file = "{cert}"\nusername = "sekretariat@partnerskab.example"\noauth2_token_file = "token"')
    assert k.json("newsletter", "send", edition, "--list", "Nyhedsbrev")["dispatch"]["sent"] == 3
    assert len(server.messages()) == 3


def test_432_too_many_connections_closes_one(k, smtp):
    server = smtp()
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=30, connections=3)
    server.set_rules(rcpt={"modtager0004@kommune.example": "432 4.3.2 Concurrent connections limit exceeded"})
    result = k.json("newsletter", "send", edition, "--list", "Nyhedsbrev")["dispatch"]
    assert result["connectionsClosed"] == 1
    assert result["sent"] == 29 and result["deferred"] == 1
    server.set_rules()
    assert k.json("outbox", "run")["dispatch"]["sent"] == 1


def test_gives_up_after_the_retry_period(k, smtp):
    server = smtp()
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=2)
    toml = (k.folder / "kampagne.toml").read_text().replace('give_up_after = "3d"', 'give_up_after = "0s"')
    (k.folder / "kampagne.toml").write_text(toml)
    server.set_rules(rcpt={"modtager0001@kommune.example": "451 4.7.1 Greylisted"})
    result = k.json("newsletter", "send", edition, "--list", "Nyhedsbrev")["dispatch"]
    assert result["sent"] == 1 and result["failed"] == 1 and result["deferred"] == 0
    assert k.json("contacts", "show", "modtager0001@kommune.example")["suppressed"] is False


def test_a_template_error_queues_nothing(k, smtp):
    server = smtp()
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=3)
    broken = k.folder / "T"
    broken.mkdir()
    for template in (ROOT / "Templates").glob("*.mustache"):
        (broken / template.name).write_text(template.read_text())
    (broken / "nyhedsbrev.html.mustache").write_text("{{#articles}}\nslutter aldrig\n")
    toml = (k.folder / "kampagne.toml").read_text().replace(f'path = "{ROOT / "Templates"}"', f'path = "{broken}"')
    (k.folder / "kampagne.toml").write_text(toml)
    for command in (["newsletter", "send", edition, "--list", "Nyhedsbrev"], ["newsletter", "test", edition, "--to", "t@x.example"]):
        result = k.run(*command, check=False)
        assert result.returncode == 1 and "nyhedsbrev.html.mustache:3" in result.stderr
    assert k.json("outbox", "status") == []
    assert server.messages() == []


def test_temporary_failure_then_success(k, smtp):
    server = smtp()
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=6)
    server.set_rules(rcpt={"modtager0002@kommune.example": "451 4.7.1 Try again later"})
    result = k.json("newsletter", "send", edition, "--list", "Nyhedsbrev")
    assert result["dispatch"]["sent"] == 5 and result["dispatch"]["deferred"] == 1
    assert k.json("outbox", "status")[0]["deferred"] == 1
    server.set_rules()
    again = k.json("outbox", "run")
    assert again["dispatch"]["sent"] == 1
    rcpts = [m["X-Test-Rcpt"] for m in server.messages()]
    assert sorted(rcpts) == sorted(f"modtager{i:04d}@kommune.example" for i in range(6))


def test_permanent_failure_suppresses_unknown_user(k, smtp):
    server = smtp()
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=5)
    server.set_rules(rcpt={"modtager0001@kommune.example": "550 5.1.1 <modtager0001@kommune.example>: User unknown",
                           "modtager0003@kommune.example": "554 5.7.1 Rejected for policy reasons"})
    result = k.json("newsletter", "send", edition, "--list", "Nyhedsbrev")
    assert result["dispatch"]["failed"] == 2 and result["dispatch"]["hardBounces"] == 1
    assert k.json("contacts", "show", "modtager0001@kommune.example")["suppressed"] is True
    assert k.json("contacts", "show", "modtager0003@kommune.example")["suppressed"] is False
    second = k.json("newsletter", "send", edition, "--list", "Nyhedsbrev", "--send-again")
    assert second["campaign"]["suppressed"] == 1
    assert second["campaign"]["queued"] == 4


def test_server_dies_mid_send_and_resume_delivers_everyone(k, smtp):
    server = smtp()
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=60, connections=2)
    server.set_rules(die_after=20)
    first = k.run("newsletter", "send", edition, "--list", "Nyhedsbrev", check=False)
    assert first.returncode == 3
    assert not server.alive()
    status = k.json("outbox", "status")[0]
    assert status["sent"] == 20 and status["sent"] + status["queued"] + status["deferred"] == 60
    server.set_rules()
    server.start()
    k.run("outbox", "run")
    counts = collections.Counter(m["X-Test-Rcpt"] for m in server.messages())
    assert set(counts) == {f"modtager{i:04d}@kommune.example" for i in range(60)}
    assert sum(counts.values()) == 60, "a message the server refused by dying is not a duplicate"
    assert k.json("outbox", "status")[0]["sent"] == 60


def test_kill_9_mid_send_resumes_without_loss(k, smtp):
    server = smtp()
    connections = 3
    n = 300
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=n, connections=connections)
    server.set_rules(delay=0.01)
    process = subprocess.Popen([BIN, "newsletter", "send", edition, "--list", "Nyhedsbrev"], cwd=k.folder, env=k.env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while len(list(server.store.glob("*.eml"))) < 80 and time.time() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = len(list(server.store.glob("*.eml")))
    assert 80 <= killed_at < n, "the kill must land mid-send"
    server.set_rules()
    resumed = k.json("outbox", "run")
    assert resumed["dispatch"]["recoveredInFlight"] <= connections
    counts = collections.Counter(m["X-Test-Rcpt"] for m in server.messages())
    assert set(counts) == {f"modtager{i:04d}@kommune.example" for i in range(n)}, "nothing lost"
    duplicates = sum(counts.values()) - n
    print(f"kill -9 after {killed_at} accepted: {duplicates} sent twice (in flight), limit {connections}")
    assert duplicates <= connections
    assert k.json("outbox", "status")[0]["sent"] == n


def test_suppressed_before_dispatch_is_not_sent(k, smtp):
    server = smtp()
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=4)
    k.run("newsletter", "send", edition, "--list", "Nyhedsbrev", "--queue-only")
    k.run("contacts", "unsubscribe", "modtager0000@kommune.example")
    k.run("outbox", "run")
    rcpts = {m["X-Test-Rcpt"] for m in server.messages()}
    assert "modtager0000@kommune.example" not in rcpts and len(rcpts) == 3


def test_dry_run_estimates_time_under_limits(k, smtp):
    server = smtp()
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=40, extra='rate = "30/min"\ndaily_limit = "25/day"')
    dry = k.json("newsletter", "send", edition, "--list", "Nyhedsbrev", "--dry-run")
    assert dry["report"]["queued"] == 40
    assert dry["estimate"]["seconds"] == pytest.approx(80)
    assert dry["estimate"]["days"] == 2
    assert k.json("outbox", "status") == []
    human = k.run("newsletter", "send", edition, "--list", "Nyhedsbrev", "--dry-run").stdout
    assert "30 pr. minut" in human and "2 dage" in human


def test_rate_paces_the_sending(k, smtp):
    """Paced runs render each message when its turn comes, over all connections together."""
    server = smtp()
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=4, connections=2, extra='rate = "120/min"')
    result = k.json("newsletter", "send", edition, "--list", "Nyhedsbrev")["dispatch"]
    assert result["sent"] == 4
    assert result["seconds"] >= 1.4, "four messages at two a second take at least 1.5 s"
    arrivals = sorted(p.stat().st_mtime for p in server.store.glob("*.eml"))
    assert min(b - a for a, b in zip(arrivals, arrivals[1:])) >= 0.4


def test_daily_limit_stops_and_continues(k, smtp):
    server = smtp()
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=10, extra='daily_limit = "4/day"')
    first = k.run("newsletter", "send", edition, "--list", "Nyhedsbrev", check=False)
    assert first.returncode == 3 and "dagsgrænsen" in first.stdout
    assert len(server.messages()) == 4
    assert k.json("outbox", "status")[0]["queued"] == 6


def test_test_send_keeps_the_display_name(k, smtp):
    server = smtp()
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=1)
    k.run("newsletter", "test", edition, "--to", "Jens Ærbøl Hansen <jens@kommune.example>")
    message = server.messages()[0]
    assert message["To"].addresses[0].display_name == "Jens Ærbøl Hansen"
    assert "Kære Jens Ærbøl" in message.get_body(("plain",)).get_content()


def test_a_second_run_while_one_holds_the_outbox_waits_politely(k, smtp):
    import fcntl
    server = smtp()
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=3)
    k.run("newsletter", "send", edition, "--list", "Nyhedsbrev", "--queue-only")
    with open(k.folder / "kampagne.sqlite.dispatch.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = k.run("outbox", "run", check=False)
        assert result.returncode == 3 and "venter i udbakken" in result.stderr
        assert server.messages() == []
    k.run("outbox", "run")
    assert len(server.messages()) == 3
