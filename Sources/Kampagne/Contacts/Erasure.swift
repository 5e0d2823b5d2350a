import Foundation
import GRDB

/// What an erasure did beyond the database rows, for the person who asked and the operator.
public struct ErasureReport: Codable, Sendable, Equatable {
    public var email: String
    /// The write-ahead log was checkpointed and truncated: no copy of the erased bytes is
    /// left in `-wal` either. False when another connection's open read blocked it.
    public var checkpointed: Bool
    /// Why the checkpoint did not complete, in Danish (nil when it did).
    public var checkpointNote: String?
    /// Good stories the person featured in: their name and quotes are replaced by
    /// `StoryRedaction.marker`, their consents removed, and the story withdrawn.
    public var storiesRedacted: [Int64]
    /// Copies of sent messages removed from the configured Maildir.
    public var maildirFilesRemoved: Int
    /// Uploaded contact files not yet imported that held the address, discarded with their
    /// jobs (`ImportQueue.discardUploads`).
    public var importUploadsDiscarded: Int
}

/// A person erased from the good stories: every version's text loses their name (full, and
/// each part of it) and their quotes, their consent records go, the story is withdrawn with a
/// note (so it cannot be published or sent in an edition), its uses are flagged, and the
/// story's log says so. The advisor sees it in `stories list` (status "trukket tilbage", a
/// flag) and in `stories check` (finding `person-erased`).
enum StoryRedaction {
    /// What stands where the name was.
    static let marker = "[slettet person]"
    /// What stands where their quote was.
    static let quoteMarker = "[citat slettet efter anmodning]"

    /// Redacts `name` from every story that has it; returns the stories changed.
    static func erase(name: String, at now: Date, in db: Database) throws -> [Int64] {
        let full = DanishText.singleLine(name)
        guard full.count >= 2 else { return [] }
        let parts = full.split(separator: " ").map(String.init).filter { $0.count >= 2 }
        let key = DanishText.searchKey(full)
        var changed: [Int64] = []
        for var story in try Story.order(Column("id")).fetchAll(db) {
            let storyId = story.id ?? 0
            let versions = try StoryVersion.filter(Column("storyId") == storyId).fetchAll(db)
            let consents = try StoryConsent.filter(Column("storyId") == storyId).fetchAll(db)
            let featured = versions.contains { DanishText.searchKey($0.source).contains(key) }
                || consents.contains { DanishText.searchKey($0.person) == key }
            guard featured else { continue }
            for var version in versions {
                version.source = redact(version.source, full: full, parts: parts)
                try version.update(db)
            }
            try StoryConsent.filter(Column("storyId") == storyId
                && (Column("personKey") == DanishText.identifierKey(full) || Column("person").collating(.nocase) == full)).deleteAll(db)
            for var entry in try StoryLogEntry.filter(Column("storyId") == storyId).fetchAll(db)
            where DanishText.searchKey(entry.text).contains(key) || parts.contains(where: { entry.text.contains($0) }) {
                entry.text = replaceName(entry.text, full: full, parts: parts)
                try entry.update(db)
            }
            let note = "En person i historien er slettet efter anmodning \(DanishDate.day(now)): navn og citater er erstattet med "
                + "'\(marker)', og samtykket er fjernet. Historien må ikke bruges, før teksten er gennemgået."
            story.headline = replaceName(story.headline, full: full, parts: parts)
            story.company = replaceName(story.company, full: full, parts: parts)
            story.status = .withdrawn
            story.statusNote = note
            story.updatedAt = now
            try story.update(db)
            try Stories.log(storyId, version: story.currentVersion, .withdrawn, text: note, at: now, in: db)
            _ = try Stories.flag(storyId, channels: Set(StoryChannel.allCases), note: "Person slettet efter anmodning", at: now, in: db)
            changed.append(storyId)
        }
        return changed
    }

    /// The source with the person's quotes (lines "- Navn: …" under a quotes heading) and then
    /// every mention of the name replaced.
    static func redact(_ source: String, full: String, parts: [String]) -> String {
        var inQuotes = false
        let names = ([full] + parts).map(DanishText.searchKey)
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map { raw -> String in
            let line = String(raw)
            let trimmed = DanishText.trimmed(line)
            if trimmed.hasPrefix("## ") {
                inQuotes = ["citater", "citat", "quotes"].contains(DanishText.searchKey(String(trimmed.dropFirst(3))))
                return line
            }
            guard inQuotes, trimmed.hasPrefix("- ") || trimmed.hasPrefix("* "), let colon = trimmed.firstIndex(of: ":") else {
                return line
            }
            let speaker = DanishText.searchKey(String(trimmed.dropFirst(2)[..<colon]))
            return names.contains(speaker) ? "- \(marker): \(quoteMarker)" : line
        }
        return replaceName(lines.joined(separator: "\n"), full: full, parts: parts)
    }

    /// Every mention of the full name, then of each part as a whole word, case-insensitively.
    static func replaceName(_ text: String, full: String, parts: [String]) -> String {
        var result = text.replacingOccurrences(of: full, with: marker, options: [.caseInsensitive])
        for part in parts {
            let pattern = "(?<![\\p{L}\\p{N}])" + NSRegularExpression.escapedPattern(for: part) + "(?![\\p{L}\\p{N}])"
            guard let expression = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { continue }
            result = expression.stringByReplacingMatches(in: result, range: NSRange(result.startIndex..., in: result),
                                                         withTemplate: NSRegularExpression.escapedTemplate(for: marker))
        }
        return result
    }
}

/// The copies of sent messages the Maildir transport wrote: each delivery's reply names the
/// file ("maildir new/NAME"); a mail reader may have moved it to `cur/` with flags added
/// ("NAME:2,S"). Erasure removes them, since they hold the address and the personal text.
enum MaildirCopies {
    /// The files named in the delivery replies of `key`'s outbox rows (read before the rows
    /// are anonymised).
    static func names(for key: String, in db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT lastReply FROM outbox WHERE emailKey = ? AND lastReply LIKE 'maildir new/%'",
                            arguments: [key])
            .map { String($0.dropFirst("maildir new/".count)) }
            .filter { !$0.isEmpty && !$0.contains("/") }
    }

    /// Removes the named files from `new/` and `cur/` of the Maildir at `path`; returns how many.
    static func remove(_ names: [String], maildir path: String) -> Int {
        guard !names.isEmpty else { return 0 }
        let manager = FileManager.default
        var removed = 0
        let wanted = Set(names)
        for folder in ["new", "cur"] {
            let directory = (path as NSString).appendingPathComponent(folder)
            guard let files = try? manager.contentsOfDirectory(atPath: directory) else { continue }
            for file in files {
                let base = file.split(separator: ":", maxSplits: 1).first.map(String.init) ?? file
                guard wanted.contains(base) else { continue }
                if (try? manager.removeItem(atPath: (directory as NSString).appendingPathComponent(file))) != nil { removed += 1 }
            }
        }
        return removed
    }
}

extension Store {
    /// Copies every committed page from the write-ahead log into the database file and
    /// truncates the log to zero bytes (`PRAGMA wal_checkpoint(TRUNCATE)`), so that deleted
    /// bytes are gone from `-wal` too. Another connection inside a read transaction (a
    /// running `serve` in the middle of a request, a `sqlite3` shell) blocks it; this waits up
    /// to `wait` seconds and then returns a Danish note instead of failing.
    public func truncateLog(wait: TimeInterval = 5) -> String? {
        do {
            return try pool.writeWithoutTransaction { db -> String? in
                try db.execute(sql: "PRAGMA busy_timeout = \(Int(wait * 1000))")
                defer { try? db.execute(sql: "PRAGMA busy_timeout = 30000") }
                do {
                    try db.checkpoint(.truncate)
                    return nil
                } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
                    return "En anden forbindelse til databasen (fx webserveren eller sqlite3) har en åben læsning, så loggen "
                        + "(\((path as NSString).lastPathComponent)-wal) kunne ikke tømmes. Sletningen er gemt; slet personen "
                        + "igen med samme adresse, når den anden forbindelse er færdig."
                }
            }
        } catch {
            return "Loggen kunne ikke tømmes: \(error)"
        }
    }
}

extension PersonalDataExport {
    /// A good story the person features in, as an access request shows it.
    public struct FeaturedStory: Codable, Sendable, Equatable {
        public var storyId: Int64
        public var headline: String
        public var status: StoryStatus
        /// Their role as written ("medarbejder").
        public var role: String
        /// "fuldt navn", "kun fornavn", "anonym".
        public var shown: String
        public var quotes: [String]

        /// The stories whose current text names `name` as one of its people.
        static func all(featuring name: String, in db: Database) throws -> [FeaturedStory] {
            let key = DanishText.identifierKey(name)
            guard !key.isEmpty else { return [] }
            return try Story.order(Column("id")).fetchAll(db).compactMap { story -> FeaturedStory? in
                guard let draft = try? Stories.draft(of: story, in: db),
                      let person = draft.people.first(where: { DanishText.identifierKey($0.name) == key }) else { return nil }
                let quotes = draft.quotes.filter { draft.person(named: $0.person)?.name == person.name }.map(\.text)
                return FeaturedStory(storyId: story.id ?? 0, headline: story.headline, status: story.status,
                                     role: person.roleText, shown: person.shown.danish, quotes: quotes)
            }
        }

        /// Consent records given in `name`'s name, in any story.
        static func consents(of name: String, in db: Database) throws -> [StoryConsent] {
            let key = DanishText.identifierKey(name)
            guard !key.isEmpty else { return [] }
            return try StoryConsent.filter(Column("personKey") == key).order(Column("givenAt")).fetchAll(db)
        }
    }

    /// One mail to the person: which campaign, and what became of it.
    public struct Message: Codable, Sendable, Equatable {
        public var campaign: String
        /// `newsletter`, `test`, `invitation`, `event-notice`, `confirmation`, `story-review`, …
        public var kind: String
        public var state: OutboxState
        public var attempts: Int
        public var lastReply: String?
        public var queuedAt: Date
        public var sentAt: Date?
        public var messageID: String

        static func all(to key: String, in db: Database) throws -> [Message] {
            let campaigns = Dictionary(uniqueKeysWithValues: try Campaign.fetchAll(db).map { ($0.id ?? 0, $0) })
            return try OutboxRow.filter(Column("emailKey") == key).order(Column("id")).fetchAll(db).map { row in
                let campaign = campaigns[row.campaignId]
                return Message(campaign: campaign?.name ?? "", kind: campaign?.kind.rawValue ?? "", state: row.state,
                               attempts: row.attempts, lastReply: row.lastReply, queuedAt: row.createdAt, sentAt: row.sentAt,
                               messageID: row.messageID)
            }
        }
    }
}
