"""End-to-end: the built binary on real files in a temporary folder."""
import csv
import io
import json
import sqlite3
import subprocess
import time

SAMPLE_IMPORTS = [
    ("jobcenterchefer.csv", "Jobcenterchefer", "jobcenterchef"),
    ("lbr-medlemmer.csv", "LBR-medlemmer", "lbr-medlem"),
    ("virksomheder.csv", "Virksomheder", "virksomhed"),
    ("sprogcentre.csv", "Sprogcentre", "sprogcenter"),
]


def rows_in(path, encoding):
    with open(path, encoding=encoding, newline="") as f:
        return list(csv.DictReader(f, delimiter=";" if b";" in open(path, "rb").readline() else ","))


def test_init_twice_changes_nothing(k):
    first = k.json("init")
    assert first["createdDatabase"] and first["createdConfig"]
    toml = (k.folder / "kampagne.toml").read_bytes()
    second = k.json("init")
    assert not second["createdDatabase"] and not second["createdConfig"]
    assert (k.folder / "kampagne.toml").read_bytes() == toml
    assert (k.folder / "kampagne.sqlite").exists()


def test_db_option_and_environment(k):
    k.run("init", "--db", "andet.sqlite")
    assert (k.folder / "andet.sqlite").exists()
    k.env["KAMPAGNE_DB"] = str(k.folder / "miljo.sqlite")
    k.run("init")
    k.run("lists", "create", "X")
    assert (k.folder / "miljo.sqlite").exists()
    assert not (k.folder / "kampagne.sqlite").exists()


def test_a_command_without_init_is_refused_and_creates_nothing(k):
    for command in (["contacts", "list"], ["lists", "create", "X"], ["outbox", "run"]):
        result = k.run(*command, check=False)
        assert result.returncode != 0
        assert "kampagne init" in result.stderr and "--db" in result.stderr
    assert list(k.folder.iterdir()) == [], "nothing is created"
    missing = k.run("contacts", "list", "--db", "andet.sqlite", check=False)
    assert missing.returncode != 0 and "andet.sqlite" in missing.stderr
    k.run("init")
    assert k.json("contacts", "list") == []


def test_the_sample_meeting_invites_the_sample_jobcentre_managers(k, contacts_dir):
    """The README's sample files work together: the meeting's audience names people in the sample lists."""
    from conftest import ROOT
    k.run("init")
    k.run("contacts", "import", contacts_dir / "jobcenterchefer.csv", "--list", "Jobcenterchefer")
    assert len(k.json("contacts", "list", "--role", "jobcenterchef")) == 98, "the sample carries its role column"
    k.run("events", "create", ROOT / "examples" / "temamoede-vejle.md")
    invited = k.run("events", "invite", "1")
    assert "98 invitationer i kø" in invited.stdout


def test_bundled_sample_lists_import(k, contacts_dir):
    k.run("init")
    totals = {}
    for name, lst, role in SAMPLE_IMPORTS:
        report = k.json("contacts", "import", contacts_dir / name, "--list", lst, "--role", role)
        assert report["errors"] == []
        assert report["rejected"] == 0
        totals[name] = report
    assert totals["jobcenterchefer.csv"]["files"][0]["encoding"] == "windows-1252"
    assert totals["jobcenterchefer.csv"]["new"] == 98
    assert totals["lbr-medlemmer.csv"]["files"][0]["encoding"] == "utf-8 (BOM)"
    overlaps = sum(r["updated"] + r["unchanged"] for r in totals.values())
    assert overlaps >= 4, "the sample files share people, who must be merged, not duplicated"

    contacts = k.json("contacts", "list")
    emails = [c["email"].lower() for c in contacts]
    assert len(emails) == len(set(emails))
    chiefs = k.json("contacts", "list", "--role", "jobcenterchef")
    assert len(chiefs) == 98
    assert len({c["municipality"] for c in chiefs}) == 98, "every municipality name normalised"
    south = k.json("contacts", "list", "--role", "jobcenterchef", "--region", "Syddanmark")
    assert len(south) == 22
    assert all(c["region"] == "Region Syddanmark" for c in south)
    lists = {l["name"]: l["members"] for l in k.json("lists", "list")}
    assert lists["Jobcenterchefer"] == 98
    # Re-running the whole import adds no one; only the few people whose name is spelled
    # differently in two files change (the last file read wins).
    updated = 0
    for name, lst, role in SAMPLE_IMPORTS:
        again = k.json("contacts", "import", contacts_dir / name, "--list", lst, "--role", role)
        assert again["new"] == 0
        updated += again["updated"]
    assert updated <= 10  # 5 planted people, each in two files
    # The same file twice in a row changes nothing at all.
    twice = k.json("contacts", "import", contacts_dir / "sprogcentre.csv", "--list", "Sprogcentre", "--role", "sprogcenter")
    assert twice["updated"] == 0 and twice["unchanged"] == twice["files"][0]["rows"]


def test_list_is_in_danish_order(k):
    k.run("init")
    k.write("a.csv", "E-mail;Fornavn;Efternavn\n"
            "1@x.example;Å;Aagaard\n2@x.example;B;Zahle\n3@x.example;C;Ærø\n4@x.example;D;Østergaard\n5@x.example;E;Andersen\n")
    k.run("contacts", "import", "a.csv")
    names = [c["lastName"] for c in k.json("contacts", "list")]
    assert names == ["Andersen", "Zahle", "Ærø", "Østergaard", "Aagaard"]
    table = k.run("contacts", "list").stdout
    assert table.index("Zahle") < table.index("Ærø") < table.index("Aagaard")


def test_errors_go_to_stderr_with_nonzero_exit(k):
    k.run("init")
    k.write("bad.csv", "Navn;E-mail\nA;a@x.example\nB;ikke-en-adresse\n")
    result = k.run("contacts", "import", "bad.csv", check=False)
    assert result.returncode != 0
    assert "bad.csv:3" in result.stderr and "E-mail" in result.stderr
    assert result.stdout == ""
    assert k.json("contacts", "list") == []
    missing = k.run("contacts", "show", "nobody@x.example", check=False)
    assert missing.returncode != 0 and "Ingen kontakt" in missing.stderr


def test_rejects_file_and_dry_run(k):
    k.run("init")
    k.write("mix.csv", "Navn;E-mail\nA;a@x.example\nB;b@\nC;c@x.example\n")
    dry = k.run("contacts", "import", "mix.csv", "--dry-run", check=False)
    assert dry.returncode != 0
    assert "Prøvekørsel" in dry.stdout
    assert k.json("contacts", "list") == []
    report = k.json("contacts", "import", "mix.csv", "--rejects", "afviste.csv")
    assert report["new"] == 2 and report["rejected"] == 1
    raw = (k.folder / "afviste.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rejected = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rejected[1][:2] == ["mix.csv", "3"]


def test_create_prints_the_id(k):
    k.run("init")
    first = k.run("lists", "create", "Presse").stdout.strip()
    second = k.run("lists", "create", "Nyhedsbrev").stdout.strip()
    assert first.isdigit() and second.isdigit() and first != second
    dup = k.run("lists", "create", "presse", check=False)
    assert dup.returncode != 0 and "findes allerede" in dup.stderr
    k.write("a.csv", "E-mail;Kommune\na@x.example;Vejle\n")
    k.run("contacts", "import", "a.csv", "--role", "jobcenterchef")
    seg = k.run("segments", "create", "Syd", "--role", "jobcenterchef", "--region", "Syddanmark").stdout.strip()
    assert seg.isdigit()
    assert k.json("segments", "list")[0]["members"] == 1


def test_export_excel_round_trip(k, contacts_dir):
    k.run("init")
    k.run("contacts", "import", contacts_dir / "virksomheder.csv", "--role", "virksomhed")
    k.run("contacts", "export", "--excel", "--out", "ud.csv")
    raw = (k.folder / "ud.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw[3:].split(b"\r\n")[0].decode()
    assert header.startswith("Fornavn;Efternavn;E-mail;")
    before = k.json("contacts", "list")
    other = k.folder / "other"
    other.mkdir()
    subprocess.run([k_bin(), "init"], cwd=other, capture_output=True, env=k.env, check=True)
    result = subprocess.run([k_bin(), "contacts", "import", str(k.folder / "ud.csv"), "--json"],
                            cwd=other, capture_output=True, text=True, env=k.env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["new"] == len(before)


def k_bin():
    from conftest import BIN
    return BIN


def test_update_show_and_privacy(k):
    k.run("init")
    k.write("a.csv", "E-mail;Navn\nanna@x.example;Anna Berg\n")
    k.run("contacts", "import", "a.csv", "--list", "Nyhedsbrev")
    k.run("contacts", "update", "anna@x.example", "--municipality", "Århus", "--add-role", "mentor", "--set", "Branche=pleje")
    shown = k.json("contacts", "show", "ANNA@x.example")
    assert shown["municipality"] == "Aarhus" and shown["roles"] == ["mentor"]
    assert shown["attributes"] == {"Branche": "pleje"}
    assert "Aarhus" in k.run("contacts", "show", "anna@x.example").stdout

    k.run("contacts", "unsubscribe", "anna@x.example")
    assert k.json("contacts", "show", "anna@x.example")["suppressed"] is True

    person = json.loads(k.run("contacts", "export-person", "anna@x.example").stdout)
    assert person["contact"]["name"] == "Anna Berg"
    assert person["memberships"][0]["list"] == "Nyhedsbrev"
    assert person["suppression"] == "unsubscribed"

    refused = k.run("contacts", "erase", "anna@x.example", check=False, input="")
    assert refused.returncode != 0 and "--yes" in refused.stderr
    k.run("contacts", "erase", "anna@x.example", "--yes")
    assert k.json("contacts", "list") == []
    again = k.json("contacts", "import", "a.csv")
    assert again["skippedErased"] == 1 and again["new"] == 0
    con = sqlite3.connect(k.folder / "kampagne.sqlite")
    assert con.execute("select count(*) from contact").fetchone()[0] == 0
    assert con.execute("select reason from suppression").fetchall() == [("erased",)]


def test_hostile_files(k):
    k.run("init")
    k.write("nul.csv", b"E-mail;Navn\na@x.example;A\x00B\n")
    k.write("png.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    k.write("empty.csv", b"")
    k.write("header.csv", "E-mail;Navn\r\n")
    k.write("mixed.csv", "E-mail;Navn\na@x.example;Søren\n".encode() + "b@x.example;Jørgen\n".encode("cp1252"))
    k.write("quote.csv", 'E-mail;Navn\na@x.example;"never closed\n')
    for name, expected in [("nul.csv", "NUL"), ("png.csv", "NUL"), ("empty.csv", "tom"),
                           ("mixed.csv", "mixed.csv:3"), ("quote.csv", "quote.csv:2")]:
        result = k.run("contacts", "import", name, check=False)
        assert result.returncode != 0, name
        assert expected in result.stderr, (name, result.stderr)
        assert "Fatal error" not in result.stderr
    assert k.json("contacts", "import", "header.csv")["rows"] == 0
    k.write("crlf.csv", 'E-mail,Navn\nx@x.example,"Eva\r\nBcc: evil@x.example"\n')
    k.run("contacts", "import", "crlf.csv")
    name = k.json("contacts", "show", "x@x.example")["name"]
    assert "\n" not in name and "\r" not in name
    k.write("huge.csv", "E-mail;Navn\na@x.example;" + "x" * 1_048_576 + "\n")
    huge = k.run("contacts", "import", "huge.csv", check=False)
    assert huge.returncode != 0 and "for langt" in huge.stderr
    assert k.json("contacts", "list")[0]["email"] == "x@x.example"


def test_ten_thousand_duplicate_rows(k):
    k.run("init")
    body = "".join(f"{'dup' if i % 2 else 'DUP'}@x.example;Navn {i}\n" for i in range(10_000))
    k.write("dups.csv", "E-mail;Navn\n" + body)
    report = k.json("contacts", "import", "dups.csv")
    assert report["new"] == 1 and report["duplicateRows"] == 9_999
    assert len(k.json("contacts", "list")) == 1


def test_concurrent_imports_do_not_corrupt(k):
    k.run("init")
    for i in range(4):
        k.write(f"p{i}.csv", "E-mail;Navn\n" + "".join(f"p{i}-{n}@x.example;N {n}\n" for n in range(500)))
    procs = [subprocess.Popen([k_bin(), "contacts", "import", f"p{i}.csv", "--list", "Fælles"], cwd=k.folder,
                              env=k.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for i in range(4)]
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stderr.read()
    lists = k.json("lists", "list")
    assert lists == [{**lists[0], "name": "Fælles", "members": 2000}]


def test_help_is_plain_danish(k):
    out = k.run("contacts", "import", "--help").stdout
    assert "--dry-run" in out and "--rejects" in out and "Importér" in out


def test_a_killed_bulk_import_keeps_every_index_and_writes_no_row(k):
    """A command-line import of many rows into a small table builds its indexes after its rows,
    inside its one transaction (`DeferredIndexes`). Killed (SIGKILL) halfway through, the file
    has every index and none of the rows; the same import then runs to the end."""
    import os
    import pty
    k.run("init")
    db = k.folder / "kampagne.sqlite"

    def indexes():
        with sqlite3.connect(db) as c:
            return sorted(c.execute("SELECT name, sql FROM sqlite_schema WHERE type = 'index'").fetchall())

    before = indexes()
    assert ("contact_sortKey", "CREATE INDEX contact_sortKey ON contact(sortKey, id)") in before
    k.write("big.csv", "E-mail;Fornavn;Efternavn;Kommune\n"
            + "".join(f"p{n}@x.example;Fornavn {n};Æbelø;Vejle\n" for n in range(40_000)))
    # On a terminal the import reports how far it has read: the rows so far are written, the
    # transaction is not committed.
    leader, follower = pty.openpty()
    p = subprocess.Popen([k_bin(), "contacts", "import", "big.csv", "--list", "Alle"], cwd=k.folder, env=k.env,
                         stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    seen = b""
    while not any(f"{n} %".encode() in seen for n in range(30, 90)):
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the process ended
            chunk = b""
        assert chunk, f"the import ended before it could be killed: {seen[-200:]!r}"
        seen += chunk
    p.kill()
    p.wait()
    os.close(leader)
    assert indexes() == before
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert c.execute("SELECT count(*) FROM contact").fetchone() == (0,)
    report = k.json("contacts", "import", "big.csv", "--list", "Alle")
    assert report["new"] == 40_000
    assert indexes() == before
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert c.execute("SELECT count(*) FROM contact INDEXED BY contact_municipalityKey WHERE municipalityKey > ''").fetchone() == (40_000,)
