import Foundation
import GRDB
import MailTemplates
import Testing
@testable import Kampagne

/// A meeting file with dates relative to `start`, so tests never age.
func meetingFile(start: Date, capacity: String = "3", minimum: String = "2", extra: String = "",
                 deadline: Date? = nil, decision: Date? = nil) -> String {
    func local(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = DanishDate.timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }
    return """
    ---
    type: fyraftensmøde
    titel: Jobpakker i lokalområdet
    start: \(local(start))
    slut: \(local(start.addingTimeInterval(2 * 3600)))
    sted: Rådhuset, salen
    adresse: Torvet 1, 5000 Odense C
    arrangør: Sara Holm <sara@partnerskab.example>
    pladser: \(capacity)
    minimum: \(minimum)
    \(deadline.map { "tilmeldingsfrist: \(local($0))" } ?? "")
    \(decision.map { "beslutningsdato: \(local($0))" } ?? "")
    spørgsmål: kost | Ønsker til maden? | valg: ingen, vegetar
    spørgsmål: arbejdssted* | Hvor arbejder du? | tekst
    \(extra)
    ---
    Et møde om **jobpakker**.
    """
}

struct EventFixture {
    let box: Sandbox
    let events: Events
    let registrations: Registrations
    let id: Int64
    let start: Date

    init(capacity: String = "3", minimum: String = "1", days: Double = 20, extra: String = "",
         deadline: Date? = nil, decision: Date? = nil) throws {
        box = try Sandbox()
        var settings = EventSettings()
        settings.senderDomain = "partnerskab.example"
        events = Events(store: box.store, settings: settings)
        registrations = Registrations(store: box.store, settings: settings)
        start = Date().addingTimeInterval(days * 86_400)
        let path = box.file("moede.md", meetingFile(start: start, capacity: capacity, minimum: minimum, extra: extra,
                                                    deadline: deadline, decision: decision))
        id = try events.create(file: path)
    }

    @discardableResult
    func signUp(_ email: String, name: String = "", municipality: String = "", walkIn: Bool = false,
                now: Date = Date()) throws -> SignUpResult {
        var signUp = SignUp(email: email)
        signUp.setName(name)
        signUp.municipality = municipality
        signUp.walkIn = walkIn
        if !walkIn { signUp.answers = ["arbejdssted": "Jobcenter Odense"] }
        return try registrations.register(id, signUp, now: now)
    }

    /// Notice kinds queued, in order, for `email`.
    func notices(to email: String) throws -> [MeetingNotice.Kind] {
        try box.store.read { db in
            try OutboxRow.filter(Column("email") == email).order(Column("id")).fetchAll(db).compactMap { $0.notice?.notice?.kind }
        }
    }

    func status(_ email: String) throws -> RegistrationStatus? {
        try registrations.participants(id).first { $0.email == email }?.status
    }
}

@Suite struct EventFileTests {
    @Test func readsEveryField() throws {
        let start = Date(timeIntervalSince1970: 1_801_990_800) // 2027-02-04 08:00 UTC
        let draft = try EventDraft(markdown: meetingFile(start: start, extra: "serie: Fyraftensmøder 2027\nmålgruppe: roller=lbr-medlem; lister=LBR"),
                                   file: "m.md")
        #expect(draft.kind == .afterWorkMeeting)
        #expect(draft.startsAt == start)
        #expect(draft.endsAt == start.addingTimeInterval(7200))
        #expect(draft.capacity == 3 && draft.minimum == 2)
        #expect(draft.organiserName == "Sara Holm" && draft.organiserEmail == "sara@partnerskab.example")
        #expect(draft.series == "Fyraftensmøder 2027")
        #expect(draft.audience == EventAudience(roles: ["lbr-medlem"], lists: ["LBR"]))
        #expect(draft.questions.map(\.key) == ["kost", "arbejdssted"])
        #expect(draft.questions[0].kind == .choice && draft.questions[0].options == ["ingen", "vegetar"])
        #expect(draft.questions[1].required)
        #expect(draft.description == "Et møde om **jobpakker**.")
    }

    @Test(arguments: [
        ("pladser: -5", "pladser", "negativ"),
        ("minimum: mange", "minimum", "helt tal"),
        ("farve: blå", "farve", "ukendt felt"),
        ("spørgsmål: kost | Mad? | valg: kun én", "spørgsmål", "mindst to"),
        ("beslutningsdato: 31-02-2027", "beslutningsdato", "ikke en dato"),
    ])
    func badFieldsNameFileAndLine(line: String, field: String, reason: String) throws {
        let text = "---\ntype: kursus\ntitel: Kursus\nstart: 2027-03-01 09:00\nslut: 15:00\n\(line)\n---\n"
        do {
            _ = try EventDraft(markdown: text, file: "kursus.md")
            Issue.record("accepted \(line)")
        } catch {
            #expect(error.message.hasPrefix("kursus.md:6:"), "\(error.message)")
            #expect(error.message.contains(reason), "\(error.message)")
        }
    }

    @Test func endBeforeStartAndMinimumAboveCapacityAreRefused() {
        let base = "---\ntype: temamøde\ntitel: T\nstart: 2027-03-01 09:00\n"
        #expect(throws: KampagneError.self) { try EventDraft(markdown: base + "slut: 08:00\n---\n", file: "a.md") }
        #expect(throws: KampagneError.self) {
            try EventDraft(markdown: base + "slut: 10:00\npladser: 5\nminimum: 6\n---\n", file: "b.md")
        }
        #expect(throws: KampagneError.self) { try EventDraft(markdown: "type: kursus\n", file: "c.md") }
    }

    @Test func aLineBreakCannotSmuggleAField() throws {
        let draft = try EventDraft(markdown: "---\r\ntype: kursus\r\ntitel: Kursus\u{0B}Bcc: x\r\nstart: 2027-03-01 09:00\r\nslut: 10:00\r\n---\r\n", file: "m.md")
        #expect(!draft.title.contains("\u{0B}"))
        #expect(draft.title == "Kursus Bcc: x")
    }
}

@Suite struct RegistrationTests {
    @Test func capacityThenWaitingListInArrivalOrder() throws {
        let f = try EventFixture(capacity: "2")
        #expect(try f.signUp("a@x.example", name: "Anne Berg").status == .registered)
        #expect(try f.signUp("b@x.example").status == .registered)
        let third = try f.signUp("c@x.example")
        let fourth = try f.signUp("d@x.example")
        #expect(third.status == .waitlisted && third.position == 1)
        #expect(fourth.status == .waitlisted && fourth.position == 2)
        #expect(try f.notices(to: "a@x.example") == [.confirmation])
        #expect(try f.notices(to: "c@x.example") == [.waitlisted])
        let overview = try f.events.show(f.id)
        #expect(overview.registered == 2 && overview.waitlisted == 2 && overview.seatsLeft == 0)
    }

    @Test func theSamePersonTwiceIsToldPolitelyAndNothingIsQueued() throws {
        let f = try EventFixture()
        try f.signUp("a@x.example", name: "Anne Berg")
        let again = try f.signUp("A@X.example", name: "Anne Berg")
        #expect(again.alreadySignedUp)
        #expect(again.message.contains("allerede tilmeldt"))
        #expect(try f.notices(to: "a@x.example") == [.confirmation])
    }

    @Test func unknownPeopleBecomeContactsWithTheSignUpAsSource() throws {
        let f = try EventFixture()
        let result = try f.signUp("ny@x.example", name: "Ny Person", municipality: "Århus")
        #expect(result.contactCreated)
        let view = try ContactDirectory(store: f.box.store).show("ny@x.example")
        #expect(view.municipality == "Aarhus")
        let sources = try f.box.store.read { db in
            try String.fetchAll(db, sql: """
                SELECT d.description FROM dataSource d JOIN contactSource s ON s.dataSourceId = d.id
                WHERE s.contactId = ?
                """, arguments: [view.id])
        }
        #expect(sources.contains { $0.contains("Tilmelding") && $0.contains("Jobpakker i lokalområdet") })
    }

    @Test func refusesAfterTheDeadlineUnlessTheOrganiserSaysSo() throws {
        let f = try EventFixture(deadline: Date().addingTimeInterval(-3600))
        #expect { try f.signUp("a@x.example") } throws: { ($0 as? KampagneError)?.message.contains("Tilmeldingsfristen") == true }
        var late = SignUp(email: "a@x.example")
        late.answers = ["arbejdssted": "x"]
        late.afterDeadline = true
        #expect(try f.registrations.register(f.id, late).status == .registered)
    }

    @Test func refusesCancelledAndStartedMeetingsAndBadAnswers() throws {
        let f = try EventFixture()
        #expect(throws: KampagneError.self) { try f.signUp("a@x.example", now: f.start.addingTimeInterval(60)) }
        var bad = SignUp(email: "b@x.example")
        bad.answers = ["arbejdssted": "x", "kost": "pizza"]
        #expect { try f.registrations.register(f.id, bad) } throws: { ($0 as? KampagneError)?.message.contains("vegetar") == true }
        bad.answers = ["kost": "vegetar"]
        #expect { try f.registrations.register(f.id, bad) } throws: { ($0 as? KampagneError)?.message.contains("Hvor arbejder du") == true }
        _ = try f.events.cancel(f.id, reason: "For få tilmeldte")
        #expect { try f.signUp("c@x.example") } throws: { ($0 as? KampagneError)?.message.contains("aflyst") == true }
        #expect(throws: KampagneError.self) { try f.registrations.register(999, SignUp(email: "d@x.example")) }
    }

    @Test func signUpErrorsNameTheirFields() throws {
        let f = try EventFixture()
        var signUp = SignUp(email: "lang@x.example")
        signUp.organisation = String(repeating: "o", count: InputLimits.organisation + 1)
        signUp.municipality = "Atlantis"
        signUp.answers = ["kost": "pizza"]
        #expect { try f.registrations.register(f.id, signUp) } throws: { error in
            guard case .fields(let fields)? = error as? KampagneError else { return false }
            return fields.map(\.field) == ["organisation", "municipality"]
        }
        signUp.organisation = ""
        signUp.municipality = ""
        #expect { try f.registrations.register(f.id, signUp) } throws: { error in
            (error as? KampagneError)?.fieldMessages["q-kost"]?.contains("ikke et svar") == true
        }
    }

    @Test func hostileNamesAreKeptAsOneLineOfText() throws {
        let f = try EventFixture()
        try f.signUp("h@x.example", name: "Eva\r\nBcc: evil@x.example <script>")
        let person = try #require(try f.registrations.participants(f.id).first)
        #expect(person.name == "Eva Bcc: evil@x.example <script>")
        let html = try ParticipantSheets.doorList(try f.events.show(f.id), people: [person], templates: printTemplates())
        #expect(html.contains("&lt;script&gt;") && !html.contains("<script>"))
    }
}

@Suite struct WaitingListTests {
    @Test func aFreedSeatIsOfferedAcceptedOrPassedOn() throws {
        let f = try EventFixture(capacity: "1")
        try f.signUp("a@x.example")
        try f.signUp("b@x.example")
        try f.signUp("c@x.example")
        _ = try f.registrations.cancel(f.id, email: "a@x.example")
        #expect(try f.status("b@x.example") == .offered)
        #expect(try f.notices(to: "b@x.example") == [.waitlisted, .offer])
        #expect(try f.notices(to: "a@x.example") == [.confirmation, .registrationCancelled])
        // b says no: c gets the offer and takes it.
        _ = try f.registrations.decline(registrationId: try f.registrations.registrationId(f.id, email: "b@x.example"))
        #expect(try f.status("c@x.example") == .offered)
        let accepted = try f.registrations.accept(registrationId: try f.registrations.registrationId(f.id, email: "c@x.example"))
        #expect(accepted.status == .registered)
        #expect(try f.notices(to: "c@x.example") == [.waitlisted, .offer, .confirmation])
        #expect(try f.events.show(f.id).registered == 1)
    }

    @Test func anExpiredOfferLapsesAndTheNextPersonIsAsked() throws {
        let f = try EventFixture(capacity: "1")
        try f.signUp("a@x.example")
        try f.signUp("b@x.example")
        try f.signUp("c@x.example")
        _ = try f.registrations.cancel(f.id, email: "a@x.example")
        let schedule = EventSchedule(store: f.box.store, settings: EventSettings())
        #expect(try schedule.run(now: Date().addingTimeInterval(3600)).offersLapsed == 0)
        let later = Date().addingTimeInterval(49 * 3600)
        #expect(try schedule.run(now: later).offersLapsed == 1)
        #expect(try f.status("b@x.example") == .cancelled)
        #expect(try f.notices(to: "b@x.example").last == .offerLapsed)
        #expect(try f.status("c@x.example") == .offered)
        let b = try f.registrations.registrationId(f.id, email: "b@x.example")
        #expect { try f.registrations.accept(registrationId: b) } throws: { ($0 as? KampagneError)?.message.contains("udløbet") == true }
    }

    @Test func offersAreShorterCloseToTheMeeting() {
        let settings = EventSettings()
        let now = Date()
        #expect(settings.offerExpiry(now: now, startsAt: now.addingTimeInterval(10 * 86_400)) == now.addingTimeInterval(48 * 3600))
        let soon = settings.offerExpiry(now: now, startsAt: now.addingTimeInterval(20 * 3600))
        #expect(soon == now.addingTimeInterval(10 * 3600))
    }

    @Test func moreSeatsGoToTheWaitingListAtOnce() throws {
        let f = try EventFixture(capacity: "1", minimum: "1")
        try f.signUp("a@x.example")
        try f.signUp("b@x.example")
        var changes = Events.Changes()
        changes.capacity = "2"
        let report = try f.events.update(f.id, changes)
        #expect(report.offered == 1 && report.notified == 0)
        #expect(try f.status("b@x.example") == .offered)
    }
}

@Suite struct EventLifecycleTests {
    @Test func aNewTimeRaisesTheSequenceAndTellsEveryoneSignedUp() throws {
        let f = try EventFixture(capacity: "1")
        try f.signUp("a@x.example")
        try f.signUp("b@x.example")
        var changes = Events.Changes()
        changes.venue = "Biblioteket"
        let report = try f.events.update(f.id, changes)
        #expect(report.sequence == 1 && report.notified == 2)
        #expect(report.changes == ["Sted: Biblioteket (før: Rådhuset, salen)"])
        #expect(try f.notices(to: "b@x.example") == [.waitlisted, .changedWhileWaiting]) // no seat, no calendar entry
        // The same update again changes nothing and sends nothing.
        #expect(try f.events.update(f.id, changes).notified == 0)
    }

    @Test func cancellingNotifiesEveryoneAndIsLoggedWithTheReason() throws {
        let f = try EventFixture(capacity: "1")
        try f.signUp("a@x.example")
        try f.signUp("b@x.example")
        #expect(try f.events.cancel(f.id, reason: "For få tilmeldte") == 2)
        #expect(try f.notices(to: "a@x.example").last == .eventCancelled)
        #expect(try f.events.log(f.id).contains { $0.action == "aflyst" && $0.detail == "For få tilmeldte" })
        #expect(try f.events.show(f.id).goNoGo == .cancelled)
        #expect(throws: KampagneError.self) { try f.events.cancel(f.id, reason: "igen") }
    }

    @Test func goNoGoFlagsAMeetingBelowItsMinimumNearTheDecision() throws {
        let near = try EventFixture(capacity: "10", minimum: "5", decision: Date().addingTimeInterval(3 * 86_400))
        try near.signUp("a@x.example")
        let overview = try near.events.show(near.id)
        #expect(overview.goNoGo == .atRisk)
        #expect(overview.warning?.contains("Kun 1 af minimum 5") == true)
        let far = try EventFixture(capacity: "10", minimum: "5", days: 60, decision: Date().addingTimeInterval(30 * 86_400))
        #expect(try far.events.show(far.id).goNoGo == .belowMinimum)
        let full = try EventFixture(capacity: "10", minimum: "1", decision: Date().addingTimeInterval(86_400))
        try full.signUp("a@x.example")
        #expect(try full.events.show(full.id).goNoGo == .go)
    }

    @Test func remindersGoOutOnceToThoseRegistered() throws {
        let f = try EventFixture(capacity: "1", days: 5)
        try f.signUp("a@x.example")
        try f.signUp("b@x.example")
        let schedule = EventSchedule(store: f.box.store, settings: EventSettings())
        #expect(try schedule.run().remindersQueued == 0)
        let dayBefore = f.start.addingTimeInterval(-86_400)
        #expect(try schedule.run(now: dayBefore).remindersQueued == 1)
        #expect(try schedule.run(now: dayBefore).remindersQueued == 0)
        #expect(try f.notices(to: "a@x.example") == [.confirmation, .reminder])
        #expect(try f.notices(to: "b@x.example") == [.waitlisted])
    }

    @Test func checkInNoShowsAndAttendance() throws {
        let f = try EventFixture(capacity: "5", minimum: "1", days: 0.01)
        try f.signUp("a@x.example", name: "Åse Aagaard", municipality: "Odense")
        try f.signUp("b@x.example", name: "Bo Berg", municipality: "Aalborg")
        try f.signUp("c@x.example", name: "Cai Lund", municipality: "Vejle")
        let secret = try InstallationSecret(store: f.box.store)
        _ = try f.registrations.checkIn(f.id, .email("a@x.example"), secret: secret)
        _ = try f.registrations.checkIn(f.id, .name("bo ber"), secret: secret)
        let token = LinkToken(scope: .calendar, subject: try f.registrations.registrationId(f.id, email: "c@x.example")).encoded(with: secret)
        #expect(try f.registrations.checkIn(f.id, .token(token), secret: secret).name == "Cai Lund")
        #expect(throws: KampagneError.self) { try f.registrations.checkIn(f.id, .token(token + "x"), secret: secret) }
        try f.signUp("d@x.example", name: "Dorte Dam", municipality: "Odense", walkIn: true)
        try f.signUp("e@x.example", name: "Eik Eng", municipality: "Gentofte")
        _ = try EventSchedule(store: f.box.store, settings: EventSettings()).run(now: f.start.addingTimeInterval(3 * 3600))
        #expect(try f.status("e@x.example") == .noShow)
        let report = try Attendance(store: f.box.store, settings: EventSettings()).event(f.id)
        #expect(report.attended == 4 && report.walkIns == 1 && report.noShows == 1 && report.signedUp == 4)
        #expect(report.municipalities == ["Odense", "Vejle", "Aalborg"]) // "Aa" sorts as Å
        #expect(report.byRegion.first { $0.region == "Region Syddanmark" }?.municipalitiesReached == 2)
        #expect(report.absent.map(\.email) == ["e@x.example"])
    }

    @Test func theDoorListIsInDanishOrder() throws {
        let f = try EventFixture(capacity: "10")
        for (email, name) in [("1@x.example", "Åse Aagaard"), ("2@x.example", "Ærø Zinck"), ("3@x.example", "Zenia Berg"),
                              ("4@x.example", "Øjvind Holm"), ("5@x.example", "Anders And")] {
            try f.signUp(email, name: name)
        }
        let names = try f.registrations.participants(f.id).map(\.name)
        #expect(names == ["Anders And", "Zenia Berg", "Ærø Zinck", "Øjvind Holm", "Åse Aagaard"])
    }
}

@Suite struct EventPrivacyTests {
    @Test func exportShowsSignUpsAndEraseLeavesOnlyAnonymousCounts() throws {
        let f = try EventFixture()
        var signUp = SignUp(email: "a@x.example")
        signUp.setName("Anne Berg")
        signUp.municipality = "Odense"
        signUp.answers = ["arbejdssted": "Hemmelig Arbejdsplads", "kost": "vegetar"]
        _ = try f.registrations.register(f.id, signUp)
        let export = try PersonalData(store: f.box.store, settings: EventSettings()).export("a@x.example")
        #expect(export.registrations.map(\.answers) == [["arbejdssted": "Hemmelig Arbejdsplads", "kost": "vegetar"]])
        try PersonalData(store: f.box.store, settings: EventSettings()).erase("a@x.example")
        let (registration, outbox) = try f.box.store.read { db in
            (try Registration.fetchOne(db), try OutboxRow.fetchAll(db))
        }
        #expect(registration?.contactId == nil && registration?.answers == [:] && registration?.municipality == "Odense")
        #expect(registration?.status == .cancelled) // the seat is given up and passed on
        #expect(outbox.isEmpty) // the confirmation was not sent yet: it goes
        #expect(try f.events.show(f.id).registered == 0)
    }
}

@Suite struct OutboxMigrationTests {
    @Test func aVersion2OutboxKeepsItsRowsAndGainsNoticeKeys() throws {
        let box = try Sandbox()
        let path = box.folder.appendingPathComponent("v2.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(queue, upTo: "v2-newsletters-outbox")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO edition (subject, number, file, source, createdAt) VALUES ('S', '1', 'f', 'x', '2026-01-01 00:00:00.000')")
            try db.execute(sql: "INSERT INTO campaign (kind, editionId, name, audience, createdAt) VALUES ('newsletter', 1, 'S', '{}', '2026-01-01 00:00:00.000')")
            try db.execute(sql: """
                INSERT INTO outbox (campaignId, email, emailKey, recipient, state, nextAttemptAt, messageID, createdAt)
                VALUES (1, 'a@x.example', 'a@x.example', '{"firstName":"","lastName":"","organisation":"","municipality":""}', 'sent',
                        '2026-01-01 00:00:00.000', 'm@x', '2026-01-01 00:00:00.000')
                """)
        }
        try queue.close()
        let store = try Store(path: path)
        let rows = try store.read { try OutboxRow.fetchAll($0) }
        #expect(rows.count == 1 && rows[0].state == .sent && rows[0].noticeKey == "" && rows[0].notice == nil)
        // Two notices to one address in one campaign are allowed now; the same notice twice is not.
        try store.write { db in
            try db.execute(sql: """
                INSERT INTO outbox (campaignId, email, emailKey, recipient, state, nextAttemptAt, messageID, createdAt, noticeKey)
                VALUES (1, 'a@x.example', 'a@x.example', '{}', 'queued', '2026-01-01', 'n@x', '2026-01-01', 'reminder:1')
                """)
        }
        #expect(throws: (any Error).self) {
            try store.write { db in
                try db.execute(sql: """
                    INSERT INTO outbox (campaignId, email, emailKey, recipient, state, nextAttemptAt, messageID, createdAt, noticeKey)
                    VALUES (1, 'a@x.example', 'a@x.example', '{}', 'queued', '2026-01-01', 'o@x', '2026-01-01', 'reminder:1')
                    """)
            }
        }
    }
}
