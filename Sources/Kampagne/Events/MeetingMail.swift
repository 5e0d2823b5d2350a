import Foundation
import GRDB
import MailTemplates

/// How meetings behave where the organiser may choose: `[events]` in kampagne.toml.
public struct EventSettings: Sendable, Equatable {
    /// How long a freed seat is held for the next person on the waiting list.
    public var offerHold: TimeInterval = 48 * 3600
    /// Reminders go out this many days before the start.
    public var reminderDays = 2
    /// A meeting below its minimum is flagged this many days before its decision date.
    public var warnDays = 7
    /// Message-IDs are made at this domain (the sender's).
    public var senderDomain = "partnerskab.example"

    /// The built-in defaults, for tests: everything else resolves `[events]` once with
    /// `init(config:)` and passes the result in.
    init() {}

    /// Reads `[events]`; Message-IDs use the domain of `[sender] address`. Needs nothing of the
    /// SMTP settings, so meeting commands work without the relay's password at hand.
    public init(config: KampagneConfig) throws(KampagneError) {
        senderDomain = config.senderAddress.split(separator: "@").last.map(String.init) ?? senderDomain
        if let hold = config.events?.offerHold { offerHold = try Duration.parse(hold, setting: "[events] offer_hold") }
        if let days = config.events?.reminderDays {
            guard (0...60).contains(days) else { throw .config("[events] reminder_days skal være 0–60") }
            reminderDays = days
        }
        if let days = config.events?.warnDays {
            guard (0...120).contains(days) else { throw .config("[events] warn_days skal være 0–120") }
            warnDays = days
        }
    }

    /// When an offer made `now` lapses: the configured hold, shortened close to the meeting so
    /// that the seat can still go to the next person in time.
    func offerExpiry(now: Date, startsAt: Date) -> Date {
        let normal = now.addingTimeInterval(offerHold)
        let latest = startsAt.addingTimeInterval(-2 * 3600)
        if normal <= latest { return normal }
        return now.addingTimeInterval(max(startsAt.timeIntervalSince(now) / 2, 15 * 60))
    }
}

/// Queues meeting messages in the outbox, inside the caller's transaction: a sign-up and its
/// confirmation are committed together or not at all.
struct MeetingMail {
    let settings: EventSettings

    /// The meeting as messages show it now.
    static func details(_ event: Event, domain: String) -> MeetingDetails {
        MeetingDetails(uid: "moede-\(event.publicId)@\(domain)", sequence: event.sequence, title: event.title,
                       kindName: event.kind.danish, when: DanishDate.span(event.startsAt, event.endsAt),
                       start: event.startsAt, end: event.endsAt, venue: event.venue, address: event.address,
                       description: event.description, organiserName: event.organiserName,
                       organiserEmail: event.organiserEmail, deadline: event.signupDeadline.map(DanishDate.day))
    }

    /// The event's campaign for notices to its participants, made on first use.
    func noticeCampaign(for event: Event, in db: Database) throws -> Int64 {
        try NoticeQueue.campaign(.eventNotice, name: "Beskeder om mødet: \(event.title)", eventId: event.id ?? 0, in: db)
    }

    /// Queues `kind` for the person behind `registration`. `key` makes it unique: queueing the
    /// same key twice does nothing, so a retried command never sends twice.
    @discardableResult
    /// `contact` saves a lookup when the caller has just read it (a sign-up).
    func queue(_ kind: MeetingNotice.Kind, to registration: Registration, event: Event, key: String,
               position: Int? = nil, offerExpires: Date? = nil, reason: String? = nil, changes: [String] = [],
               contact known: Contact? = nil, in db: Database) throws -> Bool {
        guard let contactId = registration.contactId else { return false }
        guard let contact = known?.id == contactId ? known : try Contact.fetchOne(db, key: contactId) else { return false }
        let notice = MeetingNotice(kind: kind, meeting: Self.details(event, domain: settings.senderDomain), position: position,
                                   offerExpires: offerExpires.map(DanishDate.long), reason: reason, changes: changes)
        let campaignId = try noticeCampaign(for: event, in: db)
        return try insert(QueuedNotice(notice: notice, eventPublicId: event.publicId, registrationId: registration.id),
                          campaignId: campaignId, contact: contact, key: "\(kind.rawValue):\(key)", in: db)
    }

    /// Inserts one outbox row unless its (campaign, address, key) is already there.
    func insert(_ queued: QueuedNotice, campaignId: Int64, contact: Contact, key: String, in db: Database) throws -> Bool {
        try NoticeQueue(senderDomain: settings.senderDomain).insert(queued, campaignId: campaignId, contact: contact, key: key, in: db)
    }
}
