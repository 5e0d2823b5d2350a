import Foundation

/// What a staff account may do. A person may hold several roles.
public enum StaffRole: String, Codable, Sendable, CaseIterable, Comparable, DanishNamed {
    /// Accounts and settings; sees everything.
    case admin
    /// Contacts, lists, newsletters, the report.
    case secretariat
    /// Meetings, sign-ups, the door.
    case organiser
    /// Good stories, consent, reviews.
    case advisor

    public var danish: String {
        switch self {
        case .admin: return "administrator"
        case .secretariat: return "sekretariat"
        case .organiser: return "arrangør"
        case .advisor: return "kommunikation"
        }
    }

    /// The role `text` names: the English key, the Danish word, or one of the other Danish
    /// names people use (`arrangoer`, `rådgiver`, `kommunikationsrådgiver`).
    public static func parse(_ text: String) throws(KampagneError) -> StaffRole {
        if let role = named(text) { return role }
        switch DanishText.identifierKey(text) {
        case DanishText.identifierKey("arrangoer"): return .organiser
        case DanishText.identifierKey("rådgiver"), DanishText.identifierKey("kommunikationsrådgiver"): return .advisor
        default:
            throw .invalidInput("Ukendt rolle '\(text)'. Vælg en af: admin, sekretariat, arrangør, kommunikation")
        }
    }

    public static func < (lhs: StaffRole, rhs: StaffRole) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}

/// The sections of the staff area and which roles may open them (docs/staff-area.md).
public enum StaffSection: String, Sendable, CaseIterable {
    case start, contacts, newsletters, meetings, stories, report, log, users

    /// The path under `/admin`.
    public var path: String {
        switch self {
        case .start: return "/admin"
        case .contacts: return "/admin/kontakter"
        case .newsletters: return "/admin/nyhedsbreve"
        case .meetings: return "/admin/moeder"
        case .stories: return "/admin/historier"
        case .report: return "/admin/rapport"
        case .log: return "/admin/log"
        case .users: return "/admin/brugere"
        }
    }

    public var title: String {
        switch self {
        case .start: return "Forside"
        case .contacts: return "Kontakter"
        case .newsletters: return "Nyhedsbreve"
        case .meetings: return "Møder"
        case .stories: return "Gode historier"
        case .report: return "Rapport"
        case .log: return "Log"
        case .users: return "Brugere"
        }
    }

    /// The roles that may open the section (read or write).
    public var roles: Set<StaffRole> {
        switch self {
        case .start, .log: return Set(StaffRole.allCases)
        case .contacts, .newsletters: return [.admin, .secretariat]
        case .meetings: return [.admin, .secretariat, .organiser]
        case .stories: return [.admin, .secretariat, .advisor]
        case .report: return Set(StaffRole.allCases)
        case .users: return [.admin]
        }
    }

    /// The roles that may change things in the section; the others only read.
    public var writers: Set<StaffRole> {
        switch self {
        case .meetings: return [.admin, .organiser]
        case .stories: return [.admin, .advisor]
        case .report: return [.admin, .secretariat]
        default: return roles
        }
    }

    public func isOpen(to roles: Set<StaffRole>) -> Bool { !self.roles.isDisjoint(with: roles) }
    public func isWritable(by roles: Set<StaffRole>) -> Bool { !writers.isDisjoint(with: roles) }
}
