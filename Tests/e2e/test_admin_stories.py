"""The advisor's good stories and the report in a real Chromium, against `kampagne serve` and
a real aiosmtpd: a case written with the company's side missing, the checks saying so, the
side added and LIX changing as it is typed, consent recorded, a review requested and approved
through the mailed link, the story published as a press release; then the report for the
period counting it, with the PDF download a real PDF (pdftotext). Screenshots at 1280 and
390 px go to test-artifacts/admin/historier/ and test-artifacts/admin/rapport/."""
import re
import shutil
import subprocess
import urllib.request
from datetime import datetime, timedelta

import pytest

from conftest import ROOT
from test_web import CPH, Web, create, meeting
from test_admin import ARTIFACTS, PASSWORD, accessible, browser, wait_for  # noqa: F401 (browser is a fixture)

from browsing import looking_again, replaced  # noqa: E402
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

ADVISOR = "asta@partnerskab.example"
SECRETARIAT = "sif@partnerskab.example"
REVIEWER = "jens.kragh@fjordlys.example"


def shot(driver, folder, name):
    """Screenshots at laptop and phone width; the page itself never scrolls sideways."""
    target = ARTIFACTS / folder
    target.mkdir(parents=True, exist_ok=True)
    for width, height in [(1280, 900), (390, 844)]:
        driver.set_window_size(width, height)
        assert driver.execute_script("return document.documentElement.scrollWidth") <= width + 1, (folder, name, width)
        driver.save_screenshot(str(target / f"{name}-{width}.png"))
    driver.set_window_size(1280, 900)


def login(driver, base, username, path):
    driver.delete_all_cookies()
    driver.get(base + path)
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: "/admin/login" not in d.current_url)


def submit(driver, selector, by=By.CSS_SELECTOR):
    """Clicks a submit button and waits for the next page to replace this one."""
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(by, selector).click()
    WebDriverWait(driver, 30).until(replaced(page))


def fill(driver, name, text):
    field = driver.find_element(By.NAME, name)
    field.clear()
    field.send_keys(text)


def codes(driver):
    # Read in one script: the live checks may swap the panel between two Selenium calls.
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#checks li[data-code]')).map(function (li) { return li.dataset.code; })")


def lix(driver):
    return driver.execute_script("var e = document.getElementById('lix'); return e ? e.textContent : null")


@pytest.fixture
def office(k, smtp):
    server = smtp()
    k.run("init")
    toml = (k.folder / "kampagne.toml").read_text()
    toml += f'\n[smtp]\nurl = "smtp://127.0.0.1:{server.port}"\nstarttls = "off"\nconnections = 1\n'
    (k.folder / "kampagne.toml").write_text(toml)
    k.run("users", "add", ADVISOR, "--role", "kommunikation", "--password-stdin", input=PASSWORD + "\n")
    # A meeting in the period, so the report has its sign-up chart.
    event_id, _ = create(k, meeting(capacity=10, days=2))
    k.run("events", "register", event_id, "--email", "eva@kommune.example", "--name", "Eva Ørsted")
    k.run("users", "add", SECRETARIAT, "--role", "sekretariat", "--password-stdin", input=PASSWORD + "\n")
    w = Web(k)
    yield k, w, server
    w.stop()


def test_an_advisor_writes_checks_gets_approval_and_publishes_then_the_report_counts_it(office, browser):
    k, w, server = office
    login(browser, w.base, ADVISOR, "/admin/historier")
    browser.find_element(By.ID, "new-headline").send_keys("Kok i Vejle")
    submit(browser, "create", By.ID)
    wait_for(browser, "Historien er oprettet.")
    story_path = browser.current_url.replace(w.base, "").split("?")[0]
    story = story_path.rsplit("/", 1)[1]

    # The case without the company's motive and result.
    fill(browser, "headline", "Køkkenet på Hotel Fjordlys fik en ny kok")
    fill(browser, "lead", "Hotel Fjordlys manglede hænder i køkkenet. Nu er Amina fastansat.")
    fill(browser, "core", "Amina fik fast job som kok, fordi praktikken viste, at hun kunne køkkenet.")
    fill(browser, "body", "Amina kom til Vejle for fire år siden og havde arbejdet som kok i sit hjemland, men hun "
                          "manglede erfaring fra et dansk restaurationskøkken og havde begrænsede danskkundskaber, så "
                          "jobcentret foreslog en jobpakke med virksomhedspraktik og sprogundervisning.\n\n"
                          "Efter tolv uger blev hun ansat.")
    for name, value in [("municipality", "Vejle"), ("jobcentre", "Jobcenter Vejle"), ("industry", "Hotel og restauration"),
                        ("jobPackage", "Køkken"), ("company", "Hotel Fjordlys"),
                        ("person-1-name", "Amina Haddad"), ("person-1-role", "medarbejder"), ("person-1-title", "kok"),
                        ("person-2-name", "Jens Kragh"), ("person-2-role", "virksomhedens kontakt"),
                        ("person-2-title", "køkkenchef"), ("moment-1-date", "2026-09-01"),
                        ("moment-1-text", "Første dag i praktik på hotellet"), ("pressName", "Sara Holm"),
                        ("pressEmail", "sara.holm@partnerskab.example"), ("pressPhone", "70 00 00 01")]:
        fill(browser, name, value)
    Select(browser.find_element(By.NAME, "person-1-shown")).select_by_value("first-name")
    submit(browser, "save", By.ID)
    wait_for(browser, "Historien er gemt som en ny version.")
    # Quotes name the people, who exist after the save.
    Select(browser.find_element(By.NAME, "quote-1-person")).select_by_visible_text("Jens Kragh")
    fill(browser, "quote-1-text", "Hun var den bedste kok, vi har ansat i mange år.")
    submit(browser, "check", By.ID)
    # The checked page: its LIX panel reads the quote, which is not saved yet.
    wait_for(browser, "Citat (Jens Kragh)")
    found = codes(browser)
    assert "company-motive-missing" in found and "company-result-missing" in found, found
    assert "person-without-consent" in found
    # The long sentence and the long words are marked in the text.
    marks = browser.find_elements(By.CSS_SELECTOR, "#checks .marked mark.long-sentence")
    assert marks and "restaurationskøkken" in marks[0].text
    assert "danskkundskaber" in [m.text for m in browser.find_elements(By.CSS_SELECTOR, "#checks .marked mark.long-word")]
    before = lix(browser)
    accessible(browser, "historie")
    shot(browser, "historier", "mangler-virksomhed")

    # The company's side, typed: the script updates the checks and LIX without a page load.
    browser.find_element(By.NAME, "motive").send_keys("Hotellet manglede kokke og ville prøve en ny måde at ansætte på.")
    browser.find_element(By.NAME, "result").send_keys("En stabil kok. Hotellet vil gøre det igen.")
    WebDriverWait(browser, 30).until(looking_again(lambda d: "company-motive-missing" not in codes(d) and lix(d) != before),
                                     message="the checks did not follow the typing")
    assert browser.find_element(By.ID, "checks").get_attribute("data-live") == "ja"
    assert "company-result-missing" not in codes(browser)
    submit(browser, "save", By.ID)
    wait_for(browser, "Historien er gemt som en ny version.")
    assert "company-motive-missing" not in codes(browser)

    # Consent from both, on every channel.
    for person in ["Amina Haddad", "Jens Kragh"]:
        Select(browser.find_element(By.ID, "c-person")).select_by_visible_text(person)
        browser.find_element(By.ID, "c-how").send_keys("underskrevet blanket")
        submit(browser, "#consent-form button")
        wait_for(browser, "Samtykket er registreret.")
    assert "person-without-consent" not in codes(browser)
    assert not browser.find_elements(By.CSS_SELECTOR, "table.consent-matrix td.no")

    # The versions side by side.
    browser.get(w.base + story_path + "/versioner?fra=2&til=3")
    assert "Virksomhedens" in browser.find_element(By.CSS_SELECTOR, "table.diff").text
    assert browser.find_elements(By.CSS_SELECTOR, "table.diff ins")
    shot(browser, "historier", "versioner")

    # A review through the mailed link.
    browser.get(w.base + story_path + "#gennemsyn")
    browser.find_element(By.ID, "r-to").send_keys(f"Jens Kragh <{REVIEWER}>")
    submit(browser, "#review-form button")
    wait_for(browser, "Anmodningen om gennemsyn er lagt i kø")
    k.run("outbox", "run")
    mail = next(m for m in server.messages() if m["X-Test-Rcpt"] == REVIEWER)
    assert mail["Subject"] == "Til gennemsyn: Køkkenet på Hotel Fjordlys fik en ny kok"
    review = re.search(r"http://localhost:8080(/historie/\S+)", mail.get_body(("plain",)).get_content()).group(1)
    browser.delete_all_cookies()
    browser.get(w.base + review)
    submit(browser, "button[value=approve]")
    wait_for(browser, "Tak. Du har godkendt historien.")

    # Published as a press release, after a preview.
    login(browser, w.base, ADVISOR, story_path + "/udgiv?form=press-release")
    assert "Hun var den bedste kok" in browser.find_element(By.ID, "preview").text
    assert not browser.find_elements(By.ID, "blockers")
    shot(browser, "historier", "forhaandsvisning")
    submit(browser, "publish", By.ID)
    wait_for(browser, "Historien er offentliggjort som pressemeddelelse i pressen.")
    shown = k.json("stories", "show", story)
    assert shown["summary"]["status"] == "published" and shown["usages"][0]["channel"] == "press"
    browser.get(w.base + story_path + "#brugt")
    assert "pressemeddelelse" in browser.find_element(By.ID, "brugt").find_element(By.XPATH, "following-sibling::div").text
    shot(browser, "historier", "historie")

    # The report for this half-year counts the story, on the page and in the PDF.
    today = datetime.now(CPH)
    query = f"fra={today - timedelta(days=1):%Y-%m-%d}&til={today + timedelta(days=30):%Y-%m-%d}"
    login(browser, w.base, SECRETARIAT, "/admin/rapport")
    browser.get(w.base + "/admin/rapport?" + query)  # the login keeps the path, not the query
    assert browser.find_element(By.ID, "r-from").get_attribute("value") == f"{today - timedelta(days=1):%Y-%m-%d}"
    report = browser.find_element(By.ID, "report").text
    assert "Gode historier bragt" in report and "Køkkenet på Hotel Fjordlys fik en ny kok" in report
    assert browser.find_elements(By.CSS_SELECTOR, "#report svg.chart")
    assert "Temamøde om jobpakker" in report
    Select(browser.find_element(By.ID, "a-kind")).select_by_value("talk")
    fill(browser, "title", "Oplæg på LO's integrationskonference")
    fill(browser, "count", "120")
    fill(browser, "date", today.strftime("%Y-%m-%d"))
    submit(browser, "#activity-form button")
    wait_for(browser, "Aktiviteten er gemt.")
    assert "Oplæg på LO's integrationskonference" in browser.find_element(By.ID, "activities").text
    accessible(browser, "rapport")
    shot(browser, "rapport", "rapport")

    cookie = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
    request = urllib.request.Request(w.base + "/admin/rapport/rapport.pdf?" + query, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=90) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        pdf = response.read()
    assert pdf.startswith(b"%PDF")
    (k.folder / "rapport.pdf").write_bytes(pdf)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(k.folder / "rapport.pdf"), "-"], capture_output=True, text=True).stdout
        assert "Aktivitetsrapport" in text and "Køkkenet på Hotel Fjordlys" in text and "LO's integrationskonference" in text
    request = urllib.request.Request(w.base + "/admin/rapport/tabeller/oversigt.csv?" + query, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=30) as response:
        csv = response.read()
    assert csv.startswith(b"\xef\xbb\xbf") and "Gode historier".encode() in csv
