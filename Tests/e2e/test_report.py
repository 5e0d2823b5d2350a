"""The activity report end to end: the built binary on a real SQLite file, the JSON figures,
the CSV tables, and the HTML page rendered by headless Chromium to a screenshot and a PDF
(saved in test-artifacts/ or $KAMPAGNE_ARTIFACTS).

Most data goes in through the command line; the two things the command line rightly refuses
(moving a meeting into the past, checking people in after it) are done in SQLite directly.
Every date is computed from today, so the test never ages.
"""
import csv
import os
import re
import shutil
import sqlite3
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import BIN, ROOT

CPH = ZoneInfo("Europe/Copenhagen")
ARTIFACTS = Path(os.environ.get("KAMPAGNE_ARTIFACTS", ROOT / "test-artifacts"))
CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

CONTACTS = """E-mail;Fornavn;Efternavn;Organisation;Kommune
anne.holm@jobcenter-vejle.example;Anne;Holm;Jobcenter Vejle;Vejle
bo.lund@jobcenter-odense.example;Bo;Lund;Jobcenter Odense;Odense
carla.berg@kolding.example;Carla;Berg;Kolding Kommune;Kolding
dorte.friis@aarhus.example;Dorte;Friis;Aarhus Kommune;Aarhus
erik.moeller@virksomhed.example;Erik;Møller;Møllers Rengøring ApS;Herning
frida.nielsen@sprogcenter.example;Frida;Nielsen;Sprogcenter Midt;Silkeborg
"""

EDITION = """---
subject: Nyt om jobpakker nr. 7
number: 7
preheader: Temamøder, en god historie og et nyt kursus.
---

# Temamøder i hele landet

Partnerskabet holder temamøder for jobcentrenes ledere og medarbejdere.
"""


def day(offset):
    return (datetime.now(CPH) + timedelta(days=offset)).date()


def meeting(kind, title, start, partner, series=None, capacity=10, minimum=2):
    return f"""---
type: {kind}
titel: {title}
start: {start:%Y-%m-%d} 14:00
slut: 16:00
sted: Rådhuset
pladser: {capacity}
minimum: {minimum}
partner: {partner}
{f"serie: {series}" if series else ""}
---
Et møde om jobpakker.
"""


def utc(dt):
    return dt.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S.000")


@pytest.fixture
def half_year(k):
    k.run("init")
    k.write("kontakter.csv", CONTACTS)
    k.run("contacts", "import", "kontakter.csv", "--list", "Nyhedsbrev", "--source", "Eksempeldata")
    k.write("nr7.md", EDITION)
    edition = k.run("newsletter", "create", "nr7.md").stdout.strip()
    k.run("newsletter", "send", edition, "--list", "Nyhedsbrev")
    k.run("contacts", "unsubscribe", "frida.nielsen@sprogcenter.example")

    held = k.run("events", "create", k.write("held.md", meeting("temamøde", "Temamøde i Vejle", day(20), "KL", "Temamøder"))).stdout.strip()
    for email, name, municipality in [("anne.holm@jobcenter-vejle.example", "Anne Holm", "Vejle"),
                                      ("bo.lund@jobcenter-odense.example", "Bo Lund", "Odense"),
                                      ("carla.berg@kolding.example", "Carla Berg", "Kolding")]:
        k.run("events", "register", held, "--email", email, "--name", name, "--municipality", municipality)
    cancelled = k.run("events", "create", k.write("cancelled.md", meeting("fyraftensmøde", "Fyraftensmøde i Aarhus", day(25), "LO"))).stdout.strip()
    k.run("events", "register", cancelled, "--email", "dorte.friis@aarhus.example", "--name", "Dorte Friis", "--municipality", "Aarhus")
    k.run("events", "cancel", cancelled, "--reason", "For få tilmeldte")
    k.run("outbox", "run")

    # The theme meeting took place ten days ago; Anne and Bo came, Carla did not.
    start = datetime.combine(day(-10), datetime.min.time(), CPH).replace(hour=14)
    with sqlite3.connect(k.folder / "kampagne.sqlite") as db:
        db.execute("UPDATE event SET startsAt = ?, endsAt = ? WHERE id = ?",
                   (utc(start), utc(start + timedelta(hours=2)), int(held)))
        db.execute("""UPDATE registration SET status = 'attended', attendedAt = ? WHERE eventId = ? AND contactId IN
                      (SELECT id FROM contact WHERE email IN ('anne.holm@jobcenter-vejle.example', 'bo.lund@jobcenter-odense.example'))""",
                   (utc(start), int(held)))

    k.run("activity", "add", "--kind", "leaflet", "--date", day(-40).isoformat(), "--title", "Pjecer på jobmessen", "--count", "300", "--partner", "DA")
    k.run("activity", "add", "--kind", "oplæg", "--date", day(-5).isoformat(), "--title", "Oplæg på <konference> & messe", "--count", "45")
    k.run("activity", "add", "--kind", "press-article", "--date", day(-3).isoformat(), "--title", "=Artikel i lokalavisen", "--partner", "Vejle")
    old = k.run("activity", "add", "--kind", "website", "--date", day(-400).isoformat(), "--title", "Uden for perioden").stdout.strip()
    return k, {"from": day(-60).isoformat(), "to": day(30).isoformat(), "held": int(held), "old": int(old)}


def report(k, period, *extra):
    return k.json("report", "--from", period["from"], "--to", period["to"], *extra)


def test_report_json_figures(half_year):
    k, period = half_year
    data = report(k, period, "--by", "partner")
    assert data["period"]["from"] == period["from"] and data["period"]["to"] == period["to"]
    n = data["newsletters"]
    assert n["editionsSent"] == 1
    assert n["newsletters"] == {"recipients": 6, "messages": 6, "delivered": 6, "bounced": 0, "pending": 0, "lateBounced": 0,
                                "complaints": 0, "complaintRate": 0, "complaintRateHigh": False}
    assert n["unsubscribed"] == 1
    assert n["circulation"]["lists"] == ["Nyhedsbrev"]
    assert n["circulation"]["atStart"] == 0 and n["circulation"]["atEnd"] == 5
    assert n["circulation"]["changePercent"] is None
    # The period reaches 30 days ahead: the end figures are today's, and say so.
    as_of = datetime.fromisoformat(n["circulation"]["asOf"].replace("Z", "+00:00"))
    assert abs((datetime.now(ZoneInfo("UTC")) - as_of).total_seconds()) < 300
    assert n["circulation"]["points"][-1]["at"] == n["circulation"]["asOf"]
    assert all(line["asOf"] == n["circulation"]["asOf"] for line in n["lists"])
    assert n["mailingsSent"] == 0

    m = data["meetings"]
    assert m["total"]["planned"] == 2 and m["total"]["held"] == 1 and m["total"]["cancelled"] == 1
    assert m["total"]["signedUp"] == 3 and m["total"]["attended"] == 2 and m["total"]["noShows"] == 1
    assert abs(m["total"]["noShowRate"] - 0.333) < 1e-9
    assert m["municipalities"] == ["Odense", "Vejle"] and m["jobcentres"] == ["Odense", "Vejle"]
    assert m["municipalitiesTotal"] == 98
    assert [c["reason"] for c in m["cancellations"]] == ["For få tilmeldte"]
    assert m["cancellations"][0]["signedUp"] == 1
    assert [g["key"] for g in m["byKind"]] == ["theme-meeting", "after-work-meeting"]
    assert [g["name"] for g in m["bySeries"]] == ["Temamøder", "Uden serie"]
    south = next(r for r in m["byRegion"] if r["region"] == "Region Syddanmark")
    assert south == {"region": "Region Syddanmark", "municipalitiesReached": 2, "jobcentresReached": 2, "municipalities": 22}

    kinds = {line["kind"]: line for line in data["activities"]["byKind"]}
    assert kinds["leaflet"]["total"] == 300 and kinds["talk"]["total"] == 45 and kinds["press-article"]["activities"] == 1
    assert kinds["website"]["activities"] == 0
    assert data["stories"]["drafted"] == 0 and [c["channel"] for c in data["stories"]["byChannel"]] == ["newsletter", "press", "web"]

    lines = {line["name"]: line for line in data["grouped"]["lines"]}
    assert list(lines) == ["DA", "LO", "KL", "Vejle Kommune", "Fælles (sekretariatet)"]
    assert lines["KL"]["meetingsHeld"] == 1 and lines["KL"]["attended"] == 2
    assert lines["LO"]["meetingsCancelled"] == 1
    assert lines["DA"]["leafletsHandedOut"] == 300
    assert lines["Fælles (sekretariatet)"]["newslettersDelivered"] == 6
    assert data["grouped"]["total"]["talkAudience"] == 45


def test_report_text_is_danish(half_year):
    k, period = half_year
    out = k.run("report", "--from", period["from"], "--to", period["to"], "--by", "region").stdout
    assert "Aktivitetsrapport" in out
    assert f"Oplag (Nyhedsbrev): 0 → 5 pr. {day(0):%d.%m.%Y} (+5)" in out
    assert "Kommuner nået: 2 af 98; jobcentre nået: 2 af 98" in out
    assert "Aflyst: Fyraftensmøde i Aarhus" in out and "For få tilmeldte" in out
    assert "Fordelt på region" in out and "Region Syddanmark" in out


def test_activity_commands_and_hostile_input(half_year):
    k, period = half_year
    listed = k.json("activity", "list", "--from", period["from"], "--to", period["to"])
    assert [a["kind"] for a in listed] == ["leaflet", "talk", "press-article"]
    assert listed[2]["partner"] == "Vejle" and listed[2]["partnerName"] == "Vejle Kommune"
    assert len(k.json("activity", "list")) == 4
    assert [a["kind"] for a in k.json("activity", "list", "--kind", "pjece")] == ["leaflet"]
    removed = k.run("activity", "remove", period["old"]).stdout
    assert removed.strip() == f"Aktivitet {period['old']} (hjemmesideopdatering {day(-400):%d.%m.%Y}: Uden for perioden) er slettet."
    assert len(k.json("activity", "list")) == 3
    gone = k.run("activity", "remove", period["old"], check=False)
    assert gone.returncode == 1 and "findes ikke (se `kampagne activity list`)" in gone.stderr

    for args, field in [
        (["--kind", "leaflet", "--date", "2026-02-30", "--title", "x"], "--date"),
        (["--kind", "leaflet", "--date", "i morgen", "--title", "x"], "--date"),
        (["--kind", "fest", "--date", "2026-02-01", "--title", "x"], "--kind"),
        (["--kind", "talk", "--date", "2026-02-01", "--title", "x", "--count=-3"], "--count"),
        (["--kind", "talk", "--date", "2026-02-01", "--title", "x", "--count", "mange"], "--count"),
        (["--kind", "talk", "--date", "2026-02-01", "--title", "Oplæg\r\nBcc: x@y.example"], "--title"),
        (["--kind", "talk", "--date", "2026-02-01", "--title", "x" * 5000], "--title"),
        (["--kind", "talk", "--date", "2026-02-01", "--title", "x", "--partner", "Atlantis"], "--partner"),
    ]:
        result = k.run("activity", "add", *args, check=False)
        assert result.returncode == 1, args
        assert result.stderr.startswith("fejl: " + field), (args, result.stderr)
    assert len(k.json("activity", "list")) == 3

    # The same activity twice needs --again; an unlikely date needs --force.
    same = ["--kind", "leaflet", "--date", day(-40).isoformat(), "--title", "Pjecer på jobmessen", "--count", "300", "--partner", "DA"]
    twice = k.run("activity", "add", *same, check=False)
    assert twice.returncode == 1 and "findes allerede" in twice.stderr and "--again" in twice.stderr, twice.stderr
    k.run("activity", "add", *same, "--again")
    old = k.run("activity", "add", "--kind", "talk", "--date", "1.1.1999", "--title", "x", check=False)
    assert old.returncode == 1 and old.stderr.startswith("fejl: --date: 01.01.1999 ligger før år 2000") and "--force" in old.stderr
    k.run("activity", "add", "--kind", "talk", "--date", "1.1.1999", "--title", "x", "--force")
    assert len(k.json("activity", "list")) == 5

    missing = k.run("report", "--from", period["from"], "--to", period["to"], "--html", "/nonexistent/rapport.html", check=False)
    assert missing.returncode == 1 and "mappen /nonexistent findes ikke" in missing.stderr, missing.stderr

    for args, text in [
        (["--from", "2026-06-30", "--to", "2026-01-01"], "ligger efter"),
        (["--from", "2026-13-01", "--to", "2026-12-31"], "--from"),
        (["--from", "2026-01-01", "--to", "2026-06-30", "--by", "farve"], "--by"),
    ]:
        result = k.run("report", *args, check=False)
        assert result.returncode == 1 and result.stderr.startswith("fejl: ") and text in result.stderr, result.stderr


def test_csv_tables(half_year):
    k, period = half_year
    k.run("report", "--from", period["from"], "--to", period["to"], "--by", "partner", "--csv", "tabeller")
    folder = k.folder / "tabeller"
    names = sorted(p.name for p in folder.iterdir())
    assert "oversigt.csv" in names and "moeder.csv" in names and "fordeling-partner.csv" in names and "aktiviteter.csv" in names
    raw = (folder / "aktiviteter.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0][:3] == ["Id", "Dato", "Aktivitet"]
    titles = [row[3] for row in rows[1:]]
    assert "'=Artikel i lokalavisen" in titles  # no formula reaches Excel
    meetings = list(csv.DictReader((folder / "moeder.csv").read_text("utf-8-sig").splitlines(), delimiter=";"))
    assert [(m["Møde"], m["Status"], m["Tilmeldt"], m["Mødt"]) for m in meetings] == [
        ("Temamøde i Vejle", "afholdt", "3", "2"), ("Fyraftensmøde i Aarhus", "aflyst", "1", "0")]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make deps installs it)")
def test_html_renders_in_chromium_and_prints_to_pdf(half_year):
    k, period = half_year
    page = k.folder / "rapport.html"
    k.run("report", "--from", period["from"], "--to", period["to"], "--by", "partner", "--html", page)
    html = page.read_text("utf-8")
    assert "<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "Oplæg på &lt;konference&gt; &amp; messe" in html
    assert html.count("<svg") == 3

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / "report.pdf"
    if pdf.exists():
        pdf.unlink()
    subprocess.run([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert data.startswith(b"%PDF") and len(data) > 20_000
    assert 2 <= pages <= 8, pages

    selenium = pytest.importorskip("selenium")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=da-DK"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        driver.set_window_size(1000, 1400)
        driver.get(page.as_uri())
        text = driver.find_element(By.TAG_NAME, "body").text
        for expected in ["Aktivitetsrapport", "Oversigt over kommunikationsaktiviteter", "Nyhedsbreve udsendt", "Møder afholdt",
                         "Kommuner nået", "2 af 98", "Fordelt på partner", "For få tilmeldte", "Region Syddanmark",
                         "Oplæg på <konference> & messe", "Pjecer uddelt"]:
            assert expected in text, expected
        headings = [h.text for h in driver.find_elements(By.TAG_NAME, "h2")]
        assert headings == ["Oversigt over kommunikationsaktiviteter", "Fordelt på partner", "Nyhedsbreve og udsendelser", "Møder",
                            "Gode historier", "Andre aktiviteter", "Sådan er tallene talt"], headings
        charts = driver.find_elements(By.CSS_SELECTOR, "svg.chart")
        assert len(charts) == 3 and all(c.size["width"] > 400 and c.size["height"] > 100 for c in charts)
        # What is drawn inside each chart has a size too: the circulation steps, the sign-up bars, the coverage bars.
        drawn = driver.execute_script("""
            return [...document.querySelectorAll('svg.chart')].map(svg => {
              const marks = [...svg.querySelectorAll('polyline, rect')].map(e => e.getBBox());
              return {marks: marks.filter(b => b.width > 0 && b.height > 0).length,
                      texts: [...svg.querySelectorAll('text')].map(t => t.textContent)};
            });""")
        assert all(chart["marks"] >= 1 for chart in drawn), drawn
        assert f"pr. {day(0):%d.%m.%Y}" in drawn[0]["texts"], drawn[0]["texts"]
        assert "2/10 · 2 mødt" in drawn[1]["texts"] or "3/10 · 2 mødt" in drawn[1]["texts"], drawn[1]["texts"]
        assert any("af 22 kommuner" in t for t in drawn[2]["texts"])
        # Nothing wider than the page: no sideways scrolling on a laptop screen, and no table wider than the text column.
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 1000
        overflow = driver.execute_script("""
            const main = document.querySelector('main').getBoundingClientRect();
            return [...document.querySelectorAll('table')].filter(t => t.getBoundingClientRect().right > main.right + 1)
                   .map(t => t.caption ? t.caption.textContent : t.rows[0].textContent);""")
        assert overflow == [], overflow
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1000, min(height + 100, 8000))
        driver.save_screenshot(str(ARTIFACTS / "report.png"))
    finally:
        driver.quit()
    assert (ARTIFACTS / "report.png").stat().st_size > 50_000


@pytest.mark.skipif(CHROMIUM is None or shutil.which("pdftotext") is None,
                    reason="chromium and pdftotext (poppler-utils) are installed by make deps")
def test_printed_section_heading_stays_with_its_table(half_year):
    """A section heading and its intro are never left at the bottom of a page with the table
    on the next. The report's story section (heading, intro paragraph, table) is repeated after
    spacers of growing height, so that some copy's heading lands near every position on a page;
    Chromium prints it, and pdftotext shows, page by page, that each heading shares its page
    with its table's first row. (Without `div.opening` three pages of 36 copies fail.)"""
    k, period = half_year
    k.run("stories", "new", "En god historie")
    page = k.folder / "rapport.html"
    k.run("report", "--from", period["from"], "--to", period["to"], "--html", page)
    html = page.read_text("utf-8")
    start = html.index('<section id="historier">')
    section = html[start:html.index("</section>", start) + len("</section>")]
    assert '<p class="lead">' in section and "Uden branche" in section
    copies = "".join(f'<div style="height:{7 * n}mm"></div>{section}' for n in range(36))
    probe = k.folder / "brud.html"
    probe.write_text(html[:start] + copies + html[start + len(section):], "utf-8")
    pdf = k.folder / "brud.pdf"
    subprocess.run([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", probe.as_uri()],
                   check=True, capture_output=True, timeout=120)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    pages = text.split("\f")
    assert len(pages) > 10
    headings = [len(re.findall(r"(?m)^\s*Gode historier\s*$", p)) for p in pages]
    first_rows = [p.count("Uden branche") for p in pages]
    assert sum(headings) == 36
    for number, (h, r) in enumerate(zip(headings, first_rows), 1):
        assert h <= r, f"page {number}: {h} heading(s) 'Gode historier' but {r} table start(s)"
