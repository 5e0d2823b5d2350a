import Foundation
import GRDB

/// A database file looked at before it is trusted: is it SQLite, whole, intact, and of a
/// schema this binary knows? Opened read-only; nothing is written to it.
public struct DatabaseFile: Sendable {
    /// What a file holds, as shown before a restore replaces the live database with it.
    public struct Summary: Codable, Sendable, Equatable {
        public var file: String
        public var bytes: Int64
        public var schema: SchemaVersion
        public var contacts: Int
        public var editions: Int
        public var meetings: Int
        public var registrations: Int
        /// The newest time stamp in the file (a contact changed, a message sent, a sign-up…).
        public var lastChange: Date?
    }

    public let path: String

    public init(path: String) { self.path = path }

    static let header = Array("SQLite format 3\u{0}".utf8)

    /// Checks the file and reads its summary; throws a Danish refusal naming what is wrong.
    public func inspect() throws(KampagneError) -> Summary {
        let fm = FileManager.default
        guard fm.fileExists(atPath: path) else { throw .notFound("Filen \(path) findes ikke") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .io("Kan ikke læse \(path)") }
        let head = (try? handle.read(upToCount: 100)) ?? Data()
        try? handle.close()
        let bytes = (try? fm.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
        guard head.count == 100, Array(head.prefix(16)) == Self.header else {
            throw .invalidInput("\(path) er ikke en SQLite-database (forkert filhoved)")
        }
        // The header's page size and page count (valid when the change counter matches the
        // version-valid-for number) say how long the file must be: a shorter one is cut off.
        func u32(_ offset: Int) -> UInt32 { head[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) } }
        let rawPageSize = Int64(UInt16(head[16]) << 8 | UInt16(head[17]))
        let pageSize = rawPageSize == 1 ? 65_536 : rawPageSize
        if u32(24) == u32(92), u32(28) > 0, bytes < Int64(u32(28)) * pageSize {
            throw .invalidInput("\(path) er afkortet: filen er \(bytes) byte, men databasen fylder \(Int64(u32(28)) * pageSize) byte. Brug en hel sikkerhedskopi.")
        }
        if bytes % max(pageSize, 512) != 0 {
            throw .invalidInput("\(path) er afkortet eller beskadiget: størrelsen (\(bytes) byte) passer ikke med sidestørrelsen \(pageSize)")
        }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db throws -> Summary in
                let problems = try Self.integrityProblems(db)
                guard problems.isEmpty else {
                    throw KampagneError.invalidInput("\(path) er beskadiget (integrity_check: \(problems.prefix(3).joined(separator: "; ")))")
                }
                let schema = try SchemaVersion.of(db)
                guard schema.status != .empty else {
                    throw KampagneError.invalidInput("\(path) er en SQLite-fil, men ikke en Kampagne-database")
                }
                return Summary(file: path, bytes: bytes, schema: schema,
                               contacts: try Self.count("contact", db), editions: try Self.count("edition", db),
                               meetings: try Self.count("event", db), registrations: try Self.count("registration", db),
                               lastChange: try Self.lastChange(db))
            }
        } catch {
            if let error = error as? KampagneError { throw error }
            if let error = error as? DatabaseError {
                throw .invalidInput("\(path) kan ikke læses som database: \(error.message ?? error.description)")
            }
            throw KampagneError.wrap(error)
        }
    }

    /// `PRAGMA integrity_check`: the problems it names, none for an intact file.
    ///
    /// SQLite 3.40.1 (Debian 12's) reports "NULL value in T.C" for every row of a WITHOUT
    /// ROWID table's NOT NULL column that is not part of the key, NULL or not (contactRole.role,
    /// listMembership.consentBasis…). Such a line is kept only when the column really holds a
    /// NULL; every other finding is kept as it is.
    static func integrityProblems(_ db: Database) throws -> [String] {
        var problems: [String] = []
        for line in try String.fetchAll(db, sql: "PRAGMA integrity_check") where line != "ok" {
            if let (table, column) = nullValueFinding(line), try db.tableExists(table),
               try db.columns(in: table).contains(where: { $0.name == column }),
               // typeof(): `C IS NULL` on a NOT NULL column is folded to false by the planner.
               try Table(table).filter(literal: "typeof(\(Column(column))) = 'null'").fetchCount(db) == 0 {
                continue
            }
            problems.append(line)
        }
        return problems
    }

    /// "NULL value in contactRole.role" → ("contactRole", "role").
    private static func nullValueFinding(_ line: String) -> (String, String)? {
        let prefix = "NULL value in "
        guard line.hasPrefix(prefix) else { return nil }
        let parts = line.dropFirst(prefix.count).split(separator: ".")
        guard parts.count == 2 else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    private static func count(_ table: String, _ db: Database) throws -> Int {
        guard try db.tableExists(table) else { return 0 }
        return try Table(table).fetchCount(db)
    }

    /// Time stamps that move whenever people or mail change; those a schema lacks are skipped.
    private static let changeColumns: [(table: String, column: String)] = [
        ("contact", "updatedAt"), ("outbox", "lastAttemptAt"), ("outbox", "createdAt"), ("registration", "updatedAt"),
        ("event", "updatedAt"), ("eventLog", "at"), ("subscription", "requestedAt"), ("story", "updatedAt"),
        ("edition", "createdAt"), ("listMembership", "consentAt"),
    ]

    private static func lastChange(_ db: Database) throws -> Date? {
        var newest: Date?
        for (table, column) in changeColumns where try db.tableExists(table) {
            guard try db.columns(in: table).contains(where: { $0.name == column }) else { continue }
            let value = try Date.fetchOne(db, Table(table).select(max(Column(column))))
            if let value, value > (newest ?? .distantPast) { newest = value }
        }
        return newest
    }
}
