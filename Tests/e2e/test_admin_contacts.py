"""`/admin/kontakter` in a real Chromium against `kampagne serve`: upload a Windows-1252 Excel
export with errors, fix its column mapping, import the good rows, download the rejects, build a
segment and see its count live, search as you type, open a person and see their history, erase
them. Screenshots at 1280 and 390 px go to test-artifacts/admin/kontakter/."""
import json
import subprocess
import urllib.request

import pytest

from conftest import BIN
from test_admin import ARTIFACTS, PASSWORD, browser, wait_for  # noqa: F401 (browser is a fixture)
from test_admin import shot as admin_shot
from test_web import Web

selenium = pytest.importorskip("selenium")
from browsing import looking_again  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

SHOTS = ARTIFACTS / "kontakter"
SECRETARIAT = "sif@partnerskab.example"

# As Excel in Denmark saves "CSV (semikolonsepareret)": Windows-1252, `;`, CRLF. The address
# column has a header nobody recognises, one address is wrong, one municipality unknown.
EXPORT = ("Mailadr.;Navn;Kommune;Arbejdsplads\r\n"
          "soeren.aerboel@jobcenter.example;Søren Ærbøl;Århus;Jobcenter Aarhus\r\n"
          "ikke-en-adresse;Ib Fejl;Vejle;Bager Ib\r\n"
          "aase.aagaard@vejle.example;Åse Ågård;Vejle;Jobcenter Vejle\r\n"
          "bo.zink@vejle.example;Bo Zink;Vejle;Zinks VVS\r\n"
          "dorte@nowhere.example;Dorte Dansk;Atlantis;Dortes Damp\r\n")


def shot(driver, name):
    """test_admin's screenshots (1280 and 390 px, no sideways scrolling), in kontakter/."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    admin_shot(driver, "kontakter/" + name)


@pytest.fixture
def office(k):
    k.run("init")
    k.run("users", "add", SECRETARIAT, "--role", "sekretariat", "--password-stdin", input=PASSWORD + "\n")
    k.write("gamle.csv", "E-mail;Navn;Kommune\nanne@vejle.example;Anne And;Vejle\nkarl@odense.example;Karl Kok;Odense\n")
    k.run("contacts", "import", "gamle.csv", "--list", "Nyhedsbrev")
    w = Web(k)
    yield k, w
    w.stop()


def fetch(driver, url):
    """A download, fetched with the browser's session cookie."""
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers, response.read()


def test_import_segment_person_and_erasure_in_the_browser(office, browser):
    k, w = office
    export = k.folder / "chefer.csv"
    export.write_bytes(EXPORT.encode("cp1252"))
    # test_admin's login helper knows its own accounts; this test has one of its own.
    browser.get(w.base + "/admin/kontakter/import")
    browser.find_element(By.ID, "username").send_keys(SECRETARIAT)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    wait_for(browser, "Importér kontakter")

    # Upload with the consent evidence.
    browser.find_element(By.ID, "fil").send_keys(str(export))
    browser.find_element(By.ID, "liste").send_keys("Chefer")
    Select(browser.find_element(By.ID, "grundlag")).select_by_value("consent")
    browser.find_element(By.ID, "ordlyd").send_keys("Ja tak, send mig nyt om jobpakker")
    browser.find_element(By.ID, "indsamlet").send_keys("LBR-sekretariatet")
    browser.find_element(By.ID, "tidspunkt").send_keys("03.03.2026")
    shot(browser, "1-upload")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_for(browser, "Intet er gemt endnu")
    assert "windows-1252" in browser.find_element(By.ID, "detected").text
    assert "ingen kolonne med e-mailadresser" in browser.find_element(By.ID, "errors").text
    assert len(json.loads(k.run("contacts", "list", "--json").stdout)) == 2, "nothing written by the check"

    # Fix the mapping: the unrecognised column is the address.
    Select(browser.find_element(By.CSS_SELECTOR, "select[name='kolonne-Mailadr.']")).select_by_value("email")
    browser.find_element(By.CSS_SELECTOR, "#mapping button").click()
    wait_for(browser, "De første rækker")
    sample = browser.find_element(By.ID, "sample").text
    assert "soeren.aerboel@jobcenter.example" in sample and "Aarhus" in sample and "Ærbøl" in sample
    errors = browser.find_element(By.ID, "errors").text
    assert "3" in errors and "Mailadr." in errors and "ikke-en-adresse" not in sample
    assert "Atlantis" in browser.find_element(By.TAG_NAME, "body").text, "the unknown municipality is a warning"
    shot(browser, "2-kontrol")
    assert len(json.loads(k.run("contacts", "list", "--json").stdout)) == 2

    # Import the good rows; download the rejected one.
    browser.find_element(By.CSS_SELECTOR, "button[value=gode]").click()
    wait_for(browser, "Importen er gemt")
    assert "4 nye" in browser.find_element(By.CSS_SELECTOR, "main .flash").text
    headers, rejects = fetch(browser, browser.find_element(By.ID, "rejects").get_attribute("href"))
    assert rejects.startswith(b"\xef\xbb\xbf") and "attachment" in headers["Content-Disposition"]
    text = rejects[3:].decode("utf-8")
    assert text.splitlines()[0].startswith("Fil;Linje;Fejl;Mailadr.") and "ikke-en-adresse;Ib Fejl" in text
    shot(browser, "3-importeret")
    chiefs = json.loads(k.run("contacts", "list", "--list", "Chefer", "--json").stdout)
    assert sorted(c["email"] for c in chiefs) == ["aase.aagaard@vejle.example", "bo.zink@vejle.example", "dorte@nowhere.example",
                                                  "soeren.aerboel@jobcenter.example"]
    person = json.loads(k.run("contacts", "export-person", "aase.aagaard@vejle.example").stdout)
    assert person["sources"][-1]["consent"]["wording"] == "Ja tak, send mig nyt om jobpakker"

    # A segment, counted live as its filter changes (the script), then saved.
    browser.get(w.base + "/admin/kontakter/segment")
    Select(browser.find_element(By.ID, "kommune")).select_by_visible_text("Vejle")
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "segment-count"))
    vejle = len(json.loads(k.run("contacts", "list", "--municipality", "Vejle", "--json").stdout))
    assert browser.find_element(By.ID, "segment-count").text == str(vejle) == "3"
    Select(browser.find_element(By.ID, "liste")).select_by_visible_text("Chefer")
    WebDriverWait(browser, 10).until(looking_again(lambda d: d.find_element(By.ID, "segment-count").text == "2"))
    browser.find_element(By.ID, "s-name").send_keys("Chefer i Vejle")
    browser.find_element(By.CSS_SELECTOR, "#segment-resultat form button").click()
    wait_for(browser, "Segmentet er gemt")
    assert "Chefer i Vejle" in browser.find_element(By.TAG_NAME, "main").text
    shot(browser, "4-segment")
    assert [s["members"] for s in k.json("segments", "list")] == [2]

    # Search as you type, in Danish order; then a person's page with their history.
    browser.get(w.base + "/admin/kontakter")
    names = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "table.contacts tbody td:first-child a")]
    assert names.index("Bo Zink") < names.index("Søren Ærbøl") < names.index("Åse Ågård")
    browser.find_element(By.ID, "q").send_keys("ågård")
    WebDriverWait(browser, 10).until(looking_again(lambda d: d.find_element(By.ID, "total").text == "1"))
    assert "Bo Zink" not in browser.find_element(By.ID, "kontakter-resultat").text
    shot(browser, "5-soegning")
    browser.find_element(By.LINK_TEXT, "Åse Ågård").click()
    wait_for(browser, "Historik")
    body = browser.find_element(By.TAG_NAME, "main").text
    assert "Ja tak, send mig nyt om jobpakker" in body and "LBR-sekretariatet" in body
    assert "contacts.show" in browser.find_element(By.ID, "historik").find_element(By.XPATH, "following-sibling::div").text
    shot(browser, "6-person")

    # Erase, after the question.
    browser.find_element(By.PARTIAL_LINK_TEXT, "Slet personen").click()
    wait_for(browser, "Det kan ikke fortrydes")
    shot(browser, "7-slet")
    browser.find_element(By.CSS_SELECTOR, "main button.danger").click()
    wait_for(browser, "Personen er slettet")
    gone = subprocess.run([BIN, "contacts", "show", "aase.aagaard@vejle.example"], cwd=k.folder, env=k.env,
                          capture_output=True, text=True)
    assert gone.returncode != 0
    log = json.loads(k.run("log", "--json").stdout)
    actions = {row["action"] for row in log["entries"] if row["actor"] == SECRETARIAT}
    assert {"contacts.import", "contacts.show", "contacts.erase", "segments.create"} <= actions
