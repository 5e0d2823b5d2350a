import Foundation
import GRDB

/// Which contacts to pick: each field narrows the selection; values within a field are
/// alternatives. Saved as a segment, it is evaluated again every time it is used.
public struct ContactFilter: Codable, Sendable, Hashable {
    public var roles: [String] = []
    public var municipalities: [String] = []
    public var regions: [String] = []
    public var organisations: [String] = []
    public var lists: [String] = []
    public var search: String?
    /// Only contacts on a list with this legal basis (absent in segments saved before it existed).
    public var consent: ConsentBasis?
    /// Only contacts on the suppression list (true) or only those not on it (false): the
    /// stored `contact.suppressed` flag (migration v17).
    public var suppressed: Bool?

    enum CodingKeys: String, CodingKey {
        case roles, municipalities, regions, organisations, lists, search, consent, suppressed
    }

    public init(roles: [String] = [], municipalities: [String] = [], regions: [String] = [],
                organisations: [String] = [], lists: [String] = [], search: String? = nil,
                consent: ConsentBasis? = nil, suppressed: Bool? = nil) {
        self.roles = roles
        self.municipalities = municipalities
        self.regions = regions
        self.organisations = organisations
        self.lists = lists
        self.search = search
        self.consent = consent
        self.suppressed = suppressed
    }

    public var isEmpty: Bool {
        roles.isEmpty && municipalities.isEmpty && regions.isEmpty && organisations.isEmpty
            && lists.isEmpty && (search ?? "").isEmpty && consent == nil && suppressed == nil
    }

    /// A Danish one-line description, e.g. "rolle: jobcenterchef; region: Region Syddanmark".
    public var summary: String {
        var parts: [String] = []
        if !roles.isEmpty { parts.append("rolle: " + roles.joined(separator: " eller ")) }
        if !municipalities.isEmpty { parts.append("kommune: " + municipalities.joined(separator: " eller ")) }
        if !regions.isEmpty { parts.append("region: " + regions.joined(separator: " eller ")) }
        if !organisations.isEmpty { parts.append("organisation: " + organisations.joined(separator: " eller ")) }
        if !lists.isEmpty { parts.append("liste: " + lists.joined(separator: " eller ")) }
        if let search, !search.isEmpty { parts.append("søgning: \(search)") }
        if let consent { parts.append("retsgrundlag: \(consent.danish)") }
        if let suppressed { parts.append(suppressed ? "kun spærrede" : "ikke spærrede") }
        return parts.isEmpty ? "alle kontakter" : parts.joined(separator: "; ")
    }

    /// Checks names against the reference data and the database, and returns the filter in
    /// canonical form ("Århus" becomes "Aarhus"); unknown values are errors, not empty results.
    public func resolved(in db: Database) throws -> ContactFilter {
        var copy = self
        copy.municipalities = try municipalities.map { (name: String) throws(KampagneError) -> String in
            guard let found = Municipality.lookup(name) else {
                throw .invalidInput("Ukendt kommune: '\(name)'" + EditDistance.suggestion(for: name, in: Municipality.all.map(\.name)))
            }
            return found.name
        }
        copy.regions = try regions.map { (name: String) throws(KampagneError) -> String in
            guard let found = Region.lookup(name) else {
                throw .invalidInput("Ukendt region: '\(name)' (vælg mellem \(Region.allCases.map(\.name).joined(separator: ", ")))")
            }
            return found.name
        }
        for list in lists where try MailingList.filter(Column("nameKey") == MailingList.key(list)).fetchOne(db) == nil {
            let names = try MailingList.fetchAll(db).map(\.name)
            throw KampagneError.notFound("Listen '\(list)' findes ikke" + EditDistance.suggestion(for: list, in: names))
        }
        return copy
    }

    /// The query for the contacts this filter picks.
    func request() -> QueryInterfaceRequest<Contact> {
        var request = Contact.all()
        if !roles.isEmpty {
            let keys = roles.map(ContactRole.key)
            let holders = ContactRole.filter(keys.contains(Column("roleKey"))).select(Column("contactId"))
            request = request.filter(holders.contains(Column("id")))
        }
        var municipalityNames = municipalities.compactMap { Municipality.lookup($0)?.name }
        for region in regions.compactMap(Region.lookup) {
            municipalityNames += Municipality.names(in: region)
        }
        if !municipalities.isEmpty || !regions.isEmpty {
            // `municipalityKey` is the name's Danish sort key (migration v17), indexed: the
            // filter is an index range; a municipality's key is its name's and no other's.
            let keys = Set(municipalityNames).map { DanishText.sortKey([$0]) }
            request = request.filter(keys.contains(Column("municipalityKey")))
        }
        if !organisations.isEmpty {
            let keys = organisations.map(DanishText.searchKey)
            request = request.filter(keys.contains(Contact.Columns.organisation.fold))
        }
        if !lists.isEmpty {
            let keys = lists.map(MailingList.key)
            let listIds = MailingList.filter(keys.contains(Column("nameKey"))).select(Column("id"))
            let members = ListMembership.filter(listIds.contains(Column("mailingListId"))).select(Column("contactId"))
            request = request.filter(members.contains(Column("id")))
        }
        if let search, !search.isEmpty {
            let pattern = "%" + DanishText.searchKey(search) + "%"
            // `searchText` is the folded name, address, organisation and title (migration v13).
            request = request.filter(Column("searchText").like(pattern))
        }
        if let consent {
            let members = ListMembership.filter(Column("consentBasis") == consent.rawValue).select(Column("contactId"))
            request = request.filter(members.contains(Column("id")))
        }
        if let suppressed {
            // Written as the partial index `contact_suppressed` states it, so the planner uses it;
            // the unsuppressed are all but those few, so counting and paging them read only
            // indexes (`id` is in each), never the table.
            request = request.filter(sql: suppressed ? "suppressed = 1" : "id NOT IN (SELECT id FROM contact WHERE suppressed = 1)")
        }
        return request
    }
}

extension SQLSpecificExpressible {
    /// `fold(expr)`: the registered case- and accent-insensitive key.
    var fold: SQLExpression { DatabaseFunction.fold(self) }
}

extension ContactFilter {
    /// Both filters at once: a contact must satisfy this one and `other`.
    func merged(with other: ContactFilter) -> ContactFilter {
        ContactFilter(roles: roles + other.roles, municipalities: municipalities + other.municipalities,
                      regions: regions + other.regions, organisations: organisations + other.organisations,
                      lists: lists + other.lists,
                      search: [search, other.search].compactMap { $0 }.first { !$0.isEmpty },
                      consent: other.consent ?? consent, suppressed: other.suppressed ?? suppressed)
    }
}
