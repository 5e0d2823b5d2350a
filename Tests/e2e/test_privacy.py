"""Erasure on disk: with another process holding the database open (as `kampagne serve` does),
the erased address is gone from the SQLite file, its write-ahead log and the Maildir copies of
the messages sent to it; a reader inside a transaction blocks the log truncation, and the
command says so."""
import subprocess
import sys

from conftest import ROOT  # noqa: F401  (the fixtures come from conftest)

EDITION = """---
subject: Nyt om jobpakker nr. 9
number: 9
---

# Temamøder

Partnerskabet holder temamøder i hele landet.
"""

READER = r"""
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("SELECT count(*) FROM contact").fetchone()
print("open", flush=True)
for line in sys.stdin:
    command = line.strip()
    if command == "begin":
        con.execute("BEGIN")
        con.execute("SELECT * FROM contact").fetchall()
    elif command == "end":
        con.execute("COMMIT")
    print(command, flush=True)
"""


class Reader:
    """A second process with its own read connection to the database."""

    def __init__(self, path):
        self.process = subprocess.Popen([sys.executable, "-c", READER, str(path)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "open"

    def send(self, command):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        assert self.process.stdout.readline().strip() == command

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)


def on_disk(k, needle):
    """Which of the database's files hold `needle`."""
    files = [k.folder / "kampagne.sqlite", k.folder / "kampagne.sqlite-wal"]
    return [f.name for f in files if f.exists() and needle in f.read_bytes()]


def test_erasure_reaches_the_database_files_and_the_maildir_while_another_process_has_it_open(k):
    k.run("init")
    k.write("kontakter.csv", "E-mail;Fornavn;Efternavn\nzelda.zwart@erase.example;Zelda;Zwartkop\n"
                             "yrsa.yde@erase.example;Yrsa;Ydegaard\nanders.and@x.example;Anders;And\n")
    k.run("contacts", "import", "kontakter.csv", "--list", "Nyhedsbrev", "--source", "Test")
    k.write("nr9.md", EDITION)
    edition = k.run("newsletter", "create", "nr9.md").stdout.strip()
    k.run("newsletter", "send", edition, "--list", "Nyhedsbrev")  # no [smtp]: messages go to ./maildir
    maildir = k.folder / "maildir"
    copies = {p.name: p.read_bytes() for p in (maildir / "new").iterdir()}
    assert len(copies) == 3
    zelda = next(name for name, data in copies.items() if b"zelda.zwart@erase.example" in data)
    # A mail reader has moved Zelda's copy to cur/ and marked it seen.
    (maildir / "new" / zelda).rename(maildir / "cur" / (zelda + ":2,S"))
    assert on_disk(k, b"zelda.zwart@erase.example") == ["kampagne.sqlite"]

    reader = Reader(k.folder / "kampagne.sqlite")
    try:
        # An idle second connection (like `serve` between requests) does not stop the truncation.
        report = k.json("contacts", "erase", "zelda.zwart@erase.example", "--yes")
        assert report["checkpointed"] is True and report["maildirFilesRemoved"] == 1
        for needle in (b"zelda.zwart@erase.example", b"Zwartkop"):
            assert on_disk(k, needle) == [], needle
        left = [p for folder in ("new", "cur") for p in (maildir / folder).iterdir()]
        assert len(left) == 2 and not any(b"zelda.zwart" in p.read_bytes() for p in left)

        # A reader inside a transaction blocks it: the erasure is saved, the command says so.
        reader.send("begin")
        blocked = k.run("contacts", "erase", "yrsa.yde@erase.example", "--yes", check=False)
        assert blocked.returncode == 1, blocked
        assert "åben læsning" in blocked.stderr and "kampagne.sqlite-wal" in blocked.stderr
        assert k.run("contacts", "show", "yrsa.yde@erase.example", check=False).returncode != 0
        reader.send("end")
        again = k.json("contacts", "erase", "yrsa.yde@erase.example", "--yes")
        assert again["checkpointed"] is True
        for needle in (b"yrsa.yde@erase.example", b"Ydegaard"):
            assert on_disk(k, needle) == [], needle
        assert on_disk(k, b"anders.and@x.example") == ["kampagne.sqlite"]
    finally:
        reader.close()
