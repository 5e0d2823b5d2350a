import Foundation
import GRDB
import MailTemplates

/// A rendered edition for one (real or sample) recipient, before anything is queued.
public struct NewsletterPreview: Sendable {
    public var eml: Data
    public var html: String
    public var text: String
    public var subject: String

    /// Renders edition `id` for `contact` (an address on the lists) or a sample recipient.
    public static func render(edition id: Int64, contact email: String?, store: Store,
                              composer: MessageComposer) throws(KampagneError) -> NewsletterPreview {
        try store.read { db in
            let (record, _) = try Editions.find(id, in: db)
            var snapshot = RecipientSnapshot(firstName: "Jens", lastName: "Eksempel", organisation: "Jobcenter Eksempel",
                                             municipality: "Odense")
            var address = "modtager@eksempel.example"
            if let email {
                let contact = try ContactDirectory.find(email, in: db)
                snapshot = RecipientSnapshot(firstName: contact.firstName, lastName: contact.lastName,
                                             organisation: contact.organisation, municipality: contact.municipality ?? "")
                address = contact.email
            }
            let campaign = Campaign(id: 0, kind: .newsletter, editionId: record.id, eventId: nil, name: record.subject,
                                    audience: Audience(lists: ["Forhåndsvisning"]), suppressed: 0, duplicates: 0, createdAt: Date())
            let row = OutboxRow(id: 0, campaignId: 0, contactId: nil, email: address, emailKey: EmailAddress.identityKey(address),
                                recipient: snapshot, state: .queued, attempts: 0, nextAttemptAt: Date(),
                                messageID: "preview.\(id)@\(composer.sender.domain)", createdAt: Date())
            let renderer = try composer.renderer(for: campaign, in: db)
            let message = try composer.message(for: row, campaign: campaign, renderer: renderer, date: Date())
            return NewsletterPreview(eml: message.rendered(), html: message.html ?? "", text: message.text, subject: message.subject)
        }
    }
}
