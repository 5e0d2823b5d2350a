import GRDB

extension Migrations {
    /// v13: the contacts section of the staff area (issue 14).
    ///
    /// - `dataSource` gets the consent evidence an import states: what the people were told
    ///   (`consentWording`), who told them or collected the answers (`consentBy`), when
    ///   (`consentToldAt`), and where the proof is kept (`consentEvidence`, e.g. "tilmeldingsark
    ///   fra mødet 3. marts, arkiveret i sag 2026-118"). Empty for sources made before.
    /// - `contact.sortKey`: last name, first name and address as one key whose plain byte order
    ///   is the Danish order (`DanishText.sortKey`), kept by triggers through the `danishSortKey`
    ///   function every Kampagne connection registers, and indexed: a page of the contact table
    ///   is an index walk instead of sorting 100,000 rows with the `danish` collation (600 ms a
    ///   page before, debug build). The `sqlite3` shell reads and checks the file as before
    ///   (the index is binary); it cannot insert or rename contacts (no such function).
    /// - `contact.searchText`: `fold()` of first and last name, address, organisation and title,
    ///   kept by triggers: a search is one `LIKE` in SQLite instead of five Swift calls a row.
    static func registerV13(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v13-contacts-admin") { db in
            try db.alter(table: "dataSource") { t in
                t.add(column: "consentWording", .text)
                t.add(column: "consentBy", .text)
                t.add(column: "consentToldAt", .datetime)
                t.add(column: "consentEvidence", .text)
            }
            try db.alter(table: "contact") { t in
                t.add(column: "sortKey", .text).notNull().defaults(to: "")
                t.add(column: "searchText", .text).notNull().defaults(to: "")
            }
            try db.execute(sql: """
                UPDATE contact SET sortKey = danishSortKey(lastName, firstName, email),
                  searchText = fold(firstName || ' ' || lastName || ' ' || email || ' ' || organisation || ' ' || title);
                CREATE TRIGGER contact_searchText_insert AFTER INSERT ON contact
                BEGIN UPDATE contact SET searchText = fold(NEW.firstName || ' ' || NEW.lastName || ' ' || NEW.email || ' ' || NEW.organisation || ' ' || NEW.title) WHERE id = NEW.id; END;
                CREATE TRIGGER contact_searchText_update AFTER UPDATE OF firstName, lastName, email, organisation, title ON contact
                BEGIN UPDATE contact SET searchText = fold(NEW.firstName || ' ' || NEW.lastName || ' ' || NEW.email || ' ' || NEW.organisation || ' ' || NEW.title) WHERE id = NEW.id; END;
                CREATE INDEX contact_sortKey ON contact(sortKey, id);
                CREATE TRIGGER contact_sortKey_insert AFTER INSERT ON contact
                BEGIN UPDATE contact SET sortKey = danishSortKey(NEW.lastName, NEW.firstName, NEW.email) WHERE id = NEW.id; END;
                CREATE TRIGGER contact_sortKey_update AFTER UPDATE OF lastName, firstName, email ON contact
                BEGIN UPDATE contact SET sortKey = danishSortKey(NEW.lastName, NEW.firstName, NEW.email) WHERE id = NEW.id; END;
                """)
        }
    }
}
