import Foundation
import GRDB

/// The waiting list of one meeting: arrival order, and offers of freed seats that hold the
/// seat for a while and then pass to the next person.
struct WaitingList {
    let settings: EventSettings

    /// The cancel reason of an offer that lapsed unanswered.
    static let lapsedReason = "tilbuddet udløb"

    func seatsTaken(_ event: Event, in db: Database) throws -> Int {
        try SignUpStatements.count(eventId: event.id ?? 0, statuses: RegistrationStatus.seatHoldingValues, in: db)
    }

    func waiting(_ event: Event) -> QueryInterfaceRequest<Registration> {
        Registration.filter(Registration.Columns.eventId == event.id && Registration.Columns.status == RegistrationStatus.waitlisted.rawValue)
            .order(Registration.Columns.queuedAt, Column("id"))
    }

    /// A new sign-up gets a seat only if one is free and nobody is waiting ahead of them.
    func hasRoom(_ event: Event, in db: Database) throws -> Bool {
        if try SignUpStatements.count(eventId: event.id ?? 0, statuses: [RegistrationStatus.waitlisted.rawValue], in: db) > 0 { return false }
        guard let capacity = event.capacity else { return true }
        return try seatsTaken(event, in: db) < capacity
    }

    /// 1 for the next in line.
    func position(of registration: Registration, in db: Database) throws -> Int {
        let ahead = try Registration.filter(sql: """
            eventId = ? AND status = 'waitlisted' AND (queuedAt < ? OR (queuedAt = ? AND id < ?))
            """, arguments: [registration.eventId, registration.queuedAt, registration.queuedAt, registration.id ?? 0]).fetchCount(db)
        return ahead + 1
    }

    /// Offers every free seat to the next people waiting; returns how many offers were made.
    @discardableResult
    func fill(_ event: Event, now: Date, in db: Database) throws -> Int {
        guard event.status == .planned, event.startsAt > now else { return 0 }
        var free = Int.max
        if let capacity = event.capacity { free = capacity - (try seatsTaken(event, in: db)) }
        var offers = 0
        let mail = MeetingMail(settings: settings)
        if event.capacity == nil {
            // Room for everyone: no offers to lapse, just seats.
            for var next in try waiting(event).fetchAll(db) {
                next.status = .registered
                next.updatedAt = now
                try next.update(db)
                try mail.queue(.confirmation, to: next, event: event, key: "\(next.id ?? 0):\(next.revision)", in: db)
            }
            return 0
        }
        while free > 0, var next = try waiting(event).fetchOne(db) {
            let expires = settings.offerExpiry(now: now, startsAt: event.startsAt)
            next.status = .offered
            next.offerExpiresAt = expires
            next.updatedAt = now
            try next.update(db)
            try mail.queue(.offer, to: next, event: event, key: "\(next.id ?? 0):\(next.revision)", offerExpires: expires, in: db)
            try Events.log(event, "plads tilbudt", "tilmelding \(next.id ?? 0), svarfrist \(DanishDate.long(expires))", in: db)
            free -= 1
            offers += 1
        }
        return offers
    }

    /// Lapses offers past their time (telling the person) and offers the seats onwards.
    func expireOffers(now: Date, in db: Database) throws -> Int {
        let lapsed = try Registration.filter(Registration.Columns.status == RegistrationStatus.offered.rawValue
            && Registration.Columns.offerExpiresAt <= now).fetchAll(db)
        let mail = MeetingMail(settings: settings)
        var touched: Set<Int64> = []
        for var registration in lapsed {
            let event = try Events.find(registration.eventId, in: db)
            registration.status = .cancelled
            registration.cancelReason = Self.lapsedReason
            registration.offerExpiresAt = nil
            registration.updatedAt = now
            try registration.update(db)
            if event.status == .planned && event.startsAt > now {
                try mail.queue(.offerLapsed, to: registration, event: event, key: "\(registration.id ?? 0):\(registration.revision)", in: db)
            }
            touched.insert(registration.eventId)
        }
        for eventId in touched {
            try fill(try Events.find(eventId, in: db), now: now, in: db)
        }
        return lapsed.count
    }
}
