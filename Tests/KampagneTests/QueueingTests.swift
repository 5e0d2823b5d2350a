import Foundation
import GRDB
import Testing
@testable import Kampagne

/// Issue 16, queueing: the audience's contacts are read with a narrow SELECT by position
/// (`AudienceMember(row:)`) instead of `Contact(row:)`, and each campaign's Message-IDs come
/// from one UUID and a counter (`MessageIDs`). Both checked against what they replace.
@Suite struct QueueingTests {
    func sandbox() throws -> Sandbox {
        let box = try Sandbox()
        _ = try box.importing([box.file("l.csv", "E-mail;Fornavn;Efternavn;Organisation;Kommune;Stilling;Telefon;Farve\n"
            + "a@x.example;\"\(SendColumnsTests.hostile.replacingOccurrences(of: "\"", with: "\"\""))\";Ærbøl;Jobcenter Øst;Aabenraa;Chef;12345678;blå\n"
            + "b@x.example;Bo;Bak;;;;;\n"
            + "aase@baekke.example;Åse;Øberg;Å/S Østergaard;Vejle;;;\n")]) { $0.lists = ["Nyhedsbrev"] }
        return box
    }

    @Test func theNarrowReadGivesWhatTheContactRecordGives() throws {
        let box = try sandbox()
        let request = ContactFilter(lists: ["Nyhedsbrev"]).request()
        let (narrow, full) = try box.store.read { db in
            (try Row.fetchAll(db, request.select(AudienceMember.columns)).map { try AudienceMember(row: $0) },
             try Contact.fetchAll(db, request).map(AudienceMember.init))
        }
        #expect(narrow.count == 3)
        #expect(narrow == full)
        #expect(narrow.contains { $0.municipality == nil }, "a contact without a municipality reads as nil, as the record does")
        // The audience visits the same members, each with its list.
        let visited = try box.store.read { db in
            try Audience(lists: ["Nyhedsbrev"]).members(in: db).recipients
        }
        #expect(visited.map(\.member) == full && visited.allSatisfy { $0.via == "Nyhedsbrev" })
    }

    @Test func anExplicitAddressThatIsNoContactIsGreetedByTheNameGiven() throws {
        let box = try sandbox()
        let members = try box.store.read { db in
            try Audience(lists: ["Nyhedsbrev"], addresses: ["\"Jens Hansen\" <jens@y.example>", "b@x.example"]).members(in: db)
        }
        #expect(members.duplicates == 1, "b@x.example is on the list already")
        let jens = members.recipients.last?.member
        #expect(jens?.id == nil && jens?.firstName == "Jens" && jens?.lastName == "Hansen" && jens?.emailKey == "jens@y.example")
        // As a meeting notice's recipient: the same fields.
        #expect(jens.map { AudienceMember($0.contact) } == jens)
    }

    @Test func messageIDsAreUniqueWithinAndAcrossCampaignsAndKeepTheirForm() throws {
        var first = MessageIDs(campaignId: 7, domain: "partnerskab.example")
        var second = MessageIDs(campaignId: 7, domain: "partnerskab.example")
        let ids = (0..<5_000).map { _ in first.next() } + (0..<5_000).map { _ in second.next() }
        #expect(Set(ids).count == ids.count)
        // `<unique>.<campaign>@<domain>`, as the UUID form was: dot-atom text only (RFC 5322).
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-.@")
        #expect(ids.allSatisfy { $0.hasSuffix(".7@partnerskab.example") && $0.allSatisfy(allowed.contains) })
    }

    @Test func aQueuedCampaignHasOneRowPerMemberWithDistinctMessageIDs() throws {
        let box = try sandbox()
        let file = box.file("udgave.md", "---\nsubject: Nr. 3\nnumber: 3\n---\n# Velkommen\n\nTekst.\n")
        let edition = try Editions(store: box.store).create(file: file, now: Date())
        let report = try Outbox(store: box.store).enqueue(kind: .newsletter, editionId: edition, audience: Audience(lists: ["Nyhedsbrev"]),
                                                          senderDomain: "partnerskab.example")
        #expect(report.queued == 3)
        let rows = try box.store.read { try OutboxRow.order(Column("id")).fetchAll($0) }
        let members = try box.store.read { db in try Audience(lists: ["Nyhedsbrev"]).members(in: db).recipients.map(\.member) }
        #expect(rows.map(\.contactId) == members.map(\.id) && rows.map(\.email) == members.map(\.email))
        #expect(rows.map(\.recipient.firstName) == members.map(\.firstName))
        #expect(rows.map(\.recipient.municipality) == members.map { $0.municipality ?? "" })
        #expect(Set(rows.map(\.messageID)).count == 3)
    }
}

/// The renderer's batch read of one campaign's due rows walks the primary key from the
/// cursor: with the campaign's unique index it read and sorted every row of the campaign for
/// each batch of 64 (quadratic; a send of 100,000 ran at a sixth of the rate of 10,000).
@Suite struct DueBatchTests {
    @Test func oneCampaignsBatchesWalkThePrimaryKeyWithoutASort() throws {
        let box = try Sandbox()
        let plan = try box.store.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + OutboxStatements.dueInCampaignSQL,
                             arguments: [0, "2099-01-01", 1, 64]).map { $0["detail"] as String? ?? "" }
        }
        #expect(plan.contains { $0.contains("outbox USING INTEGER PRIMARY KEY") }, "\(plan)")
        #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
    }

    @Test func batchesOfOneCampaignReadEveryDueRowOnceInIdOrder() throws {
        let box = try Sandbox()
        var csv = "E-mail;Fornavn\n"
        for index in 0..<150 { csv += "p\(index)@x.example;P\(index)\n" }
        _ = try box.importing([box.file("l.csv", csv)]) { $0.lists = ["Nyhedsbrev"] }
        let file = box.file("udgave.md", "---\nsubject: Nr. 3\nnumber: 3\n---\n# Velkommen\n\nTekst.\n")
        let edition = try Editions(store: box.store).create(file: file, now: Date())
        let outbox = Outbox(store: box.store)
        let first = try outbox.enqueue(kind: .newsletter, editionId: edition, audience: Audience(lists: ["Nyhedsbrev"]),
                                       senderDomain: "partnerskab.example")
        let test = try outbox.enqueue(kind: .test, editionId: edition, audience: Audience(addresses: ["t@x.example"]),
                                      senderDomain: "partnerskab.example")
        for campaign in [first.campaignId, test.campaignId] {
            var cursor: Int64 = 0
            var seen: [Int64] = []
            while true {
                let batch = try box.store.read { db in
                    try OutboxStatements.due(after: cursor, dueBy: Date().addingTimeInterval(60), campaign: campaign, limit: 64, in: db)
                }
                guard let last = batch.last?.id else { break }
                #expect(batch.allSatisfy { $0.campaignId == campaign })
                seen += batch.compactMap(\.id)
                cursor = last
            }
            let expected = try box.store.read { db in
                try Int64.fetchAll(db, sql: "SELECT id FROM outbox WHERE campaignId = ? ORDER BY id", arguments: [campaign])
            }
            #expect(seen == expected && !seen.isEmpty)
        }
    }
}
