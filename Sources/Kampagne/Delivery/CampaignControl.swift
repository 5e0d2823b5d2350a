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
    /// When a scheduled send starts (nil: sent at once, already started, or cancelled).
    public var scheduledAt: Date?
    /// When the send was cancelled before it started, and by whom.
    public var cancelledAt: Date?
    public var cancelledBy: String?
    /// No message of the send has been claimed yet: it can still be moved or cancelled.
    public var waitingToStart: Bool
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
            let untouched = try rows.filter(OutboxRow.Columns.state != OutboxState.queued.rawValue || Column("attempts") > 0).fetchCount(db) == 0
            let cancelled = record.cancelledAt != nil
            return SendProgress(campaignId: campaign, name: record.name, total: status?.total ?? 0, sent: status?.sent ?? 0,
                                deferred: deferred, failed: status?.failed ?? 0, waiting: waiting, paused: record.pausedAt != nil,
                                scheduledAt: cancelled ? nil : record.scheduledAt.flatMap { $0 > now ? $0 : nil },
                                cancelledAt: record.cancelledAt, cancelledBy: record.cancelledBy,
                                waitingToStart: !cancelled && record.kind != .test && waiting > 0 && untouched,
                                perMinute: perMinute, etaSeconds: eta, finished: finished)
        }
    }

    /// The per-recipient log of send `campaign`, in the order it was queued, optionally only
    /// rows in `state`; with the server's replies and what came back afterwards. Only the
    /// page's rows' bounce reports and suppression entries are read.
    public func recipients(campaign: Int64, state: OutboxState? = nil, limit: Int = 500,
                           offset: Int = 0) throws(KampagneError) -> [RecipientLogLine] {
        try store.read { db in
            _ = try Self.campaign(campaign, in: db)
            var request = OutboxRow.filter(OutboxRow.Columns.campaignId == campaign)
            if let state { request = request.filter(OutboxRow.Columns.state == state.rawValue) }
            let rows = try request.order(Column("id")).limit(limit, offset: offset).fetchAll(db)
            let ids = rows.compactMap(\.id)
            var byRow: [Int64: [String]] = [:]
            for report in try BounceRecord.filter(ids.contains(Column("outboxId"))).order(Column("id")).fetchAll(db) {
                if let id = report.outboxId { byRow[id, default: []].append(report.kind.rawValue) }
            }
            let secret = try InstallationSecret.load(db)
            let hashes = Dictionary(rows.map { ($0.id ?? 0, SuppressionList.hash($0.emailKey, secret: secret)) }, uniquingKeysWith: { a, _ in a })
            let reasons = Dictionary(try Suppression.filter(keys: Set(hashes.values)).fetchAll(db).map { ($0.emailHash, $0.reason) },
                                     uniquingKeysWith: { a, _ in a })
            return rows.map { row in
                RecipientLogLine(outboxId: row.id ?? 0, email: row.email, state: row.state, attempts: row.attempts,
                                 reply: row.lastReply ?? "", sentAt: row.sentAt, lastAttemptAt: row.lastAttemptAt,
                                 reports: byRow[row.id ?? 0] ?? [], suppressedSince: hashes[row.id ?? 0].flatMap { reasons[$0] })
            }
        }
    }

    /// How many of send `campaign`'s recipients are on the suppression list as unsubscribed
    /// now: counted in SQL, each address's keyed hash computed by a function on the connection.
    public func unsubscribedCount(campaign: Int64) throws(KampagneError) -> Int {
        try store.read { db in
            _ = try Self.campaign(campaign, in: db)
            let secret = try InstallationSecret.load(db)
            db.add(function: DatabaseFunction("suppressionHash", argumentCount: 1, pure: true) { values in
                String.fromDatabaseValue(values[0]).map { SuppressionList.hash($0, secret: secret) }
            })
            return try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM outbox JOIN suppression ON suppression.emailHash = suppressionHash(outbox.emailKey)
                WHERE outbox.campaignId = ? AND suppression.reason = ?
                """, arguments: [campaign, SuppressionReason.unsubscribed.rawValue]) ?? 0
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
        if let at = p.cancelledAt { return "annulleret \(DanishDate.long(at))" + (p.cancelledBy.map { " af \($0)" } ?? "") }
        if p.finished { return p.failed > 0 ? "afsluttet med fejl" : "afsluttet" }
        if p.paused { return "på pause" }
        if let at = p.scheduledAt { return "planlagt til \(DanishDate.long(at))" }
        if let eta = p.etaSeconds { return "ca. \(SendEstimate.duration(eta)) tilbage" }
        return p.sent == 0 ? "venter på at blive sendt" : "i gang"
    }
}
