"""The bounce mailbox end to end: mail first sent through the real SMTP test server, reports
about it written as postfix, Microsoft 365 and Gmail write them, put in a real dovecot's
Maildir, read by `kampagne bounces run` over IMAP (libcurl)."""
import json
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import BIN, ROOT
from imap_server import DOVECOT, Dovecot, Proxy

FIXTURES = ROOT / "Tests" / "KampagneTests" / "Fixtures" / "bounces"
DOMAIN = "partnerskab.example"

# Who gets which report, and where the address must end.
PEOPLE = {
    "ingen.findes@kommune-a.example": ("postfix-5.1.1.eml", "hard-bounce"),
    "forkert@kommune-b.example": ("exchange-5.1.10.eml", "hard-bounce"),
    "fuld.postkasse@kommune-c.example": ("gmail-5.2.2.eml", "failed"),
    "langsom@kommune-d.example": ("delayed-4.4.1.eml", "soft-bounce"),
    "ferie@kommune-e.example": ("out-of-office.eml", "auto-reply"),
    "klager@kommune-f.example": ("arf-complaint.eml", "complaint"),
    "afmelder@kommune-g.example": ("unsubscribe.eml", "unsubscribe"),
    "stor@kommune-h.example": ("exchange-5.1.10.eml", "hard-bounce"),
    "glad@kommune-i.example": (None, None),
}
SUPPRESSED = {"ingen.findes@kommune-a.example": "hard-bounce", "forkert@kommune-b.example": "hard-bounce",
              "klager@kommune-f.example": "complaint", "afmelder@kommune-g.example": "unsubscribed",
              "stor@kommune-h.example": "hard-bounce"}

pytestmark = pytest.mark.skipif(not (DOVECOT and __import__("os").path.exists(DOVECOT)),
                                reason="dovecot-imapd is not installed (make deps)")


@pytest.fixture
def dovecot():
    root = Path(tempfile.mkdtemp(prefix="kampagne-dovecot-"))
    server = Dovecot(root)
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


def send_newsletter(k, smtp_server, imap_port, soft_limit=2):
    k.run("init")
    toml = (k.folder / "kampagne.toml").read_text()
    toml = toml.replace('path = "Templates"', f'path = "{ROOT / "Templates"}"')
    toml += f"""
[smtp]
url = "smtp://127.0.0.1:{smtp_server.port}"
starttls = "off"

[bounces]
url = "imap://127.0.0.1:{imap_port}/INBOX"
starttls = "off"
username = "bounces@{DOMAIN}"
password_env = "TEST_IMAP_PASSWORD"
processed_folder = "Behandlet"
return_path = "bounce+{{token}}@{DOMAIN}"
unsubscribe_address = "afmeld+{{token}}@{DOMAIN}"
soft_limit = {soft_limit}
soft_window = 30
"""
    (k.folder / "kampagne.toml").write_text(toml)
    k.env["TEST_IMAP_PASSWORD"] = "hemmelig-imap"
    rows = ["E-mail;Fornavn;Efternavn;Kommune"] + [f"{a};Test;Person;Odense" for a in PEOPLE]
    k.write("modtagere.csv", "\n".join(rows) + "\n")
    k.run("contacts", "import", "modtagere.csv", "--list", "Nyhedsbrev")
    edition = k.run("newsletter", "create", ROOT / "examples" / "nyhedsbrev-nr-14.md").stdout.strip()
    result = k.json("newsletter", "send", edition, "--list", "Nyhedsbrev")
    assert result["dispatch"]["sent"] == len(PEOPLE)


def sent_by_address(smtp_server):
    out = {}
    for m in smtp_server.messages():
        out[m["X-Test-Rcpt"]] = m
    return out


# Reports that come back to the sender's address (no VERP): matched by X-Kampagne-Ref + Message-ID.
TO_SENDER = {"exchange-5.1.10.eml", "arf-complaint.eml"}


def report(name, sent, big=b"", rid=""):
    """A fixture filled in from the message Kampagne really sent."""
    text = (FIXTURES / name).read_text()
    mailto = re.search(r"<mailto:([^?>]+)", sent["List-Unsubscribe"]).group(1)
    bounce = f"sekretariat@{DOMAIN}" if name in TO_SENDER else sent["X-Test-Mail-From"]
    values = {"{{TO}}": sent["X-Test-Rcpt"], "{{MSGID}}": sent["Message-ID"].strip("<>"),
              "{{BOUNCE}}": bounce, "{{UNSUB}}": mailto, "{{SUBJECT}}": str(sent["Subject"]),
              "{{RID}}": rid, "{{REF_LINE}}": f"X-Kampagne-Ref: {sent['X-Kampagne-Ref']}\n", "{{BIG}}": ""}
    for key, value in values.items():
        text = text.replace(key, value)
    data = text.replace("\n", "\r\n").encode()
    if big:
        marker = b"Kaere modtager" if b"Kaere modtager" in data else "Kære modtager".encode()
        data = data.replace(marker, marker + b"\r\n" + big, 1)
    return data


def fill(dovecot, sent):
    for number, (address, (fixture, _)) in enumerate(PEOPLE.items()):
        if fixture is None:
            continue
        big = b""
        if address.startswith("stor@"):
            big = (b"Dette er en meget lang linje i en stor vedhaeftet mail, gentaget mange gange.\r\n" * 135_000)
        dovecot.deliver(report(fixture, sent[address], big=big, rid=f"{number}."))
    # A second delayed report for the same address: soft_limit = 2 suppresses it.
    dovecot.deliver(report("delayed-4.4.1.eml", sent["langsom@kommune-d.example"], rid="99."))
    dovecot.deliver((FIXTURES / "never-sent.eml").read_text().replace("{{RID}}", "").replace("\n", "\r\n").encode())
    dovecot.deliver((FIXTURES / "malformed.eml").read_text().replace("{{RID}}", "")
                    .replace("{{TO}}", "glad@kommune-i.example").replace("\n", "\r\n").encode())


def suppression(k, address):
    return json.loads(k.run("contacts", "export-person", address).stdout).get("suppression")


def test_reports_end_where_they_belong(k, smtp, dovecot):
    server = smtp()
    send_newsletter(k, server, dovecot.port)
    sent = sent_by_address(server)
    first = next(iter(sent.values()))
    assert first["X-Kampagne-Ref"].startswith("b.")
    assert first["X-Test-Mail-From"].startswith(f"bounce+{first['X-Kampagne-Ref']}@")
    assert f"<mailto:afmeld+u." in first["List-Unsubscribe"]
    fill(dovecot, sent)
    size = sum(p.stat().st_size for p in (dovecot.root / "Maildir" / "new").iterdir())
    assert size > 10_000_000

    # Dry run: classifies, changes nothing (no record, no suppression, no flag, no move).
    dry = k.json("bounces", "run", "--dry-run")
    assert dry["dryRun"] and dry["examined"] == 11
    assert dry["kinds"] == {"hard-bounce": 3, "failed": 1, "soft-bounce": 2, "auto-reply": 1, "complaint": 1,
                            "unsubscribe": 1, "unknown": 2}
    assert k.json("bounces", "list") == []
    assert all(suppression(k, a) is None for a in PEOPLE)
    assert len(dovecot.files()) == 11 and all(flags == "" for _, flags in dovecot.files())
    assert dovecot.files("Behandlet") == []

    started = time.monotonic()
    run = k.json("bounces", "run")
    elapsed = time.monotonic() - started
    print(f"bounce run: {run['examined']} messages (one of 10 MB) in {elapsed:.2f} s")
    assert run["stopped"] is None
    assert run["kinds"] == dry["kinds"]
    assert run["suppressed"] == 6 and run["left"] == 2
    by_email = {}
    for item in run["items"]:
        by_email.setdefault(item["email"], []).append(item)
    for address, (_, kind) in PEOPLE.items():
        if kind:
            assert {i["kind"] for i in by_email[address]} == {kind}, address
    # Each address ends where it belongs.
    expected = dict(SUPPRESSED, **{"langsom@kommune-d.example": "hard-bounce"})
    for address in PEOPLE:
        assert suppression(k, address) == expected.get(address), address
    # Handled mail moved to the processed folder; the two not understood stay, unread, tagged.
    assert len(dovecot.files("Behandlet")) == 9
    left = dovecot.files()
    assert len(left) == 2
    tag = dovecot.keywords()["$KampagneUnklar"]
    assert all("S" not in flags and tag in flags for _, flags in left)

    listing = k.json("bounces", "list")
    assert len(listing) == 11
    assert {e["outcome"] for e in listing} == {"suppressed", "counted", "ignored", "left"}
    soft = [e for e in listing if e["kind"] == "soft-bounce"]
    assert sorted(e["outcome"] for e in soft) == ["counted", "suppressed"]

    # The report counts late bounces and complaints per edition.
    period = ("--from", "1.1.2026", "--to", "31.12.2027")
    edition = k.json("report", *period)["newsletters"]["editions"][0]["delivery"]
    assert edition["messages"] == 9 and edition["lateBounced"] == 4
    assert edition["delivered"] == 5 and edition["bounced"] == 4
    assert edition["complaints"] == 1 and edition["complaintRate"] == 20.0 and edition["complaintRateHigh"]
    assert "20,00 % (for høj)" in k.run("report", *period).stdout

    # A second run changes nothing.
    again = k.json("bounces", "run")
    assert again["examined"] == 0 and again["kinds"] == {}
    assert len(k.json("bounces", "list")) == 11


def test_kill_9_and_dropped_connection_lose_nothing(k, smtp, dovecot):
    server = smtp()
    send_newsletter(k, server, dovecot.port)
    sent = sent_by_address(server)
    fill(dovecot, sent)

    # kill -9 while the run waits for the server to flag the 3rd message: its record is
    # committed, its flag is not.
    proxy = Proxy(dovecot.port, b"UID STORE", 5, "stall")
    toml = k.folder / "kampagne.toml"
    original = toml.read_text()
    toml.write_text(original.replace(f"127.0.0.1:{dovecot.port}/INBOX", f"127.0.0.1:{proxy.port}/INBOX"))
    process = subprocess.Popen([BIN, "bounces", "run", "--json"], cwd=k.folder, env=k.env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proxy.fired.wait(60), "the run never reached the stall"
    time.sleep(0.3)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    proxy.close()
    recorded = len(k.json("bounces", "list"))
    assert 1 <= recorded < 11
    toml.write_text(original)

    # The server drops the connection mid-fetch: the run stops with a Danish message.
    cutter = Proxy(dovecot.port, b"UID FETCH", 3, "cut", keep=300)
    toml.write_text(original.replace(f"127.0.0.1:{dovecot.port}/INBOX", f"127.0.0.1:{cutter.port}/INBOX"))
    cut = k.run("bounces", "run", "--json", check=False)
    cutter.close()
    assert cut.returncode != 0
    assert "Forbindelsen til IMAP-serveren blev afbrudt" in cut.stderr, cut.stderr
    summary = json.loads(cut.stdout)
    print("recorded before", recorded, "cut run", {k: summary[k] for k in ("examined", "alreadyRecorded", "kinds")})
    assert summary["stopped"] and summary["alreadyRecorded"] >= 1
    toml.write_text(original)

    # Run again: everything is there exactly once, nothing processed twice.
    k.json("bounces", "run")
    listing = k.json("bounces", "list")
    assert len(listing) == 11
    keys = [(e["uid"]) for e in listing]
    assert len(keys) == len(set(keys))
    assert len(dovecot.files("Behandlet")) == 9 and len(dovecot.files()) == 2
    for address, reason in SUPPRESSED.items():
        assert suppression(k, address) == reason, address
    assert suppression(k, "fuld.postkasse@kommune-c.example") is None
    assert k.json("bounces", "run")["examined"] == 0


def test_wrong_password_is_a_clear_danish_error(k, smtp, dovecot):
    server = smtp()
    send_newsletter(k, server, dovecot.port)
    # `kampagne doctor` logs in to the bounce mailbox too, and reads nothing.
    checks = {c["check"]: c for c in json.loads(k.run("doctor", "--json", check=False).stdout)["checks"]}
    assert checks["bounces.login"]["level"] == "ok" and "login i orden" in checks["bounces.login"]["message"]
    k.env["TEST_IMAP_PASSWORD"] = "forkert"
    result = k.run("doctor", "--json", check=False)
    checks = {c["check"]: c for c in json.loads(result.stdout)["checks"]}
    assert result.returncode != 0
    assert checks["bounces.login"]["level"] == "error" and "Postkassen afviste login" in checks["bounces.login"]["message"]
    result = k.run("bounces", "run", check=False)
    assert result.returncode != 0
    assert "Postkassen afviste login" in result.stderr
    del k.env["TEST_IMAP_PASSWORD"]
    result = k.run("bounces", "run", check=False)
    assert "TEST_IMAP_PASSWORD" in result.stderr and "ikke sat" in result.stderr
