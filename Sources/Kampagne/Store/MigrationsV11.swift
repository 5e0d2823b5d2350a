import GRDB

extension Migrations {
    /// v11: performance (issue 16).
    ///
    /// - `event.pageVersion`: a counter that triggers raise on every write to the meeting's row
    ///   and to any of its registrations (insert, update, delete; from the web, the command line,
    ///   cascades or `sqlite3` alike). The web server keeps a meeting's rendered page in memory
    ///   (`MeetingPageCache`) and serves it while the counter is unchanged, so a page view reads
    ///   one integer instead of counting the meeting's sign-ups and rendering the template.
    static func registerV11(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v11-perf") { db in
            try db.alter(table: "event") { t in
                t.add(column: "pageVersion", .integer).notNull().defaults(to: 0)
            }
            // The WHEN clause keeps the trigger's own update from firing it again.
            try db.execute(sql: """
                CREATE TRIGGER event_page_version_event AFTER UPDATE ON event
                WHEN NEW.pageVersion = OLD.pageVersion
                BEGIN UPDATE event SET pageVersion = pageVersion + 1 WHERE id = NEW.id; END;
                CREATE TRIGGER event_page_version_insert AFTER INSERT ON registration
                BEGIN UPDATE event SET pageVersion = pageVersion + 1 WHERE id = NEW.eventId; END;
                CREATE TRIGGER event_page_version_update AFTER UPDATE ON registration
                BEGIN UPDATE event SET pageVersion = pageVersion + 1 WHERE id IN (OLD.eventId, NEW.eventId); END;
                CREATE TRIGGER event_page_version_delete AFTER DELETE ON registration
                BEGIN UPDATE event SET pageVersion = pageVersion + 1 WHERE id = OLD.eventId; END;
                """)
        }
    }
}
