import Foundation
import GRDB

/// The binary's release and the schema it knows, against the schema a database file holds.
/// The schema version is the identifier of the last migration applied (e.g. "v6-activity").
public struct SchemaVersion: Codable, Sendable, Equatable {
    /// Where a database stands against this binary.
    public enum Status: String, Codable, Sendable {
        /// No Kampagne tables yet: a new file.
        case empty
        /// Every migration this binary knows is applied, and nothing else.
        case current
        /// Migrations this binary knows are still to run.
        case older
        /// The file was migrated by a newer binary: this one must not open it.
        case newer
    }

    /// The last migration applied to the file, nil for a new one.
    public var version: String?
    /// Every identifier in the file's migration table, in this binary's order, unknown ones last.
    public var applied: [String]
    /// Identifiers in the file that this binary does not know.
    public var unknown: [String]
    public var status: Status

    /// The migrations this binary knows, in order.
    public static var known: [String] { Migrations.migrator.migrations }
    /// The newest schema this binary knows.
    public static var knownVersion: String { known.last ?? "" }

    /// Reads where `db` stands; reads only.
    public static func of(_ db: Database) throws -> SchemaVersion {
        let migrator = Migrations.migrator
        let identifiers = try migrator.appliedIdentifiers(db)
        let registered = migrator.migrations
        let unknown = identifiers.subtracting(registered).sorted()
        let applied = registered.filter(identifiers.contains) + unknown
        let status: Status
        if identifiers.isEmpty { status = .empty }
        else if !unknown.isEmpty { status = .newer }
        else if applied.count < registered.count { status = .older }
        else { status = .current }
        return SchemaVersion(version: unknown.last ?? registered.last(where: identifiers.contains),
                             applied: applied, unknown: unknown, status: status)
    }

    /// The Danish refusal for a file made by a newer Kampagne.
    static func newerRefusal(path: String, unknown: [String]) -> KampagneError {
        .database("""
            Databasen \(path) er lavet af en nyere version af Kampagne (skema \(unknown.joined(separator: ", "))); \
            denne version (\(KampagneVersion.binary), skema \(knownVersion)) kan ikke bruge den uden at risikere data. \
            Installér den nyere version igen, eller gendan en sikkerhedskopi fra før opgraderingen.
            """)
    }
}

/// The release of this binary.
public enum KampagneVersion {
    public static let binary = "0.1.0"
}

extension SchemaVersion {
    /// The schema of the file at `path`, read without migrating or writing; nil when there is no file.
    public static func ofFile(_ path: String) throws(KampagneError) -> SchemaVersion? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read(SchemaVersion.of)
        } catch {
            throw .database("Kan ikke læse skemaet i \(path): \(KampagneError.wrap(error).message)")
        }
    }
}

// The version is written as null for a new file rather than left out.
extension SchemaVersion {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(applied, forKey: .applied)
        try c.encode(unknown, forKey: .unknown)
        try c.encode(status, forKey: .status)
    }
}
