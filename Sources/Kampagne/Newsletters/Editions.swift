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

    /// Reads and checks an edition file and stores it; returns its id. A line `@historie N`
    /// includes good story N as an article: it must be approved, out of embargo and consented
    /// for the newsletter, and the edition is recorded as a place the story was used.
    public func create(file path: String, now: Date = Date()) throws(KampagneError) -> Int64 {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .io("Kan ikke læse \(path)")
        }
        guard let source = String(data: data, encoding: .utf8) else {
            throw .invalidInput("\(path): udgaven skal være UTF-8")
        }
        return try store.write { db in
            let (expanded, stories) = try Self.includeStories(source, file: path, now: now, in: db)
            let edition = try Self.parse(expanded, file: path)
            var record = EditionRecord(id: nil, subject: edition.subject, number: edition.number,
                                       file: (path as NSString).lastPathComponent, source: expanded, createdAt: now)
            try record.insert(db)
            let id = record.id ?? 0
            for story in stories {
                _ = try StoryPublisher.record(story, channel: .newsletter, form: StoryForm.article.rawValue,
                                              target: "udgave \(id): \(edition.subject)", at: now, in: db)
                if story.status != .published {
                    var published = story
                    published.status = .published
                    published.updatedAt = now
                    try published.update(db)
                }
            }
            return id
        }
    }

    /// Replaces each `@historie N` line with story N as an article.
    static func includeStories(_ source: String, file: String, now: Date, in db: Database) throws -> (String, [Story]) {
        var stories: [Story] = []
        var lines: [String] = []
        for (index, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard words.count == 2, ["@historie", "@story"].contains(words[0].lowercased()) else {
                lines.append(String(line))
                continue
            }
            guard let id = Int64(words[1]) else {
                throw KampagneError.invalidInput("\(file):\(index + 1): skriv '@historie NUMMER' (fx @historie 3)")
            }
            do {
                let (story, draft) = try StoryPublisher.publishable(id, channel: .newsletter, form: .article, now: now, in: db)
                lines.append(StoryPublisher.article(draft))
                stories.append(story)
            } catch let error as KampagneError {
                throw KampagneError.invalidInput("\(file):\(index + 1): \(error.message)")
            }
        }
        return (lines.joined(separator: "\n"), stories)
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
