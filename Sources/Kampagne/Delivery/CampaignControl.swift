import Foundation
import GRDB

/// A send while it runs: its counts, pace and expected end, for the staff area's live
/// progress (`/admin/nyhedsbreve/udsendelse/ID/status.json`) and `newsletter progress`.
public struct SendProgress: Codable, Sendable {
    public var campaignId: Int64
    public var name: String
    public var total: Int
    public var sent: Int
    public var deferred: Int
    public var failed: Int
    /// Queued or being handed over now.
    public var waiting: Int
    public var paused: Bool
    /// When a scheduled send starts (nil: sent at once, or already started).
    public var scheduledAt: Date?
    /// Messages accepted per minute over the last minute of sending (nil before the first).
    public var perMinute: Double?
    /// Seconds until the queue is empty at that pace (nil when unknown or done).
    public var etaSeconds: Double?
    /// Nothing is queued, sending or deferred any more.
    public var finished: Bool
}

/// One recipient of a send, as the per-recipient log shows them.
public struct RecipientLogLine: Codable, Sendable {
    public var outboxId: Int64
    public var email: String
    public var state: OutboxState
    public var attempts: Int
    /// The server's last reply (or why the message was not sent).
    public var reply: String
    public var sentAt: Date?
    public var lastAttemptAt: Date?
    /// What came back later: bounce reports about this message (`hard-bounce`, `complaint`, …).
    public var reports: [String]
    /// The address is on the suppression list now (unsubscribed, bounced, complained, erased):
    /// it was not when the send was queued.
    public var suppressedSince: SuppressionReason?
}

extension Outbox {
    /// Pauses a send: the dispatcher claims none of its rows from the next message on (the
    /// messages already handed to a connection finish). Nothing changes state, so nothing is
    /// lost or sent twice. Pausing a paused send changes nothing.
    public func pause(campaign: Int64, now: Date = Date()) throws(KampagneError) {
        try store.write { db in
            var record = try Self.campaign(campaign, in: db)
            guard record.pausedAt == nil else { return }
            record.pausedAt = now
            try record.update(db)
        }
    }

    /// Lets a paused send go on; the next dispatcher run (the scheduler's, or `outbox run`) sends the rest.
    public func resume(campaign: Int64) throws(KampagneError) {
        try store.write { db in
            var record = try Self.campaign(campaign, in: db)
            guard record.pausedAt != nil else { return }
            record.pausedAt = nil
            try record.update(db)
        }
    }

    static func campaign(_ id: Int64, in db: Database) throws -> Campaign {
        guard let record = try Campaign.fetchOne(db, key: id) else {
            throw KampagneError.unknown(.campaign, id)
        }
        return record
    }

    /// Where send `campaign` is: counts by state, the pace over the last minute, the ETA.
    public func progress(campaign: Int64, now: Date = Date()) throws(KampagneError) -> SendProgress {
        let status = try self.status(campaign: campaign).first
        return try store.read { db in
            let record = try Self.campaign(campaign, in: db)
            let rows = OutboxRow.filter(OutboxRow.Columns.campaignId == campaign)
            let since = now.addingTimeInterval(-60)
            let lastMinute = try rows.filter(Column("sentAt") >= since).fetchCount(db)
            let first = try Date.fetchOne(db, rows.select(min(Column("sentAt"))))
            let waiting = (status?.queued ?? 0) + (status?.sending ?? 0)
            let deferred = status?.deferred ?? 0
            var perMinute: Double?
            if lastMinute > 0, let first {
                // Over the last minute, or since the first message when the send is younger.
                let span = max(1, min(60, now.timeIntervalSince(first)))
                perMinute = Double(lastMinute) * 60 / span
            }
            let finished = waiting + deferred == 0
            let eta = finished || record.pausedAt != nil ? nil : perMinute.map { Double(waiting) / $0 * 60 }
            return SendProgress(campaignId: campaign, name: record.name, total: status?.total ?? 0, sent: status?.sent ?? 0,
                                deferred: deferred, failed: status?.failed ?? 0, waiting: waiting, paused: record.pausedAt != nil,
                                scheduledAt: record.scheduledAt.flatMap { $0 > now ? $0 : nil }, perMinute: perMinute,
                                etaSeconds: eta, finished: finished)
        }
    }

    /// The per-recipient log of send `campaign`, in the order it was queued, optionally only
    /// rows in `state`; with the server's replies and what came back afterwards.
    public func recipients(campaign: Int64, state: OutboxState? = nil, limit: Int = 500,
                           offset: Int = 0) throws(KampagneError) -> [RecipientLogLine] {
        try store.read { db in
            _ = try Self.campaign(campaign, in: db)
            var request = OutboxRow.filter(OutboxRow.Columns.campaignId == campaign)
            if let state { request = request.filter(OutboxRow.Columns.state == state.rawValue) }
            let rows = try request.order(Column("id")).limit(limit, offset: offset).fetchAll(db)
            let reports = try Row.fetchAll(db, sql: """
                SELECT outboxId, kind FROM bounceReport
                WHERE outboxId IN (SELECT id FROM outbox WHERE campaignId = ?) ORDER BY id
                """, arguments: [campaign])
            var byRow: [Int64: [String]] = [:]
            for report in reports { byRow[report["outboxId"], default: []].append(report["kind"]) }
            let suppressions = try SuppressionList(db: db)
            return rows.map { row in
                RecipientLogLine(outboxId: row.id ?? 0, email: row.email, state: row.state, attempts: row.attempts,
                                 reply: row.lastReply ?? "", sentAt: row.sentAt, lastAttemptAt: row.lastAttemptAt,
                                 reports: byRow[row.id ?? 0] ?? [], suppressedSince: suppressions.reason(for: row.emailKey))
            }
        }
    }
}

/// The Danish words for a send's progress, the same on the command line and in the staff area.
public enum SendProgressText {
    /// "12 af 40 sendt · 1 udskudt · 0 fejlet · 30 pr. minut · ca. 56 sekunder tilbage".
    public static func line(_ p: SendProgress) -> String {
        var parts = ["\(DanishNumber.int(p.sent)) af \(DanishNumber.int(p.total)) sendt",
                     "\(DanishNumber.int(p.deferred)) udskudt", "\(DanishNumber.int(p.failed)) fejlet"]
        if let rate = p.perMinute { parts.append("\(DanishNumber.int(Int(rate.rounded()))) pr. minut") }
        parts.append(state(p))
        return parts.joined(separator: " · ")
    }

    /// What the send is doing: finished, paused, scheduled, or the time left.
    public static func state(_ p: SendProgress) -> String {
        if p.finished { return p.failed > 0 ? "afsluttet med fejl" : "afsluttet" }
        if p.paused { return "på pause" }
        if let at = p.scheduledAt { return "planlagt til \(DanishDate.long(at))" }
        if let eta = p.etaSeconds { return "ca. \(SendEstimate.duration(eta)) tilbage" }
        return p.sent == 0 ? "venter på at blive sendt" : "i gang"
    }
}
