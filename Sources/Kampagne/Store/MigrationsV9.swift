import GRDB

extension Migrations {
    /// v9: roles for staff accounts (every existing account becomes an organiser), the
    /// per-account login backoff, and the append-only audit trail.
    static func registerV9(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9-staff-audit") { db in
            try db.create(table: "accountRole", options: [.withoutRowID]) { t in
                t.column("accountId", .integer).notNull().references("organiser", onDelete: .cascade)
                t.column("role", .text).notNull()
                t.primaryKey(["accountId", "role"])
            }
            try db.execute(sql: "INSERT INTO accountRole (accountId, role) SELECT id, 'organiser' FROM organiser")
            try db.alter(table: "organiser") { t in
                t.add(column: "failedLogins", .integer).notNull().defaults(to: 0)
                t.add(column: "lockedUntil", .datetime)
            }
            try db.create(table: "auditLog") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .datetime).notNull().indexed()
                t.column("actor", .text).notNull().indexed()
                t.column("action", .text).notNull()
                t.column("object", .text).notNull().defaults(to: "").indexed()
                t.column("summary", .text).notNull().defaults(to: "")
                t.column("client", .text).notNull().defaults(to: "")
            }
            // Append-only: rows are never deleted, and an update may only change the object
            // and summary (erasure replacing a person's identity with the erasure marker).
            try db.execute(sql: """
                CREATE TRIGGER auditLog_noDelete BEFORE DELETE ON auditLog
                BEGIN SELECT RAISE(ABORT, 'auditLog is append-only'); END;
                CREATE TRIGGER auditLog_noRewrite BEFORE UPDATE ON auditLog
                WHEN NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.action IS NOT OLD.action
                  OR NEW.client IS NOT OLD.client
                  OR (NEW.actor IS NOT OLD.actor AND NEW.actor NOT LIKE 'slettet%')
                  OR (NEW.object IS NOT OLD.object AND NEW.object NOT LIKE '%slettet%')
                BEGIN SELECT RAISE(ABORT, 'auditLog is append-only'); END;
                """)
        }
    }
}
