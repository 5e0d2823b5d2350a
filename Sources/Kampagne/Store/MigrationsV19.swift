import GRDB

extension Migrations {
    /// v19: a scheduled send can be moved and cancelled (issue 14).
    ///
    /// - `campaign.cancelledAt`, `campaign.cancelledBy`: set when a send that had not started
    ///   was cancelled; its unsent rows are gone from `outbox`, the campaign stays.
    /// - `scheduleChange`: the record of a send's time: scheduled, moved, cancelled; by whom,
    ///   when, from which time to which, and how many messages it concerned.
    static func registerV19(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v19-schedule") { db in
            try db.alter(table: "campaign") { t in
                t.add(column: "cancelledAt", .datetime)
                t.add(column: "cancelledBy", .text)
            }
            try db.create(table: "scheduleChange") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("campaign", onDelete: .cascade).notNull()
                t.column("action", .text).notNull()
                t.column("fromAt", .datetime)
                t.column("toAt", .datetime)
                t.column("messages", .integer).notNull()
                t.column("actor", .text).notNull()
                t.column("at", .datetime).notNull()
            }
        }
    }
}
