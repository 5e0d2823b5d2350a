import Foundation

/// Who a message is for, as far as personalisation needs to know.
public struct Recipient: Sendable, Equatable, Codable {
    public var email: String
    public var firstName: String
    public var lastName: String
    public var organisation: String
    public var municipality: String

    public init(email: String, firstName: String = "", lastName: String = "", organisation: String = "", municipality: String = "") {
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
        self.organisation = organisation
        self.municipality = municipality
    }

    public var fullName: String {
        [firstName, lastName].map(HeaderText.clean).filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// "Kære Jens", or "Kære modtager" when the first name is unknown.
    public var greeting: String {
        let first = HeaderText.clean(firstName)
        return first.isEmpty ? "Kære modtager" : "Kære \(first)"
    }
}

/// The sender's identity, printed in the From header and the footer.
public struct SenderIdentity: Sendable, Equatable {
    public var name: String
    public var address: String
    public var replyTo: String?
    public var postalAddress: String

    public init(name: String, address: String, replyTo: String? = nil, postalAddress: String) {
        self.name = name
        self.address = address
        self.replyTo = replyTo
        self.postalAddress = postalAddress
    }

    /// The sender's domain in A-label form: it goes into Message-IDs, List-Ids and calendar UIDs.
    public var domain: String {
        address.split(separator: "@").last.map { IDNA.ascii(String($0)) ?? String($0) } ?? "localhost"
    }
}

/// What makes one copy of a campaign message unique: whom, when, its id and its links.
public struct Envelope: Sendable, Equatable {
    public var recipient: Recipient
    public var date: Date
    public var messageID: String
    /// https link to the web server's unsubscribe page, with the signed token.
    public var unsubscribeURL: String
    /// mailto: fallback for List-Unsubscribe.
    public var unsubscribeMailto: String
    /// "Nyhedsbrev" and the list it goes to, for List-Id and "why you receive this".
    public var listName: String
    public var listID: String
    /// Extra header fields of the sender's own (e.g. a signed reference bounce reports quote
    /// back), written after the list headers.
    public var extraHeaders: [(String, String)] = []

    public static func == (a: Envelope, b: Envelope) -> Bool {
        a.recipient == b.recipient && a.date == b.date && a.messageID == b.messageID && a.unsubscribeURL == b.unsubscribeURL
            && a.unsubscribeMailto == b.unsubscribeMailto && a.listName == b.listName && a.listID == b.listID
            && a.extraHeaders.elementsEqual(b.extraHeaders, by: ==)
    }

    public init(recipient: Recipient, date: Date, messageID: String, unsubscribeURL: String,
                unsubscribeMailto: String, listName: String, listID: String) {
        self.recipient = recipient
        self.date = date
        self.messageID = messageID
        self.unsubscribeURL = unsubscribeURL
        self.unsubscribeMailto = unsubscribeMailto
        self.listName = listName
        self.listID = listID
    }
}

/// Edition + templates + one recipient in, message out. Pure: the same inputs always give
/// the same bytes, and it knows nothing of the database.
public struct NewsletterRenderer: Sendable {
    public let edition: Edition
    public let templates: TemplateSet
    public let sender: SenderIdentity
    /// The edition's public page ("view in browser"); empty for none.
    public let archiveURL: String
    private let articles: [[String: String]]
    private let contacts: [[String: String]?]
    /// Both templates rendered once with markers for the personal values (nil: full renders).
    private let prepared: (html: PreparedTemplate, text: PreparedTemplate)?
    /// The Subject header line, the same for every recipient: encoded once.
    private let subjectHeader: String
    /// The From and Reply-To header lines, the same for every recipient: made once.
    private let senderHeaders: [String]

    public init(edition: Edition, templates: TemplateSet, sender: SenderIdentity, archiveURL: String = "") throws(TemplateError) {
        for name in ["nyhedsbrev.html", "nyhedsbrev.txt"] where !templates.has(name) {
            throw TemplateError(file: (templates.directory as NSString).appendingPathComponent(name + ".mustache"), line: 0,
                                message: "skabelonen mangler")
        }
        self.edition = edition
        self.templates = templates
        self.sender = sender
        self.archiveURL = archiveURL
        articles = edition.articles.map { article in
            ["title": article.title, "html": MarkdownText.html(article.markdown), "text": MarkdownText.plain(article.markdown)]
        }
        let contacts = edition.articles.map { article in
            // Empty values are left out: Mustache sections treat "" as true.
            article.contact.map { box in
                ["name": box.name, "title": box.title, "email": box.email, "phone": box.phone].filter { !$0.value.isEmpty }
            }
        }
        self.contacts = contacts
        subjectHeader = MIME.header("Subject", edition.subject)
        senderHeaders = MailMessage.senderHeaders(from: Self.from(sender), replyTo: Self.replyTo(sender))
        if templates.branchesOnRecipient {
            prepared = nil
        } else {
            let markers = (0..<Self.personalFieldCount).map(PreparedTemplate.marker)
            let context = Self.context(edition: edition, sender: sender, archiveURL: archiveURL, articles: articles,
                                       contacts: contacts, personal: markers)
            prepared = (PreparedTemplate(rendered: try templates.render("nyhedsbrev.html", context)),
                        PreparedTemplate(rendered: try templates.render("nyhedsbrev.txt", context)))
        }
    }

    static let personalFieldCount = 8

    /// The personal values in marker order.
    static func personal(_ envelope: Envelope) -> [String] {
        let r = envelope.recipient
        return [r.greeting, HeaderText.clean(r.firstName), r.fullName, HeaderText.clean(r.organisation),
                HeaderText.clean(r.municipality), r.email, envelope.unsubscribeURL, envelope.listName]
    }

    /// The Mustache context: documented in Templates/README.md.
    func context(_ envelope: Envelope) -> [String: Any] {
        Self.context(edition: edition, sender: sender, archiveURL: archiveURL, articles: articles, contacts: contacts,
                     personal: Self.personal(envelope))
    }

    private static func context(edition: Edition, sender: SenderIdentity, archiveURL: String, articles: [[String: String]],
                                contacts: [[String: String]?], personal p: [String]) -> [String: Any] {
        let articleContexts: [[String: Any]] = zip(articles, contacts).enumerated().map { index, pair in
            var context: [String: Any] = pair.0
            if let contact = pair.1 { context["contact"] = contact }
            context["first"] = index == 0
            return context
        }
        var context: [String: Any] = [
            "subject": edition.subject,
            "number": edition.number,
            "preheader": edition.preheader,
            "articles": articleContexts,
            "recipient": ["firstName": p[1], "fullName": p[2], "organisation": p[3], "municipality": p[4], "email": p[5]]
                .filter { !$0.value.isEmpty },
            "greeting": p[0],
            "sender": ["name": sender.name, "address": sender.address, "postalAddress": sender.postalAddress],
            "unsubscribeURL": p[6],
            "listName": p[7],
        ]
        // Empty values are left out: Mustache sections treat "" as true.
        if !archiveURL.isEmpty { context["archiveURL"] = archiveURL }
        return context
    }

    /// HTML and text for one recipient: from the prepared templates, or a full render.
    func bodies(for envelope: Envelope) throws(TemplateError) -> (html: String, text: String) {
        if let prepared {
            let values = Self.personal(envelope)
            return (prepared.html.render(values), prepared.text.render(values))
        }
        return try fullBodies(for: envelope)
    }

    /// Always a full Mustache render: the reference the prepared path must match.
    func fullBodies(for envelope: Envelope) throws(TemplateError) -> (html: String, text: String) {
        let context = context(envelope)
        return (try templates.render("nyhedsbrev.html", context), try templates.render("nyhedsbrev.txt", context))
    }

    public func message(for envelope: Envelope) throws(TemplateError) -> MailMessage {
        let (html, text) = try bodies(for: envelope)
        return message(for: envelope, html: html, text: text)
    }

    /// The message for one recipient as it goes on the wire: the bytes of
    /// `message(for:).rendered()`, made from the prepared templates' pre-encoded pieces.
    public func wireMessage(for envelope: Envelope) throws(TemplateError) -> Data {
        guard let prepared else { return try message(for: envelope).rendered() }
        let values = Self.personal(envelope)
        return message(for: envelope, html: "", text: "")
            .rendered(quotedText: prepared.text.quotedPrintable(values), quotedHTML: prepared.html.quotedPrintable(values),
                      subjectHeader: subjectHeader, senderHeaders: senderHeaders)
    }

    private static func from(_ sender: SenderIdentity) -> Mailbox { Mailbox(name: sender.name, address: sender.address) }

    private static func replyTo(_ sender: SenderIdentity) -> Mailbox? {
        guard let replyTo = sender.replyTo, !replyTo.isEmpty else { return nil }
        return Mailbox(address: replyTo)
    }

    private func message(for envelope: Envelope, html: String, text: String) -> MailMessage {
        let recipient = envelope.recipient
        var message = MailMessage(from: Self.from(sender), to: Mailbox(name: recipient.fullName, address: recipient.email),
                                  subject: edition.subject, date: envelope.date, messageID: envelope.messageID,
                                  text: text, html: html)
        message.replyTo = Self.replyTo(sender)
        message.headers = [
            ("List-Id", "\(HeaderText.clean(envelope.listName).replacingOccurrences(of: "\"", with: "")) <\(envelope.listID)>"),
            ("List-Unsubscribe", "<\(envelope.unsubscribeURL)>, <\(envelope.unsubscribeMailto)>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ] + envelope.extraHeaders
        return message
    }
}
