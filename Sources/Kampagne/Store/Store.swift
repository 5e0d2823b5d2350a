import Foundation
import GRDB

/// The one SQLite file that holds everything Kampagne knows, opened in WAL mode with
/// foreign keys on and every migration applied.
public final class Store: Sendable {
    public let path: String
    public let pool: DatabasePool
    /// The copy made before this opening migrated an older schema; nil when nothing was migrated.
    public let upgradeBackup: BackupResult?

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// A file of an older schema is first backed up into `upgradeBackupFolder` (default: the
    /// database's folder); a file of a newer schema than this binary knows is refused.
    public init(path: String, upgradeBackupFolder: String? = nil) throws(KampagneError) {
        _ = SQLiteProcessSettings.applied
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            throw KampagneError.io("Mappen til databasen findes ikke: \(directory)")
        }
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(30)
        config.prepareDatabase { db in
            // An erased person's bytes are overwritten, not just unlinked.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // WAL with NORMAL sync: a killed process loses no committed transaction; only a
            // power cut can lose the last one. A 32 MB page cache keeps big imports in memory.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA cache_size = -32768")
            db.add(collation: .danish)
            db.add(function: .fold)
            db.add(function: .danishSortKey)
            db.add(function: .danishSortKeyOfOne)
        }
        var made: BackupResult?
        do {
            let (opened, schema) = try Self.openPool(path: path, configuration: config)
            pool = opened
            if schema.status == .newer { throw SchemaVersion.newerRefusal(path: path, unknown: schema.unknown) }
            if schema.status == .older, let version = schema.version {
                let folder = BackupFolder(path: upgradeBackupFolder ?? (directory.isEmpty ? "." : directory))
                try folder.create()
                made = try DatabaseBackup(reader: pool)
                    .write(to: folder.newFile(at: Date(), tag: "upgrade-from-\(version)-"), configPath: nil)
            }
            try Migrations.migrator.migrate(pool)
            _ = try pool.write { try InstallationSecret.load($0) }
        } catch let error as KampagneError {
            throw error
        } catch let error as DatabaseError {
            throw KampagneError.database("Kan ikke åbne databasen \(path): \(error.message ?? error.description)")
        } catch {
            throw KampagneError.database("Kan ikke åbne databasen \(path): \(error)")
        }
        upgradeBackup = made
    }

    /// Opens the pool and reads the schema version through the writer. While many processes
    /// open and close the file at once (200 concurrent sign-ups in the tests, on a loaded
    /// machine), SQLite can answer SQLITE_BUSY here without calling the busy handler (the last
    /// connection of another process checkpointing and removing the WAL): such an opening is
    /// tried again after a short pause instead of failing the command.
    private static func openPool(path: String, configuration: Configuration) throws -> (DatabasePool, SchemaVersion) {
        var attempt = 0
        while true {
            do {
                let pool = try DatabasePool(path: path, configuration: configuration)
                return (pool, try pool.writeWithoutTransaction(SchemaVersion.of))
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempt < 40 {
                attempt += 1
                usleep(useconds_t(min(attempt, 10) * 25_000))
            }
        }
    }

    /// Runs `body` in one write transaction, turning database failures into user-facing errors.
    public func write<T>(_ body: (Database) throws -> T) throws(KampagneError) -> T {
        do {
            return try pool.write(body)
        } catch {
            throw KampagneError.wrap(error)
        }
    }

    /// Runs `body` on a read-only snapshot.
    public func read<T>(_ body: (Database) throws -> T) throws(KampagneError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw KampagneError.wrap(error)
        }
    }

    /// Runs `body` in one write transaction without holding the caller's thread: GRDB's
    /// async write, for the web server's handlers.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(KampagneError) -> T {
        do {
            return try await pool.write(body)
        } catch {
            throw KampagneError.wrap(error)
        }
    }

    /// Runs `body` on a read-only snapshot without holding the caller's thread (GRDB's async read).
    public func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(KampagneError) -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw KampagneError.wrap(error)
        }
    }

    /// Runs `body` in a write transaction that is always rolled back: a dry run sees exactly
    /// what a real run would do and leaves the file untouched.
    public func dryRun<T>(_ body: (Database) throws -> T) throws(KampagneError) -> T {
        try transaction(commit: false, journal: .file, body)
    }

    /// Where SQLite keeps a transaction's statement journals (and its other temporary data).
    enum TemporaryStorage {
        /// SQLite's default: memory, spilling to a temporary file.
        case file
        /// Memory only (`PRAGMA temp_store = MEMORY` for the transaction), for a transaction
        /// of many multi-row statements: with foreign keys on, SQLite journals every page each
        /// such statement touches, and in a file that was 5.5 times the pwrite calls of queueing
        /// 100,000 (bench/RESULTS.md, session 10). Each journal is freed when its statement ends.
        case memory
    }

    /// Runs `body` in one write transaction with its temporary data kept as `journal` says,
    /// committed or (a dry run) rolled back.
    func transaction<T>(commit: Bool, journal: TemporaryStorage, _ body: (Database) throws -> T) throws(KampagneError) -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                // temp_store can change only outside a transaction.
                if journal == .memory { try db.execute(sql: "PRAGMA temp_store = MEMORY") }
                defer { if journal == .memory { try? db.execute(sql: "PRAGMA temp_store = DEFAULT") } }
                var result: T?
                try db.inTransaction {
                    result = try body(db)
                    return commit ? .commit : .rollback
                }
                guard let result else { throw KampagneError.database("Skrivningen gav intet resultat") }
                return result
            }
        } catch {
            throw KampagneError.wrap(error)
        }
    }
}

extension DatabaseCollation {
    /// Danish order: Æ, Ø, Å after Z, and "Aa" as Å; the same order as `DanishText.sorted`
    /// (`DanishText.collationOrder`), so a list sorted by SQLite matches one sorted in memory.
    static let danish = DatabaseCollation("danish") { lhs, rhs in
        DanishText.collationOrder(lhs, rhs)
    }
}

extension DatabaseFunction {
    /// `danishSortKey(lastName, firstName, email)`: `DanishText.sortKey` of the three, for the
    /// `contact.sortKey` triggers (migration v13).
    static let danishSortKey = DatabaseFunction("danishSortKey", argumentCount: 3, pure: true) { values in
        DanishText.sortKey(values.map { String.fromDatabaseValue($0) ?? "" })
    }

    /// `danishSortKey(text)`: `DanishText.sortKey` of one text, for `contact.organisationKey`
    /// and `contact.municipalityKey` (migration v17). SQLite tells the two apart by arity.
    static let danishSortKeyOfOne = DatabaseFunction("danishSortKey", argumentCount: 1, pure: true) { values in
        DanishText.sortKey([String.fromDatabaseValue(values[0]) ?? ""])
    }

    /// `fold(text)`: lower case without accents, for case- and accent-insensitive search.
    static let fold = DatabaseFunction("fold", argumentCount: 1, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]) else { return nil }
        return DanishText.searchKey(text)
    }
}
