import Foundation

/// A meeting as the staff area's form posts it: every field as typed. `draft()` checks it
/// field by field (each error names the form's field, so the page shows it next to it) and
/// gives the same `EventDraft` a meeting file gives; `Events.create(_:)` and `Events.update`
/// store it through the same calls the file import uses.
public struct EventForm: Sendable, Equatable, Codable {
    public var kind = ""
    public var title = ""
    /// Markdown.
    public var description = ""
    /// `2027-02-04T09:30` (a `datetime-local` field) or `2027-02-04 09:30`.
    public var start = ""
    /// A time on the start's day (`12:00`) or a date and time.
    public var end = ""
    public var venue = ""
    public var address = ""
    /// `Navn <adresse>` or an address.
    public var organiser = ""
    public var capacity = ""
    public var minimum = ""
    /// `2027-01-21`.
    public var decision = ""
    public var deadline = ""
    /// `roller=jobcenterchef; lister=LBR-medlemmer; segmenter=Syd`.
    public var audience = ""
    /// One question a line, as in a meeting file: `kost | Har du ønsker til maden? | valg: ingen, vegetar`.
    public var questions = ""
    public var series = ""
    public var partner = ""

    public init() {}

    /// The form filled in from a stored meeting, for editing.
    public init(_ event: EventOverview, description: String) {
        kind = event.kind.rawValue
        title = event.title
        self.description = description
        start = Self.local(event.startsAt)
        end = Self.local(event.endsAt)
        venue = event.venue
        address = event.address
        organiser = event.organiserName.isEmpty ? event.organiserEmail
            : event.organiserEmail.isEmpty ? event.organiserName : "\(event.organiserName) <\(event.organiserEmail)>"
        capacity = event.capacity.map(String.init) ?? ""
        minimum = event.minimum.map(String.init) ?? ""
        decision = event.decisionDate.map(DanishDate.iso) ?? ""
        deadline = event.signupDeadline.map(DanishDate.iso) ?? ""
        var parts: [String] = []
        if !event.audience.roles.isEmpty { parts.append("roller=" + event.audience.roles.joined(separator: ", ")) }
        if !event.audience.lists.isEmpty { parts.append("lister=" + event.audience.lists.joined(separator: ", ")) }
        if !event.audience.segments.isEmpty { parts.append("segmenter=" + event.audience.segments.joined(separator: ", ")) }
        audience = parts.joined(separator: "; ")
        questions = event.questions.map(Self.line).joined(separator: "\n")
        series = event.series ?? ""
        partner = event.partner ?? ""
    }

    /// `2027-02-04T09:30`, the value a `datetime-local` field shows.
    static func local(_ date: Date) -> String {
        let c = Calendar.danish.dateComponents([.hour, .minute], from: date)
        return DanishDate.iso(date) + "T" + String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
    }

    /// A question as a meeting file's line.
    static func line(_ q: EventQuestion) -> String {
        let kind: String
        switch q.kind {
        case .text: kind = "tekst"
        case .yesNo: kind = "ja/nej"
        case .choice: kind = "valg: " + q.options.joined(separator: ", ")
        }
        return "\(q.key)\(q.required ? "*" : "") | \(q.label) | \(kind)"
    }

    /// The checked draft, or `.fields` with every wrong field (keys as the form's names).
    public func draft() throws(KampagneError) -> EventDraft {
        var errors: [FieldError] = []
        func check<T>(_ field: String, _ parse: () throws(KampagneError) -> T) -> T? {
            do { return try parse() } catch { errors.append(FieldError(field, error.message)); return nil }
        }
        func line(_ text: String) -> String { DanishText.singleLine(text) }
        let kind = check("kind") { () throws(KampagneError) in try EventKind(parsing: line(self.kind)) }
        let title = line(self.title)
        if title.isEmpty { errors.append(FieldError("title", "Skriv en titel.")) }
        else if title.count > EventDraft.maxTitle { errors.append(FieldError("title", "Titlen er for lang (højst \(EventDraft.maxTitle) tegn).")) }
        let description = self.description.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        if description.count > 20_000 { errors.append(FieldError("description", "Beskrivelsen er for lang (højst 20.000 tegn).")) }
        let start = DanishDate.parse(line(self.start), defaultTime: "")
        if start == nil { errors.append(FieldError("start", line(self.start).isEmpty ? "Skriv dato og klokkeslæt for starten." : "'\(line(self.start))' er ikke dato og klokkeslæt (fx 2027-02-04 09:30).")) }
        var end: Date?
        if let start {
            end = EventDraft.end(line(self.end), startingAt: start)
            if end == nil { errors.append(FieldError("end", "Skriv sluttidspunktet (fx 12:00).")) }
            else if let end, end <= start { errors.append(FieldError("end", "Slut skal ligge efter start.")) }
        }
        for (field, value) in [("venue", venue), ("address", address), ("series", series)] where line(value).count > EventDraft.maxLine {
            errors.append(FieldError(field, "Højst \(EventDraft.maxLine) tegn."))
        }
        let organiser = line(self.organiser).isEmpty ? ("", "")
            : check("organiser") { () throws(KampagneError) in try EventDraft.person(line(self.organiser)) } ?? ("", "")
        let capacity = check("capacity") { () throws(KampagneError) in try EventDraft.count(line(self.capacity), field: "Pladser") } ?? nil
        let minimum = check("minimum") { () throws(KampagneError) in try EventDraft.count(line(self.minimum), field: "Minimum") } ?? nil
        if let capacity, let minimum, minimum > capacity {
            errors.append(FieldError("minimum", "Minimum (\(minimum)) er større end antal pladser (\(capacity))."))
        }
        func day(_ field: String, _ text: String) -> Date? {
            let value = line(text)
            guard !value.isEmpty else { return nil }
            guard let date = DanishDate.parse(value, defaultTime: "23:59") else {
                errors.append(FieldError(field, "'\(value)' er ikke en dato (fx 2027-01-21)."))
                return nil
            }
            return date
        }
        let decision = day("decision", self.decision)
        let deadline = day("deadline", self.deadline)
        if let decision, let start, decision > start { errors.append(FieldError("decision", "Beslutningsdatoen ligger efter mødets start.")) }
        if let deadline, let end, deadline > end { errors.append(FieldError("deadline", "Tilmeldingsfristen ligger efter mødets slutning.")) }
        let audience = line(self.audience).isEmpty ? EventAudience()
            : check("audience") { () throws(KampagneError) in try EventDraft.audience(line(self.audience)) } ?? EventAudience()
        var questions: [EventQuestion] = []
        var keys: Set<String> = []
        for (index, text) in self.questions.split(whereSeparator: \.isNewline).map(String.init).enumerated()
        where !line(text).isEmpty {
            guard let question = check("questions", { () throws(KampagneError) in
                do throws(KampagneError) { return try EventDraft.question(line(text)) } catch { throw .invalidInput("Linje \(index + 1): \(error.message)") }
            }) else { continue }
            if !keys.insert(question.key).inserted {
                errors.append(FieldError("questions", "Linje \(index + 1): nøglen '\(question.key)' er brugt før."))
            }
            questions.append(question)
        }
        let partner = line(self.partner).isEmpty ? nil
            : check("partner") { () throws(KampagneError) in try Partner(parsing: line(self.partner)).key }
        guard errors.isEmpty, let kind, let start, let end else { throw .fields(errors) }
        var draft = EventDraft(kind: kind, title: title, description: description, startsAt: start, endsAt: end)
        draft.venue = line(venue)
        draft.address = line(address)
        (draft.organiserName, draft.organiserEmail) = organiser
        draft.capacity = capacity
        draft.minimum = minimum
        draft.decisionDate = decision
        draft.signupDeadline = deadline
        draft.audience = audience
        draft.questions = questions
        draft.series = line(series).isEmpty ? nil : line(series)
        draft.partner = partner
        return draft
    }
}

extension EventDraft {
    init(kind: EventKind, title: String, description: String, startsAt: Date, endsAt: Date) {
        self.kind = kind
        self.title = title
        self.description = description
        self.startsAt = startsAt
        self.endsAt = endsAt
    }
}
