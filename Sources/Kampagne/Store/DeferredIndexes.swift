import GRDB

/// The secondary indexes of the tables an import writes a row per contact into, taken away
/// for the rows of one big import and built again from them before it commits.
///
/// A row at a time, every contact puts its keys into the three key indexes at random places
/// (a name's, an organisation's and a municipality's sort key, each with the name's key), and
/// the pages of those indexes no longer fit the page cache long before 100,000 rows: that was
/// most of a release import's time (perf: `pwrite` 22 %, SQLite's b-tree inserts the rest of
/// the transaction; bench/RESULTS.md, session 6). Built after the rows, each index is one
/// sort of its keys written in order into full pages (bench/RESULTS.md, "Issue 16, session 7,
/// import and export": the figures and the rule).
///
/// Only `ContactImporter.run`, which applies a whole file in one write transaction, does this,
/// and only when `applies(newRows:existing:)`. Readers never see the state in between: the
/// drop, the rows and the new indexes are one transaction (in WAL mode a reader reads the last
/// commit), and a failed, refused or killed import rolls back with its indexes. The indexes
/// come back from their own `CREATE INDEX` text in `sqlite_schema`, so the schema, the query
/// plans and the indexes' content are those of an import without this (`BulkImportTests`).
/// Primary keys and unique constraints (the address key) are not secondary indexes and stay:
/// the import's look-ups and `INSERT OR IGNORE` keep working on them. Upload imports
/// (`ImportQueue`, a transaction per chunk of 2,000 rows, other writers in between) never
/// take indexes away.
struct DeferredIndexes {
    /// The tables an import adds a row to per contact.
    static let tables = ["contact", "contactRole", "listMembership", "contactSource"]

    /// An import smaller than this always writes through the indexes: the schema of a
    /// database is not changed for a few thousand rows.
    static let minimumRows = 5_000

    /// An index as `sqlite_schema` holds it.
    struct Definition: Equatable {
        var name: String
        var sql: String
    }

    let definitions: [Definition]

    /// When an import takes the indexes away: by `applies(newRows:existing:)`, or (tests,
    /// comparing the two ways) never or always.
    enum Policy: Sendable {
        case bySize, never, always
    }

    /// Whether an import of about `newRows` rows into a contact table of `existing` rows
    /// builds the indexes after its rows: when it brings at least `minimumRows` and at least
    /// as many rows as the table holds (sorting all keys then costs less than inserting the
    /// new ones one at a time into the existing indexes).
    static func applies(newRows: Int, existing: Int) -> Bool {
        newRows >= minimumRows && newRows >= existing
    }

    /// The number of contacts stored now.
    static func contactCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM contact") ?? 0
    }

    /// The secondary indexes of `tables` as they are defined now (unique constraints and
    /// primary keys have no `sql` and are not among them), in the order they were made.
    static func current(_ db: Database) throws -> [Definition] {
        let placeholders = tables.map { _ in "?" }.joined(separator: ", ")
        return try Row.fetchAll(db, sql: """
            SELECT name, sql FROM sqlite_schema
            WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (\(placeholders)) ORDER BY rowid
            """, arguments: StatementArguments(tables)).map { Definition(name: $0["name"], sql: $0["sql"]) }
    }

    /// Drops the secondary indexes of `tables` inside the caller's transaction and returns
    /// them, to be built again by `rebuild` in the same transaction.
    static func drop(in db: Database) throws -> DeferredIndexes {
        let definitions = try current(db)
        for definition in definitions {
            try db.execute(sql: "DROP INDEX \(definition.name.quotedDatabaseIdentifier)")
        }
        return DeferredIndexes(definitions: definitions)
    }

    /// Creates every dropped index again from its own definition.
    func rebuild(in db: Database) throws {
        for definition in definitions { try db.execute(sql: definition.sql) }
    }
}
