"""The web server over real HTTP: `kampagne serve` as a process, driven with urllib."""
import concurrent.futures
import email
import html
import json
import re
import sqlite3
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta
from email import policy
from zoneinfo import ZoneInfo

import icalendar
import pytest

from conftest import BIN, ROOT
from conftest import free_port

CPH = ZoneInfo("Europe/Copenhagen")


def meeting(title="Temamøde om jobpakker", capacity=5, days=20, extra=""):
    start = (datetime.now(CPH) + timedelta(days=days)).replace(second=0, microsecond=0)
    end = start + timedelta(hours=2)
    return f"""---
type: temamøde
titel: {title}
start: {start:%Y-%m-%d %H:%M}
slut: {end:%Y-%m-%d %H:%M}
sted: Jobcenter Vejle
adresse: Eksempelvej 1, 7100 Vejle
arrangør: Sara Holm <sara@partnerskab.example>
pladser: {capacity}
spørgsmål: kost | Ønsker til maden? | valg: ingen, vegetar
{extra}
---
Vi mødes om **jobpakker**.
"""


class Web:
    """A running `kampagne serve` on a free loopback port."""

    def __init__(self, k, posts_per_minute=1000, scheduler=False, trust_proxy=False):
        self.k = k
        toml = (k.folder / "kampagne.toml").read_text()
        toml = toml.replace('path = "Templates"', f'path = "{ROOT / "Templates"}"')
        toml = toml.replace("posts_per_minute = 30", f"posts_per_minute = {posts_per_minute}")
        if trust_proxy:
            toml = toml.replace("trust_proxy = false", "trust_proxy = true")
        (k.folder / "kampagne.toml").write_text(toml)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        schedule = ["--every", "1"] if scheduler else ["--no-scheduler"]
        self.process = subprocess.Popen([BIN, "serve", "--port", str(self.port), *schedule], cwd=k.folder,
                                        env=k.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.base + "/", timeout=1)
                return
            except (urllib.error.URLError, ConnectionError):
                if self.process.poll() is not None:
                    raise RuntimeError(self.process.stderr.read())
                time.sleep(0.1)
        raise RuntimeError("serve did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def request(self, path, data=None, raw=None, content_type="application/x-www-form-urlencoded"):
        body = raw if raw is not None else (urllib.parse.urlencode(data).encode() if data is not None else None)
        req = urllib.request.Request(self.base + path, data=body, method="POST" if body is not None else "GET")
        if body is not None:
            req.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def form(self, path, query=""):
        status, _, page = self.request(path + query)
        assert status == 200, page
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        return page, csrf


@pytest.fixture
def web(k):
    k.run("init")
    toml = (k.folder / "kampagne.toml").read_text().replace('path = "Templates"', f'path = "{ROOT / "Templates"}"')
    (k.folder / "kampagne.toml").write_text(toml)
    servers = []

    def start(**options):
        server = Web(k, **options)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def create(k, text):
    k.write("m.md", text)
    event_id = k.run("events", "create", "m.md").stdout.strip()
    public = k.json("events", "show", event_id)["event"]["publicId"]
    return event_id, public


def mails(k):
    folder = k.folder / "maildir" / "new"
    out = []
    for path in sorted(folder.glob("*")) if folder.exists() else []:
        with open(path, "rb") as f:
            out.append(email.message_from_binary_file(f, policy=policy.default))
    return out


def link(message, pattern):
    text = message.get_body(("plain",)).get_content()
    return re.search(pattern, text).group(0)


def test_event_page_signup_and_security_headers(k, web):
    event_id, public = create(k, meeting())
    w = web()
    status, headers, page = w.request(f"/moede/{public}")
    assert status == 200
    assert "Temamøde om jobpakker" in page and "<strong>jobpakker</strong>" in page
    assert "Vejle" in page and ">Aabenraa<" in page and ">Ærø<" in page
    assert page.index(">Ærø<") < page.index(">Aabenraa<")  # Danish order: Aa as Å, after Æ and Ø
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"
    # No form token: refused, nothing stored.
    status, _, _ = w.request(f"/moede/{public}", {"name": "Eva", "email": "eva@kommune.example"})
    assert status == 403
    # Numeric ids are not public ids.
    assert w.request(f"/moede/{event_id}")[0] == 404
    _, csrf = w.form(f"/moede/{public}")
    status, _, page = w.request(f"/moede/{public}", {"csrf": csrf, "name": "Eva Ørsted", "email": "eva@kommune.example",
                                                    "organisation": "Jobcenter Vejle", "municipality": "Vejle",
                                                    "q-kost": "vegetar"})
    assert status == 200 and "Tak for din tilmelding" in page
    shown = k.json("events", "show", event_id)["event"]
    assert shown["registered"] == 1 and shown["byMunicipality"] == [{"name": "Vejle", "count": 1}]
    person = json.loads(k.run("contacts", "export-person", "eva@kommune.example").stdout)
    assert person["registrations"][0]["answers"] == {"kost": "vegetar"}
    k.run("outbox", "run")
    assert [m["Subject"] for m in mails(k)] == ["Tilmelding bekræftet: Temamøde om jobpakker"]


def test_validation_errors_are_danish_and_input_is_escaped(k, web):
    event_id, public = create(k, meeting())
    w = web()
    _, csrf = w.form(f"/moede/{public}")
    status, _, page = w.request(f"/moede/{public}", {"csrf": csrf, "name": "<script>alert(1)</script>",
                                                    "email": "ikke-en-adresse", "municipality": "Atlantis",
                                                    "q-kost": "pizza"})
    assert status == 422
    assert "Det ligner ikke en e-mailadresse" in page
    assert "Vælg en kommune fra listen" in page and "Vælg et af svarene" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert k.json("events", "show", event_id)["event"]["registered"] == 0
    status, _, page = w.request(f"/moede/{public}", {"csrf": csrf, "name": "x" * 500, "email": "a@b.example"})
    assert status == 422 and "for langt" in page


def test_full_meeting_puts_people_on_the_waiting_list(k, web):
    _, public = create(k, meeting(capacity=1))
    w = web()
    for number, address in enumerate(["a@kommune.example", "b@kommune.example", "c@kommune.example"]):
        _, csrf = w.form(f"/moede/{public}")
        status, _, page = w.request(f"/moede/{public}", {"csrf": csrf, "name": f"Person {number}", "email": address})
        assert status == 200
        if number == 0:
            assert "Tak for din tilmelding" in page
        else:
            assert f"ventelisten som nummer {number}" in page
    status, _, page = w.request(f"/moede/{public}")
    assert "Mødet er fuldt" in page


def test_invitation_link_prefills_the_form_for_its_own_meeting_only(k, web):
    event_id, public = create(k, meeting(capacity=1))
    _, other_public = create(k, meeting(title="Et andet møde"))
    k.write("c.csv", "E-mail;Fornavn;Efternavn;Organisation;Kommune\nanne@kommune.example;Anne;Holm;Jobcenter Odense;Odense\n")
    k.run("contacts", "import", "c.csv", "--list", "Chefer")
    k.run("events", "invite", event_id, "--list", "Chefer")
    k.run("outbox", "run")
    invitation = mails(k)[0]
    signup = link(invitation, r"http://localhost:8080/moede/\S+")
    query = signup[signup.index("?"):]
    w = web()
    page, _ = w.form(f"/moede/{public}", query)
    assert 'value="anne@kommune.example"' in page and 'value="Anne Holm"' in page
    assert '<option value="Odense" selected>' in page
    page, _ = w.form(f"/moede/{other_public}", query)
    assert "anne@kommune.example" not in page


def test_personal_links_scoped_and_idempotent(k, web):
    event_id, public = create(k, meeting(capacity=1))
    k.run("events", "register", event_id, "--email", "a@kommune.example", "--name", "Anne Holm")
    k.run("events", "register", event_id, "--email", "b@kommune.example", "--name", "Bo Lund")
    k.run("outbox", "run")
    confirmation = next(m for m in mails(k) if m["Subject"].startswith("Tilmelding bekræftet"))
    cancel = link(confirmation, r"http://localhost:8080/tilmelding/afmeld/\S+").replace("http://localhost:8080", "")
    calendar = confirmation.get_body(("html",)).get_content()
    calendar = re.search(r'href="http://localhost:8080(/tilmelding/kalender/[^"]+)"', calendar).group(1)
    w = web()
    # The calendar link serves a valid .ics for the person.
    status, headers, ics = w.request(calendar)
    assert status == 200 and headers["Content-Type"].startswith("text/calendar")
    vevent = next(iter(icalendar.Calendar.from_ical(ics).walk("VEVENT")))
    assert str(vevent["ATTENDEE"]) == "mailto:a@kommune.example"
    # Scope: a cancel token cannot accept an offer; a changed token is nothing.
    token = cancel.rsplit("/", 1)[1]
    assert w.request(f"/tilmelding/ja/{token}")[0] == 404
    assert w.request(f"/tilmelding/afmeld/{token[:-2]}xx")[0] == 404
    # GET shows a button and changes nothing; the POST cancels; a second POST is harmless.
    page, csrf = w.form(cancel)
    assert "Afmeld mig" in page
    assert k.json("events", "show", event_id)["event"]["registered"] == 1
    status, _, page = w.request(cancel, {"csrf": csrf})
    assert status == 200 and "afmeld" in page.lower()
    assert w.request(cancel, {"csrf": csrf})[0] == 200
    shown = k.json("events", "show", event_id)["event"]
    assert shown["offered"] == 1  # the freed seat went to the waiting list
    k.run("outbox", "run")
    offer = next(m for m in mails(k) if m["Subject"].startswith("Der er en plads"))
    accept = link(offer, r"http://localhost:8080/tilmelding/ja/\S+").replace("http://localhost:8080", "")
    page, csrf = w.form(accept)
    # The offer page names its deadline; once it has passed it says so and offers no button.
    assert "Bekræft senest" in page and "Ja tak, jeg kommer" in page
    database = sqlite3.connect(k.folder / "kampagne.sqlite")
    expires = database.execute("SELECT offerExpiresAt FROM registration WHERE status = 'offered'").fetchone()[0]
    database.execute("UPDATE registration SET offerExpiresAt = '2020-01-01 10:00:00.000' WHERE status = 'offered'")
    database.commit()
    status, _, expired = w.request(accept)
    assert status == 200 and "Tilbuddet er udløbet" in expired and "Ja tak, jeg kommer" not in expired
    assert "Der er en plads til dig" not in expired
    database.execute("UPDATE registration SET offerExpiresAt = ? WHERE status = 'offered'", (expires,))
    database.commit()
    database.close()
    status, _, page = w.request(accept, {"csrf": csrf})
    assert status == 200 and "Pladsen er din" in page
    assert k.json("events", "show", event_id)["event"]["offered"] == 0
    # A cancelled meeting's page shows no free seats, only that it is cancelled.
    status, _, page = w.request(f"/moede/{public}")
    assert status == 200 and "Pladser:" in page
    k.run("events", "cancel", event_id, "--reason", "Sygdom")
    status, _, page = w.request(f"/moede/{public}")
    assert status == 200 and "Mødet er aflyst: Sygdom" in page
    assert "Pladser:" not in page and "ledig" not in page


def test_unsubscribe_page_and_one_click(k, web):
    event_id, public = create(k, meeting())
    k.write("c.csv", "E-mail;Fornavn\nanne@kommune.example;Anne\nbo@kommune.example;Bo\ncai@kommune.example;Cai\n")
    k.run("contacts", "import", "c.csv", "--list", "Alle")
    k.run("events", "invite", event_id, "--list", "Alle")
    k.run("outbox", "run")
    by_rcpt = {m["To"].addresses[0].addr_spec: m for m in mails(k)}
    w = web()
    multipart = b'--xyz\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--xyz--\r\n'
    for address, one_click in [("anne@kommune.example", True), ("bo@kommune.example", False), ("cai@kommune.example", "multipart")]:
        header = by_rcpt[address]["List-Unsubscribe"]
        path = re.search(r"<http://localhost:8080(/afmeld/[^>]+)>", header).group(1)
        # A link scanner's GET unsubscribes nobody.
        status, _, page = w.request(path)
        assert status == 200 and "Afmeld mig" in page
        assert k.json("contacts", "show", address)["suppressed"] is False
        if one_click == "multipart":  # RFC 8058's own encoding
            status, _, body = w.request(path, raw=multipart, content_type="multipart/form-data; boundary=xyz")
            assert status == 200
        elif one_click:
            for _ in range(2):
                status, _, body = w.request(path, raw=b"List-Unsubscribe=One-Click")
                assert status == 200
        else:
            _, csrf = w.form(path)
            for _ in range(2):
                status, _, body = w.request(path, {"csrf": csrf})
                assert status == 200 and "afmeldt" in body
        assert k.json("contacts", "show", address)["suppressed"] is True
    assert w.request("/afmeld/u.1.forfalsket")[0] == 404


def test_rate_limit_on_sign_up_posts(k, web):
    _, public = create(k, meeting(capacity=50))
    w = web(posts_per_minute=3)
    _, csrf = w.form(f"/moede/{public}")
    codes = [w.request(f"/moede/{public}", {"csrf": csrf, "name": f"P {i}", "email": f"p{i}@kommune.example"})[0]
             for i in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_200_concurrent_sign_ups_for_50_seats(k, web):
    event_id, public = create(k, meeting(capacity=50))
    w = web()
    _, csrf = w.form(f"/moede/{public}")

    def post(i):
        return w.request(f"/moede/{public}", {"csrf": csrf, "name": f"Deltager {i}", "email": f"d{i:03d}@kommune.example"})

    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(post, range(200)))
    assert all(status == 200 for status, _, _ in results)
    registered = sum("Tak for din tilmelding" in page for _, _, page in results)
    waiting = sum("ventelisten som nummer" in page for _, _, page in results)
    assert (registered, waiting) == (50, 150)
    shown = k.json("events", "show", event_id)["event"]
    assert shown["registered"] == 50 and shown["waitlisted"] == 150


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def organiser_request(w, path, data=None, cookie=None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    req = urllib.request.Request(w.base + path, data=body, method="POST" if body is not None else "GET")
    if cookie:
        req.add_header("Cookie", cookie)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def login(w, username, password):
    _, csrf = w.form("/admin/login")
    return organiser_request(w, "/admin/login", {"csrf": csrf, "username": username, "password": password})


def test_organiser_login_overview_and_door_check_in(k, web):
    event_id, public = create(k, meeting(capacity=5, days=0.004))  # starts in a few minutes: walk-ins allowed
    k.run("events", "register", event_id, "--email", "aase@kommune.example", "--name", "Åse Aagaard",
          "--organisation", "Jobcenter Odense")
    k.run("events", "register", event_id, "--email", "x@kommune.example", "--name", "<script>alert(1)</script>")
    k.run("users", "add", "sara@partnerskab.example", "--password-stdin", input="hemmelig-kode-42\n")
    assert k.run("users", "add", "kort", "--password-stdin", input="kort\n", check=False).returncode == 1
    w = web()
    # The old organiser pages moved to the staff area, permanently.
    status, headers, _ = organiser_request(w, "/arrangor")
    assert status == 308 and headers["Location"] == "/admin/moeder"
    status, headers, _ = organiser_request(w, f"/arrangor/moede/{public}")
    assert status == 308 and headers["Location"] == f"/admin/moeder/{public}"
    # Not signed in: every staff page sends you to the login, and back afterwards.
    status, headers, _ = organiser_request(w, "/admin/moeder")
    assert status == 303 and headers["Location"] == "/admin/login?naeste=/admin/moeder"
    assert organiser_request(w, f"/admin/moeder/{public}")[0] == 303
    status, _, page = login(w, "sara@partnerskab.example", "forkert-kode-123")
    assert status == 401 and "Forkert brugernavn eller adgangskode" in page
    status, headers, _ = login(w, "sara@partnerskab.example", "hemmelig-kode-42")
    assert status == 303
    set_cookie = headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie and "Path=/admin" in set_cookie
    assert "Secure" not in set_cookie  # plain http on loopback
    cookie = set_cookie.split(";", 1)[0]
    status, _, page = organiser_request(w, "/admin/moeder", cookie=cookie)
    assert status == 200 and "Temamøde om jobpakker" in page
    assert re.search(r'<td class="num" data-label="Tilmeldt">2</td><td class="num hide-narrow" data-label="Pladser">5</td>', page)
    # A forged cookie is nobody.
    assert organiser_request(w, "/admin/moeder", cookie=cookie[:-3] + "abc")[0] == 303
    # The door page: escaped names, search, one tap to check in, a walk-in.
    status, _, page = organiser_request(w, f"/admin/moeder/{public}", cookie=cookie)
    assert status == 200 and "&lt;script&gt;" in page and "<script>alert" not in page
    status, _, page = organiser_request(w, f"/admin/moeder/{public}?q=odense", cookie=cookie)
    assert "Åse Aagaard" in page and "&lt;script&gt;" not in page
    registration = re.search(r'name="registration" value="(\d+)"', page).group(1)
    csrf = re.search(r'action="/admin/moeder/[^"]+/indtjek"[^>]*><input type="hidden" name="csrf" value="([^"]+)"', page).group(1)
    status, _, _ = organiser_request(w, f"/admin/moeder/{public}/indtjek", {"csrf": csrf, "registration": registration}, cookie=cookie)
    assert status == 303
    assert k.json("events", "show", event_id)["event"]["attended"] == 1
    # Without the session the same POST does nothing.
    organiser_request(w, f"/admin/moeder/{public}/indtjek", {"csrf": csrf, "registration": registration})
    _, _, page = organiser_request(w, f"/admin/moeder/{public}", cookie=cookie)
    walk_csrf = re.search(r'action="/admin/moeder/[^"]+/ved-doeren">\s*<input type="hidden" name="csrf" value="([^"]+)"', page).group(1)
    status, _, _ = organiser_request(w, f"/admin/moeder/{public}/ved-doeren",
                                     {"csrf": walk_csrf, "name": "Walter Walk", "email": "walk@kommune.example",
                                      "organisation": "Jobcenter Vejle", "municipality": "Vejle"}, cookie=cookie)
    assert status == 303
    shown = k.json("events", "show", event_id)["event"]
    assert shown["attended"] == 2 and shown["walkIns"] == 1
    # Removing the account ends its session at once.
    k.run("users", "remove", "sara@partnerskab.example")
    assert organiser_request(w, "/admin/moeder", cookie=cookie)[0] == 303


def test_newsletter_double_opt_in(k, web, smtp):
    server = smtp()
    toml = (k.folder / "kampagne.toml").read_text()
    toml += f'\n[smtp]\nurl = "smtp://127.0.0.1:{server.port}"\nstarttls = "off"\nconnections = 1\n'
    (k.folder / "kampagne.toml").write_text(toml)
    k.run("lists", "create", "Nyhedsbrev")
    k.run("contacts", "unsubscribe", "ny@kommune.example")
    w = web()
    page, csrf = w.form("/nyhedsbrev")
    assert "Vi bruger kun dine oplysninger til at sende nyhedsbrevet" in page
    status, _, page = w.request("/nyhedsbrev", {"csrf": csrf, "name": "Ny Læser", "email": "ikke en adresse"})
    assert status == 422 and "Det ligner ikke en e-mailadresse" in page
    for _ in range(2):  # asking twice sends one mail
        status, _, page = w.request("/nyhedsbrev", {"csrf": csrf, "name": "Ny Læser", "email": "ny@kommune.example",
                                                    "organisation": "Jobcenter Aarhus"})
        assert status == 200 and "Tjek din mail" in page
    # Nobody is on the list before they click.
    assert k.json("lists", "show", "Nyhedsbrev")["members"] == []
    k.run("outbox", "run")
    messages = server.messages()
    assert len(messages) == 1 and messages[0]["Subject"] == "Bekræft din tilmelding til Nyhedsbrev"
    confirm = link(messages[0], r"http://localhost:8080/nyhedsbrev/bekraeft/\S+").replace("http://localhost:8080", "")
    # The GET (a link scanner) only shows a button.
    page, csrf = w.form(confirm)
    assert "Bekræft tilmeldingen" in page
    assert k.json("lists", "show", "Nyhedsbrev")["members"] == []
    assert w.request(confirm.replace("/bekraeft/s.", "/bekraeft/c."), {"csrf": csrf})[0] == 404
    for _ in range(2):
        status, _, page = w.request(confirm, {"csrf": csrf})
        assert status == 200 and "står nu på listen" in page or "står allerede" in page
    members = k.json("lists", "show", "Nyhedsbrev")["members"]
    assert [m["email"] for m in members] == ["ny@kommune.example"] and members[0]["suppressed"] is False
    person = json.loads(k.run("contacts", "export-person", "ny@kommune.example").stdout)
    membership = person["memberships"][0]
    assert membership["consentBasis"] == "consent"
    assert "ordlyd: Ja tak, send mig «Nyhedsbrev»" in membership["source"] and "/nyhedsbrev" in membership["source"]


def test_serve_runs_the_scheduler(k, web, smtp):
    server = smtp()
    toml = (k.folder / "kampagne.toml").read_text()
    toml += f'\n[smtp]\nurl = "smtp://127.0.0.1:{server.port}"\nstarttls = "off"\nconnections = 1\n'
    (k.folder / "kampagne.toml").write_text(toml)
    event_id, _ = create(k, meeting())
    web(scheduler=True)
    k.run("events", "register", event_id, "--email", "a@kommune.example", "--name", "Anne Holm")
    deadline = time.time() + 20
    while time.time() < deadline and not server.messages():
        time.sleep(0.3)
    assert [m["Subject"] for m in server.messages()] == ["Tilmelding bekræftet: Temamøde om jobpakker"]
    assert k.json("outbox", "status")[0]["sent"] == 1


@pytest.mark.parametrize("trusted", [False, True])
def test_forwarded_proto_counts_only_behind_a_trusted_proxy(k, web, trusted):
    k.run("users", "add", "sara@partnerskab.example", "--password-stdin", input="hemmelig-kode-42\n")
    w = web(trust_proxy=trusted)
    _, csrf = w.form("/admin/login")
    body = urllib.parse.urlencode({"csrf": csrf, "username": "sara@partnerskab.example", "password": "hemmelig-kode-42"}).encode()
    req = urllib.request.Request(w.base + "/admin/login", data=body, method="POST")
    req.add_header("Content-Type", "application/x-www-form-urlencoded")
    req.add_header("X-Forwarded-Proto", "https")
    try:
        urllib.request.build_opener(NoRedirect).open(req, timeout=30)
        raise AssertionError("expected a redirect")
    except urllib.error.HTTPError as error:
        assert error.code == 303
        cookie = error.headers["Set-Cookie"]
        assert ("Secure" in cookie) is trusted
        assert ("Strict-Transport-Security" in error.headers) is trusted


def test_decline_link_passes_the_seat_on_and_logout_ends_the_session(k, web):
    event_id, public = create(k, meeting(capacity=1))
    for address in ["a@kommune.example", "b@kommune.example", "c@kommune.example"]:
        k.run("events", "register", event_id, "--email", address)
    k.run("events", "cancel-registration", event_id, "--email", "a@kommune.example")
    k.run("outbox", "run")
    offer = next(m for m in mails(k) if m["Subject"].startswith("Der er en plads"))
    assert offer["To"].addresses[0].addr_spec == "b@kommune.example"
    decline = link(offer, r"http://localhost:8080/tilmelding/nej/\S+").replace("http://localhost:8080", "")
    w = web()
    page, csrf = w.form(decline)
    assert "Nej tak, giv pladsen videre" in page
    assert w.request(decline.replace("/nej/d.", "/ja/d."))[0] == 404  # a decline token cannot accept
    status, _, page = w.request(decline, {"csrf": csrf})
    assert status == 200 and "Pladsen går videre" in page
    shown = k.json("events", "show", event_id)["event"]
    assert shown["offered"] == 1 and shown["waitlisted"] == 0  # c has the offer now
    # Logout: the cookie stops working, also a copy of it.
    k.run("users", "add", "sara@partnerskab.example", "--password-stdin", input="hemmelig-kode-42\n")
    _, headers, _ = login(w, "sara@partnerskab.example", "hemmelig-kode-42")
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    status, _, page = organiser_request(w, "/admin/moeder", cookie=cookie)
    csrf = re.search(r'action="/admin/logout"><input type="hidden" name="csrf" value="([^"]+)"', page).group(1)
    status, headers, _ = organiser_request(w, "/admin/logout", {"csrf": csrf}, cookie=cookie)
    assert status == 303 and "Max-Age=0" in headers["Set-Cookie"]
    assert organiser_request(w, "/admin/moeder", cookie=cookie)[0] == 303


def test_cached_meeting_page_follows_every_write_from_any_process(k, web):
    """The meeting page is kept in memory per `event.pageVersion` (MeetingPageCache): each
    write to the meeting or its registrations, here from other processes (the CLI), must show
    on the next view, and each view must still carry a fresh, valid form token."""
    event_id, public = create(k, meeting(capacity=3))
    _, other_public = create(k, meeting(title="Et andet møde", capacity=3))
    w = web()

    def page(public_id=public):
        status, _, text = w.request(f"/moede/{public_id}")
        assert status == 200
        return text

    def without_token(text):
        return re.sub(r'name="csrf" value="[^"]+"', "", text)

    first = page()
    assert "3 ledige af 3" in first and 'name="csrf" value="' in first
    assert without_token(page()) == without_token(first)  # served again: only the token may differ
    assert "3 ledige af 3" in page(other_public)
    k.run("events", "register", event_id, "--email", "a@kommune.example", "--name", "Anne Holm")
    assert "2 ledige af 3" in page()
    assert "3 ledige af 3" in page(other_public), "another meeting's sign-up does not touch this page"
    k.run("events", "register", event_id, "--email", "b@kommune.example", "--name", "Bo Holm")
    assert "1 ledig af 3" in page()
    k.run("events", "cancel-registration", event_id, "--email", "a@kommune.example")
    assert "2 ledige af 3" in page()
    k.run("events", "update", event_id, "--title", "Nyt navn på mødet", "--capacity", "5")
    text = page()
    assert "Nyt navn på mødet" in text and "4 ledige af 5" in text
    # The cached page's form still works: its token is made per view.
    _, csrf = w.form(f"/moede/{public}")
    status, _, done = w.request(f"/moede/{public}", {"csrf": csrf, "name": "Eva Ørsted", "email": "eva@kommune.example"})
    assert status == 200 and "Tak for din tilmelding" in done
    assert "3 ledige af 5" in page()
    k.run("events", "cancel", event_id, "--reason", "For få tilmeldte")
    assert "Mødet er aflyst" in page()
