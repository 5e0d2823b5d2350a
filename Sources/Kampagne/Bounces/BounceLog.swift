import Foundation
import GRDB

/// What the bounce runs found and did, newest first: `kampagne bounces list`.
public struct BounceLog: Sendable {
    let store: Store

    public init(store: Store) { self.store = store }

    /// One processed report, with the address and campaign it was about (when matched).
    public struct Entry: Codable, Sendable, Equatable {
        public var id: Int64
        public var processedAt: Date
        public var uid: Int64
        public var kind: String
        public var outcome: String
        public var email: String?
        public var campaignId: Int64?
        public var status: String?
        public var diagnostic: String?
        public var note: String
    }

    /// What came back later for one campaign's messages, from the bounce mailbox.
    public struct LateResults: Sendable, Equatable {
        /// Hard bounces and permanent failures reported after the relay accepted the message.
        public var bounced = 0
        public var softBounces = 0
        public var complaints = 0
        public var unsubscribes = 0
    }

    /// The late results of every campaign that has any, by campaign id: one grouped query.
    /// With `campaign`, only that campaign's reports are read (a send's own page).
    public func lateResults(campaign: Int64? = nil) throws(KampagneError) -> [Int64: LateResults] {
        try store.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT outbox.campaignId AS campaign, bounceReport.kind AS kind, COUNT(*) AS n
                FROM bounceReport JOIN outbox ON outbox.id = bounceReport.outboxId
                \(campaign == nil ? "" : "WHERE outbox.campaignId = ?")
                GROUP BY outbox.campaignId, bounceReport.kind
                """, arguments: StatementArguments(campaign.map { [$0] } ?? []))
            var results: [Int64: LateResults] = [:]
            for row in rows {
                let campaign: Int64 = row["campaign"]
                let n: Int = row["n"]
                switch BounceReport.Kind(rawValue: row["kind"]) {
                case .hardBounce, .failed: results[campaign, default: LateResults()].bounced += n
                case .softBounce: results[campaign, default: LateResults()].softBounces += n
                case .complaint: results[campaign, default: LateResults()].complaints += n
                case .unsubscribe: results[campaign, default: LateResults()].unsubscribes += n
                case .delivered, .autoReply, .unknown, nil: break
                }
            }
            return results
        }
    }

    public func list(limit: Int = 500) throws(KampagneError) -> [Entry] {
        try store.read { db in
            let records = try BounceRecord.order(Column("id").desc).limit(limit).fetchAll(db)
            let rows = try OutboxRow.filter(keys: records.compactMap(\.outboxId)).fetchAll(db)
            let byId = Dictionary(rows.map { ($0.id ?? 0, $0) }, uniquingKeysWith: { first, _ in first })
            return records.map { record in
                let row = record.outboxId.flatMap { byId[$0] }
                return Entry(id: record.id ?? 0, processedAt: record.processedAt, uid: record.uid, kind: record.kind.rawValue,
                             outcome: record.outcome.rawValue, email: row?.email, campaignId: row?.campaignId,
                             status: record.status, diagnostic: record.diagnostic, note: record.note)
            }
        }
    }
}

/// The Danish summary line of a run.
public enum BounceRunText {
    public static func summary(_ summary: BounceRunSummary) -> String {
        let counted = BounceReport.Kind.allCases.compactMap { kind -> String? in
            guard let n = summary.kinds[kind.rawValue], n > 0 else { return nil }
            return "\(kind.danish): \(DanishNumber.int(n))"
        }
        var text = summary.dryRun ? "Prøvekørsel (intet ændret): " : ""
        text += "\(DanishNumber.count(summary.examined, "mail", "mails")) gennemgået"
        if !counted.isEmpty { text += "; " + counted.joined(separator: ", ") }
        text += "; \(DanishNumber.int(summary.suppressed)) spærret, \(DanishNumber.int(summary.left)) efterladt til en person"
        if summary.alreadyRecorded > 0 { text += "; \(DanishNumber.int(summary.alreadyRecorded)) var behandlet før og er nu markeret" }
        return text
    }
}

// Optional values are written as null rather than left out, so every documented key is always there.
extension BounceLog.Entry {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(processedAt, forKey: .processedAt)
        try c.encode(uid, forKey: .uid)
        try c.encode(kind, forKey: .kind)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(email, forKey: .email)
        try c.encode(campaignId, forKey: .campaignId)
        try c.encode(status, forKey: .status)
        try c.encode(diagnostic, forKey: .diagnostic)
        try c.encode(note, forKey: .note)
    }
}
