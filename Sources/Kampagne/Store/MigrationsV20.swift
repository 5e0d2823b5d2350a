import GRDB

extension Migrations {
    /// v20: the contact table's Danish sort keys in their third, shorter form (issue 16).
    ///
    /// `DanishText.sortKey` writes a letter as one byte and five case weights to a byte since
    /// this migration (58 bytes against 156 for a typical name and address, the same order),
    /// and every key must be of one form: `sortKey`, `organisationKey` and `municipalityKey`
    /// are written again, by the functions the triggers call. The four indexes on the keys are
    /// dropped first and made again from their own definitions afterwards: one sort of the new
    /// keys instead of 100,000 moves inside each index.
    static func registerV20(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v20-short-sort-keys") { db in
            let indexes = try Row.fetchAll(db, sql: """
                SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'contact'
                AND name IN ('contact_sortKey', 'contact_organisationKey', 'contact_municipalityKey', 'contact_suppressed')
                ORDER BY rowid
                """).map { (name: $0["name"] as String, sql: $0["sql"] as String) }
            for index in indexes {
                try db.execute(sql: "DROP INDEX \(index.name.quotedDatabaseIdentifier)")
            }
            try db.execute(sql: """
                UPDATE contact SET sortKey = danishSortKey(lastName, firstName, email),
                  organisationKey = danishSortKey(organisation),
                  municipalityKey = danishSortKey(coalesce(municipality, ''))
                """)
            for index in indexes {
                try db.execute(sql: index.sql)
            }
        }
    }
}
