import Foundation
import GRDB

/// One change to a send's time, kept for the record (v19 `scheduleChange`): it was scheduled,
/// moved or cancelled, by whom, when, and how many messages it concerned.
public struct ScheduleChange: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "scheduleChange"

    public enum Action: String, Codable, Sendable {
        case scheduled, moved, cancelled

        /// "planlagt", "flyttet", "annulleret".
        public var danish: String {
            switch self {
            case .scheduled: "planlagt"
            case .moved: "flyttet"
            case .cancelled: "annulleret"
            }
        }
    }

    public var id: Int64?
    public var campaignId: Int64
    public var action: Action
    /// The time before the change (nil when the send was first scheduled).
    public var fromAt: Date?
    /// The time after it (nil when cancelled).
    public var toAt: Date?
    /// Messages queued (scheduled, moved) or removed from the queue (cancelled).
    public var messages: Int
    /// The staff member's username, `cli:<user>` or the `--as` address.
    public var actor: String
    public var at: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public enum Columns {
        static let campaignId = Column(CodingKeys.campaignId)
        static let id = Column(CodingKeys.id)
    }

    /// "flyttet af sif@… onsdag den 2. december 2026 kl. 10.00: fra … til …, 5 beskeder".
    public var danish: String {
        var text = action.danish + (actor.isEmpty ? "" : " af \(actor)") + " \(DanishDate.long(at))"
        switch action {
        case .scheduled: text += " til \(toAt.map(DanishDate.long) ?? "–")"
        case .moved: text += ": fra \(fromAt.map(DanishDate.long) ?? "–") til \(toAt.map(DanishDate.long) ?? "–")"
        case .cancelled: text += fromAt.map { " (var planlagt til \(DanishDate.long($0)))" } ?? ""
        }
        let noun = action == .cancelled ? DanishNumber.count(messages, "besked fjernet", "beskeder fjernet")
            : DanishNumber.count(messages, "besked", "beskeder")
        return text + ", " + noun
    }
}

/// What a move or a cancel did.
public struct ScheduleOutcome: Codable, Sendable {
    public var campaignId: Int64
    public var change: ScheduleChange
}

extension Outbox {
    /// Moves a send that has not started to `time` (in the future): its waiting rows become due
    /// then. One write transaction, so it cannot interleave with the dispatcher's claim of a
    /// row: either nothing of the send had been claimed and all of it moves, or it had started
    /// and nothing changes (a `conflict` that says how far it got).
    public func reschedule(campaign: Int64, to time: Date, by actor: String, now: Date = Date()) throws(KampagneError) -> ScheduleOutcome {
        guard time > now else {
            throw .field("at", "Tidspunktet \(DanishDate.long(time)) er allerede passeret; vælg et senere tidspunkt.")
        }
        return try store.write { db in
            var record = try Self.waiting(campaign, in: db, verb: "flyttes")
            let rows = OutboxRow.filter(OutboxRow.Columns.campaignId == campaign)
            // The rows count as queued from the new time (the give-up clock), as `enqueue` does.
            let moved = try rows.updateAll(db, OutboxRow.Columns.nextAttemptAt.set(to: time), Column("createdAt").set(to: time))
            var change = ScheduleChange(id: nil, campaignId: campaign, action: .moved, fromAt: record.scheduledAt, toAt: time,
                                        messages: moved, actor: actor, at: now)
            try change.insert(db)
            record.scheduledAt = time
            try record.update(db)
            return ScheduleOutcome(campaignId: campaign, change: change)
        }
    }

    /// Cancels a send that has not started: its queued rows are removed (nothing was sent, so
    /// nothing is sent twice or lost), the campaign stays with who cancelled it and when, and
    /// the change is kept. In one transaction with the same check as `reschedule`.
    public func cancelSchedule(campaign: Int64, by actor: String, now: Date = Date()) throws(KampagneError) -> ScheduleOutcome {
        try store.write { db in
            var record = try Self.waiting(campaign, in: db, verb: "annulleres")
            let removed = try OutboxRow.filter(OutboxRow.Columns.campaignId == campaign).deleteAll(db)
            var change = ScheduleChange(id: nil, campaignId: campaign, action: .cancelled, fromAt: record.scheduledAt, toAt: nil,
                                        messages: removed, actor: actor, at: now)
            try change.insert(db)
            record.cancelledAt = now
            record.cancelledBy = actor
            try record.update(db)
            return ScheduleOutcome(campaignId: campaign, change: change)
        }
    }

    /// The changes to send `campaign`'s time, oldest first.
    public func scheduleHistory(campaign: Int64) throws(KampagneError) -> [ScheduleChange] {
        try store.read { db in
            _ = try Self.campaign(campaign, in: db)
            return try ScheduleChange.filter(ScheduleChange.Columns.campaignId == campaign).order(ScheduleChange.Columns.id).fetchAll(db)
        }
    }

    /// The sends of edition `edition` that wait for their time and can still be moved or
    /// cancelled (the edition's page shows them), soonest first.
    public func planned(edition: Int64) throws(KampagneError) -> [SendProgress] {
        let ids = try store.read { db in
            try Int64.fetchAll(db, Campaign.filter(Column("editionId") == edition && Column("kind") == CampaignKind.newsletter.rawValue
                && Column("scheduledAt") != nil && Column("cancelledAt") == nil).order(Column("scheduledAt")).select(Column("id")))
        }
        var planned: [SendProgress] = []
        for id in ids {
            let progress = try progress(campaign: id)
            if progress.waitingToStart { planned.append(progress) }
        }
        return planned
    }

    /// Records that `campaign` was queued to start at `time` (called by `enqueue`).
    static func recordScheduled(_ campaign: Int64, at time: Date, messages: Int, by actor: String, in db: Database) throws {
        var change = ScheduleChange(id: nil, campaignId: campaign, action: .scheduled, fromAt: nil, toAt: time, messages: messages,
                                    actor: actor, at: Date())
        try change.insert(db)
    }

    /// Campaign `id` if none of its messages has been claimed by a dispatcher yet (all rows
    /// still queued, never attempted); otherwise a conflict saying why it cannot be `verb`.
    static func waiting(_ id: Int64, in db: Database, verb: String) throws -> Campaign {
        let record = try campaign(id, in: db)
        guard record.kind != .test else { throw KampagneError.conflict("En testudsendelse kan ikke \(verb).") }
        if let cancelled = record.cancelledAt {
            throw KampagneError.conflict("Udsendelsen blev annulleret \(DanishDate.long(cancelled)) og kan ikke \(verb).")
        }
        let rows = OutboxRow.filter(OutboxRow.Columns.campaignId == id)
        let total = try rows.fetchCount(db)
        let started = try rows.filter(OutboxRow.Columns.state != OutboxState.queued.rawValue || Column("attempts") > 0).fetchCount(db)
        guard started == 0 else {
            let sent = try rows.filter(OutboxRow.Columns.state == OutboxState.sent.rawValue).fetchCount(db)
            throw KampagneError.conflict("Udsendelsen er allerede gået i gang (\(DanishNumber.int(sent)) af \(DanishNumber.int(total)) sendt) "
                + "og kan ikke \(verb). Sæt den på pause i stedet.")
        }
        guard total > 0 else { throw KampagneError.conflict("Udsendelsen har ingen beskeder i kø og kan ikke \(verb).") }
        return record
    }
}
