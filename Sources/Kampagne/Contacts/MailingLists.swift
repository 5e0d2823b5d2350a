import Foundation
import GRDB

/// A list as the command line shows it.
public struct MailingListView: Codable, Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var description: String
    public var members: Int
    public var createdAt: Date
}

/// Creates, lists and deletes mailing lists, and puts contacts on and off them.
public struct MailingLists: Sendable {
    let store: Store

    public init(store: Store) { self.store = store }

    /// Creates a list and returns its id; a list with the same name (any case) is a conflict.
    public func create(_ name: String, description: String = "") throws(KampagneError) -> Int64 {
        let clean = DanishText.singleLine(name)
        guard !clean.isEmpty else { throw .invalidInput("Listen skal have et navn") }
        guard clean.count <= InputLimits.name else { throw .invalidInput("Listenavnet er for langt (højst \(InputLimits.name) tegn)") }
        return try store.write { db in
            if try MailingList.filter(Column("nameKey") == MailingList.key(clean)).fetchCount(db) > 0 {
                throw KampagneError.conflict("Listen '\(clean)' findes allerede")
            }
            var list = MailingList(id: nil, name: clean, nameKey: MailingList.key(clean),
                                   description: DanishText.singleLine(description), createdAt: Date())
            try list.insert(db)
            return list.id ?? 0
        }
    }

    public func all() throws(KampagneError) -> [MailingListView] {
        try store.read { db in
            let counts = try ListMembership
                .select(Column("mailingListId"), count(Column("contactId")))
                .group(Column("mailingListId"))
                .asRequest(of: Row.self).fetchAll(db)
            let byList = Dictionary(uniqueKeysWithValues: counts.map { (Int64.fromDatabaseValue($0[0]) ?? 0, Int.fromDatabaseValue($0[1]) ?? 0) })
            let views = try MailingList.fetchAll(db).map { list in
                MailingListView(id: list.id ?? 0, name: list.name, description: list.description,
                                members: byList[list.id ?? 0] ?? 0, createdAt: list.createdAt)
            }
            return DanishText.sorted(views) { [$0.name] }
        }
    }

    /// The list with `name`, and its members in Danish order.
    public func show(_ name: String) throws(KampagneError) -> (list: MailingListView, members: [ContactView]) {
        try store.read { db in
            let list = try Self.find(name, in: db)
            let members = try ContactFilter(lists: [list.name]).request().fetchAll(db)
            let view = MailingListView(id: list.id ?? 0, name: list.name, description: list.description,
                                       members: members.count, createdAt: list.createdAt)
            return (view, try ContactDirectory.views(of: members, in: db))
        }
    }

    /// Deletes a list (its memberships, never the contacts). A list with members needs `force`.
    public func delete(_ name: String, force: Bool) throws(KampagneError) -> Int {
        try store.write { db in
            let list = try Self.find(name, in: db)
            let members = try ListMembership.filter(Column("mailingListId") == list.id).fetchCount(db)
            if members > 0 && !force {
                throw KampagneError.unconfirmed("Listen '\(list.name)' har \(members) medlemmer; slettes den alligevel, bevares kontakterne")
            }
            _ = try list.delete(db)
            return members
        }
    }

    /// Gives a list a new name; another list with that name (any case) is a conflict.
    public func rename(_ name: String, to newName: String) throws(KampagneError) {
        let clean = DanishText.singleLine(newName)
        guard !clean.isEmpty else { throw .field("name", "Listen skal have et navn") }
        guard clean.count <= InputLimits.name else { throw .field("name", "Listenavnet er for langt (højst \(InputLimits.name) tegn)") }
        try store.write { db in
            var list = try Self.find(name, in: db)
            let key = MailingList.key(clean)
            if key != list.nameKey, try MailingList.filter(Column("nameKey") == key).fetchCount(db) > 0 {
                throw KampagneError.field("name", "Listen '\(clean)' findes allerede")
            }
            list.name = clean
            list.nameKey = key
            try list.update(db)
        }
    }

    /// Puts contacts on a list; returns how many were not on it already.
    public func add(_ emails: [String], to name: String, consent: ConsentBasis, source: String) throws(KampagneError) -> Int {
        try store.write { db in
            let list = try Self.find(name, in: db)
            var added = 0
            for email in emails {
                let contact = try ContactDirectory.find(email, in: db)
                try ListMembership(mailingListId: list.id ?? 0, contactId: contact.id ?? 0, consentBasis: consent,
                                   consentAt: Date(), source: source).insert(db, onConflict: .ignore)
                added += db.changesCount
            }
            return added
        }
    }

    /// Takes contacts off a list; returns how many were on it.
    public func remove(_ emails: [String], from name: String) throws(KampagneError) -> Int {
        try store.write { db in
            let list = try Self.find(name, in: db)
            var removed = 0
            for email in emails {
                let contact = try ContactDirectory.find(email, in: db)
                removed += try ListMembership
                    .filter(Column("mailingListId") == list.id && Column("contactId") == contact.id)
                    .deleteAll(db)
            }
            return removed
        }
    }

    static func find(_ name: String, in db: Database) throws -> MailingList {
        guard let list = try MailingList.filter(Column("nameKey") == MailingList.key(name)).fetchOne(db) else {
            let names = try MailingList.fetchAll(db).map(\.name)
            throw KampagneError.notFound("Listen '\(name)' findes ikke" + (names.isEmpty ? "" : " (lister: \(names.joined(separator: ", ")))"))
        }
        return list
    }
}

/// A saved segment as the command line shows it.
public struct SegmentView: Codable, Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var filter: ContactFilter
    public var description: String
    public var members: Int
}

/// Named filters ("jobcenterchefer i Region Syddanmark"), evaluated every time they are used.
public struct Segments: Sendable {
    let store: Store

    public init(store: Store) { self.store = store }

    public func create(_ name: String, filter: ContactFilter) throws(KampagneError) -> Int64 {
        let clean = DanishText.singleLine(name)
        guard !clean.isEmpty else { throw .invalidInput("Segmentet skal have et navn") }
        guard !filter.isEmpty else {
            throw .choice("segment-filter", "Et segment skal have mindst ét filter, fx en rolle eller en region", among: ["role", "region"])
        }
        return try store.write { db in
            let resolved = try filter.resolved(in: db)
            if try SegmentRecord.filter(Column("nameKey") == MailingList.key(clean)).fetchCount(db) > 0 {
                throw KampagneError.conflict("Segmentet '\(clean)' findes allerede")
            }
            var record = SegmentRecord(id: nil, name: clean, nameKey: MailingList.key(clean), filter: resolved, createdAt: Date())
            try record.insert(db)
            return record.id ?? 0
        }
    }

    public func all() throws(KampagneError) -> [SegmentView] {
        try store.read { db in
            let views = try SegmentRecord.fetchAll(db).map { segment in
                SegmentView(id: segment.id ?? 0, name: segment.name, filter: segment.filter,
                            description: segment.filter.summary,
                            members: try ((try? segment.filter.resolved(in: db)) ?? segment.filter).request().fetchCount(db))
            }
            return DanishText.sorted(views) { [$0.name] }
        }
    }

    public func delete(_ name: String) throws(KampagneError) {
        try store.write { db in _ = try Self.find(name, in: db).delete(db) }
    }

    /// Gives a segment a new filter and, when `newName` is given, a new name.
    public func update(_ name: String, filter: ContactFilter, newName: String? = nil) throws(KampagneError) {
        guard !filter.isEmpty else { throw .invalidInput("Et segment skal have mindst ét filter") }
        try store.write { db in
            var segment = try Self.find(name, in: db)
            segment.filter = try filter.resolved(in: db)
            if let newName {
                let clean = DanishText.singleLine(newName)
                guard !clean.isEmpty else { throw KampagneError.field("name", "Segmentet skal have et navn") }
                let key = MailingList.key(clean)
                if key != segment.nameKey, try SegmentRecord.filter(Column("nameKey") == key).fetchCount(db) > 0 {
                    throw KampagneError.field("name", "Segmentet '\(clean)' findes allerede")
                }
                segment.name = clean
                segment.nameKey = key
            }
            try segment.update(db)
        }
    }

    /// How many contacts `filter` picks right now (a segment being built).
    public func count(_ filter: ContactFilter) throws(KampagneError) -> Int {
        try store.read { db in try filter.resolved(in: db).request().fetchCount(db) }
    }

    static func find(_ name: String, in db: Database) throws -> SegmentRecord {
        guard let segment = try SegmentRecord.filter(Column("nameKey") == MailingList.key(name)).fetchOne(db) else {
            let names = try SegmentRecord.fetchAll(db).map(\.name)
            throw KampagneError.notFound("Segmentet '\(name)' findes ikke" + EditDistance.suggestion(for: name, in: names))
        }
        return segment
    }
}
