import GRDB

extension Migrations {
    /// v4: organiser accounts for the web server's organiser pages, and newsletter
    /// subscriptions waiting for (or holding) their double opt-in.
    static func registerV4(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-organisers") { db in
            try db.create(table: "organiser") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("username", .text).notNull().unique()
                t.column("passwordHash", .text).notNull()
                t.column("sessionVersion", .integer).notNull().defaults(to: 0)
                t.column("createdAt", .datetime).notNull()
                t.column("lastLoginAt", .datetime)
            }
            try db.create(table: "subscription") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("email", .text).notNull()
                t.column("emailKey", .text).notNull().indexed()
                t.column("firstName", .text).notNull().defaults(to: "")
                t.column("lastName", .text).notNull().defaults(to: "")
                t.column("organisation", .text).notNull().defaults(to: "")
                t.column("municipality", .text)
                t.column("list", .text).notNull()
                t.column("wording", .text).notNull()
                t.column("sourcePage", .text).notNull()
                t.column("requestedAt", .datetime).notNull()
                t.column("confirmedAt", .datetime)
            }
        }
    }
}
