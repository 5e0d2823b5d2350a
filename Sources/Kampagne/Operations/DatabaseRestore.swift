import Foundation
import GRDB

/// Puts a backup in place of the live database: only an intact Kampagne file of a schema this
/// binary knows, only while no `serve` runs (the service lock), and never without keeping the
/// database it replaces, beside it with a time stamp.
public struct DatabaseRestore: Sendable {
    public let databasePath: String
    public let backupPath: String

    public init(databasePath: String, backupPath: String) {
        self.databasePath = databasePath
        self.backupPath = backupPath
    }

    /// What a restore would do: the backup's contents, and the current database's (nil when none).
    public struct Plan: Codable, Sendable, Equatable {
        public var backup: DatabaseFile.Summary
        public var current: DatabaseFile.Summary?
    }

    /// What a restore did.
    public struct Result: Codable, Sendable, Equatable {
        public var database: String
        public var restoredFrom: String
        /// Where the replaced database now is; nil when there was none.
        public var replacedKeptAt: String?
        public var schemaVersion: String?
        /// The configuration saved beside the backup, if there is one; restore never changes kampagne.toml.
        public var configBeside: String?
    }

    /// Checks the backup and that no server runs; reads the current database's summary.
    public func plan() throws(KampagneError) -> Plan {
        let backup = try DatabaseFile(path: backupPath).inspect()
        if backup.schema.status == .newer {
            throw SchemaVersion.newerRefusal(path: backupPath, unknown: backup.schema.unknown)
        }
        if ServiceLock.isHeld(databasePath: databasePath) {
            throw .conflict(ServiceLock.Purpose.restore.refusal(path: ServiceLock.path(for: databasePath)))
        }
        var current: DatabaseFile.Summary?
        if FileManager.default.fileExists(atPath: databasePath) {
            // The live file may hold its last transactions in -wal: fold them in first so the
            // summary (and the copy kept aside) is the whole database.
            try Self.checkpoint(databasePath)
            current = try? DatabaseFile(path: databasePath).inspect()
        }
        return Plan(backup: backup, current: current)
    }

    /// Replaces the database with the backup, holding the service lock so `serve` cannot start
    /// meanwhile. The replaced file is kept as `<database>.replaced-<time>`; stale -wal/-shm go.
    public func run(now: Date = Date()) throws(KampagneError) -> Result {
        let lock = try ServiceLock(databasePath: databasePath, purpose: .restore)
        defer { withExtendedLifetime(lock) {} }
        let backup = try DatabaseFile(path: backupPath).inspect()
        if backup.schema.status == .newer {
            throw SchemaVersion.newerRefusal(path: backupPath, unknown: backup.schema.unknown)
        }
        let fm = FileManager.default
        let incoming = databasePath + ".restoring"
        do {
            try DatabaseBackup.copyOwnerOnly(backupPath, to: incoming)
        } catch {
            throw .io("Kan ikke kopiere \(backupPath) til \(incoming): \(error.localizedDescription)")
        }
        var keptAt: String?
        if fm.fileExists(atPath: databasePath) {
            try Self.checkpoint(databasePath)
            let aside = "\(databasePath).replaced-\(BackupFolder.stamp(now))"
            do {
                try fm.moveItem(atPath: databasePath, toPath: aside)
            } catch {
                try? fm.removeItem(atPath: incoming)
                throw .io("Kan ikke flytte den nuværende database til \(aside): \(error.localizedDescription)")
            }
            keptAt = aside
        }
        // After a full checkpoint the -wal holds nothing the old file lacks; left in place it
        // would be replayed onto the restored file. The -shm index belongs to it.
        for suffix in ["-wal", "-shm", "-journal"] { try? fm.removeItem(atPath: databasePath + suffix) }
        do {
            try fm.moveItem(atPath: incoming, toPath: databasePath)
        } catch {
            throw .io("Kan ikke lægge \(incoming) på plads som \(databasePath): \(error.localizedDescription)")
        }
        let config = DatabaseBackup.configPath(beside: backupPath)
        return Result(database: databasePath, restoredFrom: backupPath, replacedKeptAt: keptAt,
                      schemaVersion: backup.schema.version, configBeside: fm.fileExists(atPath: config) ? config : nil)
    }

    /// Writes every committed transaction from -wal into the main file and empties the -wal.
    static func checkpoint(_ path: String) throws(KampagneError) {
        guard FileManager.default.fileExists(atPath: path + "-wal") else { return }
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.writeWithoutTransaction { db in
                _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
            try queue.close()
        } catch {
            throw .database("Kan ikke samle \(path)-wal ind i databasen før gendannelsen: \(KampagneError.wrap(error).message)")
        }
    }
}

// Optional values are written as null rather than left out, so every documented key is always there.
extension DatabaseRestore.Result {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(database, forKey: .database)
        try c.encode(restoredFrom, forKey: .restoredFrom)
        try c.encode(replacedKeptAt, forKey: .replacedKeptAt)
        try c.encode(schemaVersion, forKey: .schemaVersion)
        try c.encode(configBeside, forKey: .configBeside)
    }
}
