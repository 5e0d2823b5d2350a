import Foundation
import GRDB

/// The one SQLite file that holds everything Kampagne knows, opened in WAL mode with
/// foreign keys on and every migration applied.
public final class Store: Sendable {
    public let path: String
    public let pool: DatabasePool

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String) throws(KampagneError) {
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
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Migrations.migrator.migrate(pool)
            _ = try pool.write { try InstallationSecret.load($0) }
        } catch let error as DatabaseError {
            throw KampagneError.database("Kan ikke åbne databasen \(path): \(error.message ?? error.description)")
        } catch {
            throw KampagneError.database("Kan ikke åbne databasen \(path): \(error)")
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
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction {
                    result = try body(db)
                    return .rollback
                }
                guard let result else { throw KampagneError.database("Prøvekørslen gav intet resultat") }
                return result
            }
        } catch {
            throw KampagneError.wrap(error)
        }
    }
}

extension DatabaseCollation {
    /// Danish order: Æ, Ø, Å after Z, and "Aa" as Å.
    static let danish = DatabaseCollation("danish") { lhs, rhs in
        DanishText.compare(lhs, rhs)
    }
}

extension DatabaseFunction {
    /// `fold(text)`: lower case without accents, for case- and accent-insensitive search.
    static let fold = DatabaseFunction("fold", argumentCount: 1, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]) else { return nil }
        return DanishText.searchKey(text)
    }
}
