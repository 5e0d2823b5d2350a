"""Real-browser tests: Debian's chromium and chromium-driver, driven by Selenium, against a
running `kampagne serve`, with mail read from the real SMTP test server. Screenshots go to
test-artifacts/ (or $KAMPAGNE_ARTIFACTS)."""
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from test_web import Web, create, link, meeting

selenium = pytest.importorskip("selenium")
from browsing import looking_again  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

ARTIFACTS = Path(os.environ.get("KAMPAGNE_ARTIFACTS", ROOT / "test-artifacts"))
CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make deps installs it)")


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=da-DK"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_window_size(390, 844)  # a phone held upright
    driver.implicitly_wait(2)
    yield driver
    driver.quit()


def submit(driver, expected):
    """Clicks the form's button and waits for the next page to say `expected`."""
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, 10).until(looking_again(
        lambda d: expected in d.find_element(By.TAG_NAME, "main").text), message=f"never saw {expected!r}")


def shot(driver, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


@pytest.fixture
def site(k, smtp):
    k.run("init")
    server = smtp()
    toml = (k.folder / "kampagne.toml").read_text().replace('path = "Templates"', f'path = "{ROOT / "Templates"}"')
    toml += f'\n[smtp]\nurl = "smtp://127.0.0.1:{server.port}"\nstarttls = "off"\nconnections = 1\n'
    (k.folder / "kampagne.toml").write_text(toml)
    web = Web(k)
    # Links in mails point at the server under test.
    toml = (k.folder / "kampagne.toml").read_text().replace('base_url = "http://localhost:8080"', f'base_url = "{web.base}"')
    (k.folder / "kampagne.toml").write_text(toml)
    yield k, web, server
    web.stop()


def mail_link(server, subject_start, pattern):
    message = next(m for m in reversed(server.messages()) if m["Subject"].startswith(subject_start))
    return link(message, pattern)


def test_sign_up_from_invitation_then_cancel_from_the_mail(site, browser):
    k, web, server = site
    event_id, public = create(k, meeting(capacity=1))
    k.write("c.csv", "E-mail;Fornavn;Efternavn;Organisation;Kommune\nanne@kommune.example;Anne;Holm;Jobcenter Odense;Odense\n"
                     "bo@kommune.example;Bo;Lund;Jobcenter Vejle;Vejle\n")
    k.run("contacts", "import", "c.csv", "--list", "Chefer")
    k.run("events", "invite", event_id, "--list", "Chefer")
    k.run("outbox", "run")
    invitation = next(m for m in server.messages() if m["X-Test-Rcpt"] == "anne@kommune.example")
    browser.get(link(invitation, re.escape(web.base) + r"/moede/\S+"))
    assert browser.find_element(By.ID, "email").get_attribute("value") == "anne@kommune.example"
    assert browser.find_element(By.ID, "name").get_attribute("value") == "Anne Holm"
    assert Select(browser.find_element(By.ID, "municipality")).first_selected_option.text == "Odense"
    Select(browser.find_element(By.ID, "q-kost")).select_by_visible_text("vegetar")
    shot(browser, "01-tilmelding-fra-invitation")
    submit(browser, "Tak for din tilmelding")
    shot(browser, "02-tilmeldt")
    # The next person finds the meeting full and lands on the waiting list.
    browser.get(f"{web.base}/moede/{public}")
    assert "Mødet er fuldt" in browser.page_source
    browser.find_element(By.ID, "name").send_keys("Bo Lund")
    browser.find_element(By.ID, "email").send_keys("bo@kommune.example")
    submit(browser, "ventelisten som nummer 1")
    shot(browser, "03-venteliste")
    # Anne cancels from her confirmation mail; Bo is offered the seat.
    k.run("outbox", "run")
    browser.get(mail_link(server, "Tilmelding bekræftet", re.escape(web.base) + r"/tilmelding/afmeld/\S+"))
    submit(browser, "Du er afmeldt")
    shot(browser, "04-afmeldt")
    assert k.json("events", "show", event_id)["event"]["offered"] == 1


def test_subscribe_with_double_opt_in_then_unsubscribe(site, browser):
    k, web, server = site
    k.run("lists", "create", "Nyhedsbrev")
    browser.get(f"{web.base}/nyhedsbrev")
    browser.find_element(By.ID, "email").send_keys("laeser@kommune.example")
    browser.find_element(By.ID, "name").send_keys("Læser Ærø")
    submit(browser, "Tjek din mail")
    shot(browser, "05-tjek-din-mail")
    k.run("outbox", "run")
    browser.get(mail_link(server, "Bekræft din tilmelding", re.escape(web.base) + r"/nyhedsbrev/bekraeft/\S+"))
    assert k.json("lists", "show", "Nyhedsbrev")["members"] == []
    submit(browser, "står nu på listen")
    shot(browser, "06-bekraeftet")
    assert [m["email"] for m in k.json("lists", "show", "Nyhedsbrev")["members"]] == ["laeser@kommune.example"]
    # Unsubscribe from a newsletter's link: one button.
    edition = k.run("newsletter", "create", ROOT / "examples" / "nyhedsbrev-nr-14.md").stdout.strip()
    k.run("newsletter", "send", edition, "--list", "Nyhedsbrev")
    newsletter = next(m for m in server.messages() if "nr. 14" in m["Subject"] or m["List-Unsubscribe"])
    unsubscribe = re.search(r"<(" + re.escape(web.base) + r"/afmeld/[^>]+)>", newsletter["List-Unsubscribe"]).group(1)
    browser.get(unsubscribe)
    shot(browser, "07-afmeld")
    submit(browser, "er afmeldt")
    assert k.json("contacts", "show", "laeser@kommune.example")["suppressed"] is True


def test_organiser_checks_someone_in_on_a_phone(site, browser):
    k, web, _ = site
    event_id, public = create(k, meeting(capacity=10, days=0.004))
    for email, name, organisation in [("aase@kommune.example", "Åse Aagaard", "Jobcenter Odense"),
                                      ("zenia@kommune.example", "Zenia Berg", "Jobcenter Vejle"),
                                      ("oejvind@kommune.example", "Øjvind Holm", "Sprogcenter Nord")]:
        k.run("events", "register", event_id, "--email", email, "--name", name, "--organisation", organisation)
    k.run("users", "add", "sara@partnerskab.example", "--password-stdin", input="hemmelig-kode-42\n")
    browser.get(f"{web.base}/arrangor")
    assert "Log ind" in browser.page_source
    browser.find_element(By.ID, "username").send_keys("sara@partnerskab.example")
    browser.find_element(By.ID, "password").send_keys("hemmelig-kode-42")
    submit(browser, "Kommende møder")
    assert browser.current_url.endswith("/admin/moeder")
    shot(browser, "08-oversigt")
    browser.find_element(By.LINK_TEXT, "Indtjekning").click()
    # Search as you type: the script hides everyone else.
    browser.find_element(By.ID, "q").send_keys("sprog")
    visible = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "li[data-search]") if row.is_displayed()]
    assert len(visible) == 1 and "Øjvind Holm" in visible[0]
    # The row keeps its layout while filtered: the button stays on the name's line, to its right.
    row = next(row for row in browser.find_elements(By.CSS_SELECTOR, "li[data-search]") if row.is_displayed())
    name, button = row.find_element(By.TAG_NAME, "strong").rect, row.find_element(By.TAG_NAME, "button").rect
    assert button["y"] < name["y"] + name["height"] and button["y"] + button["height"] > name["y"], (name, button)
    assert button["x"] > name["x"] + name["width"], (name, button)
    assert browser.execute_script("return getComputedStyle(arguments[0]).display", row) == "flex"
    # Clearing the search shows every row again, still as flex rows.
    browser.find_element(By.ID, "q").clear()
    browser.find_element(By.ID, "q").send_keys(" ")
    rows = browser.find_elements(By.CSS_SELECTOR, "li[data-search]")
    assert all(r.is_displayed() for r in rows) and len(rows) == 3
    assert {browser.execute_script("return getComputedStyle(arguments[0]).display", r) for r in rows} == {"flex"}
    browser.find_element(By.ID, "q").clear()
    browser.find_element(By.ID, "q").send_keys("sprog")
    shot(browser, "09-indtjek-soegning")
    next(row for row in browser.find_elements(By.CSS_SELECTOR, "li[data-search]") if row.is_displayed()) \
        .find_element(By.CSS_SELECTOR, "button").click()
    WebDriverWait(browser, 10).until(looking_again(
        lambda d: d.find_element(By.ID, "count").text == "1"))
    shot(browser, "10-indtjekket")
    # The page fits a phone: no sideways scrolling.
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
    assert k.json("events", "show", event_id)["event"]["attended"] == 1
    # A mistaken tap is undone on the same page.
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "li[data-search]") if "Øjvind Holm" in r.text)
    row.find_element(By.CSS_SELECTOR, "button.undo").click()
    WebDriverWait(browser, 10).until(looking_again(
        lambda d: d.find_element(By.ID, "count").text == "0"))
    assert k.json("events", "show", event_id)["event"]["attended"] == 0


def test_reviewer_reads_comments_and_approves_a_story(site, browser):
    k, web, server = site
    story = k.run("stories", "import", ROOT / "examples" / "historie-hotel-fjordlys.md").stdout.strip()
    k.run("stories", "request-review", story, "--to", "jens.kragh@fjordlys.example")
    k.run("outbox", "run")
    browser.get(mail_link(server, "Til gennemsyn", re.escape(web.base) + r"/historie/\S+"))
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Køkkenet på Hotel Fjordlys" in main and "Derfor var Hotel Fjordlys med" in main
    assert "Samira Haddad, medarbejder, kok: vises med kun fornavn" in main
    shot(browser, "11-historie-til-gennemsyn")
    browser.find_element(By.ID, "comment").send_keys("Skriv gerne, at hotellet har 45 ansatte.")
    browser.find_element(By.CSS_SELECTOR, "button[value=comment]").click()
    WebDriverWait(browser, 10).until(looking_again(
        lambda d: "Din kommentar er sendt" in d.find_element(By.TAG_NAME, "main").text))
    assert "Skriv gerne, at hotellet har 45 ansatte." in browser.find_element(By.TAG_NAME, "main").text
    browser.find_element(By.CSS_SELECTOR, "button[value=approve]").click()
    WebDriverWait(browser, 10).until(looking_again(
        lambda d: "Du har godkendt historien" in d.find_element(By.TAG_NAME, "main").text))
    shot(browser, "12-historie-godkendt")
    assert browser.find_elements(By.CSS_SELECTOR, "button[value=approve]") == []
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
    assert k.json("stories", "show", story)["summary"]["status"] == "approved"
