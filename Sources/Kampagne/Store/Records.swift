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

    /// A saved contact's `suppressed` flag follows its address (migration v17): a new contact
    /// or a changed address may be on the suppression list.
    public func aroundSave(_ db: Database, save: () throws -> PersistenceSuccess) throws {
        _ = try save()
        try SuppressionList.flag(emailKey, in: db)
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
    /// The consent evidence an import stated (migration v13); nil when none was given.
    public var consentWording: String?
    public var consentBy: String?
    public var consentToldAt: Date?
    public var consentEvidence: String?

    public init(id: Int64?, description: String, file: String?, recordedAt: Date, consent: ConsentEvidence? = nil) {
        self.id = id
        self.description = description
        self.file = file
        self.recordedAt = recordedAt
        consentWording = consent?.wording
        consentBy = consent?.by
        consentToldAt = consent?.toldAt
        consentEvidence = consent?.evidence
    }

    public var consent: ConsentEvidence? {
        guard let consentWording else { return nil }
        return ConsentEvidence(wording: consentWording, by: consentBy ?? "", toldAt: consentToldAt, evidence: consentEvidence ?? "")
    }

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

/// What people were told when their consent (or the notice of a legitimate interest) was
/// collected, by whom, when, and where the proof is kept. Recorded on an import's data source.
public struct ConsentEvidence: Codable, Sendable, Hashable {
    /// The words people saw or heard ("Ja tak, send mig nyhedsbrevet om jobpakker").
    public var wording: String
    /// Who collected it ("LBR-sekretariatet, Jens Holm").
    public var by: String
    public var toldAt: Date?
    /// Where the proof is ("tilmeldingsark fra temamødet, sag 2026-118").
    public var evidence: String

    public init(wording: String, by: String = "", toldAt: Date? = nil, evidence: String = "") {
        self.wording = wording
        self.by = by
        self.toldAt = toldAt
        self.evidence = evidence
    }

    /// Checks lengths and that the wording is given; the fields are `consentWording`,
    /// `consentBy`, `consentToldAt` and `consentEvidence`.
    public func validated() throws(KampagneError) -> ConsentEvidence {
        var errors: [FieldError] = []
        let clean = ConsentEvidence(wording: DanishText.trimmed(wording), by: DanishText.singleLine(by), toldAt: toldAt,
                                    evidence: DanishText.trimmed(evidence))
        if clean.wording.isEmpty { errors.append(FieldError("consentWording", "Skriv, hvad personerne fik at vide (ordlyden).")) }
        if clean.wording.count > InputLimits.text * 4 { errors.append(FieldError("consentWording", "Ordlyden er for lang.")) }
        if clean.by.count > InputLimits.text { errors.append(FieldError("consentBy", "Feltet er for langt.")) }
        if clean.evidence.count > InputLimits.text * 4 { errors.append(FieldError("consentEvidence", "Feltet er for langt.")) }
        if let toldAt, toldAt > Date().addingTimeInterval(86_400) {
            errors.append(FieldError("consentToldAt", "Datoen ligger i fremtiden."))
        }
        guard errors.isEmpty else { throw .fields(errors) }
        return clean
    }
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
