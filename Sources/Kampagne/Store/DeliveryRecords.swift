import Foundation
import GRDB

/// A newsletter edition as stored: its Markdown source, so it renders the same later.
public struct EditionRecord: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "edition"
    public var id: Int64?
    public var subject: String
    public var number: String
    public var file: String
    public var source: String
    public var createdAt: Date
    /// The edition as written, with its `@historie N` lines (nil for editions stored before v14).
    public var draft: String? = nil

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public enum Columns {
        static let id = Column(CodingKeys.id)
    }
}

/// What a campaign sends.
public enum CampaignKind: String, Codable, Sendable {
    case newsletter
    case test
    /// Invitations to a meeting, each with a personal sign-up link.
    case invitation
    /// A meeting's confirmations, waiting-list notices, offers, reminders, changes and cancellations.
    case eventNotice = "event-notice"
    /// Double opt-in mails for newsletter subscriptions.
    case confirmation
    /// Requests to review a good story, each with a personal link to the reviewer page.
    case storyReview = "story-review"
}

/// One sending of something to an audience: its outbox rows are the recipients.
public struct Campaign: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "campaign"
    public var id: Int64?
    public var kind: CampaignKind
    public var editionId: Int64?
    /// The meeting, for invitations and meeting notices.
    public var eventId: Int64?
    public var name: String
    /// The audience as asked for (lists, segments, addresses), for the record.
    public var audience: Audience
    /// Addresses left out because they are on the suppression list.
    public var suppressed: Int
    /// Addresses that were on several of the lists, sent to once.
    public var duplicates: Int
    public var createdAt: Date
    /// Set while the send is paused: the dispatcher claims none of its rows.
    public var pausedAt: Date? = nil
    /// When a scheduled send was asked to start (its rows are due from then).
    public var scheduledAt: Date? = nil
    /// Set when a send that had not started was cancelled (v19): its unsent rows are removed.
    public var cancelledAt: Date? = nil
    public var cancelledBy: String? = nil

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public enum Columns {
        static let id = Column(CodingKeys.id)
        static let kind = Column(CodingKeys.kind)
        static let createdAt = Column(CodingKeys.createdAt)
    }
}

/// Whom a campaign is for.
public struct Audience: Codable, Sendable, Equatable {
    public var lists: [String] = []
    public var segments: [String] = []
    /// Explicit addresses (test sends).
    public var addresses: [String] = []
    /// Everyone with one of these roles (meeting invitations); absent in older campaigns.
    public var roles: [String]?

    public init(lists: [String] = [], segments: [String] = [], addresses: [String] = [], roles: [String] = []) {
        self.lists = lists
        self.segments = segments
        self.addresses = addresses
        self.roles = roles.isEmpty ? nil : roles
    }

    public var summary: String {
        var parts: [String] = []
        if !lists.isEmpty { parts.append("lister: " + lists.joined(separator: ", ")) }
        if !segments.isEmpty { parts.append("segmenter: " + segments.joined(separator: ", ")) }
        if let roles, !roles.isEmpty { parts.append("roller: " + roles.joined(separator: ", ")) }
        if !addresses.isEmpty { parts.append("adresser: " + addresses.joined(separator: ", ")) }
        return parts.joined(separator: "; ")
    }
}

/// Where one message is on its way.
public enum OutboxState: String, Codable, Sendable, CaseIterable {
    /// Waiting to be sent.
    case queued
    /// Handed to a connection; if the process dies now, it may or may not have arrived.
    case sending
    /// Accepted by the server.
    case sent
    /// Refused for now (4xx or no connection); tried again at `nextAttemptAt`.
    case deferred
    /// Refused for good (5xx) or given up after the retry period.
    case failed

    public var danish: String {
        switch self {
        case .queued: return "i kø"
        case .sending: return "sendes"
        case .sent: return "sendt"
        case .deferred: return "udskudt"
        case .failed: return "fejlet"
        }
    }
}

/// One message to one recipient: the unit the dispatcher claims, sends and records.
public struct OutboxRow: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "outbox"
    public var id: Int64?
    public var campaignId: Int64
    public var contactId: Int64?
    public var email: String
    public var emailKey: String
    /// Personalisation as it was when the campaign was queued.
    public var recipient: RecipientSnapshot
    public var state: OutboxState
    public var attempts: Int
    public var lastReply: String?
    public var lastAttemptAt: Date?
    public var nextAttemptAt: Date
    public var sentAt: Date?
    public var messageID: String
    public var createdAt: Date
    /// Tells apart several notices to one person in one campaign ("confirmation:12:0"); empty
    /// for newsletters, where the address alone is unique.
    public var noticeKey: String
    /// A meeting message's content, frozen at queueing; nil for an edition.
    public var notice: QueuedNotice?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public init(id: Int64?, campaignId: Int64, contactId: Int64?, email: String, emailKey: String,
                recipient: RecipientSnapshot, state: OutboxState, attempts: Int, lastReply: String? = nil,
                lastAttemptAt: Date? = nil, nextAttemptAt: Date, sentAt: Date? = nil, messageID: String, createdAt: Date,
                noticeKey: String = "", notice: QueuedNotice? = nil) {
        self.id = id
        self.campaignId = campaignId
        self.contactId = contactId
        self.email = email
        self.emailKey = emailKey
        self.recipient = recipient
        self.state = state
        self.attempts = attempts
        self.lastReply = lastReply
        self.lastAttemptAt = lastAttemptAt
        self.nextAttemptAt = nextAttemptAt
        self.sentAt = sentAt
        self.messageID = messageID
        self.createdAt = createdAt
        self.noticeKey = noticeKey
        self.notice = notice
    }

    /// Decoded by hand: the dispatcher reads one row per message.
    public init(row: Row) throws {
        id = row["id"]
        campaignId = row["campaignId"]
        contactId = row["contactId"]
        email = row["email"]
        emailKey = row["emailKey"]
        recipient = try RecipientSnapshot(row: row)
        let stateText: String = row["state"]
        guard let state = OutboxState(rawValue: stateText) else {
            throw KampagneError.database("Ukendt tilstand '\(stateText)' i udbakken")
        }
        self.state = state
        attempts = row["attempts"]
        lastReply = row["lastReply"]
        lastAttemptAt = row["lastAttemptAt"]
        nextAttemptAt = row["nextAttemptAt"]
        sentAt = row["sentAt"]
        messageID = row["messageID"]
        createdAt = row["createdAt"]
        noticeKey = row["noticeKey"] ?? ""
        if let noticeJSON: String = row["notice"] {
            notice = try OutboxRow.databaseJSONDecoder(for: "notice").decode(QueuedNotice.self, from: Data(noticeJSON.utf8))
        } else {
            notice = nil
        }
    }

    public enum Columns {
        static let state = Column(CodingKeys.state)
        static let nextAttemptAt = Column(CodingKeys.nextAttemptAt)
        static let campaignId = Column(CodingKeys.campaignId)
        static let id = Column(CodingKeys.id)
        static let emailKey = Column(CodingKeys.emailKey)
        static let recipient = Column(CodingKeys.recipient)
        /// The snapshot's municipality, from its column (v12) or, in older rows, its JSON.
        static var recipientMunicipality: SQL { SQL(sql: "COALESCE(recipientMunicipality, json_extract(recipient, '$.municipality'))") }
    }
}

/// The recipient fields a message uses, frozen at queueing time.
public struct RecipientSnapshot: Codable, Sendable, Equatable {
    public var firstName: String
    public var lastName: String
    public var organisation: String
    public var municipality: String
    /// The list (or segment) through which this recipient gets the campaign: its List-Id and
    /// footer name it. Nil in rows queued before this was recorded.
    public var list: String?

    public init(firstName: String, lastName: String, organisation: String, municipality: String, list: String? = nil) {
        self.firstName = firstName
        self.lastName = lastName
        self.organisation = organisation
        self.municipality = municipality
        self.list = list
    }
}

extension RecipientSnapshot {
    /// The snapshot of an outbox row: from the v12 columns when the row has them, else from
    /// the `recipient` JSON of a row queued before v12 (or of a notice written as a record).
    /// The columns save a `JSONDecoder` per message on the send path (bench/RESULTS.md,
    /// "Send path, 2026-12-02"); `RecipientSnapshotColumnsTests` checks both kinds of row.
    init(row: Row) throws {
        if let firstName: String = row["recipientFirstName"] {
            self.init(firstName: firstName, lastName: row["recipientLastName"] ?? "",
                      organisation: row["recipientOrganisation"] ?? "", municipality: row["recipientMunicipality"] ?? "",
                      list: row["recipientList"])
            return
        }
        let json: String = row["recipient"]
        self = try JSONDecoder().decode(RecipientSnapshot.self, from: Data(json.utf8))
    }
}
