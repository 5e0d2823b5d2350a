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
    /// How long before the start the door opens for check-in and walk-ins (`checkin_opens`):
    /// the meeting's day, not the weeks before it.
    public var checkInOpens: TimeInterval = 6 * 3600

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
        if let opens = config.events?.checkinOpens {
            checkInOpens = try Duration.parse(opens, setting: "[events] checkin_opens")
            guard (0...86_400).contains(checkInOpens) else { throw .config("[events] checkin_opens skal være 0–24h") }
        }
        if let days = config.events?.warnDays {
            guard (0...120).contains(days) else { throw .config("[events] warn_days skal være 0–120") }
            warnDays = days
        }
    }

    /// When the door opens for `event`: `checkInOpens` before the start. Check-in and walk-ins
    /// share the rule and have no end, so the signed door list can be entered after the meeting.
    public func doorOpens(for event: Event) -> Date {
        event.startsAt.addingTimeInterval(-checkInOpens)
    }

    /// Refuses a check-in or walk-in before the door opens.
    func checkDoorOpen(_ event: Event, now: Date) throws(KampagneError) {
        let opens = doorOpens(for: event)
        guard now >= opens else {
            throw .conflict("Fremmøde kan først registreres på mødedagen, fra \(DanishDate.long(opens)) (mødet begynder \(DanishDate.long(event.startsAt))).")
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

    /// The calendar SEQUENCE one person's copy of the meeting carries: the meeting's own, raised
    /// by every change of time or place, plus the sign-up's revision, raised by every sign-up
    /// after a cancellation, so that each later version of the same UID has a higher SEQUENCE
    /// (RFC 5545 3.8.7.4) also for someone who cancelled (CANCEL) and signed up again.
    static func sequence(_ event: Event, _ registration: Registration?) -> Int {
        event.sequence + (registration?.revision ?? 0)
    }

    /// The meeting as messages show it now; with `registration`, as that person's calendar has it.
    static func details(_ event: Event, domain: String, for registration: Registration? = nil) -> MeetingDetails {
        MeetingDetails(uid: "moede-\(event.publicId)@\(domain)", sequence: sequence(event, registration), title: event.title,
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
               message: String? = nil, carriedOver: Bool = false, contact known: Contact? = nil, in db: Database) throws -> Bool {
        guard let contactId = registration.contactId else { return false }
        guard let contact = known?.id == contactId ? known : try Contact.fetchOne(db, key: contactId) else { return false }
        let notice = MeetingNotice(kind: kind, meeting: Self.details(event, domain: settings.senderDomain, for: registration), position: position,
                                   offerExpires: offerExpires.map(DanishDate.long), reason: reason, changes: changes,
                                   message: message, carriedOver: carriedOver ? true : nil)
        let campaignId = try noticeCampaign(for: event, in: db)
        return try insert(QueuedNotice(notice: notice, eventPublicId: event.publicId, registrationId: registration.id),
                          campaignId: campaignId, contact: contact, key: "\(kind.rawValue):\(key)", in: db)
    }

    /// Inserts one outbox row unless its (campaign, address, key) is already there.
    func insert(_ queued: QueuedNotice, campaignId: Int64, contact: Contact, key: String, in db: Database) throws -> Bool {
        try NoticeQueue(senderDomain: settings.senderDomain).insert(queued, campaignId: campaignId, contact: contact, key: key, in: db)
    }
}
