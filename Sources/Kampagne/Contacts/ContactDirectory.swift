import Foundation
import GRDB

/// A contact as the command line and scripts see it. The JSON keys are a documented,
/// stable interface (see docs/json.md).
public struct ContactView: Codable, Sendable, Equatable {
    public var id: Int64
    public var email: String
    public var firstName: String
    public var lastName: String
    public var name: String
    public var organisation: String
    public var title: String
    public var municipality: String?
    public var region: String?
    public var phone: String
    public var roles: [String]
    public var lists: [String]
    public var attributes: [String: String]
    public var suppressed: Bool
    public var createdAt: Date
    public var updatedAt: Date
}

/// Looks contacts up, lists and exports them, and changes one contact's fields.
public struct ContactDirectory: Sendable {
    let store: Store

    public init(store: Store) { self.store = store }

    /// Contacts matching `filter`, in Danish alphabetical order (last name, first name, address).
    public func list(_ filter: ContactFilter = ContactFilter(), segment: String? = nil) throws(KampagneError) -> [ContactView] {
        var views: [ContactView] = []
        try each(filter, segment: segment) { views.append($0) }
        return views
    }

    /// Hands each contact matching `filter` to `body`, in the order of `list`, one row at a
    /// time from a database cursor: memory does not grow with the number of contacts.
    /// `attributeNames` is called once, before the first contact, when given (an export
    /// needs its columns first).
    public func each(_ filter: ContactFilter = ContactFilter(), segment: String? = nil,
                     attributeNames: (([String]) throws -> Void)? = nil,
                     _ body: (ContactView) throws -> Void) throws(KampagneError) {
        try store.read { db in
            var filter = try filter.resolved(in: db)
            if let segment {
                let saved = try Segments.find(segment, in: db)
                filter = try saved.filter.merged(with: filter).resolved(in: db)
            }
            // Each page is read once: a 2 MB cache (also the sorter's in-memory limit) instead
            // of filling 32 MB (debug build, 100,000 contacts: 91 MB peak with the full cache).
            // The export's pass for attribute names reads the whole table too: inside the
            // small cache it no longer fills the 32 MB one (78 MB peak for `contacts export
            // --excel` of 100,000 against 45 MB for `list --json`, release, session 6).
            try db.withSmallPageCache {
                if let attributeNames { try attributeNames(try ContactListing.attributeNames(filter, in: db)) }
                let rows = try Row.fetchCursor(db, ContactListing.request(filter))
                while let row = try rows.next() {
                    try body(try ContactListing.view(row))
                }
            }
        }
    }

    /// Warnings for the parts of `filter` (and `segment`'s saved filter) that match nobody,
    /// naming the nearest known values; empty when every part matches someone.
    public func warnings(_ filter: ContactFilter = ContactFilter(), segment: String? = nil) throws(KampagneError) -> [String] {
        try store.read { db in
            var filter = try filter.resolved(in: db)
            if let segment {
                filter = try Segments.find(segment, in: db).filter.merged(with: filter).resolved(in: db)
            }
            return try filter.warnings(in: db)
        }
    }

    /// One contact by address (case-insensitive).
    public func show(_ email: String) throws(KampagneError) -> ContactView {
        try store.read { db in
            let contact = try Self.find(email, in: db)
            return try Self.views(of: [contact], in: db)[0]
        }
    }

    static func find(_ email: String, in db: Database) throws -> Contact {
        let key = EmailAddress.identityKey(DanishText.singleLine(email))
        guard let contact = try Contact.filter(Contact.Columns.emailKey == key).fetchOne(db) else {
            throw KampagneError.notFound("Ingen kontakt med adressen \(email)")
        }
        return contact
    }

    static func views(of contacts: [Contact], in db: Database) throws -> [ContactView] {
        let ids = contacts.compactMap(\.id)
        let all = ids.count > 5_000
        let roleRows = try (all ? ContactRole.all() : ContactRole.filter(ids.contains(Column("contactId")))).fetchAll(db)
        let roles = Dictionary(grouping: roleRows, by: \.contactId)
        let listNames = Dictionary(uniqueKeysWithValues: try MailingList.fetchAll(db).compactMap { list in list.id.map { ($0, list.name) } })
        let membershipRows = try (all ? ListMembership.all() : ListMembership.filter(ids.contains(Column("contactId")))).fetchAll(db)
        let memberships = Dictionary(grouping: membershipRows, by: \.contactId)
        let suppressions = try SuppressionList(db: db)
        let views = contacts.map { contact -> ContactView in
            let id = contact.id ?? 0
            return ContactView(
                id: id, email: contact.email, firstName: contact.firstName, lastName: contact.lastName,
                name: contact.fullName, organisation: contact.organisation, title: contact.title,
                municipality: contact.municipality, region: contact.region?.name, phone: contact.phone,
                roles: DanishText.sorted(roles[id]?.map(\.role) ?? []) { [$0] },
                lists: DanishText.sorted(memberships[id]?.compactMap { listNames[$0.mailingListId] } ?? []) { [$0] },
                attributes: contact.attributes, suppressed: suppressions.contains(contact.email),
                createdAt: contact.createdAt, updatedAt: contact.updatedAt)
        }
        return DanishText.sorted(views) { [$0.lastName, $0.firstName, $0.email] }
    }

    /// Changes to one contact's fields; nil leaves a field as it is, "" clears it.
    public struct Changes: Sendable {
        public var email: String?
        public var firstName: String?
        public var lastName: String?
        public var organisation: String?
        public var title: String?
        public var municipality: String?
        public var phone: String?
        public var addRoles: [String] = []
        public var removeRoles: [String] = []
        public var setAttributes: [String: String] = [:]
        public var removeAttributes: [String] = []
        /// The data source the change is recorded under.
        public var source = "rettet på kommandolinjen"
        public init() {}
    }

    /// Applies `changes` to the contact with `email`, validating like an import does. Wrong
    /// values are field errors (`.fields`), all at once, keyed `email`, `firstName`, `lastName`,
    /// `organisation`, `title`, `municipality`, `phone`.
    @discardableResult
    public func update(_ email: String, _ changes: Changes) throws(KampagneError) -> ContactView {
        try store.write { db in
            var contact = try Self.find(email, in: db)
            let before = contact
            var errors: [FieldError] = []
            if let newEmail = changes.email {
                do {
                    let address = try EmailAddress(parsing: newEmail)
                    if address.key != contact.emailKey,
                       try Contact.filter(Contact.Columns.emailKey == address.key).fetchCount(db) > 0 {
                        errors.append(FieldError("email", "Der findes allerede en kontakt med adressen \(address.value)"))
                    } else {
                        contact.email = address.value
                        contact.emailKey = address.key
                    }
                } catch {
                    errors.append(FieldError("email", KampagneError.wrap(error).message))
                }
            }
            func checked(_ value: String?, _ key: String, _ name: String, limit: Int) -> String? {
                guard let value else { return nil }
                let clean = DanishText.singleLine(value)
                guard clean.count <= limit else {
                    errors.append(FieldError(key, "\(name) er for lang (\(clean.count) tegn; højst \(limit))"))
                    return nil
                }
                return clean
            }
            if let v = checked(changes.firstName, "firstName", "Fornavn", limit: InputLimits.name) { contact.firstName = v }
            if let v = checked(changes.lastName, "lastName", "Efternavn", limit: InputLimits.name) { contact.lastName = v }
            if let v = checked(changes.organisation, "organisation", "Organisation", limit: InputLimits.text) { contact.organisation = v }
            if let v = checked(changes.title, "title", "Titel", limit: InputLimits.text) { contact.title = v }
            if let v = checked(changes.phone, "phone", "Telefon", limit: InputLimits.phone) { contact.phone = v }
            if let v = changes.municipality {
                if DanishText.singleLine(v).isEmpty {
                    contact.municipality = nil
                } else if let found = Municipality.lookup(v) {
                    contact.municipality = found.name
                } else {
                    errors.append(FieldError("municipality", "Ukendt kommune: '\(v)'"
                        + EditDistance.suggestion(for: v, in: Municipality.all.map(\.name))))
                }
            }
            guard errors.isEmpty else { throw KampagneError.fields(errors) }
            func field(_ value: String?, _ name: String, limit: Int) throws -> String? {
                guard let value else { return nil }
                let clean = DanishText.singleLine(value)
                guard clean.count <= limit else {
                    throw KampagneError.invalidInput("\(name) er for lang (\(clean.count) tegn; højst \(limit))")
                }
                return clean
            }
            for (key, value) in changes.setAttributes {
                guard let k = try field(key, "Feltnavnet", limit: InputLimits.name), !k.isEmpty,
                      let v = try field(value, "Feltet \(key)", limit: InputLimits.attribute) else {
                    throw KampagneError.invalidInput("Et felt skal have et navn")
                }
                contact.attributes[k] = v
            }
            for key in changes.removeAttributes { contact.attributes[key] = nil }
            let id = contact.id ?? 0
            var changed = contact != before
            for role in changes.addRoles.map(DanishText.singleLine) where !role.isEmpty {
                try ContactRole(contactId: id, role: role).insert(db, onConflict: .ignore)
                changed = changed || db.changesCount > 0
            }
            for role in changes.removeRoles {
                changed = try ContactRole.filter(Column("contactId") == id && Column("roleKey") == ContactRole.key(role)).deleteAll(db) > 0 || changed
            }
            if changed {
                contact.updatedAt = Date()
                try contact.update(db)
                var source = DataSource(id: nil, description: changes.source, file: nil, recordedAt: contact.updatedAt)
                try source.insert(db)
                try ContactSource(contactId: id, dataSourceId: source.id ?? 0, line: nil).insert(db, onConflict: .ignore)
            }
            return try Self.views(of: [contact], in: db)[0]
        }
    }
}

