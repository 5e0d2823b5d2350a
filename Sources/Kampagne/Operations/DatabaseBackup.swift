import Foundation
import GRDB
import Logging

/// What one backup made: the copy, the configuration beside it, and what it took.
public struct BackupResult: Codable, Sendable, Equatable {
    public var file: String
    /// The copy of kampagne.toml beside it; nil when there was no configuration file.
    public var config: String?
    public var bytes: Int64
    public var seconds: Double
    /// The schema of the copy (the last migration applied).
    public var schemaVersion: String?
    /// `PRAGMA integrity_check` on the copy: always "ok" (a copy that fails is removed).
    public var integrity: String
}

/// A consistent copy of the live database through SQLite's online backup API, taken from one
/// read transaction: safe while `serve` runs and sends, and never a file copy of a WAL database.
/// The copy holds everything, the installation secret too.
public struct DatabaseBackup: Sendable {
    let reader: any DatabaseReader

    public init(store: Store) { reader = store.pool }

    init(reader: any DatabaseReader) { self.reader = reader }

    /// Writes the copy to `path` (which must not exist) and the configuration at `configPath`
    /// beside it, checks the copy, and logs its size and time.
    public func write(to given: String, configPath: String?) throws(KampagneError) -> BackupResult {
        let started = Date()
        let path = URL(fileURLWithPath: given).standardizedFileURL.path
        let fm = FileManager.default
        let folder = (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        if !folder.isEmpty, !(fm.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue) {
            throw .io("Kan ikke skrive sikkerhedskopien \(path): mappen \(folder) findes ikke")
        }
        guard !fm.fileExists(atPath: path) else {
            throw .conflict("\(path) findes allerede; vælg et andet filnavn")
        }
        let partial = path + ".partial"
        try? fm.removeItem(atPath: partial)
        // The copy holds the installation secret: readable by the owner only, from the start.
        guard fm.createFile(atPath: partial, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw .io("Kan ikke skrive \(partial)")
        }
        let schema: SchemaVersion
        do {
            let copy = try DatabaseQueue(path: partial)
            try reader.backup(to: copy)
            // A self-contained file: no -wal beside it, whatever mode the original runs in.
            try copy.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = DELETE") }
            let problems = try copy.read(DatabaseFile.integrityProblems)
            guard problems.isEmpty else {
                throw KampagneError.database("Sikkerhedskopien fejlede integritetstjekket: \(problems.prefix(3).joined(separator: "; "))")
            }
            schema = try copy.read(SchemaVersion.of)
            try copy.close()
        } catch {
            try? fm.removeItem(atPath: partial)
            throw KampagneError.wrap(error)
        }
        do {
            try fm.moveItem(atPath: partial, toPath: path)
        } catch {
            try? fm.removeItem(atPath: partial)
            throw .io("Kan ikke gemme sikkerhedskopien \(path): \(error.localizedDescription)")
        }
        var configCopy: String?
        if let configPath, fm.fileExists(atPath: configPath) {
            let target = Self.configPath(beside: path)
            do {
                try Self.copyOwnerOnly(configPath, to: target)
            } catch {
                throw .io("Databasen er kopieret til \(path), men \(configPath) kunne ikke kopieres: \(error.localizedDescription)")
            }
            configCopy = target
        }
        let bytes = (try? fm.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
        let result = BackupResult(file: path, config: configCopy, bytes: bytes, seconds: Date().timeIntervalSince(started),
                                  schemaVersion: schema.version, integrity: "ok")
        Logger(label: "kampagne.backup").info("backup written", metadata: [
            "file": "\(path)", "bytes": "\(bytes)", "seconds": "\(String(format: "%.3f", result.seconds))",
            "schema": "\(schema.version ?? "")",
        ])
        return result
    }

    /// Copies `source` over `target`, readable by the owner only (backups hold the secret).
    static func copyOwnerOnly(_ source: String, to target: String) throws {
        try? FileManager.default.removeItem(atPath: target)
        try FileManager.default.copyItem(atPath: source, toPath: target)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target)
    }

    /// `kampagne-….sqlite` → `kampagne-….toml`; any other name gets ".toml" appended.
    static func configPath(beside path: String) -> String {
        let ext = (path as NSString).pathExtension.lowercased()
        return ext == "sqlite" || ext == "db" ? (path as NSString).deletingPathExtension + ".toml" : path + ".toml"
    }
}

/// The folder of dated backups: names that sort by time, and pruning to the newest N.
public struct BackupFolder: Sendable {
    public let path: String
    /// What every file of ours in the folder starts with ("kampagne-", "kampagne-opgradering-").
    let prefix: String

    public init(path: String, prefix: String = "kampagne-") {
        self.path = path
        self.prefix = prefix
    }

    /// The folder `[backup] folder` names (beside the configuration when relative), default "backups".
    public init(config: KampagneConfig, configPath: String) {
        let name = config.backup?.folder ?? "backups"
        let folder = (configPath as NSString).deletingLastPathComponent
        self.init(path: name.hasPrefix("/") || folder.isEmpty ? name : (folder as NSString).appendingPathComponent(name))
    }

    /// Creates the folder (owner only) when missing.
    public func create() throws(KampagneError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw .io("Kan ikke oprette mappen til sikkerhedskopier \(path): \(error.localizedDescription)")
        }
    }

    /// A new file name for a backup made at `now` (UTC, to the second), with `tag` after the prefix.
    public func newFile(at now: Date, tag: String = "") -> String {
        let stamp = Self.stamp(now)
        return (path as NSString).appendingPathComponent("\(prefix)\(tag)\(stamp).sqlite")
    }

    static func stamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    /// The dated backups in the folder (prefix, then the time stamp), oldest first; upgrade
    /// backups (a tag after the prefix) are never pruned.
    public func files() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter {
            $0.hasPrefix(prefix) && $0.hasSuffix(".sqlite") && $0.dropFirst(prefix.count).first?.isNumber == true
        }.sorted()
            .map { (path as NSString).appendingPathComponent($0) }
    }

    /// Removes all but the newest `keep` backups, each with its configuration copy; returns what went.
    @discardableResult
    public func prune(keep: Int) -> [String] {
        let all = files()
        guard all.count > keep else { return [] }
        let old = all.prefix(all.count - max(keep, 1))
        for file in old {
            try? FileManager.default.removeItem(atPath: file)
            try? FileManager.default.removeItem(atPath: DatabaseBackup.configPath(beside: file))
        }
        return Array(old)
    }
}

// Optional values are written as null rather than left out, so every documented key is always there.
extension BackupResult {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(config, forKey: .config)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(schemaVersion, forKey: .schemaVersion)
        try c.encode(integrity, forKey: .integrity)
    }
}
