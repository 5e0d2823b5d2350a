import Foundation
import GRDB
import MailTemplates
import Synchronization

/// Turns an outbox row into message bytes: the campaign's edition through the templates,
/// personalised from the row's snapshot, with a signed unsubscribe link.
public final class MessageComposer: Sendable {
    let templates: TemplateSet
    let sender: SenderIdentity
    let baseURL: String
    let secret: InstallationSecret
    private let renderers = Mutex<[Int64: NewsletterRenderer]>([:])

    init(templates: TemplateSet, sender: SenderIdentity, baseURL: String, secret: InstallationSecret) {
        self.templates = templates
        self.sender = sender
        self.baseURL = baseURL
        self.secret = secret
    }

    public convenience init(configuration: DeliveryConfiguration, store: Store) throws(KampagneError) {
        let templates: TemplateSet
        do {
            templates = try TemplateSet(directory: configuration.templatesPath)
        } catch {
            throw .config(error.description + " (sæt [templates] path i kampagne.toml)")
        }
        let secret = try store.read { try InstallationSecret.load($0) }
        self.init(templates: templates, sender: configuration.sender, baseURL: configuration.baseURL, secret: secret)
    }

    /// The renderer for a campaign, made once per run.
    func renderer(for campaign: Campaign, in db: Database) throws -> NewsletterRenderer {
        let id = campaign.id ?? 0
        if let cached = renderers.withLock({ $0[id] }) { return cached }
        guard let editionId = campaign.editionId else {
            throw KampagneError.database("Udsendelse \(id) har ingen udgave")
        }
        var (_, edition) = try Editions.find(editionId, in: db)
        if campaign.kind == .test { edition.subject = "[TEST] " + edition.subject }
        let renderer: NewsletterRenderer
        do {
            renderer = try NewsletterRenderer(edition: edition, templates: templates, sender: sender)
        } catch {
            throw KampagneError.config(error.description)
        }
        renderers.withLock { $0[id] = renderer }
        return renderer
    }

    func envelope(for row: OutboxRow, campaign: Campaign, date: Date) -> Envelope {
        let token = LinkToken(scope: .unsubscribe, subject: row.id ?? 0).encoded(with: secret)
        let recipient = Recipient(email: row.email, firstName: row.recipient.firstName, lastName: row.recipient.lastName,
                                  organisation: row.recipient.organisation, municipality: row.recipient.municipality)
        let listName = campaign.kind == .test ? "testudsendelse" : campaign.audience.lists.first
            ?? campaign.audience.segments.first ?? "Nyhedsbrev"
        return Envelope(recipient: recipient, date: date, messageID: row.messageID,
                        unsubscribeURL: "\(baseURL)/afmeld/\(token)",
                        unsubscribeMailto: "mailto:\(sender.address)?subject=afmeld%20\(token)",
                        listName: listName, listID: "nyhedsbrev.\(sender.domain)")
    }

    /// The full message for `row`, dated `date`.
    func message(for row: OutboxRow, campaign: Campaign, renderer: NewsletterRenderer, date: Date) throws -> MailMessage {
        do {
            return try renderer.message(for: envelope(for: row, campaign: campaign, date: date))
        } catch {
            throw KampagneError.config(error.description)
        }
    }
}
