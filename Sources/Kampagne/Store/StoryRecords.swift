import Foundation
import GRDB

/// Where a good story stands on its way from idea to print.
public enum StoryStatus: String, Codable, Sendable, CaseIterable, DanishNamed {
    case idea
    case draft
    case inReview = "in-review"
    case approved
    case published
    case withdrawn

    public var danish: String {
        switch self {
        case .idea: return "idé"
        case .draft: return "kladde"
        case .inReview: return "til gennemsyn"
        case .approved: return "godkendt"
        case .published: return "offentliggjort"
        case .withdrawn: return "trukket tilbage"
        }
    }

    /// Reads the English key or the Danish word ("kladde", "godkendt", …).
    public init(parsing text: String) throws(KampagneError) {
        guard let value = Self.named(text) else {
            throw .invalidInput("Ukendt status '\(text)': brug idé, kladde, til gennemsyn, godkendt, offentliggjort eller trukket tilbage")
        }
        self = value
    }
}

/// Where a story may appear: consent is given per channel.
public enum StoryChannel: String, Codable, Sendable, CaseIterable, DanishNamed {
    case newsletter
    case press
    case web

    public var danish: String {
        switch self {
        case .newsletter: return "nyhedsbrev"
        case .press: return "presse"
        case .web: return "web"
        }
    }

    /// Where, in a sentence: "i nyhedsbrevet", "i pressen", "på nettet".
    public var place: String {
        switch self {
        case .newsletter: return "i nyhedsbrevet"
        case .press: return "i pressen"
        case .web: return "på nettet"
        }
    }

    public init(parsing text: String) throws(KampagneError) {
        guard let value = Self.named(text) else {
            throw .invalidInput("Ukendt kanal '\(text)': brug newsletter, press eller web (nyhedsbrev, presse, web)")
        }
        self = value
    }
}

/// What a consent lets a story show of a person.
public enum ConsentCover: String, Codable, Sendable, CaseIterable, DanishNamed {
    case name
    case photo
    case quotes
    case employer

    public var danish: String {
        switch self {
        case .name: return "navn"
        case .photo: return "foto"
        case .quotes: return "citater"
        case .employer: return "arbejdsgiver"
        }
    }

    /// What the consent allows, in a sentence: "til at vise navnet".
    public var phrase: String {
        switch self {
        case .name: return "til at vise navnet"
        case .photo: return "til fotoet"
        case .quotes: return "til at blive citeret"
        case .employer: return "til at arbejdsgiveren nævnes"
        }
    }

    public init(parsing text: String) throws(KampagneError) {
        guard let value = Self.named(text) else {
            throw .invalidInput("Ukendt samtykke-omfang '\(text)': brug name, photo, quotes, employer (navn, foto, citater, arbejdsgiver)")
        }
        self = value
    }
}

/// A good story (case): the latest version's headline and tags are copied here for lists
/// and the report; the text itself lives in its versions.
public struct Story: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "story"
    public var id: Int64?
    public var status: StoryStatus
    public var headline: String
    public var industry: String
    public var jobPackage: String
    public var municipality: String
    public var company: String
    public var currentVersion: Int
    /// The version a reviewer or the advisor approved; publishing needs it to be the current one.
    public var approvedVersion: Int?
    /// Why the story was withdrawn, or other context for its status.
    public var statusNote: String?
    public var createdAt: Date
    public var updatedAt: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public enum Columns {
        static let id = Column(CodingKeys.id)
        static let createdAt = Column(CodingKeys.createdAt)
        static let status = Column(CodingKeys.status)
        static let industry = Column(CodingKeys.industry)
        static let municipality = Column(CodingKeys.municipality)
    }
}

/// One saved text of a story: every save is a new version, nothing is overwritten.
public struct StoryVersion: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "storyVersion"
    public var id: Int64?
    public var storyId: Int64
    public var number: Int
    /// The Markdown file with front matter, exactly as saved.
    public var source: String
    /// How the version came about ("importeret fra …", "redigeret").
    public var note: String
    public var savedAt: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One person's consent to being shown in one story, on some channels, until withdrawn or expired.
public struct StoryConsent: Codable, Sendable, Equatable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "storyConsent"
    public var id: Int64?
    public var storyId: Int64
    /// The person's name as the case names them.
    public var person: String
    public var personKey: String
    public var channels: [StoryChannel]
    public var covers: [ConsentCover]
    public var givenAt: Date
    /// How it was given ("underskrevet blanket", "mail 3. marts").
    public var how: String
    public var expiresAt: Date?
    public var withdrawnAt: Date?
    public var withdrawnNote: String?
    public var recordedAt: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// In force at `date`: given, not withdrawn, not expired.
    public func isValid(at date: Date) -> Bool {
        givenAt <= date && withdrawnAt.map { $0 <= date } != true && expiresAt.map { $0 <= date } != true
    }
}

/// What a reviewer has said about the version they were asked about.
public enum ReviewDecision: String, Codable, Sendable {
    case approved
    case commented
}

/// A request to a municipality's or company's contact to read and approve one version.
public struct StoryReview: Codable, Sendable, Equatable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "storyReview"
    public var id: Int64?
    public var storyId: Int64
    public var version: Int
    public var email: String
    public var emailKey: String
    public var name: String
    public var requestedAt: Date
    /// Set once the reviewer has answered.
    public var decision: ReviewDecision?
    public var decidedAt: Date?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// The kinds of entry in a story's log. `approved` is the story's own approval (the last
/// reviewer's, or the advisor's), once per approval, which is what the report counts;
/// `reviewApproved` is one reviewer's.
public enum StoryAction: String, Codable, Sendable {
    case created
    case saved
    case status
    case reviewRequested = "review-requested"
    case commented
    case reviewApproved = "review-approved"
    case approved
    case consentGiven = "consent-given"
    case consentWithdrawn = "consent-withdrawn"
    case published
    case withdrawn

    public var danish: String {
        switch self {
        case .created: return "oprettet"
        case .saved: return "gemt"
        case .status: return "status"
        case .reviewRequested: return "sendt til gennemsyn"
        case .commented: return "kommentar"
        case .reviewApproved: return "godkendt af gennemlæser"
        case .approved: return "godkendt"
        case .consentGiven: return "samtykke givet"
        case .consentWithdrawn: return "samtykke trukket tilbage"
        case .published: return "brugt"
        case .withdrawn: return "trukket tilbage"
        }
    }
}

/// What happened to a story, by whom and when: saves, review requests, comments, approvals,
/// consents, publishing and withdrawal.
public struct StoryLogEntry: Codable, Sendable, Equatable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "storyLog"
    public var id: Int64?
    public var storyId: Int64
    public var version: Int?
    public var action: StoryAction
    /// Who: the advisor ("kommunikationsrådgiver"), a reviewer's address, "telefon: …".
    public var actor: String
    public var text: String
    public var at: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public enum Columns {
        static let action = Column(CodingKeys.action)
        static let at = Column(CodingKeys.at)
    }
}

/// One place a story was used: a press release, a newsletter article (with its edition), a web text.
public struct StoryUsage: Codable, Sendable, Equatable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "storyUsage"
    public var id: Int64?
    public var storyId: Int64
    public var version: Int
    public var channel: StoryChannel
    public var form: StoryForm
    /// The file written or the edition that includes it.
    public var target: String
    public var usedAt: Date
    /// Set when a consent the use relied on was withdrawn afterwards.
    public var flaggedAt: Date?
    public var flagNote: String?
    /// The edition that includes the story, which must not be sent once the use is flagged.
    public var editionId: Int64? = nil

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public enum Columns {
        static let id = Column(CodingKeys.id)
        static let usedAt = Column(CodingKeys.usedAt)
        static let editionId = Column(CodingKeys.editionId)
    }

    /// Uses that have happened: every press release and article written, and an edition's
    /// inclusion once the edition has been sent (a newsletter campaign exists for it). An
    /// edition that was made but never sent has published nothing.
    static func made() -> QueryInterfaceRequest<StoryUsage> {
        StoryUsage.filter(sql: "editionId IS NULL OR editionId IN (SELECT editionId FROM campaign WHERE kind = ?)",
                          arguments: [CampaignKind.newsletter.rawValue])
    }
}
