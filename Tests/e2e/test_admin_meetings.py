"""Meetings in the staff area (`/admin/moeder`) in a real Chromium, against a real `kampagne
serve` and a real aiosmtpd: an organiser creates a meeting in the form (a field error first),
invites a list (the count first), people sign up through the mailed links and a newsletter's
tagged link, the sign-up forecast moves and the sources are counted; a second meeting below its
minimum is cancelled and the server receives exactly one cancellation per person told. The
waiting list carried over is checked on the command line. Screenshots at 1280 and 390 px go to
test-artifacts/admin/moeder/."""
import re
import sqlite3
import urllib.parse
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from test_admin import ARTIFACTS, PASSWORD, browser, resize, shot, wait_for  # noqa: F401 (browser is a fixture)
from test_web import CPH, create, meeting, web  # noqa: F401 (web is a fixture)
from selenium.webdriver.common.by import By

SERIES = "Fyraftensmøder 2027"
ORGANISER = "ole@partnerskab.example"


def utc(dt):
    return dt.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S.000")


def held_meeting(k, title, days_ago, sign_up_days):
    """An after-work meeting of the series held `days_ago` days ago, with one sign-up per entry of
    `sign_up_days` (days before its deadline): the history the forecast learns from."""
    event_id, _ = create(k, meeting(title=title, capacity=40, days=30, extra=f"serie: {SERIES}\nminimum: 6")
                         .replace("type: temamøde", "type: fyraftensmøde"))
    start = (datetime.now(CPH) - timedelta(days=days_ago)).replace(hour=16, minute=0, second=0, microsecond=0)
    deadline = start - timedelta(days=2)
    # History is written straight into the database file (one `events register` per person
    # would cost a process each): the people who came, each signed up on their day.
    with sqlite3.connect(k.folder / "kampagne.sqlite") as db:
        # The contact triggers (v13, v17) call functions every Kampagne connection registers; these
        # stand-ins keep the sort and search columns filled (the test never sorts these people).
        db.create_function("danishSortKey", -1, lambda *parts: " ".join(p or "" for p in parts).lower())
        db.create_function("fold", 1, lambda text: (text or "").lower())
        db.execute("UPDATE event SET startsAt = ?, endsAt = ?, signupDeadline = ? WHERE id = ?",
                   (utc(start), utc(start + timedelta(hours=2)), utc(deadline), int(event_id)))
        for i, days in enumerate(sign_up_days):
            at = utc(deadline - timedelta(days=days))
            address = f"h{i}-{event_id}@kommune.example"
            contact = db.execute("INSERT INTO contact (email, emailKey, firstName, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?)",
                                 (address, address, f"Historisk {i}", at, at)).lastrowid
            db.execute("""INSERT INTO registration (eventId, contactId, status, walkIn, source, organisation, answers, queuedAt,
                          attendedAt, revision, createdAt, updatedAt, origin)
                          VALUES (?, ?, 'attended', 0, 'cli', '', '{}', ?, ?, 0, ?, ?, 'cli')""",
                       (int(event_id), contact, at, utc(start), at, at))
    return event_id


@pytest.fixture
def office(k, web, smtp):
    server = smtp()
    # The `web` fixture has made the workspace (`kampagne init`); the relay is added before serving.
    toml = (k.folder / "kampagne.toml").read_text()
    toml += f'\n[smtp]\nurl = "smtp://127.0.0.1:{server.port}"\nstarttls = "off"\nconnections = 1\n'
    (k.folder / "kampagne.toml").write_text(toml)
    k.run("users", "add", ORGANISER, "--role", "arrangør", "--password-stdin", input=PASSWORD + "\n")
    rows = ["E-mail;Navn;Organisation;Kommune;Rolle"]
    for i, (name, municipality) in enumerate([("Søren Ærbøl", "Odense"), ("Åse Østergaard", "Vejle"), ("Jens Hansen", "Aarhus"),
                                              ("Mette Ågesen", "Kolding"), ("Øjvind Aagaard", "Aalborg"), ("Anne Lund", "Esbjerg")]):
        rows.append(f"lbr{i}@kommune.example;{name};LBR {municipality};{municipality};LBR-medlem")
    k.write("lbr.csv", "\n".join(rows) + "\n")
    k.run("contacts", "import", "lbr.csv", "--list", "LBR")
    # Two earlier meetings of the series: most sign-ups in the last two weeks before the deadline.
    held_meeting(k, "Fyraftensmøde i Horsens", 40, [30, 21, 14, 12, 10, 9, 7, 6, 5, 4, 3, 2, 1, 1])
    held_meeting(k, "Fyraftensmøde i Randers", 80, [25, 18, 13, 11, 8, 6, 5, 4, 3, 2, 1, 0.5])
    w = web()
    yield k, w, server


def local(days, hour=16):
    return (datetime.now(CPH) + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def set_field(driver, field_id, value):
    element = driver.find_element(By.ID, field_id)
    driver.execute_script("arguments[0].value = arguments[1];", element, value)


def expected_forecast(driver):
    return int(driver.find_element(By.ID, "forecast-summary").get_attribute("data-expected").replace(".", ""))


def sign_up(driver, url, name, email):
    driver.delete_all_cookies()
    driver.get(url)
    driver.find_element(By.ID, "name").clear()
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "email").clear()
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait_for(driver, "Tak for din tilmelding")


def log_in(driver, base):
    driver.delete_all_cookies()
    driver.get(base + "/admin/moeder")
    driver.find_element(By.ID, "username").send_keys(ORGANISER)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    wait_for(driver, "Kommende møder")


def test_organiser_creates_invites_watches_the_forecast_and_cancels(office, browser):
    k, w, server = office
    (ARTIFACTS / "moeder").mkdir(parents=True, exist_ok=True)
    log_in(browser, w.base)
    browser.find_element(By.ID, "new-meeting").click()
    wait_for(browser, "Nyt møde")
    start = local(20)
    browser.find_element(By.ID, "m-kind").send_keys("Fyraftensmøde")
    browser.find_element(By.ID, "m-title").send_keys("Fyraftensmøde i Kolding")
    set_field(browser, "m-start", f"{start:%Y-%m-%dT%H:%M}")
    browser.find_element(By.ID, "m-end").send_keys("18:00")
    browser.find_element(By.ID, "m-venue").send_keys("Kolding Rådhus")
    browser.find_element(By.ID, "m-capacity").send_keys("mange")
    browser.find_element(By.ID, "m-minimum").send_keys("6")
    set_field(browser, "m-decision", f"{local(10):%Y-%m-%d}")
    set_field(browser, "m-deadline", f"{local(14):%Y-%m-%d}")
    browser.find_element(By.ID, "m-series").send_keys(SERIES)
    browser.find_element(By.ID, "m-audience").send_keys("lister=LBR")
    browser.find_element(By.ID, "m-description").send_keys("Et møde om **jobpakker** for LBR.")
    browser.find_element(By.CSS_SELECTOR, "button[value=gem]").click()
    # The error stands next to its field, and what was typed is kept.
    assert "'mange' er ikke et helt tal" in browser.find_element(By.ID, "err-capacity").text
    assert browser.find_element(By.ID, "m-title").get_attribute("value") == "Fyraftensmøde i Kolding"
    assert "<strong>jobpakker</strong>" in browser.find_element(By.CSS_SELECTOR, ".meeting-preview").get_attribute("innerHTML")
    shot(browser, "moeder/formular-fejl")
    browser.find_element(By.ID, "m-capacity").clear()
    browser.find_element(By.ID, "m-capacity").send_keys("20")
    browser.find_element(By.CSS_SELECTOR, "button[value=gem]").click()
    wait_for(browser, "Mødet er oprettet.")
    page = browser.current_url
    public = re.search(r"/admin/moeder/([a-z0-9]+)/overblik", page).group(1)
    event_id = next(e["id"] for e in k.json("events", "list") if e["publicId"] == public)
    # The forecast learns from the two earlier meetings of the series; nobody has signed up yet.
    summary = browser.find_element(By.ID, "forecast-summary").text
    assert "ud fra 2 tidligere møder i samme serie" in summary
    before = expected_forecast(browser)
    assert browser.find_element(By.CSS_SELECTOR, ".forecast svg").is_displayed()

    # Invite: the count first, then the send.
    browser.find_element(By.LINK_TEXT, "Invitér").click()
    assert browser.find_element(By.ID, "i-lists").get_attribute("value") == "LBR"
    browser.find_element(By.ID, "count").click()
    assert "Invitationen sendes til 6 personer" in browser.find_element(By.ID, "consequence").text
    k.run("outbox", "run")
    assert not [m for m in server.messages() if m["Subject"].startswith("Invitation:")], "counting sends nothing"
    browser.find_element(By.ID, "confirm").click()
    wait_for(browser, "Invitationerne er lagt i udbakken.")
    k.run("outbox", "run")
    invitations = [m for m in server.messages() if m["Subject"].startswith("Invitation:")]
    assert len(invitations) == 6
    links = {m["X-Test-Rcpt"]: re.search(r"https?://\S+/moede/\S+", m.get_body(("plain",)).get_content()).group(0)
             for m in invitations}
    assert all("kilde=invitation-" in url for url in links.values())

    # Sign-ups arrive through the public page: three invitations and a newsletter's tagged link.
    for rcpt, name in [("lbr0@kommune.example", "Søren Ærbøl"), ("lbr1@kommune.example", "Åse Østergaard"),
                       ("lbr2@kommune.example", "Jens Hansen")]:
        parsed = urllib.parse.urlsplit(links[rcpt])
        sign_up(browser, w.base + parsed.path + "?" + parsed.query, name, rcpt)
    sign_up(browser, f"{w.base}/moede/{public}?kilde=nyhedsbrev-12", "Nina Nyhed", "nina@kommune.example")
    log_in(browser, w.base)
    browser.get(page)
    assert browser.find_element(By.ID, "signed-up").text == "4"
    after = expected_forecast(browser)
    assert after > before, (before, after)
    sources = {row.get_attribute("data-key"): row.text for row in browser.find_elements(By.CSS_SELECTOR, "#sources tr")}
    assert any(key.startswith("invitation-") and text.endswith("3") for key, text in sources.items()), sources
    assert sources["nyhedsbrev-12"].endswith("1")
    shot(browser, "moeder/moede")
    chart = browser.find_element(By.CSS_SELECTOR, ".forecast")
    browser.execute_script("arguments[0].scrollIntoView()", chart)
    chart.screenshot(str(ARTIFACTS / "moeder" / "prognose.png"))
    shown = k.json("events", "show", event_id)
    assert shown["forecast"]["expected"] == after and shown["forecast"]["basisKind"] == "serie"
    assert {s["key"] for s in shown["sources"]} >= {"nyhedsbrev-12"}

    # A second meeting below its minimum: cancel it; the confirmation names the count told.
    second, second_public = create(k, meeting(title="Fyraftensmøde i Tønder", capacity=20, days=12, extra="minimum: 8"))
    for email in ["lbr3@kommune.example", "lbr4@kommune.example"]:
        k.run("events", "register", second, "--email", email)
    k.run("outbox", "run")
    received = len(server.messages())
    browser.get(w.base + "/admin/moeder")
    assert "under minimum" in browser.find_element(By.TAG_NAME, "body").text
    shot(browser, "moeder/oversigt")
    # On a phone each meeting is a block of labelled lines: neither the page nor the table
    # scrolls sideways, and what is shown is named.
    resize(browser, 390, 844)
    page_width, table_width, box_width = browser.execute_script(
        "const box = document.querySelector('main .table');"
        "return [document.documentElement.scrollWidth, box.scrollWidth, box.clientWidth]")
    assert page_width <= 391 and table_width <= box_width + 1, (page_width, table_width, box_width)
    when = browser.find_element(By.CSS_SELECTOR, "#meetings td[data-label=Tid]")
    assert when.is_displayed() and when.location["x"] < 60, "the time stands on its own line"
    resize(browser, 1280, 900)
    browser.get(f"{w.base}/admin/moeder/{second_public}/aflys")
    assert "Aflysningen sendes til 2 personer" in browser.find_element(By.ID, "consequence").text
    browser.find_element(By.ID, "a-reason").send_keys("For få tilmeldte")
    shot(browser, "moeder/aflys")
    browser.find_element(By.ID, "confirm").click()
    wait_for(browser, "Mødet er aflyst")
    k.run("outbox", "run")
    new = server.messages()[received:]
    assert len(new) == 2 and all(m["Subject"].startswith("Aflyst:") for m in new)
    assert {m["X-Test-Rcpt"] for m in new} == {"lbr3@kommune.example", "lbr4@kommune.example"}
    assert "For få tilmeldte" in new[0].get_body(("plain",)).get_content()
    actions = {e["action"] for e in k.json("log")["entries"]}
    assert {"event.create", "event.invite", "event.cancel", "event.participants.view"} <= actions


def test_waiting_list_carried_over_on_the_command_line(k):
    k.run("init")
    first, _ = create(k, meeting(title="Ambassadørkursus forår", capacity=1, days=5).replace("type: temamøde", "type: kursus"))
    for email in ["a@kommune.example", "b@kommune.example", "c@kommune.example"]:
        k.run("events", "register", first, "--email", email)
    second, _ = create(k, meeting(title="Ambassadørkursus efterår", capacity=2, days=40).replace("type: temamøde", "type: kursus"))
    report = k.json("events", "invite", second, "--from-waiting-list", first, "--hold-hours", "12")
    assert report["held"] == 2 and report["waitlisted"] == 0 and report["candidates"] == 2
    shown = k.json("events", "show", second)["event"]
    assert shown["offered"] == 2 and shown["seatsLeft"] == 0
    bad = k.run("events", "invite", second, "--from-waiting-list", second, check=False)
    assert bad.returncode != 0 and "andet møde" in bad.stderr
    # The invitation to everyone else: counted first, and those holding a seat are left out.
    k.run("lists", "create", "Kursister")
    k.run("lists", "add", "Kursister", "a@kommune.example", "b@kommune.example", "c@kommune.example")
    dry = k.json("events", "invite", second, "--list", "Kursister", "--dry-run")
    assert dry["queued"] == 1 and dry["alreadyRegistered"] == 2 and dry["campaignId"] == 0
    assert k.json("events", "invite", second, "--list", "Kursister")["queued"] == 1
