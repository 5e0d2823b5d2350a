import GRDB

extension Migrations {
    /// v15: meetings in the staff area (issue 18).
    ///
    /// - `registration.origin`: where a sign-up came from, as the `kilde` key of its link
    ///   (`SignupSource`: `nyhedsbrev-12`, `invitation-34`, `venteliste-7`, `side`, `doer`, `cli`);
    ///   empty for sign-ups made before v15 (read by their `source`).
    ///
    /// v11-perf put triggers on `registration`: this only adds a column (no table rebuild), so
    /// the triggers and the seat-count guarantees stay as they are.
    static func registerV15(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v15-meetings-admin") { db in
            try db.alter(table: "registration") { t in
                t.add(column: "origin", .text).notNull().defaults(to: "")
            }
        }
    }
}
