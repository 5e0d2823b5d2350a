"""The newsletter section `/admin/nyhedsbreve` in a real Chromium against `kampagne serve` (with
its scheduler) and a real aiosmtpd: write an edition with a good story, watch the preview follow
the typing, check it, test-send it, count a segment, confirm, pause and resume the send, watch the
progress reach the end, and find one recipient's mail and the server's reply in the log. The
count shown before sending is the number of messages the server received. Screenshots at 1280
and 390 px go to test-artifacts/admin/nyhedsbreve/."""
import os
import re
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT
from test_web import Web

selenium = pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402
from test_admin import browser  # noqa: E402,F401  (the Chromium fixture)
from browsing import looking_again  # noqa: E402
from test_admin import shot as admin_shot  # noqa: E402

ARTIFACTS = Path(os.environ.get("KAMPAGNE_ARTIFACTS", ROOT / "test-artifacts")) / "admin" / "nyhedsbreve"
PASSWORD = "hemmelig-kode-42"
SECRETARIAT = "sif@partnerskab.example"
STORY_PEOPLE = ["Samira Haddad", "Jens Kragh", "Mette Vinther"]
# Eight readers: six in Region Syddanmark (the segment), one of them on both lists, one unsubscribed.
READERS = """E-mail;Navn;Organisation;Kommune
anna@vejle.example;Anna Ærø;Jobcenter Vejle;Vejle
bo@vejle.example;Bo Øst;Jobcenter Vejle;Vejle
carl@odense.example;Carl Åberg;Jobcenter Odense;Odense
dorte@odense.example;Dorte Dam;Jobcenter Odense;Odense
emil@kolding.example;Emil Eg;Jobcenter Kolding;Kolding
frida@kolding.example;Frida Fjord;Jobcenter Kolding;Kolding
gert@aarhus.example;Gert Grøn;Jobcenter Aarhus;Aarhus
hanne@aalborg.example;Hanne Hav;Jobcenter Aalborg;Aalborg
"""


def shot(driver, name):
    """test_admin's screenshots at 1280 and 390 px (the page must not scroll sideways), in our folder."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    admin_shot(driver, "nyhedsbreve/" + name)


def until(driver, condition, message, timeout=20):
    WebDriverWait(driver, timeout, poll_frequency=0.2).until(looking_again(condition), message=message)


def text_of(driver, element_id):
    return driver.find_element(By.ID, element_id).text


@pytest.fixture
def newsroom(k, smtp):
    server = smtp()
    k.run("init")
    toml = (k.folder / "kampagne.toml").read_text()
    # A pace the progress can be watched at: 5 messages take about two and a half seconds.
    toml += (f'\n[smtp]\nurl = "smtp://127.0.0.1:{server.port}"\nstarttls = "off"\nconnections = 1\nrate = "2/s"\n'
             '\n[newsletter]\nlink_domains = ["example.org"]\n'
             # SpamAssassin's start takes half a minute here; its check has a library test of its own.
             'spamassassin = "/findes/ikke/spamassassin"\n')
    (k.folder / "kampagne.toml").write_text(toml)
    k.run("users", "add", SECRETARIAT, "--role", "sekretariat", "--password-stdin", input=PASSWORD + "\n")
    k.write("laesere.csv", READERS)
    k.run("contacts", "import", "laesere.csv", "--list", "Nyhedsbrev")
    k.write("chefer.csv", "E-mail;Navn;Kommune\nanna@vejle.example;Anna Ærø;Vejle\n")
    k.run("contacts", "import", "chefer.csv", "--list", "Chefer")
    k.run("contacts", "unsubscribe", "frida@kolding.example")
    k.run("segments", "create", "Syddanmark", "--region", "Syddanmark")
    story = k.run("stories", "import", ROOT / "examples" / "historie-hotel-fjordlys.md").stdout.strip()
    for person in STORY_PEOPLE:
        k.run("stories", "consent", story, "--person", person, "--channels", "newsletter,press,web", "--given", "2026-10-01",
              "--how", "underskrevet blanket")
    k.run("stories", "approve", story, "--by", "Jens Kragh")
    w = Web(k, scheduler=True)
    yield k, w, server, story
    w.stop()


def login(driver, base):
    driver.get(base + "/admin/nyhedsbreve/ny")
    driver.find_element(By.ID, "username").send_keys(SECRETARIAT)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    until(driver, lambda d: "/admin/nyhedsbreve/ny" in d.current_url and d.find_elements(By.ID, "emne"), "the editor after login")


def preview_html(driver):
    return driver.find_element(By.ID, "preview-html").get_attribute("srcdoc")


def test_write_preview_check_test_send_and_send_to_a_segment(newsroom, browser):
    k, w, server, story = newsroom
    login(browser, w.base)
    browser.find_element(By.ID, "emne").send_keys("Nyt om jobpakker i Syddanmark")
    browser.find_element(By.ID, "nummer").send_keys("Nyt om Virksomhedsrettet Integration nr. 15")
    body = browser.find_element(By.ID, "tekst")
    body.clear()
    body.send_keys("# Jobpakker virker\n\nTo ud af tre kom i job. Læs mere på [star](https://example.org/jobpakker).\n")
    # Without the script's help too: the story is put in by a plain form button.
    Select(browser.find_element(By.ID, "historie")).select_by_value(story)
    browser.find_element(By.CSS_SELECTOR, "button[value=historie]").click()
    until(browser, lambda d: f"@historie {story}" in d.find_element(By.ID, "tekst").get_attribute("value"), "the story line")
    html = preview_html(browser)
    assert "Jobpakker virker" in html and "Kære Jens" in html and "Køkkenet" in html, "the story's article is in the preview"
    assert "Jobpakker virker" in text_of(browser, "preview-text")
    # The preview follows the typing (the script), as a chosen recipient would get it.
    browser.find_element(By.ID, "modtager").send_keys("anna@vejle.example")
    browser.find_element(By.ID, "tekst").send_keys("\nEn linje skrevet lige nu.\n")
    until(browser, lambda d: "En linje skrevet lige nu." in preview_html(d) and "Kære Anna" in preview_html(d), "the live preview")
    # The script talks to our own server only (CSP connect-src 'self'): nothing was refused.
    assert not [e for e in browser.get_log("browser") if e["source"] == "security"]
    assert "En linje skrevet lige nu." in text_of(browser, "preview-text")
    phone = browser.find_element(By.ID, "preview-phone")
    assert phone.size["width"] <= 392 and phone.get_attribute("srcdoc") == preview_html(browser)
    browser.switch_to.frame(phone)
    assert "Jobpakker virker" in browser.find_element(By.TAG_NAME, "body").text, "the frame renders under the CSP"
    browser.switch_to.default_content()
    browser.find_element(By.ID, "gem").click()
    until(browser, lambda d: "Udgaven er gemt." in d.find_element(By.TAG_NAME, "body").text, "saved")
    edition = re.search(r"/udgave/(\d+)", browser.current_url).group(1)
    shot(browser, "redigering")
    # The browser saved through the file import's library call: the CLI lists it.
    assert any(str(e["id"]) == edition and e["articles"] == 2 for e in k.json("newsletter", "list"))

    # Pre-flight, in Danish; the CLI gives the same report.
    browser.find_element(By.LINK_TEXT, "Kontrollér før udsendelse").click()
    until(browser, lambda d: d.find_elements(By.ID, "preflight"), "the pre-flight page")
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "Ingen fejl" in page and "Mailen fylder" in page and "Spamtjek sprunget over" in page
    check = k.json("newsletter", "check", edition)
    assert check["passed"] is True and {f["check"] for f in check["findings"]} >= {"links", "size", "spam"}
    shot(browser, "kontrol")

    # A test send arrives at once, marked [TEST].
    browser.get(f"{w.base}/admin/nyhedsbreve/udgave/{edition}")
    browser.find_element(By.ID, "adresser").send_keys("test@partnerskab.example")
    browser.find_element(By.CSS_SELECTOR, "#test-form button").click()
    until(browser, lambda d: "Testmailen er" in d.find_element(By.TAG_NAME, "body").text, "the test send")
    until(browser, lambda d: any(m["Subject"].startswith("[TEST]") for m in server.messages()), "the test mail", timeout=10)
    assert [m["To"] for m in server.messages()] == ["test@partnerskab.example"]

    # The segment and a list that overlaps it: the exact count, after suppression and duplicates.
    browser.get(f"{w.base}/admin/nyhedsbreve/udgave/{edition}/send")
    browser.find_element(By.CSS_SELECTOR, "input[name=segment][value=Syddanmark]").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=liste][value=Chefer]").click()
    browser.find_element(By.CSS_SELECTOR, "#audience-form button").click()
    until(browser, lambda d: d.find_elements(By.ID, "audience-count"), "the count")
    shown = int(text_of(browser, "audience-count"))
    assert shown == 5, "six in the region, one unsubscribed, Anna on both counted once"
    assert "1 spærrede" in browser.find_element(By.TAG_NAME, "main").text
    assert "pr. sekund" in text_of(browser, "send-estimate")
    shot(browser, "modtagere")
    browser.find_element(By.ID, "to-confirm").click()
    assert int(text_of(browser, "confirm-count")) == shown
    shot(browser, "bekraeft")
    browser.find_element(By.ID, "confirm-send").click()
    until(browser, lambda d: "/udsendelse/" in d.current_url, "the send's page")
    campaign = re.search(r"/udsendelse/(\d+)", browser.current_url).group(1)

    # Pause at once: the scheduler sends nothing more until it is resumed.
    browser.find_element(By.ID, "pause").click()
    until(browser, lambda d: "Udsendelsen er sat på pause." in d.find_element(By.TAG_NAME, "body").text, "paused")
    newsletters = lambda: [m for m in server.messages() if not m["Subject"].startswith("[TEST]")]  # noqa: E731
    time.sleep(2.5)
    held = len(newsletters())
    assert held < shown and "på pause" in text_of(browser, "p-state")
    time.sleep(1.5)
    assert len(newsletters()) == held, "nothing is sent while paused"
    browser.find_element(By.ID, "resume").click()
    until(browser, lambda d: "Udsendelsen er genoptaget." in d.find_element(By.TAG_NAME, "body").text, "resumed")
    # Live progress, without reloading, to the end (the script reloads once at the end for the log).
    until(browser, lambda d: int(text_of(d, "p-sent") or 0) > held, "progress moving", timeout=15)
    shot(browser, "undervejs")
    until(browser, lambda d: text_of(d, "p-state") == "afsluttet", "the end", timeout=30)
    assert text_of(browser, "p-sent") == str(shown) and text_of(browser, "p-failed") == "0"
    received = newsletters()
    assert len(received) == shown, "the count shown before sending is what the server received"
    assert len({m["To"] for m in received}) == shown, "each once"
    # One recipient's mail and the server's reply to it in the log.
    carl = next(m for m in received if m["To"].endswith("<carl@odense.example>"))
    assert carl["Subject"] == "Nyt om jobpakker i Syddanmark"
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#recipients tbody tr") if "carl@odense.example" in r.text)
    assert "sendt" in row.text and re.search(r"250 2\.0\.0 OK queued as \d+", row.text)
    shot(browser, "afsluttet")
    progress = k.json("newsletter", "progress", campaign)
    assert progress["sent"] == shown and progress["finished"] is True
    assert {r["email"] for r in k.json("newsletter", "recipients", campaign)} == {
        "anna@vejle.example", "bo@vejle.example", "carl@odense.example", "dorte@odense.example", "emil@kolding.example"}

    # "View in browser": the public archive page, without the reader's name or links.
    link = re.search(r"https?://\S+/nyhedsbrev/arkiv/\d+", carl.get_body(("plain",)).get_content()).group(0)
    path = link.split("/nyhedsbrev/", 1)[1]
    browser.get(f"{w.base}/nyhedsbrev/{path}")
    page = browser.find_element(By.TAG_NAME, "body").text
    assert "Jobpakker virker" in page and "Carl" not in page and "carl@" not in page
    shot(browser, "arkiv-udgave")
    browser.get(f"{w.base}/nyhedsbrev/arkiv")
    assert "Nyt om Virksomhedsrettet Integration nr. 15" in browser.find_element(By.TAG_NAME, "body").text
    # The archive page is served to anyone, with no cookie.
    with urllib.request.urlopen(f"{w.base}/nyhedsbrev/{path}", timeout=10) as response:
        assert response.status == 200


def test_cli_pauses_and_resumes_a_send(newsroom):
    k, w, server, story = newsroom
    w.stop()  # no scheduler: the CLI runs the outbox itself
    k.write("u.md", "---\nsubject: Kort nyt\nnumber: 16\n---\n# Kort\n\nHej.\n")
    edition = k.run("newsletter", "create", "u.md").stdout.strip()
    queued = k.json("newsletter", "send", edition, "--list", "Nyhedsbrev", "--queue-only")
    campaign = str(queued["campaignId"])
    k.run("newsletter", "pause", campaign)
    assert k.json("newsletter", "progress", campaign)["paused"] is True
    run = k.json("outbox", "run")
    assert run["dispatch"]["sent"] == 0 and server.messages() == []
    k.run("newsletter", "resume", campaign)
    assert k.json("outbox", "run")["dispatch"]["sent"] == queued["queued"] == 7
    assert len(server.messages()) == 7
    log = k.json("log")
    assert {"newsletter.pause", "newsletter.resume"} <= {row["action"] for row in log["entries"]}
    # Scheduled for later: queued now, nothing sent before its time.
    later = k.run("newsletter", "send", edition, "--list", "Chefer", "--send-again", "--at", "2099-01-01 10:00").stdout
    assert "2099" in later
    assert k.json("outbox", "run")["dispatch"]["sent"] == 0


DAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"]


def danish_long(moment):
    """"torsdag den 4. februar 2027 kl. 10.00", as the staff area writes a time."""
    return f"{DAYS[moment.weekday()]} den {moment.day}. {MONTHS[moment.month - 1]} {moment.year} kl. {moment:%H.%M}"


def soon(seconds):
    """Copenhagen time `seconds` from now, as a person types it (with seconds, so the test need not wait for a minute)."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo
    return (datetime.now(ZoneInfo("Europe/Copenhagen")) + timedelta(seconds=seconds)).strftime("%d.%m.%Y %H:%M:%S")


def schedule(driver, base, edition, when):
    """The send page: the segment, "Senere" at `when`, the count, the confirmation; returns the count shown and the send's id."""
    driver.get(f"{base}/admin/nyhedsbreve/udgave/{edition}/send")
    driver.find_element(By.CSS_SELECTOR, "input[name=segment][value=Syddanmark]").click()
    driver.find_element(By.CSS_SELECTOR, "input[name=naar][value=senere]").click()
    driver.find_element(By.ID, "tid").send_keys(when)
    driver.find_element(By.CSS_SELECTOR, "#audience-form button").click()
    until(driver, lambda d: d.find_elements(By.ID, "to-confirm") or d.find_elements(By.CSS_SELECTOR, "main .error"), "the count")
    errors = driver.find_elements(By.CSS_SELECTOR, "main .error")
    assert not errors, errors[0].text + " " + driver.current_url
    shown = int(text_of(driver, "audience-count"))
    driver.find_element(By.ID, "to-confirm").click()
    assert int(text_of(driver, "confirm-count")) == shown
    driver.find_element(By.ID, "confirm-send").click()
    until(driver, lambda d: "/udsendelse/" in d.current_url, "the send's page")
    return shown, re.search(r"/udsendelse/(\d+)", driver.current_url).group(1)


def test_a_scheduled_send_is_moved_cancelled_and_sent_by_the_scheduler(newsroom, browser):
    k, w, server, story = newsroom
    k.write("planlagt.md", "---\nsubject: Planlagt nyt\nnumber: 17\n---\n# Planlagt\n\nHej fra partnerskabet.\n")
    edition = k.run("newsletter", "create", "planlagt.md").stdout.strip()
    login(browser, w.base)
    shown, campaign = schedule(browser, w.base, edition, "04.02.2027 10:00")
    assert shown == 5
    assert "Udsendelsen er planlagt." in browser.find_element(By.TAG_NAME, "body").text
    box = browser.find_element(By.ID, f"planned-{campaign}")
    assert box.find_element(By.CLASS_NAME, "planned-when").text == "torsdag den 4. februar 2027 kl. 10.00"
    assert box.find_element(By.CLASS_NAME, "planned-count").text == "5"
    shot(browser, "planlagt")
    # The edition's page shows it too, with the same controls.
    browser.get(f"{w.base}/admin/nyhedsbreve/udgave/{edition}")
    assert "torsdag den 4. februar 2027 kl. 10.00" in browser.find_element(By.ID, f"planned-{campaign}").text
    shot(browser, "planlagt-udgave")

    # Flyt: to another time; a time that has passed is refused in Danish.
    move = browser.find_element(By.ID, f"flyt-{campaign}")
    move.clear()
    move.send_keys("05.02.2027 11:30")
    browser.find_element(By.ID, f"flyt-knap-{campaign}").click()
    until(browser, lambda d: "Udsendelsen er flyttet." in d.find_element(By.TAG_NAME, "body").text, "moved")
    assert browser.find_element(By.CSS_SELECTOR, f"#planned-{campaign} .planned-when").text == "fredag den 5. februar 2027 kl. 11.30"
    assert "flyttet af " + SECRETARIAT in text_of(browser, "schedule-history")
    move = browser.find_element(By.ID, f"flyt-{campaign}")
    move.clear()
    move.send_keys("01.12.2026 10:00")
    browser.find_element(By.ID, f"flyt-knap-{campaign}").click()
    until(browser, lambda d: d.find_elements(By.ID, "campaign-error"), "the refusal")
    assert "er allerede passeret" in text_of(browser, "campaign-error")
    assert k.json("newsletter", "progress", campaign)["scheduledAt"].startswith("2027-02-05")

    # Moved to a few seconds ahead, then cancelled before its time: the server receives nothing.
    move = browser.find_element(By.ID, f"flyt-{campaign}")
    move.clear()
    move.send_keys(soon(6))
    due = time.time() + 6
    browser.find_element(By.ID, f"flyt-knap-{campaign}").click()
    until(browser, lambda d: "Udsendelsen er flyttet." in d.find_element(By.TAG_NAME, "body").text, "moved near")
    browser.find_element(By.ID, f"annuller-{campaign}").click()
    until(browser, lambda d: "Annullér udsendelsen" in d.find_element(By.TAG_NAME, "h1").text, "the confirmation")
    assert "til 5 modtagere?" in browser.find_element(By.TAG_NAME, "h1").text
    shot(browser, "annuller")
    browser.find_element(By.CSS_SELECTOR, "main button.danger").click()
    until(browser, lambda d: "Udsendelsen er annulleret" in d.find_element(By.TAG_NAME, "body").text, "cancelled")
    state = text_of(browser, "p-state")
    assert state.startswith("annulleret ") and state.endswith(" af " + SECRETARIAT)
    assert "annulleret af " + SECRETARIAT in text_of(browser, "schedule-history")
    assert not browser.find_elements(By.ID, f"flyt-{campaign}")
    shot(browser, "annulleret")
    time.sleep(max(0, due + 2.5 - time.time()))  # past the time it had, with the scheduler running every second
    assert server.messages() == [], "a cancelled send sends nothing"
    status = k.json("outbox", "status", campaign)[0]
    assert status["total"] == 0 and status["cancelledAt"]
    assert {"newsletter.schedule", "newsletter.unschedule"} <= {row["action"] for row in k.json("log")["entries"]}

    # Scheduled again a few seconds ahead: the web scheduler sends it, the count the page showed.
    shown, again = schedule(browser, w.base, edition, soon(10))
    assert shown == 5 and again != campaign
    assert browser.find_element(By.CSS_SELECTOR, f"#planned-{again} .planned-count").text == "5"
    until(browser, lambda d: text_of(d, "p-state") == "afsluttet", "sent by the scheduler", timeout=40)
    assert len(server.messages()) == shown, "the count shown is what the server received"
    assert len({m["To"] for m in server.messages()}) == shown


def test_an_edition_over_64_kb_saves_from_the_browser(newsroom, browser):
    k, w, server, story = newsroom
    login(browser, w.base)
    browser.find_element(By.ID, "emne").send_keys("Et langt nyhedsbrev")
    paragraph = "Jobcentret i Æbeltoft fortæller om et forløb, der virkede for både borgere og virksomheder.\n\n"
    text = "# Lang artikel\n\n" + paragraph * 900
    assert len(text.encode()) > 80_000
    # Typing 80 KB key by key takes minutes: the text is put in the field as a paste would.
    browser.execute_script("document.getElementById('tekst').value = arguments[0];", text)
    browser.find_element(By.ID, "gem").click()
    until(browser, lambda d: "Udgaven er gemt." in d.find_element(By.TAG_NAME, "body").text, "saved", timeout=30)
    edition = re.search(r"/udgave/(\d+)", browser.current_url).group(1)
    saved = next(e for e in k.json("newsletter", "list") if str(e["id"]) == edition)
    assert saved["subject"] == "Et langt nyhedsbrev"
    assert browser.find_element(By.ID, "tekst").get_attribute("value").count("Æbeltoft") == 900
