import Foundation
import GRDB
import Testing
@testable import Kampagne

/// v12-send-columns: queued rows carry the recipient snapshot in columns, rows from before
/// carry only JSON, and every reader sees the same snapshot either way.
@Suite struct SendColumnsTests {
    static let hostile = "\"Citat\" \\ tilbage/skråstreg; Æblegrød 🍎"

    /// An edition queued for two contacts on list "Nyhedsbrev"; returns the sandbox.
    func queued() throws -> Sandbox {
        let box = try Sandbox()
        _ = try box.importing([box.file("l.csv", "E-mail;Fornavn;Efternavn;Organisation;Kommune\n"
            + "a@x.example;\"\(Self.hostile.replacingOccurrences(of: "\"", with: "\"\""))\";Ærbøl;Jobcenter Øst;Aabenraa\n"
            + "b@x.example;Bo;Bak;;\n")]) { $0.lists = ["Nyhedsbrev"] }
        let file = box.file("udgave.md", "---\nsubject: Nr. 3\nnumber: 3\n---\n# Velkommen\n\nTekst.\n")
        let edition = try Editions(store: box.store).create(file: file, now: Date())
        _ = try Outbox(store: box.store).enqueue(kind: .newsletter, editionId: edition, audience: Audience(lists: ["Nyhedsbrev"]),
                                                 senderDomain: "partnerskab.example")
        return box
    }

    @Test func queuedRowsCarryTheSnapshotInColumnsAndReadItBack() throws {
        let box = try queued()
        let rows = try box.store.read { try OutboxRow.order(Column("email")).fetchAll($0) }
        #expect(rows.map(\.recipient) == [
            RecipientSnapshot(firstName: DanishText.singleLine(Self.hostile), lastName: "Ærbøl", organisation: "Jobcenter Øst",
                              municipality: "Aabenraa", list: "Nyhedsbrev"),
            RecipientSnapshot(firstName: "Bo", lastName: "Bak", organisation: "", municipality: "", list: "Nyhedsbrev"),
        ])
        let stored = try box.store.read { try Row.fetchAll($0, sql: "SELECT recipient, recipientList FROM outbox") }
        #expect(stored.allSatisfy { ($0["recipient"] as String?) == "{}" && ($0["recipientList"] as String?) == "Nyhedsbrev" },
                "no JSON written any more")
    }

    @Test func aRowWithOnlyTheJSONOfBeforeV12ReadsTheSameSnapshot() throws {
        let box = try queued()
        let before = try box.store.read { try OutboxRow.order(Column("email")).fetchAll($0) }
        // What a row queued by an older build holds: the snapshot as JSON, the columns NULL.
        try box.store.write { db in
            for row in before {
                let json = String(decoding: try JSONEncoder().encode(row.recipient), as: UTF8.self)
                try db.execute(sql: """
                    UPDATE outbox SET recipient = ?, recipientFirstName = NULL, recipientLastName = NULL,
                    recipientOrganisation = NULL, recipientMunicipality = NULL, recipientList = NULL WHERE id = ?
                    """, arguments: [json, row.id])
            }
        }
        let after = try box.store.read { try OutboxRow.order(Column("email")).fetchAll($0) }
        #expect(after.map(\.recipient) == before.map(\.recipient))
        // The per-municipality report reads both kinds.
        try box.store.write { db in
            try db.execute(sql: "UPDATE outbox SET state = 'sent' WHERE email = 'a@x.example'")
            try db.execute(sql: "UPDATE outbox SET state = 'sent', recipientFirstName = 'Bo', recipientMunicipality = 'Vejle' WHERE email = 'b@x.example'")
        }
        let period = try ReportPeriod(from: "2025-01-01", to: "2030-12-31")
        let counts = try box.store.read { db in
            try NewsletterFigures.deliveredByMunicipality(period: period, in: db) { _, _ in true }
        }
        #expect(counts == ["Aabenraa": 1, "Vejle": 1])
    }

    @Test func erasureBlanksTheColumnsOfASentRow() throws {
        let box = try queued()
        try box.store.write { try $0.execute(sql: "UPDATE outbox SET state = 'sent', sentAt = createdAt") }
        try PersonalData(store: box.store, settings: EventSettings()).erase("a@x.example")
        let row = try box.store.read { try Row.fetchOne($0, sql: """
            SELECT recipientFirstName, recipientLastName, recipientOrganisation, recipientMunicipality, recipientList
            FROM outbox WHERE email = 'slettet'
            """) }
        let values = try #require(row)
        #expect((values["recipientFirstName"] as String?) == "" && (values["recipientLastName"] as String?) == ""
                && (values["recipientOrganisation"] as String?) == "")
        #expect((values["recipientMunicipality"] as String?) == "" && (values["recipientList"] as String?) == nil)
        let erased = try box.store.read { try OutboxRow.filter(Column("email") == "slettet").fetchOne($0) }
        #expect(erased?.recipient == RecipientSnapshot(firstName: "", lastName: "", organisation: "", municipality: ""))
    }
}
