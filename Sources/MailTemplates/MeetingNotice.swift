import Foundation

/// A meeting as its messages show it, frozen when a message is queued so that the message
/// renders the same whenever it is sent. Dates are already in Danish words.
public struct MeetingDetails: Codable, Sendable, Equatable {
    /// Stable calendar UID for the event.
    public var uid: String
    /// Calendar SEQUENCE: raised on every change of time or place.
    public var sequence: Int
    public var title: String
    /// "Temamøde", "Fyraftensmøde", …
    public var kindName: String
    /// "torsdag den 4. februar 2027 kl. 9.30–12.00"
    public var when: String
    public var start: Date
    public var end: Date
    public var venue: String
    public var address: String
    /// Markdown.
    public var description: String
    public var organiserName: String
    public var organiserEmail: String
    /// "torsdag den 28. januar 2027", when there is a sign-up deadline.
    public var deadline: String?

    public init(uid: String, sequence: Int, title: String, kindName: String, when: String, start: Date, end: Date,
                venue: String, address: String, description: String, organiserName: String, organiserEmail: String,
                deadline: String? = nil) {
        self.uid = uid
        self.sequence = sequence
        self.title = title
        self.kindName = kindName
        self.when = when
        self.start = start
        self.end = end
        self.venue = venue
        self.address = address
        self.description = description
        self.organiserName = organiserName
        self.organiserEmail = organiserEmail
        self.deadline = deadline
    }

    /// The meeting as a calendar entry for one attendee; without an organiser address the
    /// sender stands as organiser (ORGANIZER must be an address).
    public func calendarEntry(sender: SenderIdentity, attendeeName: String?, attendeeEmail: String?, url: String?,
                              stamp: Date, cancelled: Bool) -> CalendarEntry {
        let ownOrganiser = !organiserEmail.isEmpty
        return CalendarEntry(uid: uid, sequence: sequence, start: start, end: end, summary: title,
                             description: MarkdownText.plain(description), location: location,
                             organizerName: ownOrganiser && !organiserName.isEmpty ? organiserName : sender.name,
                             organizerEmail: ownOrganiser ? organiserEmail : sender.address,
                             attendeeName: attendeeName, attendeeEmail: attendeeEmail, url: url, stamp: stamp,
                             cancelled: cancelled)
    }

    /// Venue and address on one line, for calendars and subject-free summaries.
    public var location: String {
        [venue, address].map(HeaderText.clean).filter { !$0.isEmpty }.joined(separator: ", ")
    }
}

/// One message about a meeting to one person: what happened and what it means for them.
public struct MeetingNotice: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case invitation
        case confirmation
        case waitlisted
        case offer
        case reminder
        case changed
        /// A change told to someone waiting or holding an offer: no calendar entry, as they have no seat yet.
        case changedWhileWaiting = "changed-waiting"
        case eventCancelled = "event-cancelled"
        /// The meeting is cancelled, told to someone who was only waiting or held an offer:
        /// no calendar CANCEL for an entry they never had.
        case eventCancelledWhileWaiting = "event-cancelled-waiting"
        case registrationCancelled = "registration-cancelled"
        /// A waiting-list place (or an offer) given up: no calendar CANCEL either.
        case registrationCancelledWhileWaiting = "registration-cancelled-waiting"
        case offerLapsed = "offer-lapsed"
        /// The organiser's own message to everyone signed up (`message` holds the text).
        case message

        /// The template pair `moede-<name>.txt` / `.html`.
        public var templateName: String {
            switch self {
            case .invitation: return "moede-invitation"
            case .confirmation: return "moede-bekraeftelse"
            case .waitlisted: return "moede-venteliste"
            case .offer: return "moede-tilbud"
            case .reminder: return "moede-paamindelse"
            case .changed: return "moede-aendring"
            case .changedWhileWaiting: return "moede-aendring-venteliste"
            case .eventCancelled, .eventCancelledWhileWaiting: return "moede-aflyst"
            case .registrationCancelled, .registrationCancelledWhileWaiting: return "moede-afmeldt"
            case .offerLapsed: return "moede-tilbud-udloebet"
            case .message: return "moede-besked"
            }
        }

        /// The calendar file the message carries, if any.
        var calendarMethod: CalendarEntry.Method? {
            switch self {
            case .confirmation, .reminder, .changed: return .request
            case .eventCancelled, .registrationCancelled: return .cancel
            case .invitation, .waitlisted, .offer, .offerLapsed, .changedWhileWaiting, .eventCancelledWhileWaiting,
                 .registrationCancelledWhileWaiting, .message: return nil
            }
        }
    }

    public var kind: Kind
    public var meeting: MeetingDetails
    /// Place on the waiting list (1 = next in line).
    public var position: Int?
    /// When an offered seat is released again, in Danish words.
    public var offerExpires: String?
    /// Why the meeting was cancelled.
    public var reason: String?
    /// What changed, one line each ("Tidspunkt: … (før: …)").
    public var changes: [String]
    /// The organiser's text of a `.message` (plain text, paragraphs split by blank lines).
    public var message: String?
    /// An `.offer` held for someone left waiting at an earlier meeting of the series (nil in
    /// notices queued before there was such an offer).
    public var carriedOver: Bool?

    public init(kind: Kind, meeting: MeetingDetails, position: Int? = nil, offerExpires: String? = nil,
                reason: String? = nil, changes: [String] = [], message: String? = nil, carriedOver: Bool? = nil) {
        self.message = message
        self.carriedOver = carriedOver
        self.kind = kind
        self.meeting = meeting
        self.position = position
        self.offerExpires = offerExpires
        self.reason = reason
        self.changes = changes
    }

    /// The Danish subject line.
    public var subject: String {
        let title = HeaderText.clean(meeting.title)
        switch kind {
        case .invitation: return "Invitation: \(title)"
        case .confirmation: return "Tilmelding bekræftet: \(title)"
        case .waitlisted: return "Du er på venteliste: \(title)"
        case .offer: return "Der er en plads til dig: \(title)"
        case .reminder: return "Påmindelse: \(title)"
        case .changed, .changedWhileWaiting: return "Ændring: \(title)"
        case .eventCancelled, .eventCancelledWhileWaiting: return "Aflyst: \(title)"
        case .registrationCancelled, .registrationCancelledWhileWaiting: return "Afmelding modtaget: \(title)"
        case .offerLapsed: return "Pladsen er givet videre: \(title)"
        case .message: return "Besked om mødet: \(title)"
        }
    }
}

/// The personal links one meeting message may carry, signed by the caller.
public struct NoticeLinks: Sendable, Equatable {
    public var eventPage: String?
    public var signUp: String?
    public var cancel: String?
    public var accept: String?
    public var decline: String?
    public var calendar: String?
    /// Invitations only: the newsletter-style unsubscribe link.
    public var unsubscribe: String?
    public var unsubscribeMailto: String?

    public init(eventPage: String? = nil, signUp: String? = nil, cancel: String? = nil, accept: String? = nil,
                decline: String? = nil, calendar: String? = nil, unsubscribe: String? = nil, unsubscribeMailto: String? = nil) {
        self.eventPage = eventPage
        self.signUp = signUp
        self.cancel = cancel
        self.accept = accept
        self.decline = decline
        self.calendar = calendar
        self.unsubscribe = unsubscribe
        self.unsubscribeMailto = unsubscribeMailto
    }
}

/// Notice + templates + recipient in, message out: the meeting counterpart of
/// `NewsletterRenderer`, equally pure.
public struct NoticeRenderer: Sendable {
    public let templates: TemplateSet
    public let sender: SenderIdentity

    public init(templates: TemplateSet, sender: SenderIdentity) {
        self.templates = templates
        self.sender = sender
    }

    /// The Mustache context: documented in Templates/README.md.
    public func context(_ notice: MeetingNotice, recipient: Recipient, links: NoticeLinks) -> [String: Any] {
        let m = notice.meeting
        // Empty values are left out: Mustache sections treat "" as true.
        let meeting: [String: Any] = [
            "title": m.title, "kindName": m.kindName, "when": m.when, "venue": m.venue, "address": m.address,
            "location": m.location, "organiserName": m.organiserName, "organiserEmail": m.organiserEmail,
            "deadline": m.deadline ?? "",
            "descriptionHTML": MarkdownText.html(m.description), "descriptionText": MarkdownText.plain(m.description),
        ].filter { !(($0.value as? String)?.isEmpty ?? false) }
        let linkValues: [String: String?] = [
            "eventPage": links.eventPage, "signUp": links.signUp, "cancel": links.cancel, "accept": links.accept,
            "decline": links.decline, "calendar": links.calendar, "unsubscribe": links.unsubscribe,
        ]
        var context: [String: Any] = [
            "subject": notice.subject,
            "meeting": meeting,
            "greeting": recipient.greeting,
            "recipient": ["firstName": HeaderText.clean(recipient.firstName), "fullName": recipient.fullName,
                          "organisation": HeaderText.clean(recipient.organisation), "email": recipient.email]
                .filter { !$0.value.isEmpty },
            "sender": ["name": sender.name, "address": sender.address, "postalAddress": sender.postalAddress],
            "links": linkValues.compactMapValues { $0 }.filter { !$0.value.isEmpty },
        ]
        if let position = notice.position { context["position"] = String(position) }
        if let expires = notice.offerExpires, !expires.isEmpty { context["offerExpires"] = expires }
        if let reason = notice.reason.map(HeaderText.clean), !reason.isEmpty { context["reason"] = reason }
        if notice.carriedOver == true { context["carriedOver"] = true }
        if !notice.changes.isEmpty { context["changes"] = notice.changes.map { ["line": $0] } }
        if let text = notice.message, !text.isEmpty {
            context["message"] = text.components(separatedBy: "\n\n").map { ["paragraph": $0] }
        }
        return context
    }

    /// The calendar entry for `notice` as `recipient` should file it.
    public func calendar(_ notice: MeetingNotice, recipient: Recipient?, url: String?, stamp: Date) -> CalendarEntry {
        notice.meeting.calendarEntry(sender: sender, attendeeName: recipient?.fullName, attendeeEmail: recipient?.email,
                                     url: url, stamp: stamp,
                                     cancelled: notice.kind == .eventCancelled || notice.kind == .registrationCancelled)
    }

    /// The double opt-in message: one link that confirms the subscription.
    public func subscriptionConfirmation(list: String, link: String, recipient: Recipient, messageID: String,
                                         date: Date) throws(TemplateError) -> MailMessage {
        try linkMessage("bekraeft-abonnement", subject: "Bekræft din tilmelding til \(HeaderText.clean(list))",
                        values: ["list": list, "confirm": link], recipient: recipient, messageID: messageID, date: date)
    }

    /// A request to read and approve a good story before it is published: one personal link to
    /// the reviewer page, and the advisor's note if there is one.
    public func reviewRequest(headline: String, note: String, link: String, recipient: Recipient, messageID: String,
                              date: Date) throws(TemplateError) -> MailMessage {
        var values = ["headline": HeaderText.clean(headline), "review": link]
        if !note.isEmpty { values["note"] = note }
        return try linkMessage("historie-gennemsyn", subject: "Til gennemsyn: \(HeaderText.clean(headline))", values: values,
                               recipient: recipient, messageID: messageID, date: date)
    }

    /// Tells the advisor what a reviewer answered.
    public func reviewAnswer(storyId: Int64, version: Int, headline: String, reviewer: String, approved: Bool,
                             comment: String, storyApproved: Bool, recipient: Recipient, messageID: String,
                             date: Date) throws(TemplateError) -> MailMessage {
        var values = ["headline": HeaderText.clean(headline), "reviewer": HeaderText.clean(reviewer),
                      "storyId": String(storyId), "version": String(version),
                      "decision": approved ? "godkendt" : "kommenteret"]
        if !comment.isEmpty { values["comment"] = comment }
        if storyApproved { values["storyApproved"] = "ja" }
        let verb = approved ? "Godkendt" : "Kommentar"
        return try linkMessage("historie-svar", subject: "\(verb) fra \(HeaderText.clean(reviewer)): \(HeaderText.clean(headline))",
                               values: values, recipient: recipient, messageID: messageID, date: date)
    }

    /// A message built around one personal link: `<template>.html/.txt` inside the `besked` layout.
    private func linkMessage(_ template: String, subject: String, values: [String: String], recipient: Recipient,
                             messageID: String, date: Date) throws(TemplateError) -> MailMessage {
        var context: [String: Any] = [
            "subject": subject, "greeting": recipient.greeting,
            "sender": ["name": sender.name, "address": sender.address, "postalAddress": sender.postalAddress],
            "links": [String: String](),
        ]
        context.merge(values) { _, new in new }
        return try laidOut(template, context, subject: subject, recipient: recipient, messageID: messageID, date: date)
    }

    /// `<template>.html/.txt` rendered with `context` and put into the `besked` layout, from the
    /// sender (replies to `[sender] reply_to` when set).
    private func laidOut(_ template: String, _ context: [String: Any], subject: String, recipient: Recipient,
                         messageID: String, date: Date) throws(TemplateError) -> MailMessage {
        var layout = context
        layout["body"] = try templates.render(template + ".html", context)
        let html = try templates.render("besked.html", layout)
        layout["body"] = try templates.render(template + ".txt", context)
        let text = try templates.render("besked.txt", layout)
        var message = MailMessage(from: Mailbox(name: sender.name, address: sender.address),
                                  to: Mailbox(name: recipient.fullName, address: recipient.email),
                                  subject: subject, date: date, messageID: messageID, text: text, html: html)
        if let replyTo = sender.replyTo, !replyTo.isEmpty { message.replyTo = Mailbox(address: replyTo) }
        return message
    }

    public func message(_ notice: MeetingNotice, recipient: Recipient, links: NoticeLinks, messageID: String,
                        date: Date) throws(TemplateError) -> MailMessage {
        var message = try laidOut(notice.kind.templateName, context(notice, recipient: recipient, links: links),
                                  subject: notice.subject, recipient: recipient, messageID: messageID, date: date)
        let organiser = notice.meeting.organiserEmail
        if !organiser.isEmpty {
            message.replyTo = Mailbox(name: notice.meeting.organiserName, address: organiser)
        }
        if let method = notice.kind.calendarMethod {
            let entry = calendar(notice, recipient: recipient, url: links.eventPage, stamp: date)
            message.attachments.append(Attachment(filename: method == .cancel ? "aflyst.ics" : "møde.ics",
                                                  contentType: entry.contentType(method: method),
                                                  data: Data(entry.rendered(method: method).utf8)))
        }
        if notice.kind == .invitation, let unsubscribe = links.unsubscribe {
            var value = "<\(unsubscribe)>"
            if let mailto = links.unsubscribeMailto { value += ", <\(mailto)>" }
            message.headers = [
                ("List-Unsubscribe", value),
                ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ]
        }
        return message
    }
}
