import Foundation
import GRDB

/// The columns a contact table can be sorted by.
public enum ContactSort: String, Sendable, CaseIterable, Codable {
    case name, email, organisation, municipality, updated

    /// The Danish column heading.
    public var danish: String {
        switch self {
        case .name: return "Navn"
        case .email: return "E-mail"
        case .organisation: return "Organisation"
        case .municipality: return "Kommune"
        case .updated: return "Ændret"
        }
    }
}

/// One page of a filtered, sorted contact table.
public struct ContactQuery: Sendable, Equatable {
    public var filter: ContactFilter
    public var segment: String?
    public var sort: ContactSort
    public var descending: Bool
    /// 1-based.
    public var page: Int
    public var pageSize: Int

    public init(filter: ContactFilter = ContactFilter(), segment: String? = nil, sort: ContactSort = .name,
                descending: Bool = false, page: Int = 1, pageSize: Int = 50) {
        self.filter = filter
        self.segment = segment
        self.sort = sort
        self.descending = descending
        self.page = max(1, page)
        self.pageSize = min(500, max(1, pageSize))
    }
}

/// The contacts of one page and the count of all that match.
public struct ContactPage: Codable, Sendable, Equatable {
    public var contacts: [ContactView]
    public var total: Int
    public var page: Int
    public var pages: Int
}

extension ContactDirectory {
    /// One page of the contacts `query` picks: counted and read with `LIMIT`/`OFFSET` in the
    /// database, so a page costs the same at 100 contacts as at 100,000 (see docs/staff-area.md).
    /// A page past the end is the last page.
    public func page(_ query: ContactQuery) throws(KampagneError) -> ContactPage {
        try store.read { db in
            // A segment's filter and the page's are merged first and resolved once.
            let asked = try query.segment.map { try Segments.find($0, in: db).filter.merged(with: query.filter) } ?? query.filter
            let filter = try asked.resolved(in: db)
            let searching = !(filter.search ?? "").isEmpty
            // A search (a `LIKE` no index answers) reads the table once: every match's id in
            // order gives the count and the page (a count and a page were two passes: 174 ms for
            // "hansen" at 100,000 contacts, release build). Other filters count from an index
            // and read only the page.
            let matches = searching ? try filter.request().select(Column("id"), as: Int64.self)
                .order(sql: ContactListing.order(query.sort, descending: query.descending, scanning: true)).fetchAll(db) : nil
            let total = try matches?.count ?? filter.request().fetchCount(db)
            let pages = max(1, (total + query.pageSize - 1) / query.pageSize)
            let page = min(query.page, pages)
            let offset = (page - 1) * query.pageSize
            // The page's ids first, sorted on the bare columns; then only those rows with their
            // roles and lists (the subqueries would otherwise run for every row sorted).
            let ids = try matches.map { Array($0.dropFirst(offset).prefix(query.pageSize)) }
                ?? filter.request().select(Column("id"), as: Int64.self)
                    .order(sql: ContactListing.order(query.sort, descending: query.descending))
                    .limit(query.pageSize, offset: offset).fetchAll(db)
            let rows = try Row.fetchAll(db, ContactListing.annotated(Contact.filter(ids.contains(Column("id")))))
            var byId: [Int64: Row] = [:]
            for row in rows { byId[row["id"]] = row }
            let contacts = try ids.compactMap { byId[$0] }.map(ContactListing.view)
            return ContactPage(contacts: contacts, total: total, page: page, pages: pages)
        }
    }

    /// Every role some contact holds, in Danish order (the filter's choices).
    public func roleNames() throws(KampagneError) -> [String] {
        try store.read { db in
            DanishText.sorted(try String.fetchAll(db, sql: "SELECT MIN(role) FROM contactRole GROUP BY roleKey")) { [$0] }
        }
    }

    /// The contact with database id `id`.
    public func show(id: Int64) throws(KampagneError) -> ContactView {
        try store.read { db in
            guard let contact = try Contact.fetchOne(db, key: id) else {
                throw KampagneError.notFound("Kontakten findes ikke (måske er den slettet)")
            }
            return try Self.views(of: [contact], in: db)[0]
        }
    }
}
