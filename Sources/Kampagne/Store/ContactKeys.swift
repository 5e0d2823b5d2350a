import Foundation
import GRDB

/// The derived columns of a contact that the table sorts and searches on (migrations v13 and
/// v17), computed in Swift with the very functions the SQL functions `danishSortKey` and
/// `fold` call, so a key the import writes is byte for byte the key a trigger would write.
struct ContactKeys: Equatable, Sendable {
    /// `danishSortKey(lastName, firstName, email)`.
    var sortKey: String
    /// `fold(firstName || ' ' || lastName || ' ' || email || ' ' || organisation || ' ' || title)`.
    var searchText: String
    /// `danishSortKey(organisation)`.
    var organisationKey: String
    /// `danishSortKey(coalesce(municipality, ''))`.
    var municipalityKey: String

    init(_ contact: Contact) {
        sortKey = DanishText.sortKey([contact.lastName, contact.firstName, contact.email])
        searchText = DanishText.searchKey(
            [contact.firstName, contact.lastName, contact.email, contact.organisation, contact.title].joined(separator: " "))
        organisationKey = DanishText.sortKey([contact.organisation])
        municipalityKey = DanishText.sortKey([contact.municipality ?? ""])
    }

    /// The keys stored for contact `id`, as the triggers or the import wrote them.
    static func stored(id: Int64, in db: Database) throws -> ContactKeys? {
        try Row.fetchOne(db, sql: "SELECT sortKey, searchText, organisationKey, municipalityKey FROM contact WHERE id = ?",
                         arguments: [id]).map {
            ContactKeys(sortKey: $0["sortKey"], searchText: $0["searchText"],
                        organisationKey: $0["organisationKey"], municipalityKey: $0["municipalityKey"])
        }
    }

    init(sortKey: String, searchText: String, organisationKey: String, municipalityKey: String) {
        self.sortKey = sortKey
        self.searchText = searchText
        self.organisationKey = organisationKey
        self.municipalityKey = municipalityKey
    }
}
