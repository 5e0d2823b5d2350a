import GRDB

extension Migrations {
    /// v4: organiser accounts for the web server's organiser pages.
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
        }
    }
}
