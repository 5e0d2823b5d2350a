import Foundation
import GRDB
import MailTemplates

/// A meeting as its public page shows it.
public struct PublicEvent: Sendable {
    public var overview: EventOverview
    /// Markdown.
    public var description: String
    /// Why sign-up is closed, in Danish; nil when it is open.
    public var closedBecause: String?

    /// "3 ledige af 40" for a meeting with a capacity that is still to be held; nil for a
    /// cancelled meeting (it has no seats to offer) and one without a limit.
    public var seats: String? {
        guard overview.status == .planned, let capacity = overview.capacity else { return nil }
        let left = overview.seatsLeft ?? 0
        return "\(DanishNumber.int(left)) \(left == 1 ? "ledig" : "ledige") af \(DanishNumber.int(capacity))"
    }
}

/// What a personal invitation link knows about the person, to fill in the form.
public struct Invitee: Sendable, Equatable {
    public var email: String
    public var name: String
    public var organisation: String
    public var municipality: String
}

/// A sign-up as a personal link finds it.
public struct LinkedRegistration: Sendable {
    public var registration: Registration
    public var event: Event
    public var participant: Participant

    /// Where a waiting-list offer stands, for the page behind the offer's link.
    public enum OfferStanding: Sendable, Equatable {
        /// The seat is held until this time ("fredag den 5. februar 2027 kl. 12.00").
        case open(deadline: String)
        /// The person has the seat already.
        case taken
        /// The answer came too late (the deadline, when still known); the seat has gone on.
        case expired(deadline: String?)
        /// Nothing to accept any more: the meeting is cancelled or begun, or the place was given up.
        case closed(reason: String)
    }

    public func offerStanding(now: Date = Date()) -> OfferStanding {
        switch registration.status {
        case .registered, .attended:
            return .taken
        case .offered:
            guard event.status == .planned else { return .closed(reason: "Mødet er aflyst.") }
            guard event.startsAt > now else { return .closed(reason: "Mødet er begyndt, og pladsen kan ikke længere tages.") }
            guard let expires = registration.offerExpiresAt, expires > now else {
                return .expired(deadline: registration.offerExpiresAt.map(DanishDate.long))
            }
            return .open(deadline: DanishDate.long(expires))
        case .cancelled where registration.cancelReason == WaitingList.lapsedReason:
            return .expired(deadline: nil)
        case .cancelled, .noShow, .waitlisted:
            return .closed(reason: event.status == .cancelled ? "Mødet er aflyst." : "Der er ikke længere en plads tilbudt på denne tilmelding.")
        }
    }
}

/// What the public web pages may look up and do, each only through an unguessable public
/// id or a signed, scoped personal link: a cancel link cannot accept an offer, and a link
/// for one meeting cannot touch another.
public struct PublicLinks: Sendable {
    let store: Store
    public let secret: InstallationSecret
    let settings: EventSettings

    public init(store: Store, secret: InstallationSecret, settings: EventSettings) {
        self.store = store
        self.secret = secret
        self.settings = settings
    }

    public func event(publicId: String, now: Date = Date()) throws(KampagneError) -> PublicEvent {
        try store.read { db in try event(publicId: publicId, now: now, in: db) }
    }

    /// The meeting page's facts, read without holding the caller's thread (the web's handlers).
    public func event(publicId: String, now: Date = Date()) async throws(KampagneError) -> PublicEvent {
        try await store.read { db in try self.event(publicId: publicId, now: now, in: db) }
    }

    func event(publicId: String, now: Date, in db: Database) throws -> PublicEvent {
        guard let event = try Event.filter(Event.Columns.publicId == publicId).fetchOne(db) else {
            throw KampagneError.notFound("Mødet findes ikke")
        }
        let overview = try Events(store: store, settings: settings).overview(event, spread: false, now: now, in: db)
        var closed: String?
        if event.status == .cancelled {
            closed = "Mødet er aflyst\(event.cancelReason.map { ": \($0)" } ?? ".")"
        } else if event.startsAt <= now {
            closed = "Mødet er begyndt eller afholdt, og tilmeldingen er lukket."
        } else if let deadline = event.signupDeadline, deadline < now {
            closed = "Tilmeldingsfristen var \(DanishDate.long(deadline))."
        }
        return PublicEvent(overview: overview, description: event.description, closedBecause: closed)
    }

    /// The person behind an invitation link for this meeting, or nil for a bad or foreign link.
    public func invitee(token: String, publicId: String) async throws(KampagneError) -> Invitee? {
        guard let decoded = LinkToken.decode(token, scope: .invitation, with: secret) else { return nil }
        return try await store.read { db -> Invitee? in
            guard let row = try OutboxRow.fetchOne(db, key: decoded.subject),
                  let campaign = try Campaign.fetchOne(db, key: row.campaignId), let eventId = campaign.eventId,
                  let event = try Event.fetchOne(db, key: eventId), event.publicId == publicId else { return nil }
            let contact = try row.contactId.flatMap { try Contact.fetchOne(db, key: $0) }
            return Invitee(email: contact?.email ?? row.email, name: contact?.fullName ?? "",
                           organisation: contact?.organisation ?? "", municipality: contact?.municipality ?? "")
        }
    }

    /// The sign-up behind a personal link of `scope`; nil for anything forged or out of scope.
    public func registration(token: String, scope: LinkToken.Scope) async throws(KampagneError) -> LinkedRegistration? {
        guard let decoded = LinkToken.decode(token, scope: scope, with: secret) else { return nil }
        let store = self.store
        let settings = self.settings
        return try await store.read { db -> LinkedRegistration? in
            guard let registration = try Registration.fetchOne(db, key: decoded.subject),
                  let event = try Event.fetchOne(db, key: registration.eventId) else { return nil }
            guard let participant = try Registrations(store: store, settings: settings)
                .participants(of: event, only: registration.id, in: db).first else { return nil }
            return LinkedRegistration(registration: registration, event: event, participant: participant)
        }
    }

    /// The calendar file for a sign-up: REQUEST while it stands, CANCEL once cancelled.
    public func calendar(for linked: LinkedRegistration, baseURL: String, sender: SenderIdentity) -> String {
        let cancelled = linked.event.status == .cancelled || linked.registration.status == .cancelled
        let entry = MeetingMail.details(linked.event, domain: settings.senderDomain, for: linked.registration)
            .calendarEntry(sender: sender, attendeeName: linked.participant.name, attendeeEmail: linked.participant.email,
                           url: PublicPath.meeting.url(base: baseURL, linked.event.publicId), stamp: linked.event.updatedAt, cancelled: cancelled)
        return entry.rendered(method: cancelled ? .cancel : .publish)
    }

    /// The address behind an unsubscribe link, or nil for a bad link.
    public func unsubscribeAddress(token: String) async throws(KampagneError) -> String? {
        guard let decoded = LinkToken.decode(token, scope: .unsubscribe, with: secret) else { return nil }
        return try await store.read { db in try OutboxRow.fetchOne(db, key: decoded.subject)?.email }
    }

    /// Unsubscribes the address behind the link; doing it twice is harmless. Returns the address.
    /// Synchronous (it writes the suppression and the log): the web runs it on its thread pool.
    public func unsubscribe(token: String, how: String) throws(KampagneError) -> String? {
        guard let decoded = LinkToken.decode(token, scope: .unsubscribe, with: secret),
              let email = try store.read({ db in try OutboxRow.fetchOne(db, key: decoded.subject)?.email }),
              email != "slettet" else { return nil }
        try PersonalData(store: store, settings: settings).unsubscribe(email, source: how)
        return email
    }
}
