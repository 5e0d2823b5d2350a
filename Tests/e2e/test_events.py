"""Meetings end to end: the built binary, a real SMTP server process, Python's email and iCalendar parsers.

Every date is computed from the current time in Copenhagen, so the tests never age.
"""
import csv
import io
import json
import re
import subprocess
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from conftest import BIN, ROOT, Kampagne

CPH = ZoneInfo("Europe/Copenhagen")
ORGANISER = ("Sara Holm", "sara.holm@partnerskab.example")


# ---------------------------------------------------------------------------- helpers

def now():
    return datetime.now(CPH)


def at(days, hour, minute=0):
    """Local Copenhagen time `days` from today at hour:minute (never near a DST switch hour)."""
    day = (now() + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CPH)


def stamp(dt):
    return dt.astimezone(CPH).strftime("%Y-%m-%d %H:%M")


def configure(k, server=None, events=None):
    """`kampagne init`, shipped templates, no retry wait, an [smtp] table when a server is given,
    and the [events] settings replaced (never a second [events] table)."""
    k.run("init")
    path = k.folder / "kampagne.toml"
    toml = path.read_text()
    toml = toml.replace('path = "Templates"', f'path = "{ROOT / "Templates"}"')
    toml = re.sub(r'(?m)^retry = ".*"$', 'retry = "0s"', toml)
    path.write_text(toml)
    set_events(k, **(events or {}))
    if server is not None:
        with open(path, "a", encoding="utf-8") as f:
            f.write(f'\n[smtp]\nurl = "smtp://127.0.0.1:{server.port}"\nstarttls = "off"\nconnections = 2\n')


def set_events(k, offer_hold="48h", reminder_days=2, warn_days=7):
    path = k.folder / "kampagne.toml"
    toml = path.read_text()
    toml, n1 = re.subn(r'(?m)^offer_hold = .*$', f'offer_hold = "{offer_hold}"', toml)
    toml, n2 = re.subn(r'(?m)^reminder_days = .*$', f'reminder_days = {reminder_days}', toml)
    toml, n3 = re.subn(r'(?m)^warn_days = .*$', f'warn_days = {warn_days}', toml)
    assert (n1, n2, n3) == (1, 1, 1), "the [events] table of `kampagne init` changed shape"
    assert toml.count("[events]") == 1
    path.write_text(toml)


def meeting(k, name, *, title, start, end, venue="Jobcenter Vejle, mødelokale 2",
            address="Eksempelvej 1, 7100 Vejle", organiser=ORGANISER, capacity=None, minimum=None,
            decision=None, deadline=None, series=None, questions=(), extra=(), body=None):
    """Writes a meeting file; returns its path. `decision`/`deadline` are dates (YYYY-MM-DD)."""
    lines = ["---", "type: temamøde", f"titel: {title}", f"start: {stamp(start)}", f"slut: {stamp(end)}"]
    if venue:
        lines.append(f"sted: {venue}")
    if address:
        lines.append(f"adresse: {address}")
    if organiser:
        lines.append(f"arrangør: {organiser[0]} <{organiser[1]}>")
    if capacity is not None:
        lines.append(f"pladser: {capacity}")
    if minimum is not None:
        lines.append(f"minimum: {minimum}")
    if decision is not None:
        lines.append(f"beslutningsdato: {decision.strftime('%Y-%m-%d')}")
    if deadline is not None:
        lines.append(f"tilmeldingsfrist: {deadline.strftime('%Y-%m-%d')}")
    if series:
        lines.append(f"serie: {series}")
    lines += [f"spørgsmål: {q}" for q in questions]
    lines += list(extra)
    lines.append("---")
    lines.append(body if body is not None else
                 "Hvordan får virksomheder og jobcentre mere ud af samarbejdet?\n\n**Program**\n\n- Kaffe\n- Oplæg")
    return k.write(name, "\n".join(lines) + "\n")


def create(k, *args, **kwargs):
    path = meeting(k, *args, **kwargs)
    return int(k.run("events", "create", path).stdout.strip())


def register(k, event_id, email, *args):
    return json.loads(k.run("events", "register", event_id, "--email", email, *args, "--json").stdout)


def show(k, event_id):
    return k.json("events", "show", event_id)


def outbox_run(k):
    return k.json("outbox", "run")


def mails(server, prefix, rcpt=None):
    return [m for m in server.messages() if m["Subject"].startswith(prefix)
            and (rcpt is None or m["X-Test-Rcpt"] == rcpt)]


def text_of(m):
    return m.get_body(("plain",)).get_content()


def html_of(m):
    return m.get_body(("html",)).get_content()


def calendar_parts(m):
    return [p for p in m.walk() if p.get_content_type() == "text/calendar"]


def calendar_of(m):
    parts = calendar_parts(m)
    assert len(parts) == 1, f"{m['Subject']}: expected one text/calendar part, got {len(parts)}"
    raw = parts[0].get_payload(decode=True)
    assert b"\r\n" in raw, "iCalendar lines must end in CRLF"
    cal = Calendar.from_ical(raw)
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    assert len(events) == 1
    return cal, events[0], parts[0]


def mailto(value):
    return str(value).lower().removeprefix("mailto:")


def attendees(vevent):
    value = vevent.get("ATTENDEE")
    if value is None:
        return []
    return [mailto(a) for a in (value if isinstance(value, list) else [value])]


def local_naive(dt):
    return dt.astimezone(CPH).replace(tzinfo=None, second=0, microsecond=0)


def assert_dtstart(vevent, expected):
    dt = vevent["DTSTART"].dt
    assert vevent["DTSTART"].params.get("TZID") == "Europe/Copenhagen"
    assert dt.tzinfo is not None
    assert dt.replace(tzinfo=None) == expected.replace(tzinfo=None), "local wall-clock time as written in the file"
    assert dt.astimezone(ZoneInfo("UTC")) == expected.astimezone(ZoneInfo("UTC")), "same instant"


def token_from(m, kind):
    match = re.search(rf"/tilmelding/{kind}/([A-Za-z0-9_\-.~%]+)", text_of(m) + html_of(m))
    assert match, f"no /tilmelding/{kind}/ link in {m['Subject']}"
    return match.group(1)


def fails(k, *args):
    result = k.run(*args, check=False)
    assert result.returncode == 1, f"expected exit 1, got {result.returncode}: {result.stdout}{result.stderr}"
    assert result.stderr.strip(), "a Danish message on stderr"
    assert "Traceback" not in result.stderr and "Fatal error" not in result.stderr
    return result.stderr


# ---------------------------------------------------------------------------- 1. full flow

def test_full_flow_invite_confirm_change_cancel(k, smtp):
    server = smtp()
    configure(k, server)
    title = "Virksomhedsrettet samarbejde på tværs – Æblegården, Ørsted & Ålborg"
    start, end = at(12, 9, 30), at(12, 12, 0)
    event_id = create(k, "temamoede.md", title=title, start=start, end=end, capacity=40, minimum=2,
                      deadline=at(10, 0), questions=["kost | Har du ønsker til maden? | valg: ingen, vegetar, vegansk"])

    people = [("soeren@odense.example", "Søren", "Ærbøl", "Jobcenter Odense", "Odense"),
              ("aase@aalborg.example", "Åse", "Østergaard", "Jobcenter Aalborg", "Aalborg"),
              ("mette@aarhus.example", "Mette", "Ågesen", "Aarhus Kommune", "Aarhus")]
    rows = ["E-mail;Fornavn;Efternavn;Organisation;Kommune"] + [";".join(p) for p in people]
    k.write("inviterede.csv", "\n".join(rows) + "\n")
    k.run("contacts", "import", "inviterede.csv", "--list", "Temamøde-inviterede", "--role", "jobcenterchef",
          "--source", "Jobcenterchefernes mødeliste")

    report = k.json("events", "invite", event_id, "--list", "Temamøde-inviterede")
    assert report["queued"] == 3
    outbox_run(k)
    invitations = mails(server, "Invitation:")
    assert sorted(m["X-Test-Rcpt"] for m in invitations) == sorted(p[0] for p in people)
    links = set()
    for m in invitations:
        assert m["Subject"] == f"Invitation: {title}"
        text = text_of(m)
        link = re.search(r"https?://\S+\?invitation=\S+", text)
        assert link, text
        links.add(link.group(0))
        assert "/afmeld/" in m["List-Unsubscribe"] and "mailto:" in m["List-Unsubscribe"]
        assert m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert not m.defects, m.defects
    assert len(links) == 3, "every invitation carries its own personal link"
    assert k.json("events", "invite", event_id, "--list", "Temamøde-inviterede")["alreadyInvited"] == 3

    first = register(k, event_id, people[0][0], "--answer", "kost=vegetar")
    second = register(k, event_id, people[2][0])
    assert first["status"] == second["status"] == "registered"
    assert first["alreadySignedUp"] is False and first["contactCreated"] is False
    outbox_run(k)
    confirmations = mails(server, "Tilmelding bekræftet:")
    assert sorted(m["X-Test-Rcpt"] for m in confirmations) == sorted([people[0][0], people[2][0]])
    uids = set()
    for m in confirmations:
        assert m["Subject"] == f"Tilmelding bekræftet: {title}"
        assert not m.defects, m.defects
        cal, ev, part = calendar_of(m)
        assert str(cal["METHOD"]) == "REQUEST"
        assert part.get_param("method").upper() == "REQUEST"
        assert int(ev["SEQUENCE"]) == 0
        assert str(ev["SUMMARY"]) == title
        assert_dtstart(ev, start)
        assert ev["DTEND"].dt.replace(tzinfo=None) == end.replace(tzinfo=None)
        assert "Jobcenter Vejle, mødelokale 2" in str(ev["LOCATION"])
        assert mailto(ev["ORGANIZER"]) == ORGANISER[1]
        assert attendees(ev) == [m["X-Test-Rcpt"]]
        assert str(ev["STATUS"]) == "CONFIRMED"
        uids.add(str(ev["UID"]))
        assert "/tilmelding/afmeld/" in text_of(m) and "/tilmelding/kalender/" in html_of(m)
    assert len(uids) == 1, "one stable UID per meeting"
    uid = uids.pop()
    assert event_id_public(k, event_id) in uid

    new_start = at(14, 13, 0)
    update = k.json("events", "update", event_id, "--start", stamp(new_start))
    assert update["notified"] == 2 and update["sequence"] == 1
    outbox_run(k)
    changes = mails(server, "Ændring:")
    assert sorted(m["X-Test-Rcpt"] for m in changes) == sorted([people[0][0], people[2][0]])
    for m in changes:
        assert m["Subject"] == f"Ændring: {title}"
        cal, ev, _ = calendar_of(m)
        assert str(cal["METHOD"]) == "REQUEST"
        assert str(ev["UID"]) == uid
        assert int(ev["SEQUENCE"]) == 1
        assert_dtstart(ev, new_start)
        assert ev["DTEND"].dt.replace(tzinfo=None) == (new_start + (end - start)).replace(tzinfo=None)

    reason = "For få tilmeldte; vi finder en ny dato, når der er flere med"
    k.run("events", "cancel", event_id, "--reason", reason)
    outbox_run(k)
    cancelled = mails(server, "Aflyst:")
    assert sorted(m["X-Test-Rcpt"] for m in cancelled) == sorted([people[0][0], people[2][0]])
    for m in cancelled:
        assert m["Subject"] == f"Aflyst: {title}"
        cal, ev, part = calendar_of(m)
        assert str(cal["METHOD"]) == "CANCEL"
        assert part.get_param("method").upper() == "CANCEL"
        assert str(ev["STATUS"]) == "CANCELLED"
        assert str(ev["UID"]) == uid
        assert int(ev["SEQUENCE"]) == 2, "higher than the change notice's, or calendars ignore the cancellation"
        assert reason in text_of(m)
    shown = show(k, event_id)
    assert shown["event"]["goNoGo"] == "cancelled"
    assert shown["event"]["cancelReason"] == reason
    assert any(entry["action"] == "aflyst" and entry["detail"] == reason for entry in shown["log"]), shown["log"]

    stderr = fails(k, "events", "register", event_id, "--email", people[1][0])
    assert "aflyst" in stderr and "Tilmelding er ikke mulig" in stderr
    before = len(server.messages())
    outbox_run(k)
    assert len(server.messages()) == before, "nothing more goes out after the cancellation"


def event_id_public(k, event_id):
    return show(k, event_id)["event"]["publicId"]


# ---------------------------------------------------------------------------- 2. concurrency

@pytest.fixture(scope="module")
def crowd(tmp_path_factory):
    """200 `events register` processes for a 50-seat meeting, all started before any is waited on."""
    k = Kampagne(tmp_path_factory.mktemp("crowd"))
    configure(k)
    event_id = create(k, "fuldt.md", title="Stormøde om jobpakker", start=at(20, 10), end=at(20, 15), capacity=50)
    env = dict(k.env, KAMPAGNE_DB=str(k.folder / "kampagne.sqlite"))
    processes = [subprocess.Popen([BIN, "events", "register", str(event_id), "--email", f"p{i:03d}@kommune.example",
                                   "--json"], cwd=k.folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
                 for i in range(200)]
    outcomes = [(p.returncode, out, err) for p in processes for out, err in [p.communicate(timeout=180)]]
    return k, event_id, outcomes


def test_capacity_holds_under_200_concurrent_signups(crowd):
    k, event_id, outcomes = crowd
    for returncode, out, err in outcomes:
        assert returncode == 0, err
    results = [json.loads(out) for _, out, _ in outcomes]
    registered = [r for r in results if r["status"] == "registered"]
    waitlisted = [r for r in results if r["status"] == "waitlisted"]
    assert len(registered) == 50
    assert len(waitlisted) == 150
    assert len({r["registrationId"] for r in results}) == 200
    assert max(r["registrationId"] for r in registered) < min(r["registrationId"] for r in waitlisted), \
        "the first 50 to arrive got the seats"
    event = show(k, event_id)["event"]
    assert event["registered"] == 50 and event["waitlisted"] == 150 and event["seatsLeft"] == 0
    rows = export_rows(k, event_id)
    assert sorted(int(r["Venteliste nr."]) for r in rows.values() if r["Venteliste nr."]) == list(range(1, 151))


def test_waiting_list_positions_follow_arrival_under_concurrency(crowd):
    k, event_id, outcomes = crowd
    results = [json.loads(out) for returncode, out, _ in outcomes if returncode == 0]
    waitlisted = sorted((r for r in results if r["status"] == "waitlisted"), key=lambda r: r["registrationId"])
    assert len(waitlisted) == 150
    assert sorted(r["position"] for r in waitlisted) == list(range(1, 151)), "positions 1..150, no duplicates"
    assert [r["position"] for r in waitlisted] == list(range(1, 151)), "positions increase with registrationId"
    emails = {r["registrationId"]: f"p{i:03d}@kommune.example" for i, (_, out, _) in enumerate(outcomes)
              for r in [json.loads(out)]}
    rows = export_rows(k, event_id)
    assert [int(rows[emails[r["registrationId"]]]["Venteliste nr."]) for r in waitlisted] == list(range(1, 151)), \
        "the stored waiting list is in arrival order too"


# ---------------------------------------------------------------------------- 3. waiting list

def export_rows(k, event_id):
    out = k.run("events", "export", event_id).stdout
    return {row["E-mail"]: row for row in csv.DictReader(io.StringIO(out))}


def test_waiting_list_offer_lapses_passes_on_and_is_accepted(k, smtp):
    server = smtp()
    configure(k, server, events={"offer_hold": "3s"})
    event_id = create(k, "lille.md", title="Lille værksted om løntilskud", start=at(9, 10), end=at(9, 12), capacity=2)
    a, b, c, d = (f"{n}@kommune.example" for n in ("anna", "bo", "carl", "dorte"))
    assert register(k, event_id, a, "--name", "Anna Andersen")["status"] == "registered"
    assert register(k, event_id, b, "--name", "Bo Bech")["status"] == "registered"
    third = register(k, event_id, c, "--name", "Carl Christensen")
    assert third["status"] == "waitlisted" and third["position"] == 1
    outbox_run(k)
    assert [m["X-Test-Rcpt"] for m in mails(server, "Du er på venteliste:")] == [c]

    k.run("events", "cancel-registration", event_id, "--email", a)
    offered_at = time.monotonic()  # the offer to Carl lapses 3 s after this (at the latest)
    event = show(k, event_id)["event"]
    assert event["offered"] == 1 and event["waitlisted"] == 0 and event["registered"] == 2
    rows = export_rows(k, event_id)
    assert (rows[a]["Status"], rows[b]["Status"], rows[c]["Status"]) == ("afmeldt", "tilmeldt", "tilbudt plads")
    fourth = register(k, event_id, d, "--name", "Dorte Dahl")
    assert fourth["status"] == "waitlisted" and fourth["position"] == 1, "the offered seat is not free"
    outbox_run(k)
    offers = mails(server, "Der er en plads til dig:")
    assert [m["X-Test-Rcpt"] for m in offers] == [c]
    text = text_of(offers[0])
    assert "/tilmelding/ja/" in text and "/tilmelding/nej/" in text
    assert time.monotonic() - offered_at < 3, "machine too slow: the offer lapsed before it was sent"
    cancelled = mails(server, "Afmelding modtaget:")
    assert [m["X-Test-Rcpt"] for m in cancelled] == [a]
    cal, ev, _ = calendar_of(cancelled[0])
    assert str(cal["METHOD"]) == "CANCEL" and str(ev["STATUS"]) == "CANCELLED"
    _, confirmed, _ = calendar_of(mails(server, "Tilmelding bekræftet:", rcpt=a)[0])
    assert str(ev["UID"]) == str(confirmed["UID"]), "the cancellation removes the entry the confirmation added"

    time.sleep(max(0.0, offered_at + 3.5 - time.monotonic()))
    set_events(k, offer_hold="1h")  # the next offer must not lapse while the test accepts it
    outbox_run(k)
    assert [m["X-Test-Rcpt"] for m in mails(server, "Pladsen er givet videre:")] == [c]
    assert sorted(m["X-Test-Rcpt"] for m in mails(server, "Der er en plads til dig:")) == sorted([c, d])
    event = show(k, event_id)["event"]
    assert event["offered"] == 1 and event["waitlisted"] == 0

    stderr = fails(k, "events", "accept", event_id, "--email", c)
    assert "udløbet" in stderr
    k.run("events", "accept", event_id, "--email", d)
    event = show(k, event_id)["event"]
    assert event["registered"] == 2 and event["offered"] == 0
    outbox_run(k)
    assert [m["X-Test-Rcpt"] for m in mails(server, "Tilmelding bekræftet:", rcpt=d)] == [d]
    _, ev, _ = calendar_of(mails(server, "Tilmelding bekræftet:", rcpt=d)[0])
    assert attendees(ev) == [d]


def test_waiting_list_decline_passes_seat_on(k, smtp):
    server = smtp()
    configure(k, server)
    event_id = create(k, "et.md", title="Én plads tilbage", start=at(15, 10), end=at(15, 11), capacity=1)
    a, b, c = "a@kommune.example", "b@kommune.example", "c@kommune.example"
    register(k, event_id, a)
    assert register(k, event_id, b)["position"] == 1
    assert register(k, event_id, c)["position"] == 2
    k.run("events", "cancel-registration", event_id, "--email", a)
    rows = export_rows(k, event_id)
    assert rows[b]["Venteliste nr."] == "" and rows[c]["Venteliste nr."] == "1"
    k.run("events", "decline", event_id, "--email", b)
    event = show(k, event_id)["event"]
    assert event["offered"] == 1 and event["waitlisted"] == 0 and event["cancelled"] == 2
    outbox_run(k)
    assert sorted(m["X-Test-Rcpt"] for m in mails(server, "Der er en plads til dig:")) == sorted([b, c])
    k.run("events", "accept", event_id, "--email", c)
    assert show(k, event_id)["event"]["registered"] == 1
    outbox_run(k)
    assert [m["X-Test-Rcpt"] for m in mails(server, "Tilmelding bekræftet:", rcpt=c)] == [c]
    assert mails(server, "Tilmelding bekræftet:", rcpt=b) == []

    d = "d@kommune.example"
    assert register(k, event_id, d)["position"] == 1
    assert "allerede" in fails(k, "events", "update", event_id, "--capacity", "0")
    update = k.json("events", "update", event_id, "--capacity", "2")
    assert update["offered"] == 1 and update["notified"] == 0, "more seats go to the waiting list at once"
    assert export_rows(k, event_id)[d]["Status"] == "tilbudt plads"


# ---------------------------------------------------------------------------- 4. go/no-go

def test_go_no_go(k):
    configure(k)
    at_risk = create(k, "risiko.md", title="Risiko", start=at(10, 10), end=at(10, 12), minimum=10,
                     decision=at(3, 12))
    below = create(k, "senere.md", title="Senere", start=at(40, 10), end=at(40, 12), minimum=10,
                   decision=at(30, 12))
    go = create(k, "fuld.md", title="Fuld", start=at(5, 10), end=at(5, 12), minimum=3, decision=at(2, 12))
    free = create(k, "fri.md", title="Uden minimum", start=at(6, 10), end=at(6, 12))
    for event_id in (at_risk, below):
        for i in range(2):
            register(k, event_id, f"deltager{i}@kommune.example")
    for i in range(3):
        register(k, go, f"deltager{i}@kommune.example")

    listed = {e["id"]: e for e in k.json("events", "list")}
    assert listed[at_risk]["goNoGo"] == "at-risk"
    assert listed[at_risk]["daysToDecision"] == 3
    assert "minimum 10" in listed[at_risk]["warning"] and "om 3 dage" in listed[at_risk]["warning"]
    assert listed[below]["goNoGo"] == "below-minimum" and listed[below].get("warning") is None
    assert listed[below]["daysToDecision"] == 30
    assert listed[go]["goNoGo"] == "go" and listed[go].get("warning") is None
    assert listed[free]["goNoGo"] == "go"
    assert "I FARE" in k.run("events", "list").stdout

    k.run("events", "go", at_risk, "--note", "Vi gennemfører alligevel")
    log = show(k, at_risk)["log"]
    assert any(e["action"] == "gennemføres" and e["detail"] == "Vi gennemfører alligevel" for e in log)


# ---------------------------------------------------------------------------- 5. check-in and coverage

SERIES = "Jobpakker i praksis"

# (email, first, last, organisation, municipality, role)
PEOPLE = {
    "soeren": ("soeren.aerboel@odense.example", "Søren", "Ærbøl", "Jobcenter Odense", "Odense", "jobcenterchef"),
    "aase": ("aase.oestergaard@aalborg.example", "Åse", "Østergaard", "Jobcenter Aalborg", "Aalborg", "jobkonsulent"),
    "mette": ("mette.aagesen@aarhus.example", "Mette", "Ågesen", "Aarhus Kommune", "Aarhus", "jobcenterchef"),
    "jens": ("jens.hansen@roskilde.example", "Jens Peter", "Hansen", "Roskilde Kommune", "Roskilde", "LBR-medlem"),
    "anne": ("anne.lund@esbjerg.example", "Anne-Marie", "Lund", "Jobcenter Esbjerg", "Esbjerg", "jobkonsulent"),
    "zenia": ("zenia.kristensen@kolding.example", "Zenia", "Kristensen", "Kolding Erhvervsråd", "Kolding", "virksomhedskonsulent"),
    "aegir": ("aegir.holm@vejle.example", "Ægir", "Holm", "Jobcenter Vejle", "Vejle", "jobkonsulent"),
    "oejvind": ("oejvind.aagaard@kbh.example", "Øjvind", "Aagaard", "Jobcenter København", "København", "jobcenterchef"),
    "aage": ("aage.brandt@hjoerring.example", "Aage", "Brandt", "Jobcenter Hjørring", "Hjørring", "jobkonsulent"),
    "karen": ("karen.bach@herning.example", "Karen", "Bach", "Jobcenter Herning", "Herning", "jobkonsulent"),
    "birthe": ("birthe.holm@naestved.example", "Birthe", "Holm", "Næstved Kommune", "Næstved", "LBR-medlem"),
}

REGION = {"Odense": "Region Syddanmark", "Esbjerg": "Region Syddanmark", "Kolding": "Region Syddanmark",
          "Vejle": "Region Syddanmark", "Aalborg": "Region Nordjylland", "Hjørring": "Region Nordjylland",
          "Aarhus": "Region Midtjylland", "Herning": "Region Midtjylland", "Roskilde": "Region Sjælland",
          "Næstved": "Region Sjælland", "Slagelse": "Region Sjælland", "København": "Region Hovedstaden"}


def import_people(k):
    by_role = {}
    for key, person in PEOPLE.items():
        by_role.setdefault(person[5], []).append(person)
    for role, people in by_role.items():
        rows = ["E-mail;Fornavn;Efternavn;Organisation;Kommune"] + [";".join(p[:5]) for p in people]
        name = f"{role}.csv"
        k.write(name, "\n".join(rows) + "\n")
        k.run("contacts", "import", name, "--list", "Netværket", "--role", role, "--source", "Netværkets deltagerliste")


def coverage(attendees):
    """Expected municipalities/jobcentres from (organisation, municipality, role) of those who came."""
    municipalities, jobcentres = set(), set()
    for organisation, municipality, role in attendees:
        municipalities.add(municipality)
        if "jobcenter" in organisation.lower() or "jobcenter" in role or "jobkonsulent" in role:
            jobcentres.add(municipality)
    return municipalities, jobcentres


def danish_key(text):
    order = "abcdefghijklmnopqrstuvwxyzæøå"
    text = text.lower().replace("aa", "å")
    return [order.index(ch) if ch in order else -1 for ch in text]


def test_checkin_attendance_and_coverage_for_a_series(k, smtp):
    server = smtp()
    configure(k, server)
    import_people(k)
    p = PEOPLE
    # Meeting 1 is held and over; meeting 2 is today (walk-ins allowed); meeting 3 is to come.
    m1 = create(k, "m1.md", title="Jobpakker 1: Opstart", start=at(6, 9, 30), end=at(6, 12), capacity=30, series=SERIES)
    m2 = create(k, "m2.md", title="Jobpakker 2: Virksomhederne", start=at(7, 9, 30), end=at(7, 12), capacity=30,
                series=SERIES)
    m3 = create(k, "m3.md", title="Jobpakker 3: Opfølgning", start=at(30, 9, 30), end=at(30, 12), capacity=30,
                series=SERIES)
    first = ["soeren", "aase", "mette", "jens", "anne", "zenia", "aegir", "oejvind", "aage"]
    for key in first:
        register(k, m1, p[key][0])
    for key in ("soeren", "oejvind", "karen"):
        register(k, m2, p[key][0])
    register(k, m3, p["aage"][0])
    register(k, m3, p["birthe"][0])
    k.run("events", "cancel-registration", m3, "--email", p["birthe"][0])
    outbox_run(k)

    # Door list of meeting 1: Danish order (Æ, Ø, Å after Z; "Aa" is Å).
    k.run("events", "door-list", m1, "--out", "doerliste.html")
    html = (k.folder / "doerliste.html").read_text(encoding="utf-8")
    names = re.findall(r'<tr><td class="n">\d+</td><td>([^<]*)</td>', html)
    expected = sorted((f"{p[key][1]} {p[key][2]}" for key in first), key=danish_key)
    assert names == expected
    assert names[-4:] == ["Ægir Holm", "Øjvind Aagaard", "Aage Brandt", "Åse Østergaard"]
    assert names.index("Zenia Kristensen") < names.index("Ægir Holm")

    # Check-in belongs to the meeting's day: six days ahead it is refused.
    assert "mødedagen" in fails(k, "events", "checkin", m1, "--email", p["soeren"][0])
    # Meeting 1 is moved into the past: it ended yesterday (the signed list is entered afterwards).
    k.run("events", "update", m1, "--start", stamp(at(-1, 9, 30)), "--end", stamp(at(-1, 12)))

    # Check in at meeting 1: by e-mail, by (part of) the name, by the token from the confirmation.
    assert k.json("events", "checkin", m1, "--email", p["soeren"][0])["status"] == "attended"
    assert k.json("events", "checkin", m1, "--name", "Åse Øster")["email"] == p["aase"][0]
    confirmation = mails(server, "Tilmelding bekræftet:", rcpt=p["mette"][0])
    confirmation = [m for m in confirmation if "Opstart" in m["Subject"]]
    assert len(confirmation) == 1
    token = token_from(confirmation[0], "kalender")
    checked = k.json("events", "checkin", m1, "--token", token)
    assert checked["email"] == p["mette"][0] and checked["status"] == "attended"
    other = token_from(confirmation[0], "afmeld")
    assert k.json("events", "checkin", m1, "--token", other)["email"] == p["mette"][0], "idempotent, other link"
    assert "passer ikke" in fails(k, "events", "checkin", m2, "--token", token), "a token is tied to its meeting"
    assert k.json("events", "checkin", m1, "--email", p["anne"][0])["status"] == "attended"
    assert k.json("events", "checkin", m1, "--email", p["oejvind"][0])["status"] == "attended"

    # A mistaken check-in is undone, and done again.
    assert k.json("events", "checkin", m1, "--email", p["anne"][0], "--undo")["status"] == "registered"
    assert k.json("events", "checkin", m1, "--email", p["anne"][0])["status"] == "attended"
    # The schedule marks no-shows at meeting 1. Meeting 2 is moved to today, started half an hour ago.
    start2 = now().replace(second=0, microsecond=0) - timedelta(minutes=30)
    k.run("events", "update", m2, "--start", stamp(start2), "--end", stamp(start2 + timedelta(hours=3)))
    outbox_run(k)
    assert show(k, m1)["event"]["goNoGo"] == "held"

    k.json("events", "checkin", m2, "--email", p["soeren"][0])
    k.json("events", "checkin", m2, "--email", p["oejvind"][0])
    walk_in = register(k, m2, "sofie.dam@slagelse.example", "--walk-in", "--name", "Sofie Dam",
                       "--organisation", "Jobcenter Slagelse", "--municipality", "Slagelse")
    assert walk_in["status"] == "attended" and walk_in["contactCreated"] is True
    # A walk-in is refused on another day.
    assert "mødedagen" in fails(k, "events", "register", m3, "--email", "x@y.example", "--walk-in")

    # Expected figures, from the data above.
    came1 = ["soeren", "aase", "mette", "anne", "oejvind"]
    absent1 = [key for key in first if key not in came1]
    came2 = ["soeren", "oejvind"]
    att = lambda keys: [(p[key][3], p[key][4], p[key][5]) for key in keys]

    r1 = k.json("events", "attendance", m1)
    assert r1["signedUp"] == len(first)
    assert r1["attended"] == len(came1)
    assert r1["noShows"] == len(absent1)
    assert r1["walkIns"] == 0
    assert r1["noShowRate"] == pytest.approx(len(absent1) / len(first))
    muni1, jc1 = coverage(att(came1))
    assert sorted(r1["municipalities"], key=danish_key) == r1["municipalities"]
    assert set(r1["municipalities"]) == muni1
    assert set(r1["jobcentres"]) == jc1
    assert "Aarhus" in r1["jobcentres"], "a jobcenterchef at 'Aarhus Kommune' counts as the jobcentre"
    assert sorted(a["email"] for a in r1["absent"]) == sorted(p[key][0] for key in absent1)
    # Those who did not come go on a list for the follow-up mailing with the material.
    k.run("events", "attendance", m1, "--absent-list", "Opfølgning")
    members = k.json("lists", "show", "Opfølgning")["members"]
    assert sorted(m["email"] for m in members) == sorted(p[key][0] for key in absent1)
    event1 = show(k, m1)["event"]
    assert event1["noShows"] == len(absent1) and event1["attended"] == len(came1)

    r2 = k.json("events", "attendance", m2)
    assert r2["attended"] == 3 and r2["walkIns"] == 1 and r2["noShows"] == 0
    assert r2["signedUp"] == 3, "Søren, Øjvind and Karen had a seat; the walk-in did not"

    series = k.json("events", "attendance", "--series", SERIES)
    assert [e["eventId"] for e in series["events"]] == [m1, m2, m3]
    all_came = att(came1) + att(came2) + [("Jobcenter Slagelse", "Slagelse", "")]
    municipalities, jobcentres = coverage(all_came)
    assert set(series["municipalities"]) == municipalities
    assert len(series["municipalities"]) == len(municipalities), "each municipality counted once"
    assert set(series["jobcentres"]) == jobcentres
    assert series["attended"] == len(came1) + 3
    assert series["walkIns"] == 1
    assert series["noShows"] == len(absent1)
    assert series["cancelled"] == 1
    assert series["signedUp"] == len(first) + 3 + 1
    assert series["municipalitiesTotal"] == 98
    assert [e["id"] for e in k.json("events", "list", "--all", "--series", SERIES.upper())] == [m1, m2, m3]
    assert [e["id"] for e in k.json("events", "list", "--series", SERIES)] == [m2, m3], "held meetings need --all"
    regions = {r["region"]: r for r in series["byRegion"]}
    assert sum(r["municipalities"] for r in regions.values()) == 98
    assert sum(r["municipalitiesReached"] for r in regions.values()) == len(municipalities)
    assert sum(r["jobcentresReached"] for r in regions.values()) == len(jobcentres)
    for region, r in regions.items():
        assert r["municipalitiesReached"] == sum(1 for m in municipalities if REGION[m] == region), region
        assert r["jobcentresReached"] == sum(1 for m in jobcentres if REGION[m] == region), region

    # The signed door list comes back: Jens Peter was there after all.
    assert k.json("events", "checkin", m1, "--email", p["jens"][0])["status"] == "attended"
    r1 = k.json("events", "attendance", m1)
    assert r1["noShows"] == len(absent1) - 1 and r1["attended"] == len(came1) + 1
    assert "Roskilde" in r1["municipalities"] and "Roskilde" not in r1["jobcentres"]


# ---------------------------------------------------------------------------- 6. hostile input and refusals

def test_hostile_input_and_refusals(k, smtp):
    server = smtp()
    configure(k, server)
    event_id = create(k, "moede.md", title="Åbent møde", start=at(8, 10), end=at(8, 12), capacity=10,
                      deadline=at(7, 0), questions=["kost | Har du ønsker til maden? | valg: ingen, vegetar"])
    victim = "offer@kommune.example"
    name = "Eva\r\nBcc: evil@x.test <script>alert(1)</script>"
    result = register(k, event_id, victim, "--name", name, "--organisation", "Jobcenter <b>Odense</b>")
    assert result["status"] == "registered"
    outbox_run(k)
    messages = server.messages()
    assert len(messages) == 1
    m = messages[0]
    assert m["X-Test-Rcpt"] == victim, "the envelope has exactly one recipient"
    assert m["Bcc"] is None and "evil@x.test" not in "".join(f"{h}: {v}\n" for h, v in m.items()
                                                             if h.lower() not in ("to", "subject"))
    assert len(m["To"].addresses) == 1 and m["To"].addresses[0].addr_spec == victim
    raw = (server.store / "000001.eml").read_bytes()
    header = raw.split(b"\r\n\r\n", 1)[0]
    assert not re.search(rb"(?im)^bcc:", header)
    assert not m.defects, m.defects
    _, ev, _ = calendar_of(m)
    assert attendees(ev) == [victim]

    k.run("events", "door-list", event_id, "--out", "doerliste.html")
    html = (k.folder / "doerliste.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html and "<b>Odense</b>" not in html
    assert "<script>" not in html_of(m)

    fails(k, "events", "register", event_id, "--email", "x@kommune.example\r\nBcc: evil@x.test")
    assert "findes ikke" in fails(k, "events", "register", "9999", "--email", "x@kommune.example")
    # The library's message names no command; the command line adds the one that lists meetings.
    assert "Møde 9999 findes ikke (se `kampagne events list`)" in fails(k, "events", "show", "9999")

    late = create(k, "sent.md", title="Fristen er passeret", start=at(5, 10), end=at(5, 12), deadline=at(-1, 0))
    assert "Tilmeldingsfristen" in fails(k, "events", "register", late, "--email", "sen@kommune.example")
    assert register(k, late, "sen@kommune.example", "--after-deadline")["status"] == "registered"

    past = create(k, "fortid.md", title="Allerede afholdt", start=at(-3, 10), end=at(-3, 12))
    assert "afholdt" in fails(k, "events", "register", past, "--email", "gammel@kommune.example")

    bad = meeting(k, "negativ.md", title="Negativ", start=at(5, 10), end=at(5, 12), capacity=-5)
    line = next(i for i, text in enumerate(bad.read_text().splitlines(), 1) if text.startswith("pladser:"))
    stderr = fails(k, "events", "create", bad)
    assert f"negativ.md:{line}:" in stderr and "negativ" in stderr.lower()
    assert k.json("events", "list", "--all") and all(e["title"] != "Negativ" for e in k.json("events", "list", "--all"))

    stderr = fails(k, "events", "register", event_id, "--email", "svar@kommune.example", "--answer", "parkering=ja")
    assert "parkering" in stderr
    stderr = fails(k, "events", "register", event_id, "--email", "svar@kommune.example", "--answer", "kost=kød")
    assert "vegetar" in stderr

    again = register(k, event_id, victim, "--name", "Eva")
    assert again["alreadySignedUp"] is True and again["status"] == "registered"
    assert again["registrationId"] == result["registrationId"]
    outbox_run(k)
    assert len(mails(server, "Tilmelding bekræftet:", rcpt=victim)) == 1, "no second confirmation"
    assert show(k, event_id)["event"]["registered"] == 1


# ---------------------------------------------------------------------------- reminders

def test_reminder_goes_out_once_when_due(k, smtp):
    server = smtp()
    configure(k, server, events={"reminder_days": 1})
    utc = ZoneInfo("UTC")
    # The reminder is due one day (86,400 s) before the start: at the next whole minute, 5-65 s from now.
    due = (now() + timedelta(seconds=5)).replace(second=0, microsecond=0) + timedelta(minutes=1)
    start = (due.astimezone(utc) + timedelta(days=1)).astimezone(CPH)
    event_id = create(k, "snart.md", title="Påmindelse om fyraftensmøde", start=start, end=start + timedelta(hours=2),
                      capacity=1)
    registered, waiting = "kommer@kommune.example", "venter@kommune.example"
    register(k, event_id, registered, "--name", "Kirsten Kommer")
    assert register(k, event_id, waiting)["status"] == "waitlisted"
    outbox_run(k)
    assert now() < due, "machine too slow for this test"
    assert mails(server, "Påmindelse:") == [], "not before it is due"

    time.sleep(max(0.0, (due - now()).total_seconds() + 1))
    outbox_run(k)
    outbox_run(k)
    reminders = mails(server, "Påmindelse:")
    assert [m["X-Test-Rcpt"] for m in reminders] == [registered], "once, and only to those with a seat"
    assert reminders[0]["Subject"] == "Påmindelse: Påmindelse om fyraftensmøde"
    cal, ev, _ = calendar_of(reminders[0])
    _, confirmed, _ = calendar_of(mails(server, "Tilmelding bekræftet:", rcpt=registered)[0])
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(ev["UID"]) == str(confirmed["UID"]) and int(ev["SEQUENCE"]) == 0
    assert_dtstart(ev, start)
    assert any(e["action"] == "påmindelser" for e in show(k, event_id)["log"])


# ---------------------------------------------------------------------------- daylight saving

def test_calendar_times_in_summer_and_winter(k, smtp):
    server = smtp()
    configure(k, server)
    year = now().year + 1
    for month, title in ((7, "Sommermøde"), (1, "Vintermøde")):
        start = datetime(year, month, 15, 9, 30, tzinfo=CPH)
        event_id = create(k, f"m{month}.md", title=title, start=start, end=start + timedelta(hours=3))
        register(k, event_id, f"{month}@kommune.example")
    outbox_run(k)
    offsets = {}
    for m in mails(server, "Tilmelding bekræftet:"):
        _, ev, _ = calendar_of(m)
        month = int(m["X-Test-Rcpt"].split("@")[0])
        start = datetime(year, month, 15, 9, 30, tzinfo=CPH)
        assert_dtstart(ev, start)
        assert ev["DTEND"].dt.replace(tzinfo=None) == datetime(year, month, 15, 12, 30)
        offsets[month] = start.utcoffset()
    assert offsets == {7: timedelta(hours=2), 1: timedelta(hours=1)}
