import Foundation
import GRDB

/// Everything stored about one person, as handed to them on request (GDPR art. 15).
public struct PersonalDataExport: Codable, Sendable {
    public struct Membership: Codable, Sendable {
        public var list: String
        public var consentBasis: ConsentBasis
        public var consentAt: Date
        public var source: String
    }
    public struct Source: Codable, Sendable {
        public var source: String
        public var file: String?
        public var line: Int?
        public var recordedAt: Date
        /// What the person was told, by whom, when, and the proof (imports since v13).
        public var consent: ConsentEvidence?
    }
    public struct SignUp: Codable, Sendable {
        public var event: String
        public var startsAt: Date
        public var status: RegistrationStatus
        public var answers: [String: String]
        public var signedUpAt: Date
    }
    public var contact: ContactView
    public var memberships: [Membership]
    public var registrations: [SignUp]
    /// Newsletter subscriptions from the web form, with the consent wording and page.
    public var subscriptions: [Subscription]
    /// Good stories the person was asked to review, and what they answered.
    public var storyReviews: [StoryReview]
    public var storyAnswers: [StoryLogEntry]
    /// Good stories the person features in (by name), how they are shown, and their quotes.
    public var stories: [FeaturedStory]
    /// Their consents to the stories (given, expired or withdrawn).
    public var storyConsents: [StoryConsent]
    /// Every mail queued or sent to the address, with its state.
    public var messages: [Message]
    public var sources: [Source]
    public var suppression: String?
    public var exportedAt: Date
}

/// Unsubscribing, access requests and erasure: the privacy rights of the people on the lists.
public struct PersonalData: Sendable {
    let store: Store
    /// The configured `[events]` settings: an erasure that frees a seat offers it on their terms.
    let settings: EventSettings

    public init(store: Store, settings: EventSettings) {
        self.store = store
        self.settings = settings
    }

    /// Puts an address on the global suppression list. Works for addresses that are not
    /// contacts too, so a reader who writes in is never mailed. Returns false if already there.
    @discardableResult
    public func unsubscribe(_ email: String, source: String) throws(KampagneError) -> Bool {
        let address = try EmailAddress(parsing: email)
        return try store.write { db in
            try SuppressionList.add(address.key, reason: .unsubscribed, source: source, in: db)
        }
    }

    public func export(_ email: String) throws(KampagneError) -> PersonalDataExport {
        try store.read { db in
            let contact = try ContactDirectory.find(email, in: db)
            let lists = Dictionary(uniqueKeysWithValues: try MailingList.fetchAll(db).map { ($0.id ?? 0, $0.name) })
            let memberships = try ListMembership.filter(Column("contactId") == contact.id).fetchAll(db).map {
                PersonalDataExport.Membership(list: lists[$0.mailingListId] ?? "", consentBasis: $0.consentBasis,
                                              consentAt: $0.consentAt, source: $0.source)
            }
            let links = try ContactSource.filter(Column("contactId") == contact.id).fetchAll(db)
            let lines = Dictionary(links.map { ($0.dataSourceId, $0.line) }, uniquingKeysWith: { first, _ in first })
            let sources = try DataSource.filter(keys: links.map(\.dataSourceId)).order(Column("id")).fetchAll(db).map {
                PersonalDataExport.Source(source: $0.description, file: $0.file, line: lines[$0.id ?? 0] ?? nil, recordedAt: $0.recordedAt,
                                          consent: $0.consent)
            }
            let suppression = try SuppressionList(db: db).reason(for: contact.email)
            let signUps = try Registration.filter(Registration.Columns.contactId == contact.id).order(Column("id")).fetchAll(db).map {
                registration -> PersonalDataExport.SignUp in
                let event = try Events.find(registration.eventId, in: db)
                return PersonalDataExport.SignUp(event: event.title, startsAt: event.startsAt, status: registration.status,
                                                 answers: registration.answers, signedUpAt: registration.createdAt)
            }
            return PersonalDataExport(contact: try ContactDirectory.views(of: [contact], in: db)[0],
                                      memberships: memberships, registrations: signUps,
                                      subscriptions: try Subscription.filter(Column("emailKey") == contact.emailKey).fetchAll(db),
                                      storyReviews: try StoryReview.filter(Column("emailKey") == contact.emailKey).fetchAll(db),
                                      storyAnswers: try StoryLogEntry.filter(Column("actor").lowercased == contact.emailKey)
                                        .order(Column("at")).fetchAll(db),
                                      stories: try PersonalDataExport.FeaturedStory.all(featuring: contact.fullName, in: db),
                                      storyConsents: try PersonalDataExport.FeaturedStory.consents(of: contact.fullName, in: db),
                                      messages: try PersonalDataExport.Message.all(to: contact.emailKey, in: db),
                                      sources: sources,
                                      suppression: suppression?.rawValue, exportedAt: Date())
        }
    }

    /// Deletes everything about a person and keeps only a keyed hash of the address on the
    /// suppression list, so no later import or sign-up brings them back onto a mailing. The
    /// stories they feature in are redacted and withdrawn (`StoryRedaction`), the copies in
    /// `maildir` (the Maildir transport's folder) removed, and the write-ahead log truncated
    /// so the bytes are gone from the files on disk before this returns.
    @discardableResult
    public func erase(_ email: String, maildir: String? = nil, now: Date = Date()) throws(KampagneError) -> ErasureReport {
        let key = EmailAddress.identityKey(DanishText.singleLine(email))
        var report = ErasureReport(email: key, checkpointed: false, checkpointNote: nil, storiesRedacted: [], maildirFilesRemoved: 0,
                                    importUploadsDiscarded: 0)
        let copies = try store.write { db -> [String] in
            let contact = try Contact.filter(Contact.Columns.emailKey == key).fetchOne(db)
            let alreadyErased = try SuppressionList(db: db).reason(for: key) == .erased
            if contact == nil && alreadyErased { return [] }
            if contact == nil { _ = try EmailAddress(parsing: email) }
            let copies = try MaildirCopies.names(for: key, in: db)
            if let contact, !contact.fullName.isEmpty {
                report.storiesRedacted = try StoryRedaction.erase(name: contact.fullName, at: now, in: db)
            }
            if let id = contact?.id {
                // Sign-ups stay as anonymous counts (municipality only) for attendance figures;
                // seats and places in line that were still open are given up and passed on.
                let open = try Registration.filter(Registration.Columns.contactId == id
                    && [RegistrationStatus.registered.rawValue, RegistrationStatus.offered.rawValue,
                        RegistrationStatus.waitlisted.rawValue].contains(Registration.Columns.status)).fetchAll(db)
                try Registration.filter(Registration.Columns.contactId == id)
                    .updateAll(db, Column("answers").set(to: "{}"), Column("organisation").set(to: ""))
                for var registration in open {
                    registration.status = .cancelled
                    registration.cancelReason = "slettet efter anmodning"
                    registration.offerExpiresAt = nil
                    registration.answers = [:]
                    registration.organisation = ""
                    try registration.update(db)
                }
                for eventId in Set(open.map(\.eventId)) {
                    try WaitingList(settings: settings).fill(try Events.find(eventId, in: db), now: Date(), in: db)
                }
            }
            try Subscription.filter(Column("emailKey") == key).deleteAll(db)
            // A reviewer's decisions stay in a story's history, without who made them or their words.
            for var review in try StoryReview.filter(Column("emailKey") == key).fetchAll(db) {
                review.email = "slettet"
                review.emailKey = "slettet:\(review.id ?? 0)"
                review.name = ""
                try review.update(db)
            }
            for var entry in try StoryLogEntry.filter(Column("actor").lowercased == key).fetchAll(db) {
                entry.actor = "slettet gennemlæser"
                if entry.action == .commented { entry.text = "(kommentar slettet efter anmodning)" }
                if entry.action == .reviewApproved { entry.text = "Godkendt" }
                try entry.update(db)
            }
            for var row in try OutboxRow.filter(Column("notice").like("%\(key)%")).fetchAll(db)
            where row.notice?.storyAnswer?.reviewer.lowercased() == key {
                row.notice?.storyAnswer?.reviewer = "slettet gennemlæser"
                row.notice?.storyAnswer?.comment = ""
                try row.update(db)
            }
            try StoryLogEntry.filter(Column("action") == StoryAction.reviewRequested.rawValue && Column("text").like("%\(key)%")).fetchAll(db)
                .forEach { var entry = $0; entry.text = "Sendt til gennemsyn (modtager slettet)"; try entry.update(db) }
            // Unsent messages go; sent ones stay as anonymous rows so campaign figures hold.
            try OutboxRow.filter(Column("emailKey") == key && [OutboxState.queued.rawValue, OutboxState.deferred.rawValue,
                                                                OutboxState.sending.rawValue].contains(OutboxRow.Columns.state)).deleteAll(db)
            try db.execute(sql: """
                UPDATE outbox SET email = 'slettet', emailKey = 'slettet:' || id, lastReply = NULL,
                       recipient = '{"firstName":"","lastName":"","organisation":"","municipality":""}',
                       recipientFirstName = '', recipientLastName = '', recipientOrganisation = '',
                       recipientMunicipality = '', recipientList = NULL
                WHERE emailKey = ?
                """, arguments: [key])
            _ = try contact?.delete(db)
            try AuditLog.forget(email: key, in: db)
            try ImportQueue.forgetIssues(naming: key, in: db)
            try SuppressionList.add(key, reason: .erased, source: "sletning", in: db)
            return copies
        }
        if let maildir { report.maildirFilesRemoved = MaildirCopies.remove(copies, maildir: maildir) }
        report.importUploadsDiscarded = try ImportQueue(store: store).discardUploads(naming: key)
        report.checkpointNote = store.truncateLog()
        report.checkpointed = report.checkpointNote == nil
        return report
    }
}
