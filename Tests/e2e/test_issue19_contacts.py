"""Contacts defects from issue 19: internationalised domains end to end, filters that match nothing."""
from test_delivery import setup_campaign


def test_internationalised_domain_is_one_contact_and_goes_out_as_its_a_label(k, smtp):
    server = smtp()
    edition = setup_campaign(k, f"smtp://127.0.0.1:{server.port}", n=1)
    a_label = "næstved.example".encode("idna").decode()  # Python's codec is the independent judge
    assert a_label == "xn--nstved-pua.example"
    k.write("idn.csv", "E-mail;Fornavn;Efternavn\nlise@næstved.example;Lise;Ærbøl\n")
    k.run("contacts", "import", "idn.csv", "--list", "Nyhedsbrev")
    k.write("idn2.csv", f"E-mail;Telefon\nLISE@{a_label};12345678\n")
    second = k.json("contacts", "import", "idn2.csv", "--list", "Nyhedsbrev")
    assert second["new"] == 0 and second["updated"] == 1
    assert k.json("contacts", "show", f"lise@{a_label}")["phone"] == "12345678"
    k.run("newsletter", "send", edition, "--list", "Nyhedsbrev")
    files = sorted(server.store.glob("*.eml"))
    raw = {f.read_bytes().split(b"\r\n", 1)[0]: f.read_bytes() for f in files}
    message = raw[f"X-Test-Rcpt: lise@{a_label}".encode()]
    head = message.split(b"\r\n\r\n", 1)[0]
    assert all(b < 0x80 for b in head), "no raw 8-bit in a header"
    assert f"<lise@{a_label}>".encode() in head
    k.run("contacts", "unsubscribe", f"lise@{a_label}")
    assert k.json("contacts", "show", "lise@næstved.example")["suppressed"] is True


def test_a_role_that_matches_nobody_warns_with_the_nearest_known(k):
    k.run("init")
    k.write("c.csv", "E-mail;Kommune;Organisation\na@x.example;Vejle;Jobcenter Vejle\n")
    k.run("contacts", "import", "c.csv", "--list", "Chefer", "--role", "jobcenterchef")
    typo = k.run("contacts", "list", "--role", "jobcenterchf")
    assert "Ingen kontakter har rollen 'jobcenterchf'" in typo.stderr and "jobcenterchef" in typo.stderr.split("mente du")[1]
    as_json = k.run("contacts", "list", "--role", "jobcenterchf", "--json")
    assert __import__("json").loads(as_json.stdout) == [] and "jobcenterchef" in as_json.stderr
    nobody = k.run("contacts", "list", "--municipality", "Odense")
    assert "Ingen kontakter i Odense Kommune" in nobody.stderr and "Vejle" in nobody.stderr
    unknown = k.run("contacts", "list", "--municipality", "Vejel", check=False)
    assert unknown.returncode != 0 and "Vejle" in unknown.stderr.split("mente du")[1]
    wrong_list = k.run("contacts", "list", "--list", "Chfer", check=False)
    assert wrong_list.returncode != 0 and "mente du: Chefer" in wrong_list.stderr
    matched = k.run("contacts", "list", "--role", "jobcenterchef")
    assert matched.stderr == ""
    segment = k.run("segments", "create", "Tom", "--role", "jobcenterchf")
    assert "jobcenterchef" in segment.stderr
    k.run("newsletter", "create", __import__("conftest").ROOT / "examples" / "nyhedsbrev-nr-14.md")
    dry = k.json("newsletter", "send", "1", "--segment", "Tom", "--list", "Chefer", "--dry-run")
    assert any("Segmentet 'Tom' passer på ingen kontakter" in w and "jobcenterchef" in w for w in dry["report"]["warnings"])
