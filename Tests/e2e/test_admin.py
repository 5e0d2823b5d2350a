"""The staff area `/admin` in a real Chromium and over plain HTTP: each role sees only its
sections and is refused the others with a Danish 403 and no data; actions land in the audit
log with their actor; hostile requests (session fixation, tampered cookies, CSRF, guessed
URLs) get nothing. Screenshots at 1280 and 390 px go to test-artifacts/admin/."""
import json
import os
import re
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import pytest

from conftest import BIN, ROOT
from test_web import Web, create, meeting, organiser_request

PASSWORD = "hemmelig-kode-42"
SECRET_NAME = "Hemmelig Hansen"
ACCOUNTS = {
    "admin": ("ada@partnerskab.example", ["admin"]),
    "secretariat": ("sif@partnerskab.example", ["sekretariat"]),
    "organiser": ("ole@partnerskab.example", ["arrangør"]),
    "advisor": ("asta@partnerskab.example", ["kommunikation"]),
}
SECTIONS = {
    "/admin/kontakter": "Kontakter", "/admin/nyhedsbreve": "Nyhedsbreve", "/admin/moeder": "Møder",
    "/admin/historier": "Gode historier", "/admin/rapport": "Rapport", "/admin/log": "Log", "/admin/brugere": "Brugere",
}
ALLOWED = {
    "admin": set(SECTIONS),
    "secretariat": set(SECTIONS) - {"/admin/brugere"},
    "organiser": {"/admin/moeder", "/admin/rapport", "/admin/log"},
    "advisor": {"/admin/historier", "/admin/rapport", "/admin/log"},
}
ARTIFACTS = Path(os.environ.get("KAMPAGNE_ARTIFACTS", ROOT / "test-artifacts")) / "admin"


@pytest.fixture
def office(k):
    """A database with one account per role, a contact with a recognisable name, a meeting."""
    k.run("init")
    for username, roles in ACCOUNTS.values():
        k.run("users", "add", username, *[a for r in roles for a in ("--role", r)], "--password-stdin", input=PASSWORD + "\n")
    k.write("c.csv", f"E-mail;Navn;Organisation;Kommune\nhemmelig@kommune.example;{SECRET_NAME};Jobcenter Vejle;Vejle\n")
    k.run("contacts", "import", "c.csv", "--list", "Chefer")
    event_id, public = create(k, meeting(capacity=5, days=0.004))
    k.run("events", "register", event_id, "--email", "hemmelig@kommune.example", "--name", SECRET_NAME)
    w = Web(k)
    yield k, w, public
    w.stop()


def cookie_of(headers):
    return headers["Set-Cookie"].split(";", 1)[0]


def login(w, username, password=PASSWORD, cookie=None, next_path="/admin"):
    _, csrf = w.form("/admin/login")
    return organiser_request(w, "/admin/login", {"csrf": csrf, "username": username, "password": password,
                                                 "naeste": next_path}, cookie=cookie)


def signed_in(w, role):
    status, headers, page = login(w, ACCOUNTS[role][0])
    assert status == 303, page
    return cookie_of(headers)


def csrf_for(page, action):
    match = re.search(r'action="' + re.escape(action) + r'"[^>]*>\s*<input type="hidden" name="csrf" value="([^"]+)"', page)
    assert match, f"no form for {action}"
    return match.group(1)


def log_json(k, *args):
    return json.loads(k.run("log", "--json", *args).stdout)


def test_roles_hostile_requests_and_the_log_over_http(office):
    k, w, public = office
    # Session fixation: a cookie planted before the login is not the session after it.
    planted = "kampagne_admin=planted.1.0.0.0.abc"
    status, headers, _ = login(w, ACCOUNTS["organiser"][0], cookie=planted)
    assert status == 303 and cookie_of(headers) != planted
    first = cookie_of(headers)
    assert organiser_request(w, "/admin", cookie=planted)[0] == 303
    second = signed_in(w, "organiser")
    assert first.split(".")[0] != second.split(".")[0], "a new session id at every login"
    # A tampered cookie (another account id, same signature) is nobody.
    parts = second.split(".")
    parts[1] = "1" if parts[1] != "1" else "2"
    assert organiser_request(w, "/admin", cookie=".".join(parts))[0] == 303
    assert organiser_request(w, "/admin", cookie=second[:-2] + "xx")[0] == 303

    # The organiser guessing URLs of sections it does not have: 403 in Danish, no data.
    for path in ["/admin/kontakter", "/admin/kontakter/1", "/admin/kontakter/hemmelig@kommune.example",
                 "/admin/kontakter?q=Hemmelig", "/admin/kontakter/eksport.csv", "/admin/nyhedsbreve",
                 "/admin/historier", "/admin/brugere", "/admin/brugere/1/slet", "/admin/brugere/1/nulstil"]:
        status, _, page = organiser_request(w, path, cookie=second)
        assert status == 403 and "Ingen adgang" in page, path
        assert "Hemmelig" not in page and "hemmelig@" not in page and "ada@partnerskab" not in page, path
    status, _, page = organiser_request(w, "/admin/brugere", {"csrf": "x", "username": "ny@x.example", "role-admin": "on"}, cookie=second)
    assert status == 403
    # The organiser sees its own actions only, whatever the filter asks for.
    status, _, page = organiser_request(w, "/admin/log?hvem=ada@partnerskab.example", cookie=second)
    assert status == 200 and "ole@partnerskab.example" in page and "ada@partnerskab.example" not in page

    # CSRF on every admin form: no token, or a token from another session, changes nothing.
    admin = signed_in(w, "admin")
    _, _, users_page = organiser_request(w, "/admin/brugere", cookie=admin)
    ole_id = next(u["id"] for u in k.json("users", "list") if u["username"] == "ole@partnerskab.example")
    forms = {
        "/admin/logout": {},
        "/admin/brugere": {"username": "ny@partnerskab.example", "role-secretariat": "on", "password": PASSWORD},
        f"/admin/brugere/{ole_id}/roller": {"role-admin": "on"},
        f"/admin/brugere/{ole_id}/slet": {},
        f"/admin/brugere/{ole_id}/nulstil": {},
    }
    other = signed_in(w, "admin")  # another session of the same person
    _, _, other_page = organiser_request(w, "/admin/brugere", cookie=other)
    stolen = csrf_for(other_page, "/admin/brugere")
    for path, fields in forms.items():
        for token in ["", "forged", stolen]:
            status, _, _ = organiser_request(w, path, {"csrf": token, **fields}, cookie=admin)
            assert status == 403, (path, token)
    users = {u["username"]: u["roles"] for u in k.json("users", "list")}
    assert "ny@partnerskab.example" not in users and users["ole@partnerskab.example"] == ["organiser"]
    assert organiser_request(w, "/admin", cookie=admin)[0] == 200, "the forged logout did not log out"
    ole = signed_in(w, "organiser")
    _, _, door = organiser_request(w, f"/admin/moeder/{public}", cookie=ole)
    registration = re.search(r'name="registration" value="(\d+)"', door).group(1)
    for action, fields in [("indtjek", {"registration": registration}),
                           ("ved-doeren", {"name": "Walter Walk", "email": "walk@kommune.example"})]:
        status, _, _ = organiser_request(w, f"/admin/moeder/{public}/{action}", {"csrf": "forged", **fields}, cookie=ole)
        assert status == 403
    assert k.json("events", "list")[0]["attended"] == 0
    # The secretariat reads the door list but has no buttons and cannot check in.
    sif = signed_in(w, "secretariat")
    status, _, page = organiser_request(w, f"/admin/moeder/{public}", cookie=sif)
    assert status == 200 and SECRET_NAME in page and "/indtjek" not in page
    status, _, _ = organiser_request(w, f"/admin/moeder/{public}/indtjek",
                                     {"csrf": csrf_for(door, f"/admin/moeder/{public}/indtjek"), "registration": registration}, cookie=sif)
    assert status == 403

    # An action with the right token shows up in /admin/log with its actor, and in `kampagne log`.
    status, headers, _ = organiser_request(w, "/admin/brugere", {"csrf": csrf_for(users_page, "/admin/brugere"),
                                                                 "username": "ny@partnerskab.example", "role-advisor": "on",
                                                                 "password": PASSWORD}, cookie=admin)
    assert status == 303 and headers["Location"] == "/admin/brugere?besked=bruger-gemt"
    status, _, page = organiser_request(w, "/admin/log?objekt=account:ny@partnerskab.example", cookie=admin)
    assert status == 200 and "users.add" in page and "ada@partnerskab.example" in page
    assert re.search(r'<span id="total">1</span>', page)
    rows = log_json(k, "--object", "account:ny@partnerskab.example")["entries"]
    assert [(r["actor"], r["action"], r["client"]) for r in rows] == [("ada@partnerskab.example", "users.add", "127.0.0.1")]
    # The door list view is in the log (it names people); the CSV is Excel's.
    assert any(r["action"] == "event.participants.view" and r["actor"] == "sif@partnerskab.example"
               for r in log_json(k, "--actor", "sif@partnerskab.example")["entries"])
    status, headers, csv = organiser_request(w, "/admin/log.csv?objekt=account:ny@partnerskab.example", cookie=admin)
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert csv.startswith("\ufeffTid;Aktør;Handling;Objekt;Resumé;Fra") and "users.add" in csv
    # Bad dates are named next to the field.
    status, _, page = organiser_request(w, "/admin/log?fra=31.31.2027", cookie=admin)
    assert status == 422 and "Skriv datoen som" in page

    # Per-account backoff: after five wrong passwords even the right one waits.
    for _ in range(4):
        assert login(w, "asta@partnerskab.example", "forkert-kode-123")[0] == 401
    status, _, page = login(w, "asta@partnerskab.example", "forkert-kode-123")
    assert status == 429 and "For mange forkerte forsøg på denne konto" in page
    status, _, _ = login(w, "asta@partnerskab.example")
    assert status == 429
    assert log_json(k, "--object", "account:asta@partnerskab.example")["entries"][0]["action"] == "login.locked"


def test_command_line_changes_are_logged_with_global_options_first(office, tmp_path):
    k, w, _ = office
    db = str(k.folder / "kampagne.sqlite")
    elsewhere = tmp_path / "andetsteds"
    elsewhere.mkdir()
    run = lambda *args: subprocess.run([BIN, *args], cwd=elsewhere, env=k.env, capture_output=True, text=True, timeout=60)
    # Global options before the subcommand, as git and sqlite3 users type them.
    listed = run("--db", db, "contacts", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [c["email"] for c in json.loads(listed.stdout)] == ["hemmelig@kommune.example"]
    assert run(f"--db={db}", "--as", "sif@partnerskab.example", "lists", "create", "Ledere").returncode == 0
    assert run("--as", "sif@partnerskab.example", "--db", db, "contacts", "show", "hemmelig@kommune.example").returncode == 0
    entries = log_json(k, "--actor", "sif@partnerskab.example")["entries"]
    assert [(e["action"], e["object"], e["client"]) for e in entries] == [
        ("contacts.show", "contact:hemmelig@kommune.example", "cli"), ("lists.create", "list:Ledere", "cli")]
    # Without --as the operating-system user is the actor; reading a list is not a change.
    k.run("lists", "show", "Chefer")
    k.run("lists", "list")
    actors = {e["actor"] for e in log_json(k, "--object", "list:Chefer")["entries"]}
    assert len(actors) == 1 and actors.pop().startswith("cli:")
    # Who has seen or changed this person (aktindsigt); erasure removes the identity.
    seen = log_json(k, "--object", "contact:hemmelig@kommune.example")["entries"]
    assert "contacts.show" in {e["action"] for e in seen}
    k.run("contacts", "erase", "hemmelig@kommune.example", "--yes")
    assert log_json(k, "--object", "contact:hemmelig@kommune.example")["entries"] == []
    everything = k.run("log", "--json").stdout
    assert "hemmelig@kommune.example" not in everything and "contact:slettet" in everything
    # A wrong role is refused, naming the choices; the password never comes from an argument.
    bad = k.run("users", "role", "ole@partnerskab.example", "chef", check=False)
    assert bad.returncode == 1 and "admin, sekretariat, arrangør, kommunikation" in bad.stderr
    k.run("users", "role", "ole@partnerskab.example", "arrangoer", "rådgiver")
    assert next(u for u in k.json("users", "list") if u["username"] == "ole@partnerskab.example")["roles"] == ["organiser", "advisor"]


selenium = pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from browsing import looking_again  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

try:
    from axe_selenium_python import Axe  # noqa: E402
except ImportError:  # pragma: no cover - the Makefile's venv installs it
    Axe = None

CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture
def browser():
    driver = chromium()
    yield driver
    driver.quit()


def chromium():
    """A headless Chromium at 1280 px (a second one is a second, separate browser session)."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (make deps installs it)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=da-DK"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_window_size(1280, 900)
    driver.implicitly_wait(1)
    return driver


def resize(driver, width, height):
    """Sets the window size and waits until the page has it. Chromium applies a new size
    asynchronously: right after `set_window_size` the page may still be laid out at the old
    width (measured: 4 of 60 switches to 390 px on a loaded machine), and a measurement or a
    screenshot then sees the 1280 px layout."""
    driver.set_window_size(width, height)
    WebDriverWait(driver, 10, poll_frequency=0.05).until(
        lambda d: d.execute_script("return window.innerWidth") == width, message=f"the window never became {width} px wide")


def shot(driver, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width, height in [(1280, 900), (390, 844)]:
        resize(driver, width, height)
        # The page fits: no sideways scrolling of the page itself (wide tables scroll in their box).
        assert driver.execute_script("return document.documentElement.scrollWidth") <= width + 1, (name, width)
        driver.save_screenshot(str(ARTIFACTS / f"{name}-{width}.png"))
    resize(driver, 1280, 900)


def wait_for(driver, text):
    WebDriverWait(driver, 10).until(looking_again(lambda d: text in d.find_element(By.TAG_NAME, "body").text),
                                    message=f"never saw {text!r}")


def accessible(driver, name):
    """axe-core's rules in the page: no serious or critical violations. The bundled axe-core is
    3.1; its `checkboxgroup` rule (deprecated in axe-core 4) wants every checkbox of one name in a
    single group, which a table with one role form per account cannot be."""
    if Axe is None:
        return
    axe = Axe(driver)
    axe.inject()
    results = axe.run(options='{"rules": {"checkboxgroup": {"enabled": false}}}')
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results["violations"]
           if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{name}: {bad}"


def browser_login(driver, base, role, wanted):
    driver.delete_all_cookies()
    driver.get(base + wanted)
    wait_for(driver, "Log ind")
    assert "/admin/login" in driver.current_url
    driver.find_element(By.ID, "username").send_keys(ACCOUNTS[role][0])
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: "/admin/login" not in d.current_url)


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_each_role_sees_only_its_sections(office, browser, role):
    k, w, public = office
    # Sent to the login and back to the page wanted (or its 403).
    wanted = "/admin/moeder"
    browser_login(browser, w.base, role, wanted)
    assert browser.current_url == w.base + wanted
    nav = [a.get_attribute("href").replace(w.base, "") for a in browser.find_elements(By.CSS_SELECTOR, "nav a")]
    assert set(nav) == {"/admin"} | ALLOWED[role], nav
    header = browser.find_element(By.CSS_SELECTOR, ".top").text
    assert ACCOUNTS[role][0] in header
    for path, title in SECTIONS.items():
        browser.get(w.base + path)
        body = browser.find_element(By.TAG_NAME, "body").text
        if path in ALLOWED[role]:
            assert "Ingen adgang" not in body, path
            assert browser.find_element(By.TAG_NAME, "h1").text, path
        else:
            assert "Ingen adgang" in body and title in body, path
            assert SECRET_NAME not in browser.page_source and "hemmelig@" not in browser.page_source, path
        if role == "admin":
            name = path.strip("/").replace("/", "-")
            shot(browser, name)
            accessible(browser, path)
    if role == "admin":
        browser.get(w.base + "/admin")
        shot(browser, "admin-start")
        accessible(browser, "/admin")
        browser.get(w.base + f"/admin/moeder/{public}")
        wait_for(browser, SECRET_NAME)
        shot(browser, "admin-moeder-indtjek")
        accessible(browser, "door")
        # An action, its flash message, and the row in the log with the actor.
        browser.find_element(By.CSS_SELECTOR, "button[aria-label^='Mødt']").click()
        wait_for(browser, "Personen er tjekket ind")
        browser.get(w.base + "/admin/log")
        wait_for(browser, "event.checkin")
        assert ACCOUNTS["admin"][0] in browser.find_element(By.TAG_NAME, "table").text
        # Removing an account asks first and names the consequence.
        browser.get(w.base + "/admin/brugere")
        shot(browser, "admin-brugere-liste")
        # A column header is a plain link that sorts (no script needed) and says so with aria-sort.
        browser.find_element(By.CSS_SELECTOR, "th[aria-sort='ascending'] a.sort").click()
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "th[aria-sort='descending']"))
        names = [td.text.split("\n")[0] for td in browser.find_elements(By.CSS_SELECTOR, "tbody tr td:first-child")]
        assert names == ["sif@partnerskab.example", "ole@partnerskab.example", "asta@partnerskab.example", "ada@partnerskab.example"]
        ole = next(u["id"] for u in k.json("users", "list") if u["username"] == "ole@partnerskab.example")
        browser.find_element(By.CSS_SELECTOR, f"a[href='/admin/brugere/{ole}/slet']").click()
        wait_for(browser, "Det kan ikke fortrydes")
        shot(browser, "admin-brugere-bekraeft")
        browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
        wait_for(browser, "Brugeren er slettet")
        assert "ole@partnerskab.example" not in [u["username"] for u in k.json("users", "list")]
        browser.get(w.base + "/admin/login")
        shot(browser, "admin-login")
        accessible(browser, "/admin/login")
        browser.get(w.base + "/admin")
    # Logging out: back to the login, and the staff pages are closed again.
    browser.find_element(By.CSS_SELECTOR, ".top button[type=submit]").click()
    wait_for(browser, "Log ind")
    browser.get(w.base + "/admin")
    assert "/admin/login" in browser.current_url
