import Foundation

/// Where this installation's files are: the database, and the configuration beside it.
public struct Workspace: Sendable {
    public let databasePath: String
    public let configPath: String

    /// `database`: `--db`, else `KAMPAGNE_DB`, else `./kampagne.sqlite`.
    /// `config`: `--config`, else `kampagne.toml` in the database's folder.
    public init(database: String?, config: String?, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let db = database ?? environment["KAMPAGNE_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "kampagne.sqlite"
        databasePath = db
        let folder = (db as NSString).deletingLastPathComponent
        configPath = config ?? (folder.isEmpty ? "kampagne.toml" : (folder as NSString).appendingPathComponent("kampagne.toml"))
    }

    /// Opens the database and reads the configuration. Only `init` creates a database: any
    /// other command in a folder without one is refused, so a mistyped path or a wrong folder
    /// never silently starts an empty installation.
    public func open() throws(KampagneError) -> (Store, KampagneConfig) {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw .field("database", Self.missingDatabase(databasePath))
        }
        let config = try KampagneConfig.load(path: configPath)
        return (try Store(path: databasePath, upgradeBackupFolder: BackupFolder(config: config, configPath: configPath).path), config)
    }

    /// The refusal when there is no database at `path`.
    public static func missingDatabase(_ path: String) -> String {
        "Der er ingen database i \(path)."
    }

    /// What `init` did, for the user.
    public struct InitResult: Codable, Sendable {
        public var database: String
        public var config: String
        public var createdDatabase: Bool
        public var createdConfig: Bool
    }

    /// Creates the database and a commented configuration; running it again changes nothing.
    public func initialise() throws(KampagneError) -> InitResult {
        let fm = FileManager.default
        let createdDatabase = !fm.fileExists(atPath: databasePath)
        let createdConfig = !fm.fileExists(atPath: configPath)
        if createdConfig {
            guard fm.createFile(atPath: configPath, contents: Data(KampagneConfig.template.utf8)) else {
                throw .io("Kan ikke skrive \(configPath)")
            }
        }
        _ = try KampagneConfig.load(path: configPath)
        _ = try Store(path: databasePath)
        return InitResult(database: databasePath, config: configPath,
                          createdDatabase: createdDatabase, createdConfig: createdConfig)
    }
}
