import Foundation
import GRDB

/// A review request as the command that sent it reports it.
public struct ReviewRequest: Codable, Sendable, Equatable {
    public var reviewId: Int64
    public var email: String
    /// False when the same person was already asked about this version: nothing new was queued.
    public var queued: Bool
}

/// What the reviewer page shows: the version the reviewer was asked about, and what they said.
public struct ReviewPage: Sendable {
    public var review: StoryReview
    public var story: Story
    public var draft: StoryDraft
    /// The reviewer's own comments and decisions so far, oldest first.
    public var history: [StoryLogEntry]
    /// False when the story has been changed since the request: the page shows the version asked
    /// about, and an approval of it does not approve the newer text.
    public var isCurrent: Bool
}

/// Review and approval by the people a story is about: requests by mail through the outbox,
/// each with a personal link to a read-only page where the reviewer approves or comments.
public struct StoryReviews: Sendable {
    let store: Store
    let senderDomain: String
    /// Who hears about reviewers' answers (the secretariat's reply-to or sender address); nil for nobody.
    let advisor: String?

    public init(store: Store, senderDomain: String, advisor: String? = nil) {
        self.store = store
        self.senderDomain = senderDomain
        self.advisor = advisor
    }

    /// Asks each address to review the current version; the story goes to review, and an
    /// earlier approval no longer lets it be published until the answers are in. Asking someone
    /// who has not yet answered about the same version again queues nothing new.
    public func request(_ id: Int64, to addresses: [String], note: String = "", now: Date = Date()) throws(KampagneError) -> [ReviewRequest] {
        guard !addresses.isEmpty else { throw .field("to", "Angiv mindst én adresse") }
        // "Jens Kragh <jens@…>" keeps the name for the greeting and the review record.
        let parsed = try addresses.map { (text: String) throws(KampagneError) -> (address: EmailAddress, name: String) in
            do throws(KampagneError) {
                let clean = DanishText.trimmed(text)
                guard clean.contains("<") else { return (try EmailAddress(parsing: clean), "") }
                let (name, email) = try EventDraft.person(clean)
                guard !email.isEmpty else { throw KampagneError.invalidInput("skriv 'Navn <adresse>'") }
                guard name.count <= InputLimits.name, StoryDraft.isPlain(name) else {
                    throw KampagneError.invalidInput("navnet skal være almindelig tekst (højst \(InputLimits.name) tegn)")
                }
                return (try EmailAddress(parsing: email), DanishText.singleLine(name))
            } catch {
                throw .field("to", "'\(DanishText.singleLine(text))': \(error.message)")
            }
        }
        let note = DanishText.trimmed(note)
        guard note.count <= 2_000 else { throw .field("message", "Højst 2000 tegn") }
        return try store.write { db in
            var story = try Stories.find(id, in: db)
            switch story.status {
            case .idea:
                throw KampagneError.conflict("Historie \(id) er kun en idé; skriv den færdig (stories edit \(id)) før den sendes til gennemsyn")
            case .withdrawn:
                throw KampagneError.conflict("Historie \(id) er trukket tilbage; åbn den igen med `stories reopen \(id)` først")
            case .draft, .inReview, .approved, .published:
                break
            }
            let campaignId = try Self.campaign(for: story, in: db, now: now)
            var requests: [ReviewRequest] = []
            for (address, givenName) in parsed {
                if let existing = try StoryReview.filter(Column("storyId") == id && Column("version") == story.currentVersion
                                                         && Column("emailKey") == address.key && Column("decision") == nil).fetchOne(db) {
                    requests.append(ReviewRequest(reviewId: existing.id ?? 0, email: existing.email, queued: false))
                    continue
                }
                let (first, last) = Contact.nameParts(givenName)
                var contact = try Contact.filter(Column("emailKey") == address.key).fetchOne(db)
                    ?? Contact(address: address, firstName: first, lastName: last, organisation: "", at: now)
                if contact.fullName.isEmpty { (contact.firstName, contact.lastName) = (first, last) }
                var review = StoryReview(id: nil, storyId: id, version: story.currentVersion, email: address.value,
                                         emailKey: address.key, name: contact.fullName, requestedAt: now,
                                         decision: nil, decidedAt: nil)
                try review.insert(db)
                let reviewId = review.id ?? 0
                _ = try NoticeQueue(senderDomain: senderDomain).insert(
                    QueuedNotice(storyReviewId: reviewId, headline: story.headline, note: note),
                    campaignId: campaignId, contact: contact, key: "story-review:\(reviewId)", in: db)
                try Stories.log(id, version: story.currentVersion, .reviewRequested,
                                text: "Sendt til gennemsyn hos \(address.value)", at: now, in: db)
                requests.append(ReviewRequest(reviewId: reviewId, email: address.value, queued: true))
            }
            if requests.contains(where: \.queued) && story.status != .inReview {
                if story.approvedVersion != nil {
                    try Stories.log(id, version: story.currentVersion, .status,
                                    text: "Sendt til nyt gennemsyn: den tidligere godkendelse gælder ikke, før svarene er der",
                                    at: now, in: db)
                }
                story.status = .inReview
                story.approvedVersion = nil
                story.updatedAt = now
                try story.update(db)
            }
            return requests
        }
    }

    /// The outbox campaign for a story's review requests, made on first use.
    static func campaign(for story: Story, in db: Database, now: Date) throws -> Int64 {
        try NoticeQueue.campaign(.storyReview, name: "Gennemsyn af historie \(story.id ?? 0)", at: now, in: db)
    }

    /// The page behind a review link.
    public func page(_ reviewId: Int64) throws(KampagneError) -> ReviewPage {
        try store.read { db in
            guard let review = try StoryReview.fetchOne(db, key: reviewId) else {
                throw KampagneError.notFound("Anmodningen om gennemsyn findes ikke længere")
            }
            let story = try Stories.find(review.storyId, in: db)
            let draft = try Stories.draft(of: story, version: review.version, in: db)
            let history = try StoryLogEntry.filter(Column("storyId") == story.id && Column("actor") == review.email
                                                   && [StoryAction.commented.rawValue, StoryAction.reviewApproved.rawValue].contains(Column("action")))
                .order(Column("at"), Column("id")).fetchAll(db)
            return ReviewPage(review: review, story: story, draft: draft, history: history,
                              isCurrent: review.version == story.currentVersion && story.status != .withdrawn)
        }
    }

    /// The reviewer's answer: a comment, an approval, or both. The story is approved when
    /// everyone asked about its current version has approved it.
    @discardableResult
    public func answer(_ reviewId: Int64, approve: Bool, comment: String, now: Date = Date()) throws(KampagneError) -> StoryStatus {
        let comment = DanishText.trimmed(comment)
        guard approve || !comment.isEmpty else { throw .invalidInput("Skriv en kommentar eller godkend historien") }
        guard comment.count <= 5_000 else { throw .invalidInput("Kommentaren er for lang (højst 5000 tegn)") }
        return try store.write { db in
            guard var review = try StoryReview.fetchOne(db, key: reviewId) else {
                throw KampagneError.notFound("Anmodningen om gennemsyn findes ikke længere")
            }
            var story = try Stories.find(review.storyId, in: db)
            guard story.status != .withdrawn else {
                throw KampagneError.conflict("Historien er trukket tilbage og skal ikke godkendes")
            }
            // The newest log entry of this answer keys the secretariat's mail about it.
            var answerEntry: Int64?
            if !comment.isEmpty {
                answerEntry = try Stories.log(review.storyId, version: review.version, .commented, actor: review.email,
                                              text: comment, at: now, in: db)
            }
            let newApproval = approve && review.decision != .approved
            if newApproval || (!approve && review.decision == nil) {
                review.decision = approve ? .approved : .commented
                review.decidedAt = now
                try review.update(db)
            }
            var storyApproved = false
            if newApproval {
                answerEntry = try Stories.log(review.storyId, version: review.version, .reviewApproved, actor: review.email,
                                              text: "Godkendt af \(review.email) (version \(review.version))", at: now, in: db)
                if review.version == story.currentVersion, story.status == .inReview,
                   try StoryReview.filter(Column("storyId") == story.id && Column("version") == story.currentVersion)
                       .fetchAll(db).allSatisfy({ $0.decision == .approved }) {
                    story.status = .approved
                    story.approvedVersion = story.currentVersion
                    story.updatedAt = now
                    try story.update(db)
                    try Stories.log(review.storyId, version: review.version, .approved, actor: "gennemsyn",
                                    text: "Alle har godkendt version \(review.version)", at: now, in: db)
                    storyApproved = true
                }
            }
            if let answerEntry, let advisor, let address = try? EmailAddress(parsing: advisor) {
                let answer = StoryAnswer(storyId: review.storyId, version: review.version, headline: story.headline,
                                         reviewer: review.email, approved: newApproval, comment: comment,
                                         storyApproved: storyApproved)
                let key = "story-answer:\(answerEntry)"
                _ = try NoticeQueue(senderDomain: senderDomain).insert(
                    QueuedNotice(storyAnswer: answer), campaignId: try Self.campaign(for: story, in: db, now: now),
                    contact: Contact(address: address, at: now), key: key, in: db)
            }
            return story.status
        }
    }
}
