import GRDB

extension Migrations {
    /// v17: the contact table's keys (issues 14 and 16).
    ///
    /// - `contact.suppressed`: 1 when the contact's address is on the suppression list. The list
    ///   holds keyed hashes, so before this the "spærrede" filter hashed every address on every
    ///   request (4.4 s at 100,000, debug build). Kept by `SuppressionList.flag`, the one rule,
    ///   whenever a suppression is added or lifted and whenever a contact is saved; the import
    ///   writes it with its insert. Backfilled here. A partial index of the suppressed contacts in name order answers the
    ///   filter (and costs an import nothing: new contacts are rarely suppressed).
    /// - `contact.organisationKey`, `contact.municipalityKey`: `danishSortKey(organisation)` and
    ///   `danishSortKey(municipality)` (one-argument form of v13's function), indexed with
    ///   `sortKey`, so sorting by organisation or municipality is an index walk in Danish order
    ///   (953 ms a page before, debug build) and a municipality filter is an index range.
    /// - `contact.sortKey` is written again: `DanishText.sortKey` has a compact form since this
    ///   migration (40 % of v13's length, the same order), and every key must be of one form.
    /// - v13's four triggers are re-created so that they do no work a writer did itself: the
    ///   insert trigger fills the keys only when the insert left `sortKey` empty (the import
    ///   writes all keys with its insert: no second and third UPDATE per new contact), and the
    ///   update triggers fire only when a column the key is made of really changed.
    static func registerV17(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v17-contact-keys") { db in
            try db.alter(table: "contact") { t in
                t.add(column: "suppressed", .boolean).notNull().defaults(to: false)
                t.add(column: "organisationKey", .text).notNull().defaults(to: "")
                t.add(column: "municipalityKey", .text).notNull().defaults(to: "")
            }
            let search = "fold(NEW.firstName || ' ' || NEW.lastName || ' ' || NEW.email || ' ' || NEW.organisation || ' ' || NEW.title)"
            try db.execute(sql: """
                UPDATE contact SET sortKey = danishSortKey(lastName, firstName, email),
                  organisationKey = danishSortKey(organisation),
                  municipalityKey = danishSortKey(coalesce(municipality, ''));
                DROP TRIGGER contact_searchText_insert;
                DROP TRIGGER contact_searchText_update;
                DROP TRIGGER contact_sortKey_insert;
                DROP TRIGGER contact_sortKey_update;
                CREATE TRIGGER contact_keys_insert AFTER INSERT ON contact WHEN NEW.sortKey = ''
                BEGIN UPDATE contact SET sortKey = danishSortKey(NEW.lastName, NEW.firstName, NEW.email),
                  searchText = \(search), organisationKey = danishSortKey(NEW.organisation),
                  municipalityKey = danishSortKey(coalesce(NEW.municipality, '')) WHERE id = NEW.id; END;
                CREATE TRIGGER contact_searchText_update AFTER UPDATE OF firstName, lastName, email, organisation, title ON contact
                WHEN NEW.firstName IS NOT OLD.firstName OR NEW.lastName IS NOT OLD.lastName OR NEW.email IS NOT OLD.email
                  OR NEW.organisation IS NOT OLD.organisation OR NEW.title IS NOT OLD.title
                BEGIN UPDATE contact SET searchText = \(search) WHERE id = NEW.id; END;
                CREATE TRIGGER contact_sortKey_update AFTER UPDATE OF lastName, firstName, email ON contact
                WHEN NEW.lastName IS NOT OLD.lastName OR NEW.firstName IS NOT OLD.firstName OR NEW.email IS NOT OLD.email
                BEGIN UPDATE contact SET sortKey = danishSortKey(NEW.lastName, NEW.firstName, NEW.email) WHERE id = NEW.id; END;
                CREATE TRIGGER contact_organisationKey_update AFTER UPDATE OF organisation ON contact
                WHEN NEW.organisation IS NOT OLD.organisation
                BEGIN UPDATE contact SET organisationKey = danishSortKey(NEW.organisation) WHERE id = NEW.id; END;
                CREATE TRIGGER contact_municipalityKey_update AFTER UPDATE OF municipality ON contact
                WHEN NEW.municipality IS NOT OLD.municipality
                BEGIN UPDATE contact SET municipalityKey = danishSortKey(coalesce(NEW.municipality, '')) WHERE id = NEW.id; END;
                CREATE INDEX contact_organisationKey ON contact(organisationKey, sortKey, id);
                CREATE INDEX contact_municipalityKey ON contact(municipalityKey, sortKey, id);
                CREATE INDEX contact_suppressed ON contact(sortKey, id) WHERE suppressed = 1;
                """)
            try SuppressionList.flagAll(in: db)
        }
    }
}
