import Foundation
import GRDB
import MailTemplates
import Testing
@testable import Kampagne

/// The door (check-in on the meeting's day, undo), cancellations and calendar sequences, the
/// offer page's standing, and the counts of seats and sign-ups.
@Suite struct MeetingDoorTests {
    @Test func checkInAndWalkInsOpenOnTheMeetingDayAndCanBeUndone() throws {
        let f = try EventFixture(capacity: "5", days: 5)
        try f.signUp("a@x.example", name: "Åse Aagaard")
        let secret = try InstallationSecret(store: f.box.store)
        // Five days ahead: refused, for the CLI key and the door page's registration key alike.
        do {
            _ = try f.registrations.checkIn(f.id, .email("a@x.example"), secret: secret)
            Issue.record("a check-in five days ahead was accepted")
        } catch {
            #expect(error.message.contains("mødedagen"))
        }
        let id = try f.registrations.registrationId(f.id, email: "a@x.example")
        #expect(throws: KampagneError.self) { try f.registrations.checkIn(f.id, .registration(id), secret: secret) }
        #expect(throws: KampagneError.self) { try f.signUp("w@x.example", name: "Walter Walk", walkIn: true) }
        #expect(try f.status("a@x.example") == .registered)
        // Two hours before the start (default margin 6 h): accepted, and walk-ins with it.
        let door = f.start.addingTimeInterval(-2 * 3600)
        #expect(try f.registrations.checkIn(f.id, .email("a@x.example"), secret: secret, now: door).status == .attended)
        try f.signUp("w@x.example", name: "Walter Walk", walkIn: true, now: door)
        #expect(try f.status("w@x.example") == .attended)
        // After the meeting the signed door list can still be entered.
        _ = try f.registrations.checkIn(f.id, .email("a@x.example"), secret: secret, now: f.start.addingTimeInterval(86_400))
        // Undo: back to a seat; a walk-in who never signed up is cancelled; undoing twice is refused.
        #expect(try f.registrations.undoCheckIn(f.id, .email("a@x.example"), secret: secret).status == .registered)
        #expect(throws: KampagneError.self) { try f.registrations.undoCheckIn(f.id, .email("a@x.example"), secret: secret) }
        #expect(try f.registrations.undoCheckIn(f.id, .email("w@x.example"), secret: secret).status == .cancelled)
        #expect(try f.events.log(f.id).filter { $0.action == "indtjekning fortrudt" }.count == 2)
        #expect(try f.events.show(f.id).attended == 0)
    }

    @Test func theCheckInMarginIsConfigurable() throws {
        var config = KampagneConfig()
        config.events = KampagneConfig.Events(offerHold: nil, reminderDays: nil, warnDays: nil, checkinOpens: "2h")
        let settings = try EventSettings(config: config)
        #expect(settings.checkInOpens == 2 * 3600)
        config.events?.checkinOpens = "3d"
        #expect(throws: KampagneError.self) { try EventSettings(config: config) }
        let f = try EventFixture(capacity: "5", days: 5)
        try f.signUp("a@x.example")
        let registrations = Registrations(store: f.box.store, settings: settings)
        let secret = try InstallationSecret(store: f.box.store)
        #expect(throws: KampagneError.self) {
            try registrations.checkIn(f.id, .email("a@x.example"), secret: secret, now: f.start.addingTimeInterval(-3 * 3600))
        }
        _ = try registrations.checkIn(f.id, .email("a@x.example"), secret: secret, now: f.start.addingTimeInterval(-3600))
    }

    @Test func peopleCheckedInEarlyStillGetChangesRemindersAndTheCancellation() throws {
        let f = try EventFixture(capacity: "5", days: 0.9)
        // Signed up days ago, so the reminder is due (a fresh sign-up has just had the confirmation).
        try f.signUp("a@x.example", now: Date().addingTimeInterval(-3 * 86_400))
        try f.signUp("b@x.example", now: Date().addingTimeInterval(-3 * 86_400))
        var settings = EventSettings()
        settings.checkInOpens = 24 * 3600
        settings.reminderDays = 1
        let registrations = Registrations(store: f.box.store, settings: settings)
        _ = try registrations.checkIn(f.id, .email("a@x.example"), secret: try InstallationSecret(store: f.box.store))
        #expect(try f.status("a@x.example") == .attended)
        #expect(try EventSchedule(store: f.box.store, settings: settings).run().remindersQueued == 2)
        var changes = Events.Changes()
        changes.venue = "Borgernes Hus"
        #expect(try f.events.update(f.id, changes).notified == 2)
        #expect(try f.events.cancel(f.id, reason: "Sygdom") == 2)
        #expect(try f.notices(to: "a@x.example") == [.confirmation, .reminder, .changed, .eventCancelled])
    }

    @Test func peopleOnlyWaitingGetNoCalendarCancel() throws {
        let f = try EventFixture(capacity: "1")
        try f.signUp("a@x.example")
        try f.signUp("b@x.example")
        try f.signUp("c@x.example")
        #expect(try f.status("c@x.example") == .waitlisted)
        // Leaving the waiting list: a receipt, no CANCEL of an entry never sent.
        _ = try f.registrations.cancel(f.id, email: "c@x.example")
        #expect(try f.notices(to: "c@x.example") == [.waitlisted, .registrationCancelledWhileWaiting])
        #expect(try f.events.cancel(f.id, reason: "For få tilmeldte") == 2)
        #expect(try f.notices(to: "a@x.example").last == .eventCancelled)
        #expect(try f.notices(to: "b@x.example") == [.waitlisted, .eventCancelledWhileWaiting])
        // The rendered message has no calendar part for them.
        let waiting = MeetingNotice(kind: .eventCancelledWhileWaiting, meeting: MeetingDetails(
            uid: "u", sequence: 1, title: "T", kindName: "Temamøde", when: "", start: f.start, end: f.start,
            venue: "", address: "", description: "", organiserName: "", organiserEmail: ""))
        #expect(waiting.subject == "Aflyst: T")
    }

    @Test func signingUpAgainAfterCancellingRaisesTheCalendarSequence() throws {
        let f = try EventFixture(capacity: "5")
        try f.signUp("a@x.example")
        _ = try f.registrations.cancel(f.id, email: "a@x.example")
        try f.signUp("a@x.example")
        let sequences = try f.box.store.read { db in
            try OutboxRow.filter(Column("email") == "a@x.example").order(Column("id")).fetchAll(db)
                .compactMap { $0.notice?.notice.map { ($0.kind, $0.meeting.sequence) } }
        }
        #expect(sequences.map(\.0) == [.confirmation, .registrationCancelled, .confirmation])
        #expect(sequences.map(\.1) == [0, 0, 1], "the later REQUEST must outrank the CANCEL (RFC 5545 SEQUENCE)")
        // A change of time raises it for everyone, on top of the person's own revision.
        var changes = Events.Changes()
        changes.venue = "Et andet sted"
        _ = try f.events.update(f.id, changes)
        let last = try f.box.store.read { db in
            try OutboxRow.filter(Column("email") == "a@x.example").order(Column("id").desc).fetchOne(db)?.notice?.notice
        }
        #expect(last?.kind == .changed && last?.meeting.sequence == 2)
    }

    @Test func aCancelledMeetingsPageShowsNoSeats() throws {
        let f = try EventFixture(capacity: "3")
        try f.signUp("a@x.example")
        let publicId = try f.events.show(f.id).publicId
        let links = PublicLinks(store: f.box.store, secret: try InstallationSecret(store: f.box.store), settings: EventSettings())
        #expect(try links.event(publicId: publicId).seats == "2 ledige af 3")
        _ = try f.events.cancel(f.id, reason: "Sygdom")
        let page = try links.event(publicId: publicId)
        #expect(page.seats == nil)
        #expect(page.closedBecause == "Mødet er aflyst: Sygdom")
    }

    @Test func theOfferPageKnowsTheDeadlineAndWhenItHasPassed() async throws {
        let f = try EventFixture(capacity: "1")
        try f.signUp("a@x.example")
        try f.signUp("b@x.example")
        _ = try f.registrations.cancel(f.id, email: "a@x.example")
        let secret = try InstallationSecret(store: f.box.store)
        let links = PublicLinks(store: f.box.store, secret: secret, settings: EventSettings())
        let token = LinkToken(scope: .acceptOffer, subject: try f.registrations.registrationId(f.id, email: "b@x.example")).encoded(with: secret)
        let linked = try #require(try await links.registration(token: token, scope: .acceptOffer))
        let expires = try #require(linked.registration.offerExpiresAt)
        #expect(linked.offerStanding() == .open(deadline: DanishDate.long(expires)))
        #expect(linked.offerStanding(now: expires.addingTimeInterval(1)) == .expired(deadline: DanishDate.long(expires)))
        // Once the scheduler has passed the seat on, the page still says it expired.
        _ = try EventSchedule(store: f.box.store, settings: EventSettings()).run(now: expires.addingTimeInterval(60))
        let lapsed = try #require(try await links.registration(token: token, scope: .acceptOffer))
        #expect(lapsed.offerStanding() == .expired(deadline: nil))
    }

    @Test func walkInsAreCountedApartFromSignUpsEverywhere() throws {
        let f = try EventFixture(capacity: "5", days: 0.01)
        try f.signUp("a@x.example")
        try f.signUp("b@x.example")
        try f.signUp("w@x.example", walkIn: true)
        let shown = try f.events.show(f.id)
        #expect(shown.registered == 3, "seats taken, walk-ins included")
        #expect(shown.signedUp == 2 && shown.walkIns == 1)
        #expect(try f.events.list(includePast: true, series: nil).first?.signedUp == 2)
        let attendance = try Attendance(store: f.box.store, settings: EventSettings()).event(f.id)
        #expect(attendance.signedUp == shown.signedUp && attendance.walkIns == shown.walkIns)
    }

    @Test func theSeatHoldingStatusesAreOneDefinition() throws {
        #expect(RegistrationStatus.allCases.filter(\.holdsSeat) == RegistrationStatus.seatHolding)
        #expect(RegistrationStatus.seatHoldingValues == ["registered", "offered", "attended"])
        // The SQL counts (overview, spread by municipality) agree with the Swift predicate.
        let f = try EventFixture(capacity: "2", days: 0.01)
        try f.signUp("a@x.example", municipality: "Odense")
        try f.signUp("b@x.example", municipality: "Odense")
        try f.signUp("c@x.example", municipality: "Vejle")
        try f.signUp("d@x.example", municipality: "Vejle", walkIn: true)
        let people = try f.registrations.participants(f.id)
        let shown = try f.events.show(f.id)
        #expect(shown.registered == people.filter(\.status.holdsSeat).count)
        #expect(shown.byMunicipality.map(\.count).reduce(0, +) == shown.registered)
        #expect(shown.seatsLeft == 0 && shown.waitlisted == 1)
    }
}
