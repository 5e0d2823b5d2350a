import GRDB

extension Migrations {
    /// v2: newsletters and the transactional outbox.
    static func registerV2(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-newsletters-outbox") { db in
            try db.create(table: "edition") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("subject", .text).notNull()
                t.column("number", .text).notNull()
                t.column("file", .text).notNull()
                t.column("source", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "campaign") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("kind", .text).notNull()
                t.belongsTo("edition", onDelete: .restrict)
                t.column("name", .text).notNull()
                t.column("audience", .text).notNull()
                t.column("suppressed", .integer).notNull().defaults(to: 0)
                t.column("duplicates", .integer).notNull().defaults(to: 0)
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "outbox") { t in
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
                t.uniqueKey(["campaignId", "emailKey"])
            }
        }
    }
}
