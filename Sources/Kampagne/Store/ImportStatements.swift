import Foundation
import GRDB

/// The import's hot path: the handful of writes made once per row, as cached prepared
/// statements bound through SQLite's C API. GRDB's record persistence and argument boxing
/// cost more than SQLite itself at 100,000 rows, so these stay here, in one place in the
/// store, and everything else uses the records.
struct ImportStatements {
    private let insertContact: Statement
    private let updateContact: Statement
    private let insertRole: Statement
    private let insertMembership: Statement
    private let insertSource: Statement
    private let db: Database

    init(_ db: Database) throws {
        self.db = db
        insertContact = try db.cachedStatement(sql: """
            INSERT INTO contact (email, emailKey, firstName, lastName, organisation, title, municipality, phone, attributes, createdAt, updatedAt,
                                 sortKey, searchText, organisationKey, municipalityKey, suppressed)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        updateContact = try db.cachedStatement(sql: """
            UPDATE contact SET email = ?, firstName = ?, lastName = ?, organisation = ?, title = ?, municipality = ?,
            phone = ?, attributes = ?, updatedAt = ? WHERE id = ?
            """)
        insertRole = try db.cachedStatement(sql: "INSERT OR IGNORE INTO contactRole (contactId, role, roleKey) VALUES (?, ?, ?)")
        insertMembership = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO listMembership (mailingListId, contactId, consentBasis, consentAt, source) VALUES (?, ?, ?, ?, ?)
            """)
        insertSource = try db.cachedStatement(sql: "INSERT OR IGNORE INTO contactSource (contactId, dataSourceId, line) VALUES (?, ?, ?)")
    }

    /// Inserts `contact` and sets its id. The sort and search keys and the suppression flag
    /// are written with the row (`ContactKeys`), so the insert trigger has nothing to do
    /// (migration v17): one statement per new contact instead of three.
    func insert(_ contact: inout Contact, suppressed: Bool) throws {
        let keys = ContactKeys(contact)
        try insertContact.executeBound([
            .text(contact.email), .text(contact.emailKey), .text(contact.firstName), .text(contact.lastName),
            .text(contact.organisation), .text(contact.title), .optionalText(contact.municipality),
            .text(contact.phone), .text(try Contact.attributesJSON(contact.attributes)),
            .text(StoredDate.text(contact.createdAt)), .text(StoredDate.text(contact.updatedAt)),
            .text(keys.sortKey), .text(keys.searchText), .text(keys.organisationKey), .text(keys.municipalityKey),
            .integer(suppressed ? 1 : 0),
        ])
        contact.id = db.lastInsertedRowID
    }

    func update(_ contact: Contact) throws {
        try updateContact.executeBound([
            .text(contact.email), .text(contact.firstName), .text(contact.lastName), .text(contact.organisation),
            .text(contact.title), .optionalText(contact.municipality), .text(contact.phone),
            .text(try Contact.attributesJSON(contact.attributes)), .text(StoredDate.text(contact.updatedAt)),
            .integer(contact.id ?? 0),
        ])
    }

    /// Returns true when the role was new for the contact.
    func addRole(contactId: Int64, role: String, key: String) throws -> Bool {
        try insertRole.executeBound([.integer(contactId), .text(role), .text(key)])
        return db.changesCount > 0
    }

    /// Returns true when the contact was not on the list before.
    func addMembership(listId: Int64, contactId: Int64, basis: String, at date: String, source: String) throws -> Bool {
        try insertMembership.executeBound([.integer(listId), .integer(contactId), .text(basis), .text(date), .text(source)])
        return db.changesCount > 0
    }

    func addSource(contactId: Int64, dataSourceId: Int64, line: Int) throws {
        try insertSource.executeBound([.integer(contactId), .integer(dataSourceId), .integer(Int64(line))])
    }

}
