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
            let (_, edition) = try Editions.find(id, in: db)
            return try render(edition, id: id, contact: email, composer: composer, in: db)
        }
    }

    /// Renders an edition's text that is not stored (the staff area's editor, as it is typed):
    /// its `@historie N` lines filled in as saving would, through the same renderer and
    /// envelope as a send. Errors name the line, as saving would.
    /// `editionId`: the stored edition the text is an edit of (for its archive link).
    public static func render(source: String, editionId: Int64? = nil, contact email: String?, store: Store,
                              composer: MessageComposer, now: Date = Date()) throws(KampagneError) -> NewsletterPreview {
        try store.read { db in
            let included = try Editions.includeStories(source, file: "udgaven", now: now, in: db)
            let edition: Edition
            do throws(TemplateError) {
                edition = try Edition(markdown: included.source, file: "udgaven")
            } catch {
                var located = error
                located.line = included.originalLine(located.line)
                throw KampagneError.invalidInput(located.description)
            }
            return try render(edition, id: editionId, contact: email, composer: composer, in: db)
        }
    }

    private static func render(_ edition: Edition, id: Int64?, contact email: String?, composer: MessageComposer,
                               in db: Database) throws -> NewsletterPreview {
        var snapshot = RecipientSnapshot(firstName: "Jens", lastName: "Eksempel", organisation: "Jobcenter Eksempel",
                                         municipality: "Odense")
        var address = "modtager@eksempel.example"
        if let email {
            let contact = try ContactDirectory.find(email, in: db)
            snapshot = RecipientSnapshot(firstName: contact.firstName, lastName: contact.lastName,
                                         organisation: contact.organisation, municipality: contact.municipality ?? "")
            address = contact.email
        }
        let campaign = Campaign(id: 0, kind: .newsletter, editionId: id, eventId: nil, name: edition.subject,
                                audience: Audience(lists: ["Forhåndsvisning"]), suppressed: 0, duplicates: 0, createdAt: Date())
        let row = OutboxRow(id: 0, campaignId: 0, contactId: nil, email: address, emailKey: EmailAddress.identityKey(address),
                            recipient: snapshot, state: .queued, attempts: 0, nextAttemptAt: Date(),
                            messageID: "preview.\(id ?? 0)@\(composer.sender.domain)", createdAt: Date())
        let renderer = try composer.renderer(for: edition, editionId: id)
        let message = try composer.message(for: row, campaign: campaign, renderer: renderer, date: Date())
        return NewsletterPreview(eml: message.rendered(), html: message.html ?? "", text: message.text, subject: message.subject)
    }
}
