import Foundation
import GRDB

/// One row of the audit trail: who did what to which object, when, from where.
public struct AuditEntry: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "auditLog"
    public var id: Int64?
    public var at: Date
    /// An account's user name, `cli:<os user>`, or the address given with `--as`.
    public var actor: String
    /// A dotted verb, e.g. `contacts.erase`, `contact.view`, `users.add`, `login`.
    public var action: String
    /// What it was done to, as `kind:key` (`contact:anna@kommune.example`, `event:3`,
    /// `account:sara@partnerskab.example`); empty when the action has no single object.
    public var object: String
    public var summary: String
    /// The web client's address, or `cli` for the command line.
    public var client: String

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// The filters of `kampagne log` and `/admin/log`.
public struct AuditQuery: Sendable, Equatable {
    public var actor: String?
    public var object: String?
    public var from: Date?
    /// Exclusive end.
    public var to: Date?
    public var limit: Int
    public var offset: Int
    /// The order: by time (newest first) unless a column is chosen; text in Danish order.
    public var sort: AuditSort
    public var descending: Bool

    public init(actor: String? = nil, object: String? = nil, from: Date? = nil, to: Date? = nil, limit: Int = 1000, offset: Int = 0,
                sort: AuditSort = .at, descending: Bool = true) {
        self.actor = actor
        self.object = object
        self.from = from
        self.to = to
        self.limit = limit
        self.offset = offset
        self.sort = sort
        self.descending = descending
    }
}

/// A column the audit trail can be sorted by.
public enum AuditSort: String, Sendable, CaseIterable {
    case at, actor, action, object
}

/// A page of the audit trail, newest first, with the count of all matching rows.
public struct AuditPage: Codable, Sendable {
    public var total: Int
    public var entries: [AuditEntry]

    public init(total: Int, entries: [AuditEntry]) {
        self.total = total
        self.entries = entries
    }
}

/// The append-only audit trail (GDPR access requests, aktindsigt): recorded by every
/// command-line change, every staff action on the web, and every view of personal data.
public struct AuditLog: Sendable {
    let store: Store
    /// What erasure puts in place of a person's identity.
    public static let erased = "slettet"

    public init(store: Store) { self.store = store }

    /// The object key of a contact (lower-cased address).
    public static func contact(_ email: String) -> String { "contact:" + DanishText.singleLine(email).lowercased() }

    @discardableResult
    public func record(actor: String, action: String, object: String = "", summary: String = "", client: String = "cli",
                       at: Date = Date()) throws(KampagneError) -> Int64 {
        try store.write { db in try Self.record(actor: actor, action: action, object: object, summary: summary, client: client, at: at, in: db) }
    }

    /// The command runner's row, after the command has opened (and migrated) the file: one
    /// short connection and one insert, without a second pool, schema check or WAL set-up, so
    /// hundreds of commands at once do not queue twice for the file.
    public static func append(toDatabaseAt path: String, actor: String, action: String, object: String, summary: String,
                              client: String = "cli") throws(KampagneError) {
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(30)
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.write { db in _ = try record(actor: actor, action: action, object: object, summary: summary, client: client, in: db) }
        } catch {
            throw KampagneError.wrap(error)
        }
    }

    /// Writes a row inside a caller's transaction.
    @discardableResult
    public static func record(actor: String, action: String, object: String, summary: String, client: String, at: Date = Date(),
                              in db: Database) throws -> Int64 {
        var entry = AuditEntry(id: nil, at: at, actor: String(DanishText.singleLine(actor).prefix(200)), action: action,
                               object: String(DanishText.singleLine(object).prefix(300)),
                               summary: String(DanishText.singleLine(summary).prefix(500)), client: String(client.prefix(100)))
        try entry.insert(db)
        return entry.id ?? 0
    }

    public func query(_ query: AuditQuery) throws(KampagneError) -> AuditPage {
        try store.read { db in try Self.query(query, in: db) }
    }

    /// The query inside a caller's read (the web server's async `pool.read`).
    public static func query(_ query: AuditQuery, in db: Database) throws -> AuditPage {
        var request = AuditEntry.all()
        if let actor = query.actor.map(DanishText.singleLine), !actor.isEmpty {
            request = request.filter(Column("actor").collating(.nocase) == actor)
        }
        if let object = query.object.map(DanishText.singleLine), !object.isEmpty {
            // `contact:` alone (or any prefix ending in ':') matches every object of that kind.
            request = object.hasSuffix(":")
                ? request.filter(Column("object").like(object.replacingOccurrences(of: "%", with: "") + "%"))
                : request.filter(Column("object").collating(.nocase) == object)
        }
        if let from = query.from { request = request.filter(Column("at") >= from) }
        if let to = query.to { request = request.filter(Column("at") < to) }
        let total = try request.fetchCount(db)
        // Text columns in Danish order (the store's `danish` collation); time and id break ties.
        let text = Column(query.sort.rawValue).collating(.danish)
        let first: SQLOrdering = query.sort == .at ? (query.descending ? Column("at").desc : Column("at").asc)
            : (query.descending ? text.desc : text.asc)
        let entries = try request.order(first, Column("at").desc, Column("id").desc)
            .limit(max(0, query.limit), offset: max(0, query.offset)).fetchAll(db)
        return AuditPage(total: total, entries: entries)
    }

    /// Erasure: the person's identity in the log (as object, in summaries, and as actor of
    /// their own actions) becomes the erasure marker; who did what and when stays.
    static func forget(email key: String, in db: Database) throws {
        for var entry in try AuditEntry.filter(Column("object").like("%:" + key) || Column("summary").like("%\(key)%")
                                                 || Column("actor").collating(.nocase) == key).fetchAll(db) {
            if let colon = entry.object.firstIndex(of: ":"), entry.object[entry.object.index(after: colon)...].lowercased() == key {
                entry.object = String(entry.object[...colon]) + erased
            }
            entry.summary = entry.summary.replacingOccurrences(of: key, with: erased, options: .caseInsensitive)
            if entry.actor.lowercased() == key { entry.actor = erased }
            try entry.update(db)
        }
    }
}

extension AuditLog {
    /// Rows as CSV for Danish Excel (`;`, UTF-8 with BOM, formulas neutralised).
    public static func csv(_ entries: [AuditEntry]) -> Data {
        var writer = CSVWriter(excel: true)
        writer.row(["Tid", "Aktør", "Handling", "Objekt", "Resumé", "Fra"])
        for e in entries { writer.row([DanishDate.numeric(e.at) + " " + DanishDate.time(e.at), e.actor, e.action, e.object, e.summary, e.client]) }
        return writer.data
    }
}
