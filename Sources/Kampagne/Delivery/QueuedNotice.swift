import Foundation
import GRDB
import MailTemplates

/// A message that is not an edition, as the outbox stores it: a meeting notice (frozen, plus
/// what its personal links are made from), a newsletter subscription to confirm, or a good
/// story to review.
public struct QueuedNotice: Codable, Sendable, Equatable {
    public var notice: MeetingNotice?
    public var eventPublicId: String
    public var registrationId: Int64?
    /// The subscription whose double opt-in link this message carries.
    public var subscriptionId: Int64?
    /// The list the subscription is for.
    public var listName: String?
    /// The story review request whose personal link this message carries.
    public var storyReviewId: Int64?
    /// The story's headline and the advisor's note, frozen when the request was queued.
    public var storyHeadline: String?
    public var reviewNote: String?
    /// A reviewer's answer, told to the advisor.
    public var storyAnswer: StoryAnswer?

    public init(notice: MeetingNotice, eventPublicId: String, registrationId: Int64?) {
        self.notice = notice
        self.eventPublicId = eventPublicId
        self.registrationId = registrationId
    }

    public init(subscriptionId: Int64, listName: String) {
        self.notice = nil
        self.eventPublicId = ""
        self.subscriptionId = subscriptionId
        self.listName = listName
    }

    public init(storyReviewId: Int64, headline: String, note: String) {
        self.notice = nil
        self.eventPublicId = ""
        self.storyReviewId = storyReviewId
        self.storyHeadline = headline
        self.reviewNote = note
    }

    public init(storyAnswer: StoryAnswer) {
        self.notice = nil
        self.eventPublicId = ""
        self.storyAnswer = storyAnswer
    }

    /// Answers something the person asked for: sent even to an address on the suppression
    /// list (which only stops mailings nobody asked for).
    var isTransactional: Bool { notice.map { $0.kind != .invitation } ?? true }
}

/// A reviewer's comment or approval, frozen for the mail that tells the advisor.
public struct StoryAnswer: Codable, Sendable, Equatable {
    public var storyId: Int64
    public var version: Int
    public var headline: String
    public var reviewer: String
    public var approved: Bool
    public var comment: String
    /// Everyone asked has approved: the story is now approved.
    public var storyApproved: Bool
}

/// Puts one message that is not an edition into the outbox, inside the caller's transaction,
/// at most once per (campaign, address, key): a retried command never sends twice.
struct NoticeQueue {
    /// Message-IDs are made at this domain (the sender's).
    let senderDomain: String

    /// The campaign that holds one kind of notice for one meeting (`eventId`) or, without a
    /// meeting, for one purpose (`name`), made on first use.
    static func campaign(_ kind: CampaignKind, name: String, eventId: Int64? = nil, at now: Date = Date(),
                         in db: Database) throws -> Int64 {
        let request = Campaign.select(Column("id")).filter(Column("kind") == kind.rawValue)
        let found = try eventId.map { try SignUpStatements.campaign(kind: kind.rawValue, eventId: $0, in: db) }
            ?? Int64.fetchOne(db, request.filter(Column("name") == name))
        if let found { return found }
        var campaign = Campaign(id: nil, kind: kind, editionId: nil, eventId: eventId, name: name, audience: Audience(),
                                suppressed: 0, duplicates: 0, createdAt: now)
        try campaign.insert(db)
        return campaign.id ?? 0
    }

    /// Inserts the row unless its key is already there; true when it was new.
    func insert(_ queued: QueuedNotice, campaignId: Int64, contact: Contact, key: String, in db: Database) throws -> Bool {
        let now = Date()
        var row = OutboxRow(id: nil, campaignId: campaignId, contactId: contact.id, email: contact.email,
                            emailKey: contact.emailKey,
                            recipient: RecipientSnapshot(firstName: contact.firstName, lastName: contact.lastName,
                                                         organisation: contact.organisation,
                                                         municipality: contact.municipality ?? ""),
                            state: .queued, attempts: 0, nextAttemptAt: now,
                            messageID: "\(UUID().uuidString.lowercased()).\(campaignId)@\(senderDomain)",
                            createdAt: now, noticeKey: key, notice: queued)
        try row.insert(db, onConflict: .ignore)
        return db.changesCount > 0
    }
}
