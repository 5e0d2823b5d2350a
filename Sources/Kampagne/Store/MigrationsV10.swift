import GRDB

extension Migrations {
    /// v10: the bounce mailbox.
    ///
    /// - `bounceReport`: one row per message read from the bounce mailbox, keyed by the
    ///   mailbox, its UIDVALIDITY and the message's UID, so a run killed after recording a
    ///   message and before flagging it only flags it the next time. It is also the late
    ///   result of the outbox row it is about (`outboxId`): hard and soft bounces, failures,
    ///   complaints, unsubscribes by mail. `emailHash` is the suppression list's keyed hash of
    ///   the address, for counting soft bounces per address without keeping the address twice.
    static func registerV10(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v10-bounces") { db in
            try db.create(table: "bounceReport") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("mailbox", .text).notNull()
                t.column("uidValidity", .integer).notNull()
                t.column("uid", .integer).notNull()
                t.column("reportMessageID", .text)
                t.column("kind", .text).notNull()
                t.column("outboxId", .integer).references("outbox", onDelete: .setNull)
                t.column("emailHash", .text)
                t.column("status", .text)
                t.column("action", .text)
                t.column("diagnostic", .text)
                t.column("feedbackType", .text)
                t.column("outcome", .text).notNull()
                t.column("note", .text).notNull().defaults(to: "")
                t.column("processedAt", .datetime).notNull()
                t.uniqueKey(["mailbox", "uidValidity", "uid"])
            }
            try db.create(index: "bounceReport_messageID", on: "bounceReport", columns: ["reportMessageID"])
            try db.create(index: "bounceReport_outbox", on: "bounceReport", columns: ["outboxId"])
            try db.create(index: "bounceReport_address", on: "bounceReport", columns: ["emailHash", "kind", "processedAt"])
        }
    }
}
