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
    let bounceAddresses: BounceAddresses
    private let renderers = Mutex<[Int64: NewsletterRenderer]>([:])
    /// List-Id identifiers by list name: a campaign has a handful of lists and many messages.
    private let listIDs = Mutex<[String: String]>([:])

    init(templates: TemplateSet, sender: SenderIdentity, baseURL: String, secret: InstallationSecret,
         bounceAddresses: BounceAddresses = BounceAddresses()) {
        self.templates = templates
        self.sender = sender
        self.baseURL = baseURL
        self.secret = secret
        self.bounceAddresses = bounceAddresses
    }

    public convenience init(configuration: DeliveryConfiguration, store: Store) throws(KampagneError) {
        let templates: TemplateSet
        do {
            templates = try TemplateSet(directory: configuration.templatesPath)
        } catch {
            throw .config(error.description + " (sæt [templates] path i kampagne.toml)")
        }
        let secret = try store.read { try InstallationSecret.load($0) }
        self.init(templates: templates, sender: configuration.sender, baseURL: configuration.baseURL, secret: secret,
                  bounceAddresses: configuration.bounceAddresses)
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
        let renderer = try self.renderer(for: edition, editionId: editionId)
        renderers.withLock { $0[id] = renderer }
        return renderer
    }

    /// The renderer for `edition`, whose "view in browser" link is its public archive page
    /// (none for text not stored yet): the one path of a send, a test mail and the preview, so
    /// the preview's links are the ones sent.
    func renderer(for edition: Edition, editionId: Int64?) throws(KampagneError) -> NewsletterRenderer {
        do {
            return try NewsletterRenderer(edition: Self.tagged(edition, base: baseURL), templates: templates, sender: sender,
                                          archiveURL: editionId.map { PublicPath.archivedEdition.url(base: baseURL, String($0)) } ?? "")
        } catch {
            throw .config(error.description)
        }
    }

    /// `edition` with every link to a meeting page at `base` tagged with the edition's number
    /// (`?kilde=nyhedsbrev-12`), so a sign-up records which edition it came from; unchanged
    /// when the edition has no number.
    static func tagged(_ edition: Edition, base: String) -> Edition {
        guard let number = Int(edition.number.filter(\.isNumber)), number > 0 else { return edition }
        var tagged = edition
        for index in tagged.articles.indices {
            tagged.articles[index].markdown = SignupSource.edition(number).tagMeetingLinks(in: tagged.articles[index].markdown, base: base)
        }
        return tagged
    }

    func envelope(for row: OutboxRow, campaign: Campaign, date: Date) -> Envelope {
        let token = LinkToken(scope: .unsubscribe, subject: row.id ?? 0).encoded(with: secret)
        let recipient = Recipient(email: row.email, firstName: row.recipient.firstName, lastName: row.recipient.lastName,
                                  organisation: row.recipient.organisation, municipality: row.recipient.municipality)
        let listName = campaign.kind == .test ? "testudsendelse" : row.recipient.list ?? campaign.audience.lists.first
            ?? campaign.audience.segments.first ?? "Nyhedsbrev"
        return Envelope(recipient: recipient, date: date, messageID: row.messageID,
                        unsubscribeURL: PublicPath.unsubscribe.url(base: baseURL, token),
                        unsubscribeMailto: unsubscribeMailto(token: token),
                        listName: listName, listID: listID(row.recipient.list))
    }

    private func listID(_ list: String?) -> String {
        let key = list ?? ""
        if let known = listIDs.withLock({ $0[key] }) { return known }
        let id = Self.listID(list, domain: sender.domain)
        listIDs.withLock { $0[key] = id }
        return id
    }

    /// The List-Id identifier (RFC 2919) of a list: one per list, so a recipient's mail filter
    /// can tell the lists apart; `nyhedsbrev.<domain>` when the list is not known.
    static func listID(_ list: String?, domain: String) -> String {
        guard let list else { return "nyhedsbrev.\(domain)" }
        var slug = ""
        for character in list.lowercased() {
            switch character {
            case "æ": slug += "ae"
            case "ø": slug += "oe"
            case "å": slug += "aa"
            case "a"..."z", "0"..."9": slug.append(character)
            default: if !slug.isEmpty && !slug.hasSuffix("-") { slug += "-" }
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug.isEmpty ? "nyhedsbrev.\(domain)" : "\(slug.prefix(60)).nyhedsbrev.\(domain)"
    }

    /// The mailto: of List-Unsubscribe: the `[bounces] unsubscribe_address` with the signed
    /// token, or the sender's address with the token in the subject.
    func unsubscribeMailto(token: String) -> String {
        if let pattern = bounceAddresses.unsubscribe { return "mailto:\(pattern.address(for: token))?subject=afmeld" }
        return "mailto:\(sender.address)?subject=afmeld%20\(token)"
    }

    /// The signed reference to `row` that bounce reports quote back (X-Kampagne-Ref).
    func reference(for row: OutboxRow) -> String {
        LinkToken(scope: .bounceRef, subject: row.id ?? 0).encoded(with: secret)
    }

    /// The envelope sender for the message whose `reference(for:)` is `reference`: the
    /// per-message return path when `[bounces] return_path` is set, else nil (the sender's address).
    func returnPath(reference: String) -> String? {
        bounceAddresses.returnPath.map { $0.address(for: reference) }
    }

    /// The full message for `row`, dated `date`: a meeting notice, or the campaign's edition.
    func message(for row: OutboxRow, campaign: Campaign, renderer: NewsletterRenderer?, date: Date) throws -> MailMessage {
        do {
            if let queued = row.notice {
                let recipient = Recipient(email: row.email, firstName: row.recipient.firstName, lastName: row.recipient.lastName,
                                          organisation: row.recipient.organisation, municipality: row.recipient.municipality)
                let renderer = NoticeRenderer(templates: templates, sender: sender)
                if let notice = queued.notice {
                    return try renderer.message(notice, recipient: recipient, links: links(for: row, queued),
                                                messageID: row.messageID, date: date)
                }
                if let answer = queued.storyAnswer {
                    return try renderer.reviewAnswer(storyId: answer.storyId, version: answer.version, headline: answer.headline,
                                                     reviewer: answer.reviewer, approved: answer.approved, comment: answer.comment,
                                                     storyApproved: answer.storyApproved, recipient: recipient,
                                                     messageID: row.messageID, date: date)
                }
                if let reviewId = queued.storyReviewId {
                    let link = PublicPath.storyReview.url(base: baseURL, LinkToken(scope: .review, subject: reviewId).encoded(with: secret))
                    return try renderer.reviewRequest(headline: queued.storyHeadline ?? "", note: queued.reviewNote ?? "",
                                                      link: link, recipient: recipient, messageID: row.messageID, date: date)
                }
                let link = PublicPath.confirmSubscription.url(base: baseURL, LinkToken(scope: .subscription, subject: queued.subscriptionId ?? 0).encoded(with: secret))
                return try renderer.subscriptionConfirmation(list: queued.listName ?? "", link: link, recipient: recipient,
                                                             messageID: row.messageID, date: date)
            }
            guard let renderer else { throw KampagneError.database("Udsendelse \(campaign.id ?? 0) har hverken udgave eller besked") }
            return try renderer.message(for: envelope(for: row, campaign: campaign, date: date))
        } catch let error as TemplateError {
            throw KampagneError.config(error.description)
        }
    }

    /// The message for `row` as it goes on the wire; an edition's through its renderer's
    /// pre-encoded templates.
    /// Every message carries our signed `X-Kampagne-Ref` header (`reference`, from
    /// `reference(for: row)`), written with the others.
    func wireMessage(for row: OutboxRow, reference: String, campaign: Campaign, renderer: NewsletterRenderer?,
                     date: Date) throws(KampagneError) -> Data {
        do {
            let reference = (BounceReport.referenceHeader, reference)
            guard row.notice == nil, let renderer else {
                var message = try message(for: row, campaign: campaign, renderer: renderer, date: date)
                message.headers.append(reference)
                return message.rendered()
            }
            var envelope = envelope(for: row, campaign: campaign, date: date)
            envelope.extraHeaders = [reference]
            return try renderer.wireMessage(for: envelope)
        } catch let error as TemplateError {
            throw KampagneError.config(error.description)
        } catch {
            throw KampagneError.wrap(error)
        }
    }

    /// The signed personal links a meeting notice carries.
    func links(for row: OutboxRow, _ queued: QueuedNotice) -> NoticeLinks {
        func token(_ scope: LinkToken.Scope, _ subject: Int64) -> String {
            LinkToken(scope: scope, subject: subject).encoded(with: secret)
        }
        let page = PublicPath.meeting.url(base: baseURL, queued.eventPublicId)
        var links = NoticeLinks(eventPage: page)
        guard let kind = queued.notice?.kind else { return links }
        if kind == .invitation, let rowId = row.id {
            // The campaign rides on the link, so the sign-up records which invitation it came from.
            links.signUp = SignupSource.invitation(row.campaignId).tag("\(page)?\(PublicPath.invitationParameter)=\(token(.invitation, rowId))")
            links.unsubscribe = PublicPath.unsubscribe.url(base: baseURL, token(.unsubscribe, rowId))
            links.unsubscribeMailto = unsubscribeMailto(token: token(.unsubscribe, rowId))
        }
        if let registration = queued.registrationId {
            switch kind {
            case .confirmation, .waitlisted, .reminder, .changed, .changedWhileWaiting, .message:
                links.cancel = PublicPath.cancelRegistration.url(base: baseURL, token(.cancelRegistration, registration))
                links.calendar = PublicPath.calendar.url(base: baseURL, token(.calendar, registration))
            case .offer:
                links.accept = PublicPath.acceptOffer.url(base: baseURL, token(.acceptOffer, registration))
                links.decline = PublicPath.declineOffer.url(base: baseURL, token(.declineOffer, registration))
            case .invitation, .eventCancelled, .registrationCancelled, .offerLapsed, .eventCancelledWhileWaiting,
                 .registrationCancelledWhileWaiting:
                break
            }
        }
        return links
    }
}
