import Foundation
import GRDB
import MailTemplates

/// The public archive: editions that have gone out to a list (a newsletter send with at
/// least one message accepted; test sends do not count), newest first. Only the edition's
/// own text is public, never who it went to.
public struct EditionArchive: Sendable {
    let store: Store

    public init(store: Store) { self.store = store }

    public struct Entry: Codable, Sendable {
        public var id: Int64
        public var subject: String
        public var number: String
        /// When its first message was accepted.
        public var sentAt: Date
    }

    public struct Page: Sendable {
        public var edition: Edition
        public var sentAt: Date
    }

    private static let firstSent = """
        SELECT campaign.editionId AS id, MIN(outbox.sentAt) AS sentAt
        FROM campaign JOIN outbox ON outbox.campaignId = campaign.id
        WHERE campaign.kind = 'newsletter' AND outbox.state = 'sent' AND campaign.editionId IS NOT NULL
        """

    public func sent() throws(KampagneError) -> [Entry] {
        try store.read { db in
            let rows = try Row.fetchAll(db, sql: Self.firstSent + " GROUP BY campaign.editionId")
            let dates = Dictionary(rows.map { (row: Row) -> (Int64, Date) in (row["id"], row["sentAt"]) }, uniquingKeysWith: min)
            return try EditionRecord.filter(keys: Array(dates.keys)).fetchAll(db).compactMap { record in
                guard let id = record.id, let date = dates[id] else { return nil }
                return Entry(id: id, subject: record.subject, number: record.number, sentAt: date)
            }.sorted { $0.sentAt > $1.sentAt }
        }
    }

    /// The edition's page, or nil when it has not gone out (a draft is not public).
    public func page(_ id: Int64) throws(KampagneError) -> Page? {
        try store.read { db in
            guard let date = try Date.fetchOne(db, sql: Self.firstSent + " AND campaign.editionId = ?", arguments: [id]),
                  let record = try EditionRecord.fetchOne(db, key: id) else { return nil }
            return Page(edition: try Editions.parse(record.source, file: record.file), sentAt: date)
        }
    }
}
