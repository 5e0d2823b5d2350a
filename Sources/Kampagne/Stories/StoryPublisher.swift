import Foundation
import GRDB
import MailTemplates

/// The two things a case becomes.
public enum StoryForm: String, Codable, Sendable, CaseIterable {
    /// A Danish press release, HTML and plain text.
    case pressRelease = "press-release"
    /// A newsletter (or web) article in edition Markdown, with the press contact as contact box.
    case article

    /// The channel the form is used on unless told otherwise.
    public var defaultChannel: StoryChannel { self == .pressRelease ? .press : .newsletter }
}

/// What `stories publish` produced and recorded.
public struct PublishedStory: Codable, Sendable, Equatable {
    public var storyId: Int64
    public var version: Int
    public var form: StoryForm
    public var channel: StoryChannel
    /// Files written; empty when the text went to standard output.
    public var files: [String]
    /// Plain text (press release) or Markdown (article).
    public var text: String
    public var html: String?
    public var usageId: Int64
}

/// Turns an approved case into a press release or a newsletter article, after checking that
/// everyone shown has consented to the channel, and records where and when it was used.
public struct StoryPublisher: Sendable {
    let store: Store
    let templates: TemplateSet
    let sender: SenderIdentity

    public init(store: Store, templatesPath: String, sender: SenderIdentity) throws(KampagneError) {
        self.store = store
        self.sender = sender
        do {
            templates = try TemplateSet(directory: templatesPath)
        } catch {
            throw .config(error.description + " (sæt [templates] path i kampagne.toml)")
        }
    }

    /// Checks, renders and records one use in one transaction. With `out`, the files are
    /// written inside it, so a use is recorded exactly when they exist.
    /// `target` names where the text went when no file is written (default: standard output).
    public func publish(_ id: Int64, as form: StoryForm, channel: StoryChannel? = nil, out: String? = nil,
                        target: String = "standard output", photoSource: @escaping (String) -> String = { $0 },
                        now: Date = Date()) throws(KampagneError) -> PublishedStory {
        let channel = channel ?? form.defaultChannel
        if form == .pressRelease && channel != .press {
            throw .field("channel", "En pressemeddelelse bruges i kanalen presse (press)")
        }
        return try store.write { db in
            let (story, draft) = try Self.publishable(id, channel: channel, form: form, now: now, in: db)
            var result = try render(draft, id: id, version: story.currentVersion, as: form, channel: channel,
                                    photoSource: photoSource, now: now)
            let files = out.map { Self.files(for: result, out: $0) } ?? []
            result.files = files.map(\.path)
            try Self.write(files)
            result.usageId = try Self.record(story, channel: channel, form: form,
                                             target: files.isEmpty ? target : result.files.joined(separator: ", "),
                                             at: now, in: db)
            return result
        }
    }

    /// The current version as it would be published, without checking or recording anything:
    /// the staff area's preview. `blockers` says what would stop publishing it on `channel`.
    public func preview(_ id: Int64, as form: StoryForm, channel: StoryChannel? = nil,
                        photoSource: @escaping (String) -> String = { $0 },
                        now: Date = Date()) throws(KampagneError) -> (story: PublishedStory, blockers: [String]) {
        let channel = channel ?? form.defaultChannel
        let (story, draft) = try store.read { db in
            let story = try Stories.find(id, in: db)
            return (story, try Stories.draft(of: story, in: db))
        }
        var blockers: [String] = []
        do {
            _ = try store.read { db in try Self.publishable(id, channel: channel, form: form, now: now, in: db) }
        } catch {
            blockers = error.message.components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        return (try render(draft, id: id, version: story.currentVersion, as: form, channel: channel, photoSource: photoSource,
                           now: now), blockers)
    }

    private func render(_ draft: StoryDraft, id: Int64, version: Int, as form: StoryForm, channel: StoryChannel,
                        photoSource: (String) -> String, now: Date) throws(KampagneError) -> PublishedStory {
        var result = PublishedStory(storyId: id, version: version, form: form, channel: channel, files: [],
                                    text: "", html: nil, usageId: 0)
        switch form {
        case .pressRelease:
            let context = Self.presentation(draft, now: now, sender: sender, photoSource: photoSource)
            do {
                result.html = try templates.render("historie-pressemeddelelse.html", context)
                result.text = try templates.render("historie-pressemeddelelse.txt", context)
            } catch {
                throw KampagneError.config(error.description)
            }
        case .article:
            result.text = Self.article(draft)
        }
        return result
    }

    /// The story and its current draft if it may appear on `channel` now; otherwise a Danish
    /// error that says what is missing.
    static func publishable(_ id: Int64, channel: StoryChannel, form: StoryForm, now: Date,
                            in db: Database) throws -> (Story, StoryDraft) {
        let story = try Stories.find(id, in: db)
        switch story.status {
        case .withdrawn:
            throw KampagneError.conflict("Historie \(id) er trukket tilbage (\(story.statusNote ?? "")) og må ikke bruges")
        case .idea, .draft, .inReview:
            throw KampagneError.conflict("Historie \(id) er ikke godkendt (status: \(story.status.danish)). "
                + "Send den til gennemsyn, eller godkend den.")
        case .approved, .published:
            break
        }
        guard story.approvedVersion == story.currentVersion else {
            throw KampagneError.conflict("Version \(story.currentVersion) af historie \(id) er ikke godkendt "
                + "(godkendt: \(story.approvedVersion.map { "version \($0)" } ?? "ingen")). Få den nye tekst godkendt først.")
        }
        let draft = try Stories.draft(of: story, in: db)
        if form == .article, let embargo = draft.embargo, embargo > now {
            throw KampagneError.conflict("Historie \(id) har embargo til \(DanishDate.long(embargo)); "
                + "en artikel kan først bruges derefter")
        }
        let consents = try StoryConsent.filter(Column("storyId") == id).fetchAll(db)
        let blockers = ConsentGate(draft: draft, consents: consents, date: now).blockers(for: channel)
        guard blockers.isEmpty else {
            throw KampagneError.conflict("Historie \(id) kan ikke bruges \(channel.place):\n  "
                + blockers.joined(separator: "\n  "))
        }
        return (story, draft)
    }

    /// Records one use of `story` and marks it published. An edition's inclusion
    /// (`editionId`) is recorded when the edition is made, so that a consent withdrawn before
    /// the send stops it, but counts, and marks the story, only when the edition is sent
    /// (`Editions.storiesSent`).
    static func record(_ story: Story, channel: StoryChannel, form: StoryForm, target: String,
                       editionId: Int64? = nil, at now: Date, in db: Database) throws -> Int64 {
        let version = story.currentVersion
        var usage = StoryUsage(id: nil, storyId: story.id ?? 0, version: version, channel: channel, form: form,
                               target: target, usedAt: now, flaggedAt: nil, flagNote: nil, editionId: editionId)
        try usage.insert(db)
        if editionId == nil { try markPublished(story, usage: usage, at: now, in: db) }
        return usage.id ?? 0
    }

    /// Sets the story's status to published and logs the use.
    static func markPublished(_ story: Story, usage: StoryUsage, at now: Date, in db: Database) throws {
        let version = usage.version
        let form = usage.form
        let channel = usage.channel
        let target = usage.target
        if story.status != .published {
            var published = story
            published.status = .published
            published.updatedAt = now
            try published.update(db)
        }
        try Stories.log(story.id ?? 0, version: version, .published,
                        text: "\(form == .pressRelease ? "Pressemeddelelse" : "Artikel") \(channel.place): \(target)",
                        at: now, in: db)
    }

    private static func files(for result: PublishedStory, out: String) -> [(path: String, content: String)] {
        switch result.form {
        case .pressRelease:
            let base = (out.hasSuffix(".html") || out.hasSuffix(".txt")) ? (out as NSString).deletingPathExtension : out
            return [(base + ".html", result.html ?? ""), (base + ".txt", result.text)]
        case .article:
            return [(out, result.text)]
        }
    }

    private static func write(_ files: [(path: String, content: String)]) throws(KampagneError) {
        for (path, content) in files {
            do {
                try Data(content.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw .io("Kan ikke skrive \(path): \(error.localizedDescription)")
            }
        }
    }

    /// The case as Mustache values, for the press release templates and the reviewer page:
    /// documented in Templates/README.md.
    /// `photoSource` turns a photo's file name into the address the HTML shows it from (the
    /// name itself beside a written file; the staff area's photo route in its preview).
    public static func presentation(_ draft: StoryDraft, now: Date, sender: SenderIdentity,
                                    photoSource: (String) -> String = { $0 }) -> [String: Any] {
        var context: [String: Any] = [
            "headline": draft.headline, "lead": draft.lead,
            "bodyHTML": MarkdownText.html(draft.body), "bodyText": MarkdownText.plain(draft.body),
            "date": DanishDate.day(now),
            "sender": ["name": sender.name, "address": sender.address, "postalAddress": sender.postalAddress],
        ]
        if let embargo = draft.embargo, embargo > now { context["embargo"] = DanishDate.long(embargo) }
        var company: [String: Any] = ["name": draft.company.name]
        if !draft.company.motive.isEmpty {
            company["motiveHTML"] = MarkdownText.html(draft.company.motive)
            company["motiveText"] = MarkdownText.plain(draft.company.motive)
        }
        if !draft.company.result.isEmpty {
            company["resultHTML"] = MarkdownText.html(draft.company.result)
            company["resultText"] = MarkdownText.plain(draft.company.result)
        }
        context["company"] = company
        if !draft.quotes.isEmpty {
            context["quotes"] = draft.quotes.map { ["text": said($0.text), "who": attribution($0, in: draft)] }
        }
        if !draft.factBox.isEmpty {
            context["facts"] = draft.factBox.map { ["line": $0] }
            context["hasFacts"] = true
        }
        if let contact = draft.pressContact {
            context["contact"] = ["name": contact.name, "title": contact.title, "email": contact.email, "phone": contact.phone]
                .filter { !$0.value.isEmpty }
        }
        if !draft.people.isEmpty {
            context["people"] = draft.people.map { ["name": $0.name, "role": [$0.roleText, $0.title].filter { !$0.isEmpty }.joined(separator: ", "),
                                               "shown": $0.shown.danish] }
        }
        if !draft.timeline.isEmpty {
            context["timeline"] = draft.timeline.map { ["date": DanishDate.day($0.date), "text": $0.text] }
        }
        if !draft.photos.isEmpty {
            // Empty values are left out: Mustache shows a section for an empty string.
            context["photos"] = draft.photos.map {
                ["file": $0.file, "src": photoSource($0.file), "caption": $0.caption, "credit": $0.credit,
                 "people": $0.people.joined(separator: ", ")].filter { !$0.value.isEmpty }
            }
            context["hasPhotos"] = true
        }
        return context
    }

    /// A quote as Danish prints it before "siger": a closing full stop becomes a comma
    /// (»Det gik godt,« siger …); a question or exclamation mark stays.
    static func said(_ text: String) -> String {
        guard let last = text.last else { return text }
        if last == "." { return String(text.dropLast()) + "," }
        if last == "!" || last == "?" || last == "," || last == "…" { return text }
        return text + ","
    }

    /// "Lars Holm, køkkenchef": the speaker as the story may show them.
    static func attribution(_ quote: StoryDraft.Quote, in draft: StoryDraft) -> String {
        guard let person = draft.person(named: quote.person) else { return quote.person }
        let title = person.title.isEmpty ? person.roleText : person.title
        if person.shown == .anonymous || title.isEmpty { return person.displayName }
        return "\(person.displayName), \(title)"
    }

    /// The case as an edition article: heading, lead, body, the company's side, quotes, facts
    /// and the press contact as contact box. `photos: false` leaves the photos out: a mailed
    /// edition has no public address for them (their names point beside a written file).
    public static func article(_ draft: StoryDraft, photos: Bool = true) -> String {
        var parts = ["# \(draft.headline)"]
        if !draft.lead.isEmpty { parts.append("**\(draft.lead)**") }
        if !draft.body.isEmpty { parts.append(draft.body) }
        let company = draft.company.name.isEmpty ? "virksomheden" : draft.company.name
        if !draft.company.motive.isEmpty { parts.append("### Derfor var \(company) med\n\n\(draft.company.motive)") }
        if !draft.company.result.isEmpty { parts.append("### Det fik \(company) ud af det\n\n\(draft.company.result)") }
        for photo in photos ? draft.photos : [] {
            let credit = photo.credit.isEmpty ? "" : " Foto: \(photo.credit)"
            parts.append("![\(photo.caption.isEmpty ? photo.file : photo.caption)](\(photo.file))\n\n*\(photo.caption)\(credit)*")
        }
        for quote in draft.quotes {
            parts.append("> »\(said(quote.text))« siger \(attribution(quote, in: draft)).")
        }
        if !draft.factBox.isEmpty {
            parts.append("**Fakta**\n\n" + draft.factBox.map { "- \($0)" }.joined(separator: "\n"))
        }
        if let contact = draft.pressContact {
            var box = ["```kontakt", "navn: \(contact.name)"]
            if !contact.title.isEmpty { box.append("titel: \(contact.title)") }
            if !contact.email.isEmpty { box.append("e-mail: \(contact.email)") }
            if !contact.phone.isEmpty { box.append("telefon: \(contact.phone)") }
            box.append("```")
            parts.append(box.joined(separator: "\n"))
        }
        return parts.joined(separator: "\n\n") + "\n"
    }
}
