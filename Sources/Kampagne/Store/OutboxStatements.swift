import Foundation
import GRDB

/// The dispatcher's per-message statements, prepared once per transaction and reused from
/// GRDB's statement cache. Claiming walks the outbox in id order from a cursor, so each claim
/// is one index step however far a campaign has come. (The unary `+` keeps SQLite from
/// choosing the state index, which would sort every due row on each claim.)
struct OutboxStatements {
    private let db: Database
    private let claim: Statement
    private let claimInCampaign: Statement
    private let record: Statement
    private let suppressed: Statement

    init(_ db: Database) throws {
        self.db = db
        claim = try db.cachedStatement(sql: Self.claimSQL)
        claimInCampaign = try db.cachedStatement(sql: Self.claimInCampaignSQL)
        record = try db.cachedStatement(sql: """
            UPDATE outbox SET state = ?, lastReply = ?, sentAt = ?, nextAttemptAt = ?, attempts = ? WHERE id = ?
            """)
        suppressed = try db.cachedStatement(sql: "SELECT 1 FROM suppression WHERE emailHash = ?")
    }

    private static let claimSQL = claim(extra: "")
    private static let claimInCampaignSQL = claim(extra: "AND campaignId = ?")

    private static func claim(extra: String) -> String {
        """
        UPDATE outbox SET state = 'sending', attempts = attempts + 1, lastAttemptAt = ?
        WHERE id = (SELECT id FROM outbox WHERE id > ? AND +state IN ('queued', 'deferred') AND +nextAttemptAt <= ? \(extra)
                    ORDER BY id LIMIT 1)
        RETURNING *
        """
    }

    /// Marks the first due row after `cursor` as sending and returns it.
    func claimNext(after cursor: Int64, dueBy: Date, campaign: Int64?, now: Date) throws -> OutboxRow? {
        var arguments: StatementArguments = [StoredDate.value(now), cursor, StoredDate.value(dueBy)]
        if let campaign { arguments += [campaign] }
        return try OutboxRow.fetchOne(campaign == nil ? claim : claimInCampaign, arguments: arguments)
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
