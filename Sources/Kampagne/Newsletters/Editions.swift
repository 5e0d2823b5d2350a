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
    /// for the newsletter, and the edition is recorded as a place the story will be used: the
    /// use counts (and the story becomes published) when the edition is sent.
    public func create(file path: String, now: Date = Date()) throws(KampagneError) -> Int64 {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .io("Kan ikke læse \(path)")
        }
        guard let source = String(data: data, encoding: .utf8) else {
            throw .invalidInput("\(path): udgaven skal være UTF-8")
        }
        return try create(source: source, file: path, now: now)
    }

    /// Stores an edition from its text (a file read by `create(file:)`, or the staff area's
    /// editor); returns its id. `file` names the text in error messages and the record.
    public func create(source: String, file: String, now: Date = Date()) throws(KampagneError) -> Int64 {
        try store.write { db in
            var record = EditionRecord(id: nil, subject: "", number: "", file: (file as NSString).lastPathComponent,
                                       source: "", createdAt: now)
            return try Self.store(source, file: file, into: &record, now: now, in: db)
        }
    }

    /// Replaces the text of edition `id`, which must not have been sent (a test send is fine):
    /// what went out stays as it went out. Its story uses are recorded anew.
    public func update(_ id: Int64, source: String, now: Date = Date()) throws(KampagneError) {
        try store.write { db in
            var (record, _) = try Self.find(id, in: db)
            if try Campaign.filter(Column("editionId") == id && Column("kind") == CampaignKind.newsletter.rawValue).fetchCount(db) > 0 {
                throw KampagneError.conflict("Udgave \(id) er sendt og kan ikke ændres; lav en ny udgave")
            }
            try StoryUsage.filter(StoryUsage.Columns.editionId == id).deleteAll(db)
            _ = try Self.store(source, file: record.file, into: &record, now: now, in: db)
        }
    }

    /// The text an editor starts from: the draft as written (with `@historie N` lines), or
    /// the stored text for editions made before drafts were kept. `sent`: it can no longer change.
    public func draft(_ id: Int64) throws(KampagneError) -> (source: String, sent: Bool) {
        try store.read { db in
            let (record, _) = try Self.find(id, in: db)
            let sent = try Campaign.filter(Column("editionId") == id && Column("kind") == CampaignKind.newsletter.rawValue).fetchCount(db) > 0
            return (record.draft ?? record.source, sent)
        }
    }

    /// The good stories an edition may include now (`@historie N`): approved, out of
    /// embargo and consented for the newsletter; with their headlines, in Danish order.
    public func includableStories(now: Date = Date()) throws(KampagneError) -> [(id: Int64, headline: String)] {
        try store.read { db in
            var found: [(id: Int64, headline: String)] = []
            for story in try Story.fetchAll(db) {
                guard let id = story.id,
                      let (_, draft) = try? StoryPublisher.publishable(id, channel: .newsletter, form: .article, now: now, in: db)
                else { continue }
                found.append((id, draft.headline))
            }
            return DanishText.sorted(found) { [$0.headline] }
        }
    }

    /// Checks `source`, fills in its stories and writes it into `record` (inserted when new).
    private static func store(_ source: String, file: String, into record: inout EditionRecord, now: Date,
                              in db: Database) throws -> Int64 {
        let included = try includeStories(source, file: file, now: now, in: db)
        let edition: Edition
        do throws(TemplateError) {
            edition = try Edition(markdown: included.source, file: file)
        } catch {
            // Lines are counted in the file as written, not in the expanded text.
            var located = error
            located.line = included.originalLine(located.line)
            throw KampagneError.invalidInput(located.description)
        }
        record.subject = edition.subject
        record.number = edition.number
        record.source = included.source
        record.draft = source
        if record.id == nil { try record.insert(db) } else { try record.update(db) }
        let id = record.id ?? 0
        for story in included.stories {
            _ = try StoryPublisher.record(story, channel: .newsletter, form: .article,
                                          target: "udgave \(id): \(edition.subject)", editionId: id, at: now, in: db)
        }
        return id
    }

    /// An edition's text with its `@historie N` lines replaced by the stories' articles.
    struct IncludedStories {
        var source: String
        var stories: [Story]
        /// For each line of `source` (0-based), the line of the original file it came from (1-based).
        var lineOrigins: [Int]

        func originalLine(_ line: Int) -> Int {
            line >= 1 && line <= lineOrigins.count ? lineOrigins[line - 1] : line
        }
    }

    /// Replaces each `@historie N` line with story N as an article; any other line starting with
    /// `@historie` is an error naming the line.
    static func includeStories(_ source: String, file: String, now: Date, in db: Database) throws -> IncludedStories {
        var included = IncludedStories(source: "", stories: [], lineOrigins: [])
        var lines: [String] = []
        for (index, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard let first = words.first, ["@historie", "@story"].contains(first.lowercased()) else {
                lines.append(String(line))
                included.lineOrigins.append(index + 1)
                continue
            }
            guard words.count == 2, let id = Int64(words[1]) else {
                throw KampagneError.invalidInput("\(file):\(index + 1): skriv '@historie NUMMER' alene på linjen (fx @historie 3)")
            }
            do {
                let (story, draft) = try StoryPublisher.publishable(id, channel: .newsletter, form: .article, now: now, in: db)
                let article = StoryPublisher.article(draft, photos: false).split(separator: "\n", omittingEmptySubsequences: false)
                lines += article.map(String.init)
                included.lineOrigins += Array(repeating: index + 1, count: article.count)
                included.stories.append(story)
            } catch let error as KampagneError {
                throw KampagneError.invalidInput("\(file):\(index + 1): \(error.message)")
            }
        }
        included.source = lines.joined(separator: "\n")
        return included
    }

    /// The first real send of edition `editionId` (call before its campaign is inserted): the
    /// stories it includes are used now, so their uses are dated to the send, the stories
    /// become published and the use is logged. A later send of the same edition changes nothing.
    static func storiesSent(_ editionId: Int64, now: Date, in db: Database) throws {
        let sentBefore = try Campaign.filter(Column("editionId") == editionId
            && Column("kind") == CampaignKind.newsletter.rawValue).fetchCount(db) > 0
        guard !sentBefore else { return }
        for var usage in try StoryUsage.filter(StoryUsage.Columns.editionId == editionId).fetchAll(db) {
            usage.usedAt = now
            try usage.update(db)
            try StoryPublisher.markPublished(try Stories.find(usage.storyId, in: db), usage: usage, at: now, in: db)
        }
    }

    /// Refuses to send an edition that includes a story which has since been withdrawn, flagged
    /// (a consent withdrawn) or lost the consent it needs for the newsletter.
    static func checkStories(of editionId: Int64, now: Date, in db: Database) throws {
        for usage in try StoryUsage.filter(Column("editionId") == editionId).fetchAll(db) {
            let story = try Stories.find(usage.storyId, in: db)
            let fix = "Lav en ny udgave uden '@historie \(usage.storyId)'."
            if story.status == .withdrawn {
                throw KampagneError.conflict("Udgave \(editionId) indeholder historie \(usage.storyId), som er trukket tilbage "
                    + "(\(story.statusNote ?? "")). \(fix)")
            }
            if let flag = usage.flagNote, usage.flaggedAt != nil {
                throw KampagneError.conflict("Udgave \(editionId) indeholder historie \(usage.storyId), som er markeret: \(flag). \(fix)")
            }
            let draft = try Stories.draft(of: story, version: usage.version, in: db)
            let consents = try StoryConsent.filter(Column("storyId") == usage.storyId).fetchAll(db)
            let blockers = ConsentGate(draft: draft, consents: consents, date: now).blockers(for: .newsletter)
            if !blockers.isEmpty {
                throw KampagneError.conflict("Udgave \(editionId) indeholder historie \(usage.storyId), som ikke længere må bruges "
                    + "i nyhedsbrevet:\n  " + blockers.joined(separator: "\n  ") + "\n" + fix)
            }
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
            throw KampagneError.unknown(.edition, id)
        }
        return (record, try parse(record.source, file: record.file))
    }
}
