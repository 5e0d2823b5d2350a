import Foundation
import GRDB

/// The kinds of activity the secretariat enters by hand, because Kampagne cannot see them.
public enum ActivityKind: String, Codable, Sendable, CaseIterable {
    /// Leaflets handed out; `count` is how many.
    case leaflet
    /// An article in the press; `count` is optional (e.g. how many papers carried it).
    case pressArticle = "press-article"
    /// A talk at someone else's conference; `count` is the audience.
    case talk
    /// A network meeting not run through Kampagne; `count` is the participants.
    case networkMeeting = "network-meeting"
    /// An update of the website; `count` is optional (pages).
    case website

    /// The Danish name, plural as a report's row heading uses it.
    public var danish: String {
        switch self {
        case .leaflet: return "Pjecer uddelt"
        case .pressArticle: return "Presseartikler"
        case .talk: return "Oplæg på konferencer"
        case .networkMeeting: return "Netværksmøder"
        case .website: return "Hjemmesideopdateringer"
        }
    }

    /// The Danish word for one activity of this kind.
    public var singular: String {
        switch self {
        case .leaflet: return "pjece"
        case .pressArticle: return "presseartikel"
        case .talk: return "oplæg"
        case .networkMeeting: return "netværksmøde"
        case .website: return "hjemmesideopdatering"
        }
    }

    /// "Pjece", "Oplæg": for a column that names one activity.
    public var singularName: String { singular.prefix(1).uppercased() + singular.dropFirst() }

    /// What `count` counts, in Danish.
    public var countMeaning: String {
        switch self {
        case .leaflet: return "uddelt"
        case .pressArticle: return "medier"
        case .talk: return "tilhørere"
        case .networkMeeting: return "deltagere"
        case .website: return "sider"
        }
    }

    /// Reads the English key or a Danish word: "pjece", "presseartikel", "oplæg", "foredrag",
    /// "netværksmøde", "hjemmeside".
    public init(parsing text: String) throws(KampagneError) {
        let key = DanishText.identifierKey(text)
        let words: [ActivityKind: [String]] = [
            .leaflet: ["leaflet", "leaflets", "pjece", "pjecer", "folder"],
            .pressArticle: ["pressarticle", "press", "presseartikel", "presseartikler", "artikel", "presse"],
            .talk: ["talk", "talks", "oplaeg", "oplæg", "foredrag", "indlaeg", "indlæg"],
            .networkMeeting: ["networkmeeting", "netvaerksmode", "netværksmøde", "netvaerksmoder", "netværksmøder"],
            .website: ["website", "web", "hjemmeside", "hjemmesiden", "hjemmesideopdatering"],
        ]
        for kind in ActivityKind.allCases where (words[kind] ?? []).map(DanishText.identifierKey).contains(key) {
            self = kind
            return
        }
        let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
        throw .field("kind", "ukendt aktivitet '\(DanishText.singleLine(shown))': brug leaflet, press-article, talk, network-meeting eller website (pjece, presseartikel, oplæg, netværksmøde, hjemmeside)")
    }
}

/// One hand-entered activity: a day, a title, an optional count and partner.
public struct Activity: Codable, Sendable, Identifiable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "activity"
    public var id: Int64?
    public var kind: ActivityKind
    /// "yyyy-MM-dd" in Copenhagen.
    public var day: String
    public var title: String
    /// How many (leaflets, listeners, participants); nil when not counted.
    public var count: Int?
    /// `Partner.key`, or nil for the partnership as a whole.
    public var partner: String?
    public var note: String
    public var createdAt: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public enum Columns {
        static let id = Column(CodingKeys.id)
        static let kind = Column(CodingKeys.kind)
        static let day = Column(CodingKeys.day)
        static let title = Column(CodingKeys.title)
        static let partner = Column(CodingKeys.partner)
    }
}

/// A list membership that ended (removed, list deleted, contact erased, consent renewed), kept
/// by the `listMembership_ended` and `listMembership_renewed` triggers since schema v6.
struct ListMembershipEnded: Codable, Sendable, FetchableRecord, TableRecord {
    static let databaseTableName = "listMembershipEnded"
    var id: Int64
    var mailingListId: Int64
    var contactId: Int64
    var joinedAt: Date
    var endedAt: Date
}

/// A suppression that was lifted or replaced, kept by the `suppression_lifted` and
/// `suppression_replaced` triggers since schema v6. Holds only the address's keyed hash.
struct SuppressionEnded: Codable, Sendable, FetchableRecord, TableRecord {
    static let databaseTableName = "suppressionEnded"
    var id: Int64
    var emailHash: String
    var reason: SuppressionReason
    var since: Date
    var endedAt: Date
}
