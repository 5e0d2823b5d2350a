import Foundation
import GRDB

/// A story as `stories list` shows it.
public struct StorySummary: Codable, Sendable, Equatable {
    public var id: Int64
    public var status: StoryStatus
    public var statusName: String
    public var headline: String
    public var industry: String
    public var jobPackage: String
    public var municipality: String
    public var company: String
    public var version: Int
    public var approvedVersion: Int?
    public var updatedAt: Date
    /// Channels the story has been used on.
    public var publishedOn: [StoryChannel]
    /// Uses flagged because a consent was withdrawn after them.
    public var flagged: Int

    init(_ story: Story, usages: [StoryUsage]) {
        id = story.id ?? 0
        status = story.status
        statusName = story.status.danish
        headline = story.headline
        industry = story.industry
        jobPackage = story.jobPackage
        municipality = story.municipality
        company = story.company
        version = story.currentVersion
        approvedVersion = story.approvedVersion
        updatedAt = story.updatedAt
        publishedOn = StoryChannel.allCases.filter { channel in usages.contains { $0.channel == channel } }
        flagged = usages.filter { $0.flaggedAt != nil }.count
    }
}

/// Everything `stories show` prints: the story, its current text, and its history.
public struct StoryDetails: Codable, Sendable {
    public var summary: StorySummary
    public var statusNote: String?
    public var source: String
    public var versions: [VersionInfo]
    public var consents: [StoryConsent]
    public var reviews: [StoryReview]
    public var log: [StoryLogEntry]
    public var usages: [StoryUsage]

    public struct VersionInfo: Codable, Sendable, Equatable {
        public var number: Int
        public var note: String
        public var savedAt: Date
    }
}

/// What a save did.
public struct StorySave: Codable, Sendable, Equatable {
    public var id: Int64
    public var version: Int
    /// False when the text was the same as the current version: nothing was saved.
    public var changed: Bool
    public var status: StoryStatus
    /// Set when the save ended an approval or a review: the approved text is no longer the current one.
    public var approvalLapsed: Bool
}

/// A consent withdrawn, and the places the story was used that relied on it.
public struct ConsentWithdrawal: Codable, Sendable, Equatable {
    public var consents: Int
    public var flagged: [StoryUsage]
}

/// Good stories: drafts in versions, consent, checks, approval and withdrawal. Reviews and
/// publishing are `StoryReviews` and `StoryPublisher`.
public struct Stories: Sendable {
    let store: Store

    /// Who the log names for what is done from the command line.
    public static let advisor = "kommunikationsrådgiver"

    public init(store: Store) { self.store = store }

    /// A new story from a skeleton with `headline`: status idea.
    public func create(headline: String, now: Date = Date()) throws(KampagneError) -> Int64 {
        let clean = DanishText.singleLine(headline)
        guard !clean.isEmpty else { throw .invalidInput("Skriv en arbejdstitel.") }
        guard clean.count <= 300 else { throw .invalidInput("Titlen er for lang (højst 300 tegn)") }
        return try insert(source: StoryDraft.skeleton(headline: clean), status: .idea, note: "oprettet", now: now)
    }

    /// A story from a file: status draft. The file must parse; gaps are for `stories check`.
    public func importFile(_ path: String, now: Date = Date()) throws(KampagneError) -> Int64 {
        let source = try Self.read(path)
        return try insert(source: source, status: .draft, note: "importeret fra \((path as NSString).lastPathComponent)",
                          now: now, file: path)
    }

    /// A story file as text; errors in Danish, naming the file.
    public static func read(_ path: String) throws(KampagneError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw .io("Kan ikke læse \(path)") }
        guard let source = String(data: data, encoding: .utf8) else {
            throw .invalidInput("\(path): historien skal være UTF-8")
        }
        return source
    }

    private func insert(source: String, status: StoryStatus, note: String, now: Date, file: String? = nil) throws(KampagneError) -> Int64 {
        let draft = try StoryDraft(markdown: source, file: file ?? "historien")
        return try store.write { db in
            var story = Story(id: nil, status: status, headline: draft.headline, industry: draft.industry,
                              jobPackage: draft.jobPackage, municipality: draft.municipality, company: draft.company.name,
                              currentVersion: 1, approvedVersion: nil, statusNote: nil, createdAt: now, updatedAt: now)
            try story.insert(db)
            let id = story.id ?? 0
            var version = StoryVersion(id: nil, storyId: id, number: 1, source: source, note: note, savedAt: now)
            try version.insert(db)
            try Self.log(id, version: 1, .created, text: note, at: now, in: db)
            return id
        }
    }

    /// Saves `source` as a new version (nothing when unchanged). A change to approved or
    /// reviewed text sends the story back to draft: an approval is of one version.
    public func save(_ id: Int64, source: String, note: String = "redigeret", file: String? = nil,
                     now: Date = Date()) throws(KampagneError) -> StorySave {
        let draft = try StoryDraft(markdown: source, file: file ?? "historie \(id)")
        return try store.write { db in
            var story = try Self.find(id, in: db)
            let current = try Self.version(of: story, story.currentVersion, in: db)
            if current.source == source {
                return StorySave(id: id, version: story.currentVersion, changed: false, status: story.status, approvalLapsed: false)
            }
            let number = story.currentVersion + 1
            var version = StoryVersion(id: nil, storyId: id, number: number, source: source, note: note, savedAt: now)
            try version.insert(db)
            let lapsed = [.inReview, .approved, .published].contains(story.status)
            if story.status == .idea || lapsed { story.status = .draft }
            story.currentVersion = number
            story.headline = draft.headline
            story.industry = draft.industry
            story.jobPackage = draft.jobPackage
            story.municipality = draft.municipality
            story.company = draft.company.name
            story.updatedAt = now
            try story.update(db)
            try Self.log(id, version: number, .saved, text: note, at: now, in: db)
            if lapsed {
                try Self.log(id, version: number, .status,
                             text: "Teksten er ændret efter gennemsyn eller godkendelse: tilbage til kladde", at: now, in: db)
            }
            return StorySave(id: id, version: number, changed: true, status: story.status, approvalLapsed: lapsed)
        }
    }

    /// The text of `version` (default: the current one).
    public func source(_ id: Int64, version: Int? = nil) throws(KampagneError) -> StoryVersion {
        try store.read { db in
            let story = try Self.find(id, in: db)
            return try Self.version(of: story, version ?? story.currentVersion, in: db)
        }
    }

    public func show(_ id: Int64) throws(KampagneError) -> StoryDetails {
        try store.read { db in
            let story = try Self.find(id, in: db)
            let usages = try StoryUsage.filter(Column("storyId") == id).order(Column("usedAt")).fetchAll(db)
            let made = try StoryUsage.made().filter(Column("storyId") == id).fetchAll(db)
            let versions = try StoryVersion.filter(Column("storyId") == id).order(Column("number")).fetchAll(db)
            return StoryDetails(
                summary: StorySummary(story, usages: made), statusNote: story.statusNote,
                source: versions.last?.source ?? "",
                versions: versions.map { .init(number: $0.number, note: $0.note, savedAt: $0.savedAt) },
                consents: try StoryConsent.filter(Column("storyId") == id).order(Column("givenAt")).fetchAll(db),
                reviews: try StoryReview.filter(Column("storyId") == id).order(Column("requestedAt")).fetchAll(db),
                log: try StoryLogEntry.filter(Column("storyId") == id).order(Column("at"), Column("id")).fetchAll(db),
                usages: usages)
        }
    }

    /// Filter for `stories list`; industry and municipality match case- and accent-insensitively.
    public struct Filter: Sendable {
        public var statuses: [StoryStatus] = []
        public var industry: String?
        public var municipality: String?
        public init() {}
    }

    /// Stories newest first.
    public func list(_ filter: Filter = Filter()) throws(KampagneError) -> [StorySummary] {
        try store.read { db in
            var request = Story.order(Column("updatedAt").desc, Column("id").desc)
            if !filter.statuses.isEmpty { request = request.filter(filter.statuses.map(\.rawValue).contains(Story.Columns.status)) }
            let usages = Dictionary(grouping: try StoryUsage.made().fetchAll(db), by: \.storyId)
            return try request.fetchAll(db).filter { story in
                Self.matches(story.industry, filter.industry) && Self.matches(story.municipality, filter.municipality)
            }.map { StorySummary($0, usages: usages[$0.id ?? 0] ?? []) }
        }
    }

    private static func matches(_ value: String, _ wanted: String?) -> Bool {
        guard let wanted, !wanted.isEmpty else { return true }
        return DanishText.searchKey(value).contains(DanishText.searchKey(wanted))
    }

    /// The changes from version `from` to `to` (default: the previous and the current one).
    public func diff(_ id: Int64, from: Int? = nil, to: Int? = nil) throws(KampagneError) -> StoryDiff {
        try store.read { db in
            let story = try Self.find(id, in: db)
            let new = to ?? story.currentVersion
            let old = from ?? max(1, new - 1)
            let a = try Self.version(of: story, old, in: db)
            let b = try Self.version(of: story, new, in: db)
            return StoryDiff(from: old, to: new, old: a.source, new: b.source)
        }
    }

    // MARK: Consent

    /// Records a consent; returns its id.
    public func giveConsent(_ id: Int64, person: String, channels: [StoryChannel], covers: [ConsentCover] = ConsentCover.allCases,
                            given: Date, how: String, expires: Date? = nil, now: Date = Date()) throws(KampagneError) -> Int64 {
        let name = DanishText.singleLine(person)
        let how = DanishText.singleLine(how)
        guard !name.isEmpty, name.count <= 200 else { throw .field("person", "Skriv personens navn (højst 200 tegn)") }
        guard !channels.isEmpty else { throw .field("channels", "Angiv mindst én kanal (newsletter, press, web)") }
        guard !covers.isEmpty else { throw .field("covers", "Angiv hvad samtykket dækker (name, photo, quotes, employer)") }
        guard !how.isEmpty, how.count <= 500 else {
            throw .field("how", "Skriv hvordan samtykket er givet (fx 'underskrevet blanket'), højst 500 tegn")
        }
        if let expires, expires <= given { throw .field("expires", "Udløbsdatoen ligger før den dag, samtykket blev givet") }
        if let expires, expires <= now { throw .field("expires", "Udløbsdatoen ligger i fortiden: samtykket ville allerede være udløbet") }
        guard given <= now.addingTimeInterval(86_400) else { throw .field("given", "Datoen for samtykket ligger i fremtiden") }
        return try store.write { db in
            let story = try Self.find(id, in: db)
            let draft = try Self.draft(of: story, in: db)
            guard let known = draft.person(named: name) else {
                let people = draft.people.map(\.name).joined(separator: ", ")
                throw KampagneError.notFound("\(name) står ikke blandt personerne i historie \(id)"
                    + (people.isEmpty ? "" : " (\(people))") + "; tilføj personen med `stories edit \(id)` først")
            }
            var consent = StoryConsent(id: nil, storyId: id, person: known.name,
                                       personKey: DanishText.identifierKey(known.name),
                                       channels: StoryChannel.allCases.filter(channels.contains),
                                       covers: ConsentCover.allCases.filter(covers.contains), givenAt: given, how: how,
                                       expiresAt: expires, withdrawnAt: nil, withdrawnNote: nil, recordedAt: now)
            try consent.insert(db)
            try Self.log(id, version: story.currentVersion, .consentGiven,
                         text: "\(consent.person): \(consent.channels.map(\.danish).joined(separator: ", ")) "
                            + "(\(consent.covers.map(\.danish).joined(separator: ", "))), \(how)", at: now, in: db)
            return consent.id ?? 0
        }
    }

    /// Withdraws a person's consents (on `channels`, or all) and flags every place the story
    /// was used on those channels, so that whoever runs them can take it down.
    public func withdrawConsent(_ id: Int64, person: String, channels: [StoryChannel]? = nil, note: String,
                                now: Date = Date()) throws(KampagneError) -> ConsentWithdrawal {
        let note = DanishText.singleLine(note)
        return try store.write { db in
            let story = try Self.find(id, in: db)
            let draft = try Self.draft(of: story, in: db)
            let key = DanishText.identifierKey(draft.person(named: person)?.name ?? person)
            let consents = try StoryConsent.filter(Column("storyId") == id && Column("personKey") == key).fetchAll(db)
                .filter { $0.withdrawnAt == nil }
            guard !consents.isEmpty else {
                throw KampagneError.notFound("\(DanishText.singleLine(person)) har intet samtykke i kraft til historie \(id)")
            }
            let affected = Set(channels ?? StoryChannel.allCases)
            var withdrawn = 0
            for var consent in consents {
                let remaining = consent.channels.filter { !affected.contains($0) }
                if remaining.count == consent.channels.count { continue }
                consent.withdrawnAt = now
                consent.withdrawnNote = note
                try consent.update(db)
                withdrawn += 1
                if !remaining.isEmpty {
                    // The channels not withdrawn stay consented, as a consent of their own.
                    var kept = consent
                    kept.id = nil
                    kept.channels = remaining
                    kept.withdrawnAt = nil
                    kept.withdrawnNote = nil
                    kept.recordedAt = now
                    try kept.insert(db)
                }
            }
            guard withdrawn > 0 else {
                throw KampagneError.notFound("\(DanishText.singleLine(person)) har intet samtykke til de kanaler i historie \(id)")
            }
            let personName = consents.first?.person ?? person
            try Self.log(id, version: story.currentVersion, .consentWithdrawn,
                         text: "\(personName): \(StoryChannel.allCases.filter(affected.contains).map(\.danish).joined(separator: ", "))"
                            + (note.isEmpty ? "" : " (\(note))"), at: now, in: db)
            let flagged = try Self.flag(id, channels: affected,
                                        note: "Samtykke trukket tilbage af \(personName) \(DanishDate.day(now))", at: now, in: db)
            return ConsentWithdrawal(consents: withdrawn, flagged: flagged)
        }
    }

    static func flag(_ id: Int64, channels: Set<StoryChannel>, note: String, at now: Date, in db: Database) throws -> [StoryUsage] {
        var flagged: [StoryUsage] = []
        for var usage in try StoryUsage.filter(Column("storyId") == id).order(Column("usedAt")).fetchAll(db)
        where channels.contains(usage.channel) && usage.flaggedAt == nil {
            usage.flaggedAt = now
            usage.flagNote = note
            try usage.update(db)
            flagged.append(usage)
        }
        return flagged
    }

    // MARK: Checks and decisions

    /// What the current version still lacks.
    public func check(_ id: Int64, target: LixTarget = .newspaper, now: Date = Date()) throws(KampagneError) -> StoryCheckReport {
        try store.read { db in
            let story = try Self.find(id, in: db)
            let draft = try Self.draft(of: story, in: db)
            let consents = try StoryConsent.filter(Column("storyId") == id).fetchAll(db)
            return StoryCheck(target: target).run(draft, consents: consents, now: now, published: story.status == .published)
        }
    }

    /// Approval given outside Kampagne (by phone, in a meeting): the current version is approved.
    public func approve(_ id: Int64, by who: String, note: String = "", now: Date = Date()) throws(KampagneError) {
        let who = DanishText.singleLine(who)
        let note = DanishText.singleLine(note)
        try store.write { db in
            var story = try Self.find(id, in: db)
            guard story.status != .withdrawn else {
                throw KampagneError.conflict("Historie \(id) er trukket tilbage; åbn den igen med `stories reopen \(id)` først")
            }
            guard story.status != .idea else {
                throw KampagneError.conflict("Historie \(id) er kun en idé; skriv den færdig (stories edit \(id)) før den godkendes")
            }
            story.approvedVersion = story.currentVersion
            if story.status != .published { story.status = .approved }
            story.updatedAt = now
            try story.update(db)
            try Self.log(id, version: story.currentVersion, .approved, actor: who.isEmpty ? Self.advisor : who,
                         text: note.isEmpty ? "Godkendt" : note, at: now, in: db)
        }
    }

    /// Takes the story out of use: status withdrawn, and every place it was used is flagged.
    public func withdraw(_ id: Int64, reason: String, now: Date = Date()) throws(KampagneError) -> [StoryUsage] {
        let reason = DanishText.singleLine(reason)
        guard !reason.isEmpty else { throw .field("reason", "Skriv hvorfor historien trækkes tilbage") }
        return try store.write { db in
            var story = try Self.find(id, in: db)
            story.status = .withdrawn
            story.statusNote = reason
            story.updatedAt = now
            try story.update(db)
            try Self.log(id, version: story.currentVersion, .withdrawn, text: reason, at: now, in: db)
            return try Self.flag(id, channels: Set(StoryChannel.allCases), note: "Historien er trukket tilbage: \(reason)",
                                 at: now, in: db)
        }
    }

    /// A withdrawn story back to draft; it needs approval again before it is used.
    public func reopen(_ id: Int64, now: Date = Date()) throws(KampagneError) {
        try store.write { db in
            var story = try Self.find(id, in: db)
            guard story.status == .withdrawn else {
                throw KampagneError.conflict("Historie \(id) er ikke trukket tilbage (status: \(story.status.danish))")
            }
            story.status = .draft
            story.approvedVersion = nil
            story.statusNote = nil
            story.updatedAt = now
            try story.update(db)
            try Self.log(id, version: story.currentVersion, .status, text: "Åbnet igen som kladde", at: now, in: db)
        }
    }

    // MARK: Shared lookups

    static func find(_ id: Int64, in db: Database) throws -> Story {
        guard let story = try Story.fetchOne(db, key: id) else {
            throw KampagneError.unknown(.story, id)
        }
        return story
    }

    static func version(of story: Story, _ number: Int, in db: Database) throws -> StoryVersion {
        guard let version = try StoryVersion.filter(Column("storyId") == story.id && Column("number") == number).fetchOne(db) else {
            throw KampagneError.notFound("Historie \(story.id ?? 0) har ingen version \(number) (versioner: 1–\(story.currentVersion))")
        }
        return version
    }

    static func draft(of story: Story, version: Int? = nil, in db: Database) throws -> StoryDraft {
        let number = version ?? story.currentVersion
        let stored = try Self.version(of: story, number, in: db)
        return try StoryDraft(markdown: stored.source, file: "historie \(story.id ?? 0) version \(number)")
    }

    /// Adds an entry to the story's log; returns its id.
    @discardableResult
    static func log(_ id: Int64, version: Int?, _ action: StoryAction, actor: String = advisor, text: String, at: Date,
                    in db: Database) throws -> Int64 {
        var entry = StoryLogEntry(id: nil, storyId: id, version: version, action: action, actor: actor, text: text, at: at)
        try entry.insert(db)
        return entry.id ?? 0
    }
}
