import Foundation
import GRDB
import Testing
@testable import Kampagne

/// The sign-up's cached statements (`SignUpStatements`) against the query-interface requests
/// they replace: the same records for a hit, nil for a miss, the same counts; and the sign-up
/// target the POST reads is the meeting the page shows.
@Suite struct SignUpStatementsTests {
    func same<T: Encodable>(_ a: T?, _ b: T?) throws -> Bool {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try a.map { try encoder.encode($0) } == b.map { try encoder.encode($0) }
    }

    @Test func eachStatementReadsWhatTheQueryInterfaceReads() throws {
        let f = try EventFixture(capacity: "1")
        try f.signUp("anne@kommune.example", name: "Anne Holm")
        try f.signUp("bo@kommune.example", name: "Bo Holm")  // waitlisted: the one seat is taken
        _ = try PersonalData(store: f.box.store, settings: EventSettings()).unsubscribe("bo@kommune.example", source: "test")
        try f.box.store.read { db in
            let event = try #require(try Event.fetchOne(db, key: f.id))
            #expect(try same(SignUpStatements.event(id: f.id, in: db), event))
            #expect(try same(SignUpStatements.event(publicId: event.publicId, in: db), event))
            #expect(try SignUpStatements.event(id: 999_999, in: db) == nil)
            #expect(try SignUpStatements.event(publicId: "findes-ikke", in: db) == nil)

            for email in ["anne@kommune.example", "bo@kommune.example", "ingen@kommune.example"] {
                let key = try EmailAddress(parsing: email).key
                let contact = try Contact.filter(Contact.Columns.emailKey == key).fetchOne(db)
                #expect(try SignUpStatements.contact(emailKey: key, in: db) == contact)
                let registration = try contact.flatMap { c in
                    try Registration.filter(Registration.Columns.eventId == f.id && Registration.Columns.contactId == c.id).fetchOne(db)
                }
                #expect(try same(SignUpStatements.registration(eventId: f.id, contactId: contact?.id ?? -1, in: db), registration))
                #expect((registration != nil) == (contact != nil))
                let hash = SuppressionList.hash(key, secret: try InstallationSecret.load(db))
                #expect(try same(SignUpStatements.suppression(emailHash: hash, in: db), try Suppression.fetchOne(db, key: hash)))
            }
            #expect(try SignUpStatements.suppression(emailHash: "ingen", in: db) == nil)

            let seats = try Registration.filter(Registration.Columns.eventId == f.id
                && RegistrationStatus.seatHoldingValues.contains(Registration.Columns.status)).fetchCount(db)
            let waiting = try Registration.filter(Registration.Columns.eventId == f.id
                && Registration.Columns.status == RegistrationStatus.waitlisted.rawValue).fetchCount(db)
            #expect((seats, waiting) == (1, 1))
            #expect(try SignUpStatements.count(eventId: f.id, statuses: RegistrationStatus.seatHoldingValues, in: db) == seats)
            #expect(try SignUpStatements.count(eventId: f.id, statuses: [RegistrationStatus.waitlisted.rawValue], in: db) == waiting)
            #expect(try SignUpStatements.count(eventId: 999_999, statuses: RegistrationStatus.seatHoldingValues, in: db) == 0)

            let campaign = try Int64.fetchOne(db, Campaign.select(Column("id"))
                .filter(Column("kind") == CampaignKind.eventNotice.rawValue && Column("eventId") == f.id))
            #expect(campaign != nil)
            #expect(try SignUpStatements.campaign(kind: CampaignKind.eventNotice.rawValue, eventId: f.id, in: db) == campaign)
            #expect(try SignUpStatements.campaign(kind: CampaignKind.eventNotice.rawValue, eventId: 999_999, in: db) == nil)
            #expect(try SignUpStatements.setting(InstallationSecret.settingKey, in: db)?.value
                    == (try Setting.fetchOne(db, key: InstallationSecret.settingKey))?.value)
        }
    }

    /// The fixture's meeting and the page it shows, read on the caller's thread.
    func meetingPage(_ f: EventFixture) throws -> PublicEvent {
        let publicId = try f.box.store.read { db in try #require(try Event.fetchOne(db, key: f.id)).publicId }
        let links = PublicLinks(store: f.box.store, secret: try InstallationSecret(store: f.box.store), settings: EventSettings())
        return try links.event(publicId: publicId)
    }

    @Test func theSignUpTargetIsTheMeetingThePageShows() async throws {
        let f = try EventFixture()
        let page = try meetingPage(f)
        let event = page.overview
        let lookup = MeetingLookup(store: f.box.store)
        #expect(lookup.isInline)
        let target = try #require(try await lookup.signUpTarget(publicId: event.publicId))
        #expect(target.id == page.overview.id)
        #expect(target.title == page.overview.title)
        #expect(target.when == page.overview.when)
        #expect(target.questions == page.overview.questions)
        #expect(target.questions.map(\.key).contains("kost"))
        #expect(try await lookup.signUpTarget(publicId: "findes-ikke") == nil)
    }
}
