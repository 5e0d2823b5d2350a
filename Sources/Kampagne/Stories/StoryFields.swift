import Foundation

/// A case as the staff area's form holds it: one plain string per field, the people, quotes,
/// timeline and photos as rows. `markdown()` writes the same story file a person would write
/// (docs/stories.md), so the form's text is read, checked and versioned by `StoryDraft` and
/// `Stories.save` exactly like a file from `stories edit`.
public struct StoryFields: Sendable, Equatable {
    public struct Person: Sendable, Equatable {
        public var name: String
        /// As written: "medarbejder", "virksomhedens kontakt", "jobkonsulent".
        public var role: String
        public var title: String
        /// `StoryDraft.Shown` raw value: "full-name", "first-name" or "anonymous".
        public var shown: String
        public init(name: String = "", role: String = "", title: String = "", shown: String = "full-name") {
            (self.name, self.role, self.title, self.shown) = (name, role, title, shown)
        }
        var isEmpty: Bool { [name, role, title].allSatisfy { DanishText.trimmed($0).isEmpty } }
    }

    public struct Quote: Sendable, Equatable {
        public var person: String
        public var text: String
        public init(person: String = "", text: String = "") { (self.person, self.text) = (person, text) }
        var isEmpty: Bool { DanishText.trimmed(text).isEmpty && DanishText.trimmed(person).isEmpty }
    }

    public struct Moment: Sendable, Equatable {
        /// "2026-09-01" (or "1.9.2026", a time may follow).
        public var date: String
        public var text: String
        public init(date: String = "", text: String = "") { (self.date, self.text) = (date, text) }
        var isEmpty: Bool { DanishText.trimmed(date).isEmpty && DanishText.trimmed(text).isEmpty }
    }

    public struct Photo: Sendable, Equatable {
        public var file: String
        /// Names, separated by commas.
        public var people: String
        public var caption: String
        public var credit: String
        public init(file: String = "", people: String = "", caption: String = "", credit: String = "") {
            (self.file, self.people, self.caption, self.credit) = (file, people, caption, credit)
        }

        /// The photo's front-matter line, `foto: fil | personer: … | tekst: … | kredit: …`, with
        /// the parts that are given. `part` makes each value one line (and may note what the line
        /// cannot hold); it gets the value and the part's name (`file`, `people`, `caption`, `credit`).
        func line(_ part: (String, String) -> String) -> String {
            var parts = [part(file, "file")]
            for (value, name, label) in [(people, "people", "personer"), (caption, "caption", "tekst"), (credit, "credit", "kredit")]
            where !DanishText.singleLine(value).isEmpty {
                parts.append(label + ": " + part(value, name))
            }
            return "foto: " + parts.joined(separator: " | ")
        }
    }

    public var headline = ""
    public var lead = ""
    public var core = ""
    public var industry = ""
    public var jobPackage = ""
    public var municipality = ""
    public var jobcentre = ""
    public var company = ""
    public var companyIndustry = ""
    public var companySize = ""
    public var motive = ""
    public var result = ""
    public var body = ""
    public var people: [Person] = []
    public var timeline: [Moment] = []
    public var quotes: [Quote] = []
    /// One fact a line.
    public var factBox = ""
    public var photos: [Photo] = []
    public var pressName = ""
    public var pressEmail = ""
    public var pressTitle = ""
    public var pressPhone = ""
    /// "2027-03-01 06:00", or empty.
    public var embargo = ""

    public init() {}

    /// The fields of a draft read from its file.
    public init(_ draft: StoryDraft) {
        headline = draft.headline
        lead = draft.lead
        core = draft.core
        industry = draft.industry
        jobPackage = draft.jobPackage
        municipality = draft.municipality
        jobcentre = draft.jobcentre
        company = draft.company.name
        companyIndustry = draft.company.industry
        companySize = draft.company.size
        motive = draft.company.motive
        result = draft.company.result
        body = draft.body
        people = draft.people.map { Person(name: $0.name, role: $0.roleText, title: $0.title, shown: $0.shown.rawValue) }
        timeline = draft.timeline.map { Moment(date: Self.when($0.date), text: $0.text) }
        quotes = draft.quotes.map { Quote(person: $0.person, text: $0.text) }
        factBox = draft.factBox.joined(separator: "\n")
        photos = draft.photos.map { Photo(file: $0.file, people: $0.people.joined(separator: ", "), caption: $0.caption, credit: $0.credit) }
        if let contact = draft.pressContact {
            (pressName, pressEmail, pressTitle, pressPhone) = (contact.name, contact.email, contact.title, contact.phone)
        }
        embargo = draft.embargo.map(Self.when) ?? ""
    }

    /// "2027-03-01", with " 06:00" when the time is not midnight (Copenhagen time).
    static func when(_ date: Date) -> String {
        let time = DanishDate.time(date)
        return DanishDate.iso(date) + (time == "00.00" ? "" : " " + time.replacingOccurrences(of: ".", with: ":"))
    }

    /// The story file. Field errors (keyed like the form's fields: `person-2-name`, `quote-1-text`)
    /// for what the file's line format cannot hold: a `|` inside a person's or photo's part, a
    /// section heading inside running text. What the file reader refuses comes from `StoryDraft`.
    public func markdown() throws(KampagneError) -> String {
        var errors: [FieldError] = []
        func line(_ value: String) -> String { DanishText.singleLine(value) }
        func part(_ value: String, _ field: String) -> String {
            let clean = line(value)
            if clean.contains("|") { errors.append(FieldError(field, "Tegnet | kan ikke bruges her.")) }
            return clean
        }
        func prose(_ value: String, _ field: String) -> String {
            let text = value.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            for row in text.split(separator: "\n") where row.hasPrefix("# ") || row.hasPrefix("## ") {
                errors.append(FieldError(field, "En linje må ikke begynde med # eller ##; brug ### til mellemrubrikker."))
                break
            }
            if text.split(separator: "\n").contains(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("```") }) {
                errors.append(FieldError(field, "``` kan ikke bruges i teksten."))
            }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var front = ["---",
                     "overskrift: \(line(headline))", "manchet: \(line(lead))", "kerne: \(line(core))",
                     "branche: \(line(industry))", "jobpakke: \(line(jobPackage))", "kommune: \(line(municipality))",
                     "jobcenter: \(line(jobcentre))", "virksomhed: \(line(company))",
                     "virksomhedens branche: \(line(companyIndustry))", "virksomhedens størrelse: \(line(companySize))"]
        for (index, person) in people.enumerated() where !person.isEmpty {
            let field = "person-\(index + 1)"
            var parts = [part(person.name, field + "-name")]
            if !line(person.role).isEmpty { parts.append("rolle: " + part(person.role, field + "-role")) }
            if !line(person.title).isEmpty { parts.append("titel: " + part(person.title, field + "-title")) }
            let shown = StoryDraft.Shown(rawValue: person.shown) ?? .fullName
            parts.append("vises: " + ["full-name": "fuldt navn", "first-name": "fornavn", "anonymous": "anonym"][shown.rawValue, default: "fuldt navn"])
            if line(person.name).isEmpty { errors.append(FieldError(field + "-name", "Skriv personens navn.")) }
            front.append("person: " + parts.joined(separator: " | "))
        }
        for (index, photo) in photos.enumerated() where !line(photo.file).isEmpty {
            front.append(photo.line { value, name in part(value, "photo-\(index + 1)-" + name) })
        }
        if !line(pressName).isEmpty || !line(pressEmail).isEmpty {
            var contact = part(pressName, "press-name")
            if !line(pressEmail).isEmpty { contact += " <\(part(pressEmail, "press-email"))>" }
            var parts = [contact]
            if !line(pressTitle).isEmpty || !line(pressPhone).isEmpty { parts.append(part(pressTitle, "press-title")) }
            if !line(pressPhone).isEmpty { parts.append(part(pressPhone, "press-phone")) }
            front.append("pressekontakt: " + parts.joined(separator: " | "))
        } else {
            front.append("pressekontakt:")
        }
        if !line(embargo).isEmpty { front.append("embargo: \(line(embargo))") }
        front.append("---")

        var sections = [prose(body, "body")]
        sections.append("## Virksomhedens motiv\n\n" + prose(motive, "motive"))
        sections.append("## Virksomhedens udbytte\n\n" + prose(result, "result"))
        let moments = timeline.filter { !$0.isEmpty }.map { "- \(line($0.date)): \(line($0.text))" }
        sections.append((["## Tidslinje", ""] + moments).joined(separator: "\n"))
        let said = quotes.enumerated().filter { !$0.element.isEmpty }.map { index, quote -> String in
            let text = line(quote.text)
            let who = line(quote.person)
            if who.contains(":") { errors.append(FieldError("quote-\(index + 1)-person", "Et navn kan ikke indeholde kolon.")) }
            return who.isEmpty ? "- \"\(text)\"" : "- \(who): \(text)"
        }
        sections.append((["## Citater", ""] + said).joined(separator: "\n"))
        let facts = factBox.split(whereSeparator: \.isNewline).map { line(String($0)) }.filter { !$0.isEmpty }.map { "- " + $0 }
        sections.append((["## Faktaboks", ""] + facts).joined(separator: "\n"))
        guard errors.isEmpty else { throw .fields(errors) }
        return front.joined(separator: "\n") + "\n\n" + sections.map { $0.trimmingCharacters(in: .newlines) }.joined(separator: "\n\n") + "\n"
    }
}
