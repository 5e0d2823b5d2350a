import GRDB

extension Migrations {
    /// v5: good stories (case drafts): every saved version, consent per person and channel,
    /// review requests, the log of comments and decisions, and where each case was used.
    static func registerV5(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-stories") { db in
            try db.create(table: "story") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("status", .text).notNull()
                t.column("headline", .text).notNull()
                t.column("industry", .text).notNull().defaults(to: "")
                t.column("jobPackage", .text).notNull().defaults(to: "")
                t.column("municipality", .text).notNull().defaults(to: "")
                t.column("company", .text).notNull().defaults(to: "")
                t.column("currentVersion", .integer).notNull()
                t.column("approvedVersion", .integer)
                t.column("statusNote", .text)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(table: "storyVersion") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("story", onDelete: .cascade, indexed: false).notNull()
                t.column("number", .integer).notNull()
                t.column("source", .text).notNull()
                t.column("note", .text).notNull().defaults(to: "")
                t.column("savedAt", .datetime).notNull()
                t.uniqueKey(["storyId", "number"])
            }
            try db.create(table: "storyConsent") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("story", onDelete: .cascade).notNull()
                t.column("person", .text).notNull()
                t.column("personKey", .text).notNull()
                t.column("channels", .text).notNull()
                t.column("covers", .text).notNull()
                t.column("givenAt", .datetime).notNull()
                t.column("how", .text).notNull()
                t.column("expiresAt", .datetime)
                t.column("withdrawnAt", .datetime)
                t.column("withdrawnNote", .text)
                t.column("recordedAt", .datetime).notNull()
            }
            try db.create(table: "storyReview") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("story", onDelete: .cascade).notNull()
                t.column("version", .integer).notNull()
                t.column("email", .text).notNull()
                t.column("emailKey", .text).notNull().indexed()
                t.column("name", .text).notNull().defaults(to: "")
                t.column("requestedAt", .datetime).notNull()
                t.column("decision", .text)
                t.column("decidedAt", .datetime)
            }
            try db.create(table: "storyLog") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("story", onDelete: .cascade).notNull()
                t.column("version", .integer)
                t.column("action", .text).notNull()
                t.column("actor", .text).notNull()
                t.column("text", .text).notNull().defaults(to: "")
                t.column("at", .datetime).notNull()
            }
            try db.create(index: "storyLog_action_at", on: "storyLog", columns: ["action", "at"])
            try db.create(table: "storyUsage") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("story", onDelete: .cascade).notNull()
                t.column("version", .integer).notNull()
                t.column("channel", .text).notNull()
                t.column("form", .text).notNull()
                t.column("target", .text).notNull()
                t.belongsTo("edition", onDelete: .setNull)
                t.column("usedAt", .datetime).notNull()
                t.column("flaggedAt", .datetime)
                t.column("flagNote", .text)
            }
            try db.create(index: "storyUsage_usedAt", on: "storyUsage", columns: ["usedAt"])
        }
    }
}
