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
