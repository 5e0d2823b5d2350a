import Foundation
import GRDB
import Testing
@testable import Kampagne

/// The records a sign-up writes and reads, coded by hand (`RecordEncoding.swift`,
/// `EventRow.swift`), agree column for column with GRDB's `Codable` path they replace.
@Suite struct RecordEncodingTests {
    /// The record as GRDB's synthesized `Encodable` path encodes it: the same properties
    /// through `RecordEncoder`, with GRDB's default date and JSON strategies.
    struct ViaCodable<Record: Encodable & TableRecord>: Encodable, EncodableRecord {
        var record: Record
        static var databaseTableName: String { Record.databaseTableName }
        func encode(to encoder: any Encoder) throws { try record.encode(to: encoder) }
    }

    func expectSameColumns<Record: Encodable & EncodableRecord & TableRecord>(_ record: Record,
                                                                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        let byHand = try record.databaseDictionary
        let synthesized = try ViaCodable(record: record).databaseDictionary
        #expect(byHand == synthesized, sourceLocation: sourceLocation)
        #expect(!byHand.isEmpty, sourceLocation: sourceLocation)
    }

    /// Times with sub-millisecond parts that round one way or the other.
    let times = [Date(timeIntervalSince1970: 1_700_000_000.2346), Date(timeIntervalSince1970: 1_790_123_456.9999),
                 Date(timeIntervalSince1970: 0.0005)]

    @Test func registrationsAreEncodedAsCodableWouldEncodeThem() throws {
        for (index, time) in times.enumerated() {
            try expectSameColumns(Registration(
                id: index == 0 ? nil : Int64(index), eventId: 4, contactId: index == 1 ? nil : 9,
                status: [.registered, .waitlisted, .attended][index], walkIn: index == 2, source: [.web, .commandLine, .walkIn][index],
                organisation: "Jobcenter \"Øst\"\nafd. 2", municipality: index == 1 ? nil : "Høje-Taastrup",
                answers: index == 0 ? [:] : ["kost": "vegetar", "arbejdssted": "Æblegården \\ \"A/S\"", "å": "ø\u{0301}"],
                queuedAt: time, offerExpiresAt: index == 1 ? time.addingTimeInterval(86_400) : nil,
                attendedAt: index == 2 ? time : nil, cancelReason: index == 1 ? "syg" : nil, revision: index,
                createdAt: time, updatedAt: time.addingTimeInterval(0.0004), origin: index == 0 ? "" : "nyhedsbrev-12"))
        }
    }

    @Test func outboxRowsAndDataSourcesAreEncodedAsCodableWouldEncodeThem() throws {
        let notices = [nil, QueuedNotice(subscriptionId: 3, listName: "Nyhedsbrev"),
                       QueuedNotice(storyAnswer: StoryAnswer(storyId: 2, version: 1, headline: "Fra praktik til job", reviewer: "Ida",
                                                             approved: false, comment: "Ret \"citatet\"", storyApproved: false))]
        for (index, time) in times.enumerated() {
            try expectSameColumns(OutboxRow(
                id: index == 0 ? nil : 12, campaignId: 1, contactId: index == 1 ? nil : 5, email: "Anne@Kommune.example",
                emailKey: "anne@kommune.example",
                recipient: RecipientSnapshot(firstName: "Anne", lastName: "Ø", organisation: "", municipality: "Vejle",
                                             list: index == 0 ? nil : "LBR-medlemmer"),
                state: [.queued, .deferred, .sent][index], attempts: index, lastReply: index == 1 ? "421 4.7.0 prøv igen" : nil,
                lastAttemptAt: index == 0 ? nil : time, nextAttemptAt: time, sentAt: index == 2 ? time : nil,
                messageID: "x.\(index)@partnerskab.example", createdAt: time, noticeKey: index == 0 ? "" : "confirmation:1:0",
                notice: notices[index]))
            try expectSameColumns(DataSource(
                id: index == 0 ? nil : 2, description: "Tilmelding på hjemmesiden til «Temamøde»", file: index == 1 ? "a.csv" : nil,
                recordedAt: time,
                consent: index == 2 ? ConsentEvidence(wording: "Ja tak", by: "LBR", toldAt: time, evidence: "mail") : nil))
            try expectSameColumns(ContactSource(contactId: 3, dataSourceId: 4, line: index == 0 ? nil : index))
        }
    }

    @Test func campaignsAndAuditEntriesAreEncodedAsCodableWouldEncodeThem() throws {
        for (index, time) in times.enumerated() {
            var campaign = Campaign(id: index == 0 ? nil : 3, kind: [.newsletter, .test, .eventNotice][index], editionId: index == 2 ? nil : 1,
                                    eventId: index == 2 ? 4 : nil, name: "Nyhedsbrev nr. 14 «Job»",
                                    audience: Audience(lists: index == 0 ? [] : ["LBR-medlemmer", "Æ"], segments: [], addresses: []),
                                    suppressed: index, duplicates: 2, createdAt: time, scheduledAt: index == 1 ? time : nil)
            if index == 2 { campaign.pausedAt = time; campaign.cancelledAt = time; campaign.cancelledBy = "sara" }
            try expectSameColumns(campaign)
            try expectSameColumns(AuditEntry(id: index == 0 ? nil : 8, at: time, actor: "cli:root", action: "newsletter.send",
                                             object: "edition:1", summary: "Sendt til \"LBR\"", client: "cli"))
        }
    }

    /// A real sign-up's rows (its notice with the meeting's details) written by hand read back
    /// equal, and the meeting decoded by hand equals the one `Decodable` reads.
    @Test func aSignUpsRowsAndItsMeetingRoundTrip() throws {
        let f = try EventFixture(capacity: "1", extra: "partner: DA\n")
        try f.signUp("anne@kommune.example", name: "Anne Holm")
        try f.signUp("bo@kommune.example", name: "Bo Lund")
        try f.box.store.read { db in
            let registrations = try Registration.order(Column("id")).fetchAll(db)
            #expect(registrations.map(\.status) == [.registered, .waitlisted])
            for registration in registrations { try expectSameColumns(registration) }
            let rows = try OutboxRow.order(Column("id")).fetchAll(db)
            #expect(rows.count == 2)
            #expect(rows.allSatisfy { $0.notice?.notice != nil })
            for row in rows { try expectSameColumns(row) }
            for source in try DataSource.fetchAll(db) { try expectSameColumns(source) }

            let stored = try #require(try Row.fetchOne(db, sql: "SELECT * FROM event WHERE id = ?", arguments: [f.id]))
            let byHand = try Event(row: stored)
            let decoded = try FetchableRecordDecoderProbe(row: stored).event
            #expect(byHand.id == f.id)
            #expect(try ViaCodable(record: byHand).databaseDictionary == ViaCodable(record: decoded).databaseDictionary)
            #expect(!byHand.questions.isEmpty)
        }
    }

    @Test func aMeetingWithABrokenColumnIsRefused() throws {
        let f = try EventFixture()
        try f.box.store.write { db in
            try db.execute(sql: "UPDATE event SET kind = 'picnic' WHERE id = ?", arguments: [f.id])
        }
        #expect(throws: (any Error).self) {
            try f.box.store.read { db in try Event.fetchOne(db, key: f.id) }
        }
    }
}

/// `Event` as GRDB's `Decodable` path reads a row (the hand-written `init(row:)` hides it
/// from `Event` itself).
private struct FetchableRecordDecoderProbe: Decodable, FetchableRecord {
    var event: Event
    init(from decoder: any Decoder) throws { event = try Event(from: decoder) }
}
