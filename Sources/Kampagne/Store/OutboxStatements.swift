import Foundation
import GRDB

/// The dispatcher's per-message statements, prepared once per transaction and reused from
/// GRDB's statement cache. The renderer reads due rows in id order from a cursor, so each
/// batch is one index range however far a campaign has come (the unary `+` keeps SQLite from
/// choosing the state index, which would sort every due row); the network thread then claims
/// each row by id just before its transfer starts.
struct OutboxStatements {
    private let db: Database
    private let claim: Statement
    private let record: Statement
    private let suppressed: Statement

    init(_ db: Database) throws {
        self.db = db
        claim = try db.cachedStatement(sql: """
            UPDATE outbox SET state = 'sending', attempts = attempts + 1, lastAttemptAt = ?
            WHERE id = ? AND state IN ('queued', 'deferred') AND nextAttemptAt <= ? AND attempts = ?
            AND \(Self.notPaused)
            """)
        record = try db.cachedStatement(sql: """
            UPDATE outbox SET state = ?, lastReply = ?, sentAt = ?, nextAttemptAt = ?, attempts = ? WHERE id = ?
            """)
        suppressed = try db.cachedStatement(sql: "SELECT 1 FROM suppression WHERE emailHash = ?")
    }

    /// A row of a paused campaign is neither read as due nor claimed (`Outbox.pause`): a pause
    /// asked for during a run holds from the next message on.
    static let notPaused = "NOT EXISTS (SELECT 1 FROM campaign WHERE campaign.id = outbox.campaignId AND campaign.pausedAt IS NOT NULL)"

    static let dueSQL = due(extra: "")
    /// `+campaignId`: with a plain `campaignId = ?` SQLite chose the (campaignId, emailKey,
    /// noticeKey) index, read every row of the campaign and sorted them for each batch of 64:
    /// quadratic, 0.4 s per batch at 100,000 rows (bench/RESULTS.md, session 6). The id range
    /// from the cursor reads only the batch.
    static let dueInCampaignSQL = due(extra: "AND +campaignId = ?")

    private static func due(extra: String) -> String {
        """
        SELECT * FROM outbox WHERE id > ? AND +state IN ('queued', 'deferred') AND +nextAttemptAt <= ? AND \(notPaused) \(extra)
        ORDER BY id LIMIT ?
        """
    }

    /// Up to `limit` rows after `cursor`, in id order, that were due by `dueBy`. Reads only.
    static func due(after cursor: Int64, dueBy: Date, campaign: Int64?, limit: Int, in db: Database) throws -> [OutboxRow] {
        var cursor = cursor
        if cursor == 0, let campaign {
            // The first batch starts at the campaign's first row (one index lookup), not at the
            // first row of the outbox's whole history.
            cursor = max(0, (try Int64.fetchOne(db, sql: "SELECT MIN(id) FROM outbox WHERE campaignId = ?", arguments: [campaign]) ?? 1) - 1)
        }
        var arguments: StatementArguments = [cursor, StoredDate.value(dueBy)]
        if let campaign { arguments += [campaign] }
        arguments += [limit]
        let statement = try db.cachedStatement(sql: campaign == nil ? dueSQL : dueInCampaignSQL)
        return try OutboxRow.fetchAll(statement, arguments: arguments)
    }

    /// Marks `row` as sending if it is still due by `dueBy` and unchanged since it was read,
    /// and returns it as it is now; nil if it was sent, erased or rescheduled meanwhile. (Only
    /// the state and the attempts of a due row change after it is queued; matching the attempts
    /// read saves reading them back, which RETURNING would do at the cost of a temporary table
    /// per claim.)
    func claim(_ row: OutboxRow, dueBy: Date, now: Date) throws -> OutboxRow? {
        guard let id = row.id else { return nil }
        try claim.execute(arguments: [StoredDate.value(now), id, StoredDate.value(dueBy), row.attempts])
        guard db.changesCount == 1 else { return nil }
        var claimed = row
        claimed.state = .sending
        claimed.attempts = row.attempts + 1
        claimed.lastAttemptAt = now
        return claimed
    }

    /// Writes a row's new state and the server's answer.
    func update(_ row: OutboxRow) throws {
        try record.executeBound([
            .text(row.state.rawValue), .optionalText(row.lastReply), .optionalText(row.sentAt.map(StoredDate.text)),
            .text(StoredDate.text(row.nextAttemptAt)), .integer(Int64(row.attempts)), .integer(row.id ?? 0),
        ])
    }

    func isSuppressed(hash: String) throws -> Bool {
        try Bool.fetchOne(suppressed, arguments: [hash]) != nil
    }
}
