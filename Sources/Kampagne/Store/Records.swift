import Foundation
import GRDB

/// A person on the secretariat's lists. The address is the identity, case-insensitively.
public struct Contact: Codable, Sendable, Hashable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "contact"
    public var id: Int64?
    public var email: String
    public var emailKey: String
    public var firstName: String
    public var lastName: String
    public var organisation: String
    public var title: String
    public var municipality: String?
    public var phone: String
    /// Columns the import did not know, kept by their header name.
    public var attributes: [String: String]
    public var createdAt: Date
    public var updatedAt: Date

    public var fullName: String {
        [firstName, lastName].filter { !$0.isEmpty }.joined(separator: " ")
    }

    public var region: Region? {
        municipality.flatMap(Municipality.named)?.region
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    public enum Columns {
        static let id = Column(CodingKeys.id)
        static let email = Column(CodingKeys.email)
        static let emailKey = Column(CodingKeys.emailKey)
        static let municipality = Column(CodingKeys.municipality)
        static let organisation = Column(CodingKeys.organisation)
    }
}

/// A role a contact has ("jobcenterchef", "lbr-medlem"); matched case-insensitively.
public struct ContactRole: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "contactRole"
    public var contactId: Int64
    public var role: String
    public var roleKey: String

    init(contactId: Int64, role: String, roleKey: String? = nil) {
        self.contactId = contactId
        self.role = role
        self.roleKey = roleKey ?? ContactRole.key(role)
    }

    static func key(_ role: String) -> String { DanishText.searchKey(DanishText.singleLine(role)) }
}

/// One delivery of contact data: an imported file, or a change made on the command line.
public struct DataSource: Codable, Sendable, Hashable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "dataSource"
    public var id: Int64?
    /// In the user's words ("LBR-sekretariatet, mail 3. marts") or what the command did.
    public var description: String
    public var file: String?
    public var recordedAt: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Which data sources a contact's data came from, and on which line of the file.
public struct ContactSource: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "contactSource"
    public var contactId: Int64
    public var dataSourceId: Int64
    public var line: Int?

}

/// A named mailing list ("LBR-medlemmer", "Nyhedsbrev").
public struct MailingList: Codable, Sendable, Hashable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "mailingList"
    public var id: Int64?
    public var name: String
    public var nameKey: String
    public var description: String
    public var createdAt: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    static func key(_ name: String) -> String { DanishText.searchKey(DanishText.singleLine(name)) }
}

/// The legal basis on which a contact is on a list (GDPR art. 6).
public enum ConsentBasis: String, Codable, Sendable, CaseIterable {
    case consent
    case legitimateInterest = "legitimate-interest"

    /// Reads a command-line value: "consent" or "legitimate-interest" (Danish words accepted).
    public init(parsing text: String) throws(KampagneError) {
        switch DanishText.identifierKey(text) {
        case "consent", "samtykke": self = .consent
        case "legitimateinterest", "legitiminteresse": self = .legitimateInterest
        default: throw .invalidInput("Ukendt retsgrundlag '\(text)': brug consent eller legitimate-interest")
        }
    }

    public var danish: String {
        switch self {
        case .consent: return "samtykke"
        case .legitimateInterest: return "legitim interesse"
        }
    }
}

/// A contact's place on a list, with the consent basis and when and how it was given.
public struct ListMembership: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "listMembership"
    public var mailingListId: Int64
    public var contactId: Int64
    public var consentBasis: ConsentBasis
    public var consentAt: Date
    public var source: String

}

/// A saved, named filter evaluated each time it is used.
public struct SegmentRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "segment"
    public var id: Int64?
    public var name: String
    public var nameKey: String
    public var filter: ContactFilter
    public var createdAt: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Why an address must never be mailed again.
public enum SuppressionReason: String, Codable, Sendable {
    case unsubscribed
    case hardBounce = "hard-bounce"
    case erased
    case manual
    /// A spam complaint (ARF report) from the recipient's mailbox provider.
    case complaint

    public var danish: String {
        switch self {
        case .unsubscribed: return "afmeldt"
        case .hardBounce: return "afvist af modtagerens server"
        case .erased: return "slettet efter anmodning"
        case .manual: return "spærret manuelt"
        case .complaint: return "klagede over spam"
        }
    }
}

/// An entry on the global suppression list, keyed by a keyed hash of the address so that an
/// erased person leaves nothing readable behind.
public struct Suppression: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "suppression"
    public var emailHash: String
    public var reason: SuppressionReason
    public var source: String
    public var createdAt: Date
}

/// A key/value setting kept in the database (e.g. the installation secret).
struct Setting: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "setting"
    var key: String
    var value: String
}

extension Contact {
    /// A new contact from a sign-up, a subscription or a typed address: no title, phone or
    /// extra attributes yet.
    init(address: EmailAddress, firstName: String = "", lastName: String = "", organisation: String = "",
         municipality: String? = nil, at now: Date = Date()) {
        self.init(id: nil, email: address.value, emailKey: address.key, firstName: firstName, lastName: lastName,
                  organisation: organisation, title: "", municipality: municipality, phone: "", attributes: [:],
                  createdAt: now, updatedAt: now)
    }

    /// "Anne Marie Jensen" → ("Anne Marie", "Jensen"): the last word is the surname.
    static func nameParts(_ name: String) -> (first: String, last: String) {
        let clean = DanishText.singleLine(name)
        guard let space = clean.lastIndex(of: " ") else { return (clean, "") }
        return (String(clean[..<space]), String(clean[clean.index(after: space)...]))
    }
}
