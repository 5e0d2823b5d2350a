"""Delivery faults from issue 19, each against the real aiosmtpd server and the built binary."""
import sqlite3

from conftest import ROOT
from test_delivery import make_certificate, setup_campaign


def attempts(k):
    with sqlite3.connect(k.folder / "kampagne.sqlite") as db:
        return [row[0] for row in db.execute("SELECT attempts FROM outbox ORDER BY id")]


def test_policy_refusal_fails_but_does_not_suppress(k, smtp):
    server = smtp()
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=4)
    server.set_rules(rcpt={
        # Postfix's wording: the text says "address rejected", the code says policy.
        "modtager0001@kommune.example": "550 5.7.1 <modtager0001@kommune.example>: Recipient address rejected: "
                                        "Access denied (policy, your IP is listed)",
        "modtager0002@kommune.example": "550 5.1.10 Recipient not found",
        "modtager0003@kommune.example": "552 5.2.2 Mailbox full",
    })
    result = k.json("newsletter", "send", edition, "--list", "Nyhedsbrev")["dispatch"]
    assert result["sent"] == 1 and result["failed"] == 2 and result["deferred"] == 1
    assert result["hardBounces"] == 1
    assert k.json("contacts", "show", "modtager0001@kommune.example")["suppressed"] is False
    assert k.json("contacts", "show", "modtager0002@kommune.example")["suppressed"] is True
    assert k.json("contacts", "show", "modtager0003@kommune.example")["suppressed"] is False


def test_username_but_server_offers_no_login_stops_and_fails_nobody(k, smtp):
    server = smtp()  # no --auth: the EHLO reply offers no AUTH
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=3,
                             extra='username = "sekretariat"\npassword_env = "TEST_SMTP_PASSWORD"')
    k.env["TEST_SMTP_PASSWORD"] = "hemmeligt"
    result = k.run("newsletter", "send", edition, "--list", "Nyhedsbrev", check=False)
    assert result.returncode == 3
    assert "Serveren tilbyder ikke login" in result.stdout
    assert server.messages() == []
    status = k.json("outbox", "status")[0]
    assert status["failed"] == 0 and status["queued"] == 3
    assert attempts(k) == [0, 0, 0], "a stopped run uses up nobody's attempts"


def test_wrong_password_says_login_refused_and_keeps_attempts(k, smtp, tmp_path):
    cert, key = make_certificate(tmp_path)
    server = smtp(cert=cert, key=key, require_tls=True, auth="sekretariat:hemmeligt")
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=2, starttls="required",
                             extra=f'ca_file = "{cert}"\nusername = "sekretariat"\npassword_env = "TEST_SMTP_PASSWORD"')
    k.env["TEST_SMTP_PASSWORD"] = "forkert"
    result = k.run("newsletter", "send", edition, "--list", "Nyhedsbrev", check=False)
    assert result.returncode == 3
    assert "afviste login" in result.stdout and "Timeout" not in result.stdout.split("Detaljer")[0]
    assert attempts(k) == [0, 0]
    k.env["TEST_SMTP_PASSWORD"] = "hemmeligt"
    assert k.json("outbox", "run")["dispatch"]["sent"] == 2


def test_connection_failures_have_danish_messages(k, smtp, tmp_path):
    from conftest import free_port
    closed = free_port()
    edition = setup_campaign(k, f"smtp://127.0.0.1:{closed}", n=1)
    refused = k.run("newsletter", "send", edition, "--list", "Nyhedsbrev", check=False)
    assert refused.returncode == 3 and "Kan ikke få forbindelse til mailserveren" in refused.stdout
    assert "Detaljer: Couldn't connect" in refused.stdout, "curl's text is kept as the detail"
    assert attempts(k) == [0]

    plain = smtp()
    toml = k.folder / "kampagne.toml"
    text = toml.read_text()
    toml.write_text(text.replace(f"127.0.0.1:{closed}", f"127.0.0.1:{plain.port}")
                    .replace('starttls = "off"', 'starttls = "required"'))
    no_tls = k.run("outbox", "run", check=False)
    assert no_tls.returncode == 3 and "tilbyder ikke kryptering (STARTTLS)" in no_tls.stdout

    cert, key = make_certificate(tmp_path)
    secure = smtp(cert=cert, key=key, require_tls=True)
    toml.write_text(toml.read_text().replace(f"127.0.0.1:{plain.port}", f"127.0.0.1:{secure.port}"))
    untrusted = k.run("outbox", "run", check=False)
    assert untrusted.returncode == 3 and "certifikat kan ikke godkendes" in untrusted.stdout
    assert attempts(k) == [0]
    assert plain.messages() == [] and secure.messages() == []


def test_second_send_of_an_edition_leaves_out_who_already_got_it(k, smtp):
    server = smtp()
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=3)
    assert k.json("newsletter", "send", edition, "--list", "Nyhedsbrev")["dispatch"]["sent"] == 3
    k.write("flere.csv", "E-mail;Fornavn\nny@kommune.example;Ny\n")
    k.run("contacts", "import", "flere.csv", "--list", "Nyhedsbrev")
    dry = k.json("newsletter", "send", edition, "--list", "Nyhedsbrev", "--dry-run")
    assert dry["report"]["queued"] == 1 and dry["report"]["alreadySent"] == 3
    second = k.run("newsletter", "send", edition, "--list", "Nyhedsbrev")
    assert "3 har allerede fået denne udgave" in second.stdout
    assert len(server.messages()) == 4
    again = k.json("newsletter", "send", edition, "--list", "Nyhedsbrev", "--send-again")
    assert again["campaign"]["queued"] == 4 and again["campaign"]["alreadySent"] == 0
    assert len(server.messages()) == 8


def test_each_message_names_the_list_the_recipient_is_on(k, smtp):
    server = smtp()
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=1)
    k.write("lbr.csv", "E-mail;Fornavn\nkun-lbr@kommune.example;Lise\n")
    k.run("contacts", "import", "lbr.csv", "--list", "LBR-medlemmer")
    k.run("newsletter", "send", edition, "--list", "Nyhedsbrev", "--list", "LBR-medlemmer")
    by_rcpt = {m["X-Test-Rcpt"]: m for m in server.messages()}
    lbr = by_rcpt["kun-lbr@kommune.example"]
    first = by_rcpt["modtager0000@kommune.example"]
    assert lbr["List-Id"].startswith("LBR-medlemmer <lbr-medlemmer.")
    assert first["List-Id"].startswith("Nyhedsbrev <nyhedsbrev.")
    assert "LBR-medlemmer" in lbr.get_body(("plain",)).get_content()
    assert "Nyhedsbrev" not in lbr["List-Id"]


def test_failed_test_mail_exits_non_zero(k, smtp):
    server = smtp()
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=1)
    server.set_rules(rcpt={"test@kommune.example": "550 5.1.1 User unknown"})
    result = k.run("newsletter", "test", edition, "--to", "test@kommune.example", check=False)
    assert result.returncode != 0 and "kunne ikke afleveres" in result.stderr
    ok = k.run("newsletter", "test", edition, "--to", "anden@kommune.example", check=False)
    assert ok.returncode == 0


def test_summary_counts_the_connections_actually_opened(k, smtp):
    server = smtp()
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=2, connections=3)
    result = k.json("newsletter", "send", edition, "--list", "Nyhedsbrev")["dispatch"]
    assert result["sent"] == 2 and result["connections"] == 2
    nothing = k.json("outbox", "run")["dispatch"]
    assert nothing["connections"] == 0
