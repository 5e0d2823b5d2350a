"""Good stories end to end: the real binary, a real SMTP server process, `kampagne serve`."""
import email
import email.policy
import json
import re
import stat

from conftest import ROOT
from test_web import Web

COMPLETE = ROOT / "examples" / "historie-hotel-fjordlys.md"
INCOMPLETE = ROOT / "examples" / "historie-mangler.md"
PEOPLE = ["Samira Haddad", "Jens Kragh", "Mette Vinther"]


def prepare(k, smtp_url=None):
    k.run("init")
    toml = (k.folder / "kampagne.toml").read_text().replace('path = "Templates"', f'path = "{ROOT / "Templates"}"')
    if smtp_url:
        toml += f'\n[smtp]\nurl = "{smtp_url}"\nstarttls = "off"\nconnections = 1\n'
    (k.folder / "kampagne.toml").write_text(toml)


def consent_all(k, story, channels="newsletter,press,web"):
    for person in PEOPLE:
        k.run("stories", "consent", story, "--person", person, "--channels", channels, "--given", "2026-10-01",
              "--how", "underskrevet blanket")


def editor(k, name, script):
    """An $EDITOR that changes the file the way `script` (a shell snippet on "$1") says."""
    path = k.write(name, "#!/bin/sh\n" + script + "\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_drafts_versions_checks_and_edit(k):
    prepare(k)
    idea = k.run("stories", "new", "Fra lager til fast job", "--out", "skelet.md").stdout.strip()
    assert idea.isdigit()
    assert "overskrift: Fra lager til fast job" in (k.folder / "skelet.md").read_text()
    complete = k.run("stories", "import", COMPLETE).stdout.strip()
    incomplete = k.run("stories", "import", INCOMPLETE).stdout.strip()

    listed = k.json("stories", "list")
    assert [s["id"] for s in listed] == [int(incomplete), int(complete), int(idea)]
    assert set(listed[0]) >= {"id", "status", "statusName", "headline", "industry", "municipality", "version",
                              "publishedOn", "flagged"}
    assert [s["id"] for s in k.json("stories", "list", "--status", "idé")] == [int(idea)]
    assert [s["id"] for s in k.json("stories", "list", "--municipality", "vejle")] == [int(complete)]
    assert [s["id"] for s in k.json("stories", "list", "--industry", "Hotel")] == [int(complete)]

    # The incomplete case: check lists its gaps in Danish and exits 1.
    result = k.run("stories", "check", incomplete, check=False)
    assert result.returncode == 1
    assert "Kernen mangler" in result.stdout and "Virksomhedens motiv mangler" in result.stdout
    assert "Citatet \"Det gik rigtig godt.\" er ikke knyttet til en person" in result.stdout
    assert "Embargoen" in result.stdout and "LIX" in result.stdout and "meget svær" in result.stdout
    report = json.loads(k.run("stories", "check", incomplete, "--json", check=False).stdout)
    codes = {f["code"] for f in report["findings"]}
    assert {"core-missing", "company-motive-missing", "quote-without-person", "embargo-past", "lix-outside-target"} <= codes
    assert report["readability"]["lix"] > 55 and report["readability"]["longestSentences"][0]["words"] == 47

    # The complete case lacks only consent; once given, check passes.
    assert k.run("stories", "check", complete, check=False).returncode == 1
    consent_all(k, complete)
    ok = k.run("stories", "check", complete)
    assert "Historien har det hele." in ok.stdout and "presse: i orden" in ok.stdout

    # Bad input is refused with a clear message and nothing is stored.
    bad = k.run("stories", "consent", complete, "--person", "Jens Kragh", "--channels", "tv", "--given", "2026-10-01",
                "--how", "mail", check=False)
    assert bad.returncode != 0 and "Ukendt kanal 'tv'" in bad.stderr
    assert len(k.json("stories", "show", complete)["consents"]) == 3

    # Editing through $EDITOR saves a new version; diff shows the change.
    k.env["EDITOR"] = editor(k, "ret.sh", "sed -i 's/^kerne:.*/kerne: Samira fik fast job som kok./' \"$1\"")
    edited = k.run("stories", "edit", complete)
    assert "version 2" in edited.stdout
    diff = k.run("stories", "diff", complete).stdout
    assert "+kerne: Samira fik fast job som kok." in diff and "-kerne: Samira fik fast job som kok på Hotel Fjordlys" in diff
    assert k.json("stories", "diff", complete, "1", "2")["added"] == 1
    # An editor that breaks the file: nothing is saved, and the text is kept for the user.
    k.env["EDITOR"] = editor(k, "ødelæg.sh", "printf 'ingen forside\\n' > \"$1\"")
    broken = k.run("stories", "edit", complete, check=False)
    assert broken.returncode != 0 and "Intet er gemt" in broken.stderr
    kept = re.search(r"din tekst ligger i (\S+)\.", broken.stderr).group(1)
    assert open(kept).read() == "ingen forside\n"
    shown = k.json("stories", "show", complete)
    assert [v["number"] for v in shown["versions"]] == [1, 2]
    assert shown["summary"]["version"] == 2


def test_review_link_end_to_end(k, smtp):
    server = smtp()
    prepare(k, f"smtp://127.0.0.1:{server.port}")
    story = k.run("stories", "import", COMPLETE).stdout.strip()
    out = k.run("stories", "request-review", story, "--to", "jens.kragh@fjordlys.example", "kommune@vejle.example",
                "--message", "Se gerne citaterne igennem")
    assert out.stdout.count("Lagt i udbakken") == 2
    # Asking again about the same version queues nothing new.
    again = k.json("stories", "request-review", story, "--to", "kommune@vejle.example")
    assert again[0]["queued"] is False
    assert k.json("stories", "show", story)["summary"]["status"] == "in-review"
    k.run("outbox", "run")

    messages = server.messages()
    assert sorted(m["X-Test-Rcpt"] for m in messages) == ["jens.kragh@fjordlys.example", "kommune@vejle.example"]
    links = {}
    for m in messages:
        assert m["Subject"] == "Til gennemsyn: Køkkenet på Hotel Fjordlys fik en ny kok – og en ny måde at ansætte på"
        text = m.get_body(("plain",)).get_content()
        assert "Se gerne citaterne igennem" in text
        links[m["X-Test-Rcpt"]] = re.search(r"http://localhost:8080(/historie/\S+)", text).group(1)

    w = Web(k)
    try:
        status, headers, page = w.request(links["jens.kragh@fjordlys.example"])
        assert status == 200
        assert "<h1>Køkkenet på Hotel Fjordlys" in page and "siger Samira, kok" in page
        assert headers["Cache-Control"] == "private, no-store" and "noindex" in headers["X-Robots-Tag"]
        assert 'value="approve"' in page and "<textarea" in page

        # A forged or altered token shows nothing.
        forged = links["jens.kragh@fjordlys.example"][:-3] + "AAA"
        assert w.request(forged)[0] == 404
        # A post without the form's token is refused and records nothing.
        status, _, _ = w.request(links["jens.kragh@fjordlys.example"], {"action": "approve"})
        assert status == 403

        page, csrf = w.form(links["kommune@vejle.example"])
        status, _, page = w.request(links["kommune@vejle.example"],
                                    {"csrf": csrf, "action": "comment", "comment": "Skriv <b>Jobcenter</b> med stort."})
        assert status == 200 and "Din kommentar er sendt" in page
        assert "Skriv &lt;b&gt;Jobcenter&lt;/b&gt; med stort." in page
        assert k.json("stories", "show", story)["summary"]["status"] == "in-review"

        for address in ["jens.kragh@fjordlys.example", "kommune@vejle.example"]:
            page, csrf = w.form(links[address])
            status, _, page = w.request(links[address], {"csrf": csrf, "action": "approve", "comment": ""})
            assert status == 200 and "Du har godkendt historien" in page
        shown = k.json("stories", "show", story)
        assert shown["summary"]["status"] == "approved" and shown["summary"]["approvedVersion"] == 1
        decisions = [(e["action"], e["actor"]) for e in shown["log"] if e["action"] in ("commented", "review-approved", "approved")]
        assert decisions == [("commented", "kommune@vejle.example"), ("review-approved", "jens.kragh@fjordlys.example"),
                             ("review-approved", "kommune@vejle.example"), ("approved", "gennemsyn")]
        assert all(e["at"] for e in shown["log"])
        # The secretariat hears about each answer by mail.
        k.run("outbox", "run")
        told = [m for m in server.messages() if m["X-Test-Rcpt"] == "sekretariat@partnerskab.example"]
        subjects = sorted(m["Subject"] for m in told)
        assert len(told) == 3
        assert subjects[0].startswith("Godkendt fra jens.kragh@fjordlys.example: Køkkenet på Hotel Fjordlys")
        assert subjects[2].startswith("Kommentar fra kommune@vejle.example:")
        bodies = "\n".join(m.get_body(("plain",)).get_content() for m in told)
        assert "Skriv <b>Jobcenter</b> med stort." in bodies
        assert "Alle, der er spurgt, har nu godkendt denne version." in bodies
        # An approved reviewer sees it on the page, without the approve button.
        status, _, page = w.request(links["kommune@vejle.example"])
        assert "Du godkendte denne version" in page and 'value="approve"' not in page
    finally:
        w.stop()


def test_publish_include_and_withdraw(k):
    prepare(k)
    story = k.run("stories", "import", COMPLETE).stdout.strip()
    refused = k.run("stories", "publish", story, "--as", "press-release", check=False)
    assert refused.returncode != 0 and "ikke godkendt" in refused.stderr
    k.run("stories", "approve", story, "--by", "Jens Kragh", "--note", "godkendt i telefonen")
    # Consent for the press only: a press release may go, a newsletter article may not.
    consent_all(k, story, channels="press")
    no = k.run("stories", "publish", story, "--as", "article", check=False)
    assert no.returncode != 0 and "kan ikke bruges i nyhedsbrevet" in no.stderr and "Samira Haddad" in no.stderr

    result = k.json("stories", "publish", story, "--as", "press-release", "--out", "presse")
    assert result["files"] == ["presse.html", "presse.txt"]
    text = (k.folder / "presse.txt").read_text()
    assert text.startswith("PRESSEMEDDELELSE") and "Yderligere oplysninger:" in text and "Haddad" not in text
    assert "<h1>Køkkenet på Hotel Fjordlys" in (k.folder / "presse.html").read_text()

    consent_all(k, story, channels="newsletter")
    k.write("udgave.md", f"---\nsubject: Nyt om jobpakker nr. 3\nnumber: nr. 3\n---\n# Velkommen\n\nKort forord.\n\n@historie {story}\n")
    edition = k.run("newsletter", "create", "udgave.md").stdout.strip()
    preview = k.run("newsletter", "preview", edition, "--out", "preview")
    html = next((k.folder / "preview").glob("*.html")).read_text()
    assert "Derfor var Hotel Fjordlys med" in html and "sara.holm@partnerskab.example" in html

    usages = k.json("stories", "show", story)["usages"]
    assert [(u["channel"], u["form"]) for u in usages] == [("press", "press-release"), ("newsletter", "article")]
    assert usages[1]["target"] == f"udgave {edition}: Nyt om jobpakker nr. 3"

    withdrawn = k.json("stories", "withdraw-consent", story, "--person", "Jens Kragh", "--channels", "press",
                       "--note", "ringede og trak det tilbage")
    assert [u["channel"] for u in withdrawn["flagged"]] == ["press"]
    shown = k.json("stories", "show", story)
    assert shown["usages"][0]["flaggedAt"] and not shown["usages"][1].get("flaggedAt")
    assert k.json("stories", "list")[0]["flagged"] == 1
    again = k.run("stories", "publish", story, "--as", "press-release", check=False)
    assert again.returncode != 0 and "Jens Kragh har trukket samtykket tilbage" in again.stderr


def test_review_names_and_consent_expiry_on_the_command_line(k):
    prepare(k)
    story = k.run("stories", "import", COMPLETE).stdout.strip()
    k.run("stories", "consent", story, "--person", "Samira Haddad", "--channels", "press", "--given", "2026-10-01",
          "--how", "blanket", "--expires", "2027-06-30")
    consent = k.json("stories", "show", story)["consents"][0]
    # The last day counts whole, in Copenhagen: the consent ends at midnight after 30 June.
    assert consent["expiresAt"] == "2027-06-30T22:00:00Z"
    k.run("stories", "request-review", story, "--to", "Jens Kragh <jens.kragh@fjordlys.example>")
    review = k.json("stories", "show", story)["reviews"][0]
    assert review["email"] == "jens.kragh@fjordlys.example" and review["name"] == "Jens Kragh"
    k.run("outbox", "run")
    message = next(p for p in (k.folder / "maildir" / "new").iterdir()).read_text("utf-8")
    assert re.search(r"(?m)^To: (Jens Kragh|=\?utf-8\?[^?]+\?[^?]+\?=) <jens\.kragh@fjordlys\.example>", message), message[:400]
    body = email.message_from_string(message, policy=email.policy.default).get_body(("plain",)).get_content()
    assert "Kære Jens" in body, body[:300]
