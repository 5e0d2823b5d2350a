import Foundation

/// What a column of a contact file holds.
enum ContactColumn: Equatable, Sendable {
    case email, fullName, firstName, lastName, organisation, title, municipality, phone, roles
    /// Derived from other columns (e.g. "Region" from the municipality): read and ignored.
    case derived
    /// Anything else, kept on the contact under this name.
    case attribute(String)

    var danishName: String {
        switch self {
        case .email: return "e-mail"
        case .fullName: return "navn"
        case .firstName: return "fornavn"
        case .lastName: return "efternavn"
        case .organisation: return "organisation"
        case .title: return "titel"
        case .municipality: return "kommune"
        case .phone: return "telefon"
        case .roles: return "roller"
        case .derived: return "afledt"
        case .attribute(let name): return name
        }
    }

    /// The key a mapping names the column by (`contacts import --map HEADER=KEY`, the upload
    /// page's choices): `email`, `navn`, `fornavn`, `efternavn`, `organisation`, `titel`,
    /// `kommune`, `telefon`, `roller`, `felt` (an extra field), `ignorer` (not read).
    var key: String {
        switch self {
        case .derived: return "ignorer"
        case .attribute: return "felt"
        default: return danishName == "e-mail" ? "email" : danishName
        }
    }

    static let keys = ["email", "navn", "fornavn", "efternavn", "organisation", "titel", "kommune", "telefon", "roller", "felt", "ignorer"]

    /// The column a mapping key names, for the header `header`; nil for an unknown key.
    init?(key: String, header: String) {
        switch DanishText.identifierKey(key) {
        case "email", "e-mail", "mail": self = .email
        case "navn", "name": self = .fullName
        case "fornavn", "firstname": self = .firstName
        case "efternavn", "lastname": self = .lastName
        case "organisation", "organization": self = .organisation
        case "titel", "title": self = .title
        case "kommune", "municipality": self = .municipality
        case "telefon", "phone": self = .phone
        case "roller", "roles": self = .roles
        case "felt", "attribute", "field": self = .attribute(header)
        case "ignorer", "ignore", "skip": self = .derived
        default: return nil
        }
    }
}

/// How one column of a file was read: its header and the contact field it fills.
public struct ImportColumn: Codable, Sendable, Equatable {
    public var header: String
    /// The mapping key (`email`, `fornavn`, …, `felt`, `ignorer`).
    public var field: String
    /// In Danish, for people.
    public var fieldName: String
}

/// Maps a file's headers, in Danish or English and whatever their case and accents, to
/// contact fields. The first column that maps to a field wins; the rest become attributes.
struct HeaderMap: Sendable {
    let headers: [String]
    let columns: [ContactColumn]

    private static let aliases: [String: ContactColumn] = {
        var map: [String: ContactColumn] = [:]
        func add(_ column: ContactColumn, _ names: [String]) {
            for name in names { map[DanishText.identifierKey(name)] = column }
        }
        add(.email, ["E-mail", "Email", "Mail", "E-mailadresse", "Emailadresse", "Mailadresse", "E-post",
                     "Email address", "E-mail address", "Emails"])
        add(.fullName, ["Navn", "Name", "Fulde navn", "Full name", "Kontaktperson", "Contact person", "Kontakt", "Deltager"])
        add(.firstName, ["Fornavn", "First name", "Firstname", "Given name", "Fornavne"])
        add(.lastName, ["Efternavn", "Last name", "Lastname", "Surname", "Family name"])
        add(.organisation, ["Organisation", "Organization", "Virksomhed", "Arbejdsplads", "Company", "Firma",
                            "Jobcenter", "Institution", "Arbejdsgiver", "Employer", "Forvaltning"])
        add(.municipality, ["Kommune", "Municipality", "Kommunenavn"])
        add(.title, ["Rolle", "Funktion", "Titel", "Role", "Title", "Stilling", "Job title", "Stillingsbetegnelse"])
        add(.phone, ["Telefon", "Tlf", "Tlf.", "Telefonnummer", "Phone", "Mobil", "Mobile", "Telephone", "Mobilnummer"])
        add(.roles, ["Roller", "Roles"])
        add(.derived, ["Region"])
        return map
    }()

    /// `overrides` maps a header (as written, any case) to a mapping key and wins over the
    /// recognised names; an unknown key or header is an error naming both.
    init(headers raw: [String], overrides: [String: String], file: String) throws(KampagneError) {
        let plain = HeaderMap(headers: raw)
        var columns = plain.columns
        for (header, key) in overrides {
            guard let index = plain.headers.firstIndex(where: { $0.lowercased() == DanishText.singleLine(header).lowercased() }) else {
                throw .invalidInput("\(file): kolonnen '\(header)' findes ikke (fandt: \(plain.headers.joined(separator: ", ")))")
            }
            guard let column = ContactColumn(key: key, header: plain.headers[index]) else {
                throw .invalidInput("\(file): ukendt felt '\(key)' for kolonnen '\(header)' (brug \(ContactColumn.keys.joined(separator: ", ")))")
            }
            columns[index] = column
        }
        // A field chosen twice: the first column keeps it, the others become extra fields.
        for index in columns.indices where columns[index] != .derived {
            if case .attribute = columns[index] { continue }
            if columns[..<index].contains(columns[index]) { columns[index] = .attribute(plain.headers[index]) }
        }
        headers = plain.headers
        self.columns = columns
    }

    var described: [ImportColumn] {
        zip(headers, columns).map { ImportColumn(header: $0, field: $1.key, fieldName: $1 == .derived ? "ignoreres" : ($1.key == "felt" ? "ekstra felt" : $1.danishName)) }
    }

    init(headers raw: [String]) {
        var seen: Set<String> = []
        var headers: [String] = []
        var columns: [ContactColumn] = []
        for (index, header) in raw.enumerated() {
            var name = DanishText.singleLine(header)
            if name.isEmpty { name = "Kolonne \(index + 1)" }
            var unique = name
            var n = 2
            while seen.contains(unique.lowercased()) { unique = "\(name) (\(n))"; n += 1 }
            seen.insert(unique.lowercased())
            headers.append(unique)
            var column = HeaderMap.aliases[DanishText.identifierKey(name)] ?? .attribute(unique)
            if column != .derived, columns.contains(column) { column = .attribute(unique) }
            columns.append(column)
        }
        self.headers = headers
        self.columns = columns
    }

    var hasEmail: Bool { columns.contains(.email) }
}
