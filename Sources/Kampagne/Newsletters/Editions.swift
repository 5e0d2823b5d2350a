import Foundation
import GRDB
import MailTemplates

/// An edition as the command line lists it.
public struct EditionView: Codable, Sendable {
    public var id: Int64
    public var subject: String
    public var number: String
    public var file: String
    public var articles: Int
    public var campaigns: Int
    public var sent: Int
    public var createdAt: Date
}

/// Newsletter editions: stored with their Markdown source so they render the same later.
public struct Editions: Sendable {
    let store: Store

    public init(store: Store) { self.store = store }

    /// Reads and checks an edition file and stores it; returns its id.
    public func create(file path: String) throws(KampagneError) -> Int64 {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .io("Kan ikke læse \(path)")
        }
        guard let source = String(data: data, encoding: .utf8) else {
            throw .invalidInput("\(path): udgaven skal være UTF-8")
        }
        let edition = try Self.parse(source, file: path)
        return try store.write { db in
            var record = EditionRecord(id: nil, subject: edition.subject, number: edition.number,
                                       file: (path as NSString).lastPathComponent, source: source, createdAt: Date())
            try record.insert(db)
            return record.id ?? 0
        }
    }

    static func parse(_ source: String, file: String) throws(KampagneError) -> Edition {
        do {
            return try Edition(markdown: source, file: file)
        } catch {
            throw .invalidInput(error.description)
        }
    }

    public func all() throws(KampagneError) -> [EditionView] {
        try store.read { db in
            try EditionRecord.order(Column("id").desc).fetchAll(db).map { record in
                let campaigns = try Campaign.filter(Column("editionId") == record.id).fetchAll(db)
                let ids = campaigns.compactMap(\.id)
                let sent = try OutboxRow.filter(ids.contains(OutboxRow.Columns.campaignId) && OutboxRow.Columns.state == OutboxState.sent.rawValue).fetchCount(db)
                let articles = (try? Edition(markdown: record.source, file: record.file).articles.count) ?? 0
                return EditionView(id: record.id ?? 0, subject: record.subject, number: record.number, file: record.file,
                                   articles: articles, campaigns: campaigns.count, sent: sent, createdAt: record.createdAt)
            }
        }
    }

    static func find(_ id: Int64, in db: Database) throws -> (EditionRecord, Edition) {
        guard let record = try EditionRecord.fetchOne(db, key: id) else {
            throw KampagneError.notFound("Udgave \(id) findes ikke (se `kampagne newsletter list`)")
        }
        return (record, try parse(record.source, file: record.file))
    }
}
