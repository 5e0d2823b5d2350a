import GRDB

extension Migrations {
    /// v3: meetings (events, registrations, the decision log) and outbox rows for messages that
    /// are not an edition (invitations, confirmations, reminders, …).
    static func registerV3(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-events") { db in
            try db.create(table: "event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("publicId", .text).notNull().unique()
                t.column("kind", .text).notNull()
                t.column("title", .text).notNull()
                t.column("description", .text).notNull().defaults(to: "")
                t.column("startsAt", .datetime).notNull()
                t.column("endsAt", .datetime).notNull()
                t.column("venue", .text).notNull().defaults(to: "")
                t.column("address", .text).notNull().defaults(to: "")
                t.column("organiserName", .text).notNull().defaults(to: "")
                t.column("organiserEmail", .text).notNull().defaults(to: "")
                t.column("capacity", .integer)
                t.column("minimum", .integer)
                t.column("decisionDate", .datetime)
                t.column("signupDeadline", .datetime)
                t.column("audience", .text).notNull().defaults(to: "{}")
                t.column("questions", .text).notNull().defaults(to: "[]")
                t.column("series", .text)
                t.column("status", .text).notNull()
                t.column("cancelReason", .text)
                t.column("sequence", .integer).notNull().defaults(to: 0)
                t.column("reminderQueuedAt", .datetime)
                t.column("file", .text).notNull().defaults(to: "")
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(index: "event_startsAt", on: "event", columns: ["startsAt"])
            try db.create(table: "registration") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("event", onDelete: .cascade, indexed: false).notNull()
                t.belongsTo("contact", onDelete: .setNull)
                t.column("status", .text).notNull()
                t.column("walkIn", .boolean).notNull().defaults(to: false)
                t.column("source", .text).notNull()
                t.column("organisation", .text).notNull().defaults(to: "")
                t.column("municipality", .text)
                t.column("answers", .text).notNull().defaults(to: "{}")
                t.column("queuedAt", .datetime).notNull()
                t.column("offerExpiresAt", .datetime)
                t.column("attendedAt", .datetime)
                t.column("cancelReason", .text)
                t.column("revision", .integer).notNull().defaults(to: 0)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
                t.uniqueKey(["eventId", "contactId"])
            }
            // Counting a meeting's seats and waiting list on every page view and sign-up.
            try db.create(index: "registration_eventId_status", on: "registration", columns: ["eventId", "status", "queuedAt"])
            try db.create(table: "eventLog") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("event", onDelete: .cascade).notNull()
                t.column("action", .text).notNull()
                t.column("detail", .text).notNull().defaults(to: "")
                t.column("at", .datetime).notNull()
            }
            try db.alter(table: "campaign") { t in
                t.add(column: "eventId", .integer).references("event", onDelete: .restrict)
            }

            // The outbox gains the notice a row carries (with its frozen content) and a key
            // that tells notices to the same person apart; SQLite cannot change a UNIQUE
            // constraint in place, so the table is rebuilt with every row kept.
            try db.create(table: "outbox_v3") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("campaign", onDelete: .cascade, indexed: false).notNull()
                t.belongsTo("contact", onDelete: .setNull)
                t.column("email", .text).notNull()
                t.column("emailKey", .text).notNull()
                t.column("recipient", .text).notNull()
                t.column("state", .text).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("lastReply", .text)
                t.column("lastAttemptAt", .datetime)
                t.column("nextAttemptAt", .datetime).notNull()
                t.column("sentAt", .datetime)
                t.column("messageID", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("noticeKey", .text).notNull().defaults(to: "")
                t.column("notice", .text)
                t.uniqueKey(["campaignId", "emailKey", "noticeKey"])
            }
            let columns = "id, campaignId, contactId, email, emailKey, recipient, state, attempts, lastReply, lastAttemptAt, nextAttemptAt, sentAt, messageID, createdAt"
            try db.execute(sql: "INSERT INTO outbox_v3 (\(columns)) SELECT \(columns) FROM outbox")
            try db.drop(table: "outbox")
            try db.rename(table: "outbox_v3", to: "outbox")
        }
    }
}
