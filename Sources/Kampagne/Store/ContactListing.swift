import Foundation
import GRDB

/// The query behind `contacts list` and `contacts export`: the filtered contacts in Danish
/// order (the `danish` collation), each row with its roles and list names, read through a
/// cursor so that no array of all contacts is ever built (100,000 contacts: 450 MB before,
/// see bench/RESULTS.md, "Streaming list and export").
enum ContactListing {
    /// Roles and list names are joined with U+001F, which `DanishText.singleLine` never lets
    /// into a role or a list name.
    static let separator: Character = "\u{1F}"

    static func request(_ filter: ContactFilter, sort: ContactSort = .name, descending: Bool = false) -> QueryInterfaceRequest<Contact> {
        annotated(filter.request()).order(sql: order(sort, descending: descending))
    }

    /// The ORDER BY of a contact table sorted by `sort` (Danish order for text).
    /// With `scanning`, the first key is written `+key`, which keeps SQLite from walking that
    /// key's index in order: for a search (a `LIKE` no index answers) a walk in order looks up
    /// every row of the table at random before it finds a page of matches (495 ms at 100,000
    /// contacts for a term that matches none, release build); one pass over the table and a sort
    /// of the matches takes 67 ms (bench/RESULTS.md, session 6).
    static func order(_ sort: ContactSort, descending: Bool, scanning: Bool = false) -> String {
        let keys = keys(sort, descending: descending)
        return scanning ? "+" + keys : keys
    }

    private static func keys(_ sort: ContactSort, descending: Bool) -> String {
        let direction = descending ? " DESC" : ""
        switch sort {
        // `sortKey` is last name, first name and address in Danish order (migration v13), indexed.
        case .name: return "sortKey\(direction), id\(direction)"
        case .email: return "emailKey\(direction), id"
        // Their Danish sort keys, then the name's (migration v17), each pair indexed. Descending
        // turns the whole order, as for the name: an index walked backwards.
        case .organisation: return "organisationKey\(direction), sortKey\(direction), id\(direction)"
        case .municipality: return "municipalityKey\(direction), sortKey\(direction), id\(direction)"
        case .updated: return "updatedAt\(direction), id\(direction)"
        }
    }

    /// `request` with each row's roles and list names.
    static func annotated(_ request: QueryInterfaceRequest<Contact>) -> QueryInterfaceRequest<Contact> {
        request.annotated(with: [
            SQL(sql: "(SELECT group_concat(role, char(31)) FROM contactRole WHERE contactId = contact.id)").forKey("roleNames"),
            SQL(sql: """
                (SELECT group_concat(mailingList.name, char(31)) FROM listMembership
                 JOIN mailingList ON mailingList.id = listMembership.mailingListId
                 WHERE listMembership.contactId = contact.id)
                """).forKey("listNames"),
        ])
    }

    /// A row of `request` as a contact view.
    static func view(_ row: Row) throws -> ContactView {
        let contact = try Contact(row: row)
        return ContactView(
            id: contact.id ?? 0, email: contact.email, firstName: contact.firstName, lastName: contact.lastName,
            name: contact.fullName, organisation: contact.organisation, title: contact.title,
            municipality: contact.municipality, region: contact.region?.name, phone: contact.phone,
            roles: names(row, "roleNames"), lists: names(row, "listNames"),
            attributes: contact.attributes, suppressed: row["suppressed"],
            createdAt: contact.createdAt, updatedAt: contact.updatedAt)
    }

    /// The attribute names used by any contact `filter` picks, in Danish order.
    static func attributeNames(_ filter: ContactFilter, in db: Database) throws -> [String] {
        var names = Set<String>()
        let rows = try String.fetchCursor(db, filter.request()
            .filter(sql: "attributes <> '{}'").select(Column("attributes")))
        let decoder = JSONDecoder()
        while let json = try rows.next() {
            names.formUnion(try decoder.decode([String: String].self, from: Data(json.utf8)).keys)
        }
        return DanishText.sorted(Array(names)) { [$0] }
    }

    static func names(_ row: Row, _ column: String) -> [String] {
        guard let joined: String = row[column] else { return [] }
        return DanishText.sorted(joined.split(separator: separator, omittingEmptySubsequences: false).map(String.init)) { [$0] }
    }
}
