import Foundation
import GRDB

/// What carrying a waiting list over to the next meeting did.
public struct CarryOverReport: Codable, Sendable, Equatable {
    public var eventId: Int64
    public var fromEventId: Int64
    /// People left waiting (or whose offer lapsed) at the earlier meeting.
    public var candidates: Int
    /// Got a seat held for them (an offer) until `heldUntil`.
    public var held: Int
    /// No seat left to hold: put first on the new meeting's waiting list.
    public var waitlisted: Int
    /// Already signed up for the new meeting, or their address is blocked.
    public var skipped: Int
    public var heldUntil: Date?
}

extension Events {
    /// The people `fromId`'s waiting list left without a seat: still waiting, offered when the
    /// meeting began, or whose offer lapsed; in their waiting-list order.
    static func leftWaiting(at fromId: Int64, in db: Database) throws -> [Registration] {
        try Registration.filter(Registration.Columns.eventId == fromId && (
            [RegistrationStatus.waitlisted.rawValue, RegistrationStatus.offered.rawValue].contains(Registration.Columns.status)
            || (Registration.Columns.status == RegistrationStatus.cancelled.rawValue && Column("cancelReason") == WaitingList.lapsedReason)))
            .order(Registration.Columns.queuedAt, Column("id")).fetchAll(db)
    }

    /// How many people `inviteFromWaitingList` would reach, for the confirmation.
    public func waitingListCandidates(_ id: Int64, from fromId: Int64) throws(KampagneError) -> Int {
        try store.read { db in
            _ = try Self.find(id, in: db)
            _ = try Self.find(fromId, in: db)
            return try Self.leftWaiting(at: fromId, in: db).count
        }
    }

    /// Invites those left waiting at meeting `fromId` to meeting `id` before anyone else: each
    /// gets a seat held for `holdHours` (a waiting-list offer with accept and decline links);
    /// when the seats run out, the rest go first on the waiting list. A hold that lapses frees
    /// its seat for the next in line, as any offer does. Run it before `invite`, which then
    /// reaches everyone else with the seats that are left.
    public func inviteFromWaitingList(_ id: Int64, from fromId: Int64, holdHours: Int = 72,
                                      now: Date = Date()) throws(KampagneError) -> CarryOverReport {
        guard id != fromId else { throw .invalidInput("Ventelisten skal komme fra et andet møde") }
        guard (1...720).contains(holdHours) else { throw .field("hold", "Pladserne holdes 1 til 720 timer (fik \(holdHours)).") }
        return try store.write { db in
            let event = try Self.find(id, in: db)
            _ = try Self.find(fromId, in: db)
            guard event.status == .planned else { throw KampagneError.conflict("Mødet er aflyst; der kan ikke inviteres") }
            guard event.startsAt > now else { throw KampagneError.conflict("Mødet er begyndt; der kan ikke inviteres") }
            let waiting = try Self.leftWaiting(at: fromId, in: db)
            let suppressions = try SuppressionList(db: db)
            let list = WaitingList(settings: settings)
            var free = Int.max
            if let capacity = event.capacity { free = capacity - (try list.seatsTaken(event, in: db)) }
            let latest = event.startsAt.addingTimeInterval(-2 * 3600)
            let heldUntil = min(now.addingTimeInterval(Double(holdHours) * 3600), max(latest, now.addingTimeInterval(15 * 60)))
            var report = CarryOverReport(eventId: id, fromEventId: fromId, candidates: waiting.count, held: 0, waitlisted: 0,
                                         skipped: 0, heldUntil: nil)
            let origin = SignupSource.waitingList(fromId).key
            for earlier in waiting {
                guard let contactId = earlier.contactId, let contact = try Contact.fetchOne(db, key: contactId),
                      suppressions.reason(for: contact.emailKey) == nil else { report.skipped += 1; continue }
                var registration: Registration
                if let existing = try Registration.filter(Registration.Columns.eventId == id
                    && Registration.Columns.contactId == contactId).fetchOne(db) {
                    guard !existing.status.isActive else { report.skipped += 1; continue }
                    registration = existing
                    registration.revision += 1
                } else {
                    registration = Registration(id: nil, eventId: id, contactId: contactId, status: .waitlisted, walkIn: false,
                                                source: .commandLine, organisation: earlier.organisation,
                                                municipality: earlier.municipality, answers: [:], queuedAt: now,
                                                offerExpiresAt: nil, attendedAt: nil, cancelReason: nil, revision: 0,
                                                createdAt: now, updatedAt: now)
                }
                registration.origin = origin
                registration.cancelReason = nil
                registration.updatedAt = now
                // First in line: ahead of anyone who signs up for the new meeting on their own.
                registration.queuedAt = earlier.queuedAt
                if free > 0 {
                    registration.status = .offered
                    registration.offerExpiresAt = heldUntil
                    try registration.save(db)
                    try mail.queue(.offer, to: registration, event: event, key: "\(registration.id ?? 0):\(registration.revision)",
                                   offerExpires: heldUntil, carriedOver: true, contact: contact, in: db)
                    free -= 1
                    report.held += 1
                } else {
                    registration.status = .waitlisted
                    registration.offerExpiresAt = nil
                    try registration.save(db)
                    let position = try list.position(of: registration, in: db)
                    try mail.queue(.waitlisted, to: registration, event: event, key: "\(registration.id ?? 0):\(registration.revision)",
                                   position: position, contact: contact, in: db)
                    report.waitlisted += 1
                }
            }
            if report.held > 0 { report.heldUntil = heldUntil }
            if report.held + report.waitlisted > 0 {
                try Self.log(event, "venteliste overført",
                             "fra møde \(fromId): \(report.held) pladser holdt til \(DanishDate.long(heldUntil)), \(report.waitlisted) på venteliste",
                             in: db)
            }
            return report
        }
    }
}
