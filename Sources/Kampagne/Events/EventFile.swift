import Foundation

/// A meeting as the organiser writes it: a Markdown file whose front matter holds the facts
/// and whose body is the description. Keys are Danish or English, in any case and accent:
///
/// ```
/// ---
/// type: temamøde
/// titel: Virksomhedsrettet integration i praksis
/// start: 2027-02-04 09:30
/// slut: 12:00
/// sted: Jobcenter Vejle, mødelokale 2
/// adresse: Eksempelvej 1, 7100 Vejle
/// arrangør: Sara Holm <sara.holm@partnerskab.example>
/// pladser: 40
/// minimum: 15
/// beslutningsdato: 2027-01-21
/// tilmeldingsfrist: 2027-01-28
/// målgruppe: roller=jobcenterchef; lister=LBR-medlemmer
/// serie: Temamøder 2027
/// spørgsmål: kost | Har du ønsker til maden? | valg: ingen, vegetar, vegansk
/// partner: KL
/// ---
/// ```
public struct EventDraft: Sendable, Equatable {
    public var kind: EventKind
    public var title: String
    public var description: String
    public var startsAt: Date
    public var endsAt: Date
    public var venue: String = ""
    public var address: String = ""
    public var organiserName: String = ""
    public var organiserEmail: String = ""
    public var capacity: Int?
    public var minimum: Int?
    public var decisionDate: Date?
    public var signupDeadline: Date?
    public var audience = EventAudience()
    public var questions: [EventQuestion] = []
    public var series: String?
    /// `Partner.key` of the partner the meeting belongs to, for the activity report.
    public var partner: String?

    static let maxTitle = InputLimits.title
    static let maxLine = 500

    /// Parses `source`; every error names the file, the line and the field.
    public init(markdown source: String, file: String) throws(KampagneError) {
        let text = source.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else {
            throw .invalidInput("\(file):1: mødefilen skal begynde med en forside (---) med type, titel, start og slut")
        }
        guard let close = lines.indices.dropFirst().first(where: { lines[$0].trimmingCharacters(in: .whitespaces) == "---" }) else {
            throw .invalidInput("\(file):1: forsiden slutter ikke (mangler en linje med ---)")
        }
        var fields: [String: (value: String, line: Int)] = [:]
        var questions: [(String, Int)] = []
        for index in 1..<close {
            let line = lines[index]
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw .invalidInput("\(file):\(index + 1): linjen skal have formen 'felt: værdi'")
            }
            let rawKey = String(line[..<colon])
            let value = DanishText.singleLine(String(line[line.index(after: colon)...]))
            guard let key = Self.field(rawKey) else {
                throw .invalidInput("\(file):\(index + 1): ukendt felt '\(DanishText.singleLine(rawKey))' (se docs/events.md)")
            }
            guard value.count <= Self.maxLine else {
                throw .invalidInput("\(file):\(index + 1): \(key): værdien er for lang (højst \(Self.maxLine) tegn)")
            }
            if key == "question" {
                questions.append((value, index + 1))
            } else {
                if fields[key] != nil {
                    throw .invalidInput("\(file):\(index + 1): feltet '\(DanishText.singleLine(rawKey))' står to gange")
                }
                fields[key] = (value, index + 1)
            }
        }
        func required(_ key: String, _ danish: String) throws(KampagneError) -> (value: String, line: Int) {
            guard let field = fields[key], !field.value.isEmpty else {
                throw .invalidInput("\(file): forsiden mangler '\(danish)'")
            }
            return field
        }
        func date(_ key: String, defaultTime: String = "00:00") throws(KampagneError) -> Date? {
            guard let field = fields[key], !field.value.isEmpty else { return nil }
            guard let date = DanishDate.parse(field.value, defaultTime: defaultTime) else {
                throw .invalidInput("\(file):\(field.line): \(key): '\(field.value)' er ikke en dato (skriv fx 2027-02-04 eller 2027-02-04 09:30)")
            }
            return date
        }
        func number(_ key: String) throws(KampagneError) -> Int? {
            guard let field = fields[key], !field.value.isEmpty else { return nil }
            return try Self.located(field, file: file) { (text: String) throws(KampagneError) in try Self.count(text, field: key) }
        }

        kind = try Self.located(required("kind", "type"), file: file) { (text: String) throws(KampagneError) in try EventKind(parsing: text) }
        title = try required("title", "titel").value
        guard title.count <= Self.maxTitle else {
            throw .invalidInput("\(file):\(fields["title"]?.line ?? 1): titel: højst \(Self.maxTitle) tegn")
        }
        let startField = try required("start", "start")
        guard let start = DanishDate.parse(startField.value, defaultTime: "") else {
            throw .invalidInput("\(file):\(startField.line): start: '\(startField.value)' skal være dato og klokkeslæt, fx 2027-02-04 09:30")
        }
        startsAt = start
        let endField = try required("end", "slut")
        if let end = Self.end(endField.value, startingAt: start) {
            endsAt = end
        } else {
            throw .invalidInput("\(file):\(endField.line): slut: '\(endField.value)' skal være et klokkeslæt (12:00) eller dato og klokkeslæt")
        }
        venue = fields["venue"]?.value ?? ""
        address = fields["address"]?.value ?? ""
        if let organiser = fields["organiser"], !organiser.value.isEmpty {
            (organiserName, organiserEmail) = try Self.located(organiser, file: file) { (text: String) throws(KampagneError) in try Self.person(text) }
        }
        capacity = try number("capacity")
        minimum = try number("minimum")
        decisionDate = try date("decision", defaultTime: "23:59")
        signupDeadline = try date("deadline", defaultTime: "23:59")
        if let field = fields["audience"], !field.value.isEmpty {
            audience = try Self.located(field, file: file) { (text: String) throws(KampagneError) in try Self.audience(text) }
        }
        series = fields["series"].map(\.value).flatMap { $0.isEmpty ? nil : $0 }
        if let field = fields["partner"], !field.value.isEmpty {
            partner = try Self.located(field, file: file) { (text: String) throws(KampagneError) in try Partner(parsing: text).key }
        }
        self.questions = try questions.map { (value, line) throws(KampagneError) -> EventQuestion in
            try Self.located((value, line), file: file) { (text: String) throws(KampagneError) in try Self.question(text) }
        }
        var keys: Set<String> = []
        for (question, (_, line)) in zip(self.questions, questions) where !keys.insert(question.key).inserted {
            throw .invalidInput("\(file):\(line): spørgsmål: nøglen '\(question.key)' er brugt før")
        }
        description = lines[(close + 1)...].joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        try validate(file: file)
    }

    /// The rules every draft must keep, from a file or after an update.
    func validate(file: String) throws(KampagneError) {
        guard endsAt > startsAt else {
            throw .invalidInput("\(file): slut (\(DanishDate.long(endsAt))) skal ligge efter start (\(DanishDate.long(startsAt)))")
        }
        if let capacity, let minimum, minimum > capacity {
            throw .invalidInput("\(file): minimum (\(minimum)) er større end antal pladser (\(capacity))")
        }
        if let capacity, capacity < 0 { throw .invalidInput("\(file): pladser må ikke være negativ") }
        if let decisionDate, decisionDate > startsAt {
            throw .invalidInput("\(file): beslutningsdatoen ligger efter mødets start")
        }
        if let signupDeadline, signupDeadline > endsAt {
            throw .invalidInput("\(file): tilmeldingsfristen ligger efter mødets slutning")
        }
        if title.isEmpty { throw .invalidInput("\(file): titel må ikke være tom") }
    }

    /// Runs `parse` on a field's value, putting file, line and field in front of its error.
    private static func located<T>(_ field: (value: String, line: Int), file: String,
                                   _ parse: (String) throws(KampagneError) -> T) throws(KampagneError) -> T {
        do {
            return try parse(field.value)
        } catch {
            // A field error from the parser is named by the file's own key.
            if case .fields(let errors) = error {
                throw .invalidInput(errors.map { "\(file):\(field.line): \($0.field): \($0.message)" }.joined(separator: "\n"))
            }
            throw .invalidInput("\(file):\(field.line): \(error.message)")
        }
    }

    private static let aliases: [String: String] = [
        "type": "kind", "kind": "kind", "slags": "kind",
        "titel": "title", "title": "title",
        "start": "start", "starttid": "start", "begynder": "start",
        "slut": "end", "sluttid": "end", "end": "end",
        "sted": "venue", "venue": "venue", "lokale": "venue",
        "adresse": "address", "address": "address",
        "arrangor": "organiser", "arrangør": "organiser", "organiser": "organiser", "organizer": "organiser", "kontakt": "organiser",
        "pladser": "capacity", "kapacitet": "capacity", "capacity": "capacity",
        "minimum": "minimum", "mindsteantal": "minimum",
        "beslutningsdato": "decision", "decisiondate": "decision", "gonogo": "decision",
        "tilmeldingsfrist": "deadline", "frist": "deadline", "deadline": "deadline", "signupdeadline": "deadline",
        "malgruppe": "audience", "målgruppe": "audience", "audience": "audience",
        "serie": "series", "series": "series",
        "partner": "partner", "partnere": "partner",
        "sporgsmal": "question", "spørgsmål": "question", "question": "question",
    ]

    static func field(_ raw: String) -> String? {
        let key = DanishText.identifierKey(raw)
        return aliases[key] ?? aliases.first { DanishText.identifierKey($0.key) == key }?.value
    }

    /// A number of seats or participants: a whole number, not negative; "ubegrænset", "ingen"
    /// or "-" for none. Errors name `field`.
    static func count(_ text: String, field: String) throws(KampagneError) -> Int? {
        if ["", "-", "ingen", "ubegrænset", "ubegraenset", "unlimited", "none"].contains(text.lowercased()) { return nil }
        guard let value = Int(text) else { throw .field(field, "'\(text)' er ikke et helt tal") }
        guard value >= 0 else { throw .field(field, "må ikke være negativ (fik \(value))") }
        return value
    }

    /// The end of a meeting: a time on the start's day ("12:00") or a date and time.
    static func end(_ text: String, startingAt start: Date) -> Date? {
        guard let (hour, minute) = DanishDate.parseTime(text) else { return DanishDate.parse(text, defaultTime: "") }
        var components = Calendar.danish.dateComponents([.year, .month, .day], from: start)
        components.hour = hour
        components.minute = minute
        return Calendar.danish.date(from: components)
    }

    /// "Navn <adresse>" or a bare address.
    static func person(_ text: String) throws(KampagneError) -> (String, String) {
        if let open = text.lastIndex(of: "<"), text.hasSuffix(">") {
            let name = DanishText.trimmed(String(text[..<open])).replacingOccurrences(of: "\"", with: "")
            let address = try EmailAddress(parsing: String(text[text.index(after: open)..<text.index(before: text.endIndex)]))
            return (name, address.value)
        }
        if text.contains("@") { return ("", try EmailAddress(parsing: text).value) }
        return (text, "")
    }

    /// "roller=jobcenterchef, jobkonsulent; lister=LBR-medlemmer; segmenter=Syd"
    static func audience(_ text: String) throws(KampagneError) -> EventAudience {
        var audience = EventAudience()
        for part in text.split(separator: ";") {
            let pieces = part.split(separator: "=", maxSplits: 1).map { DanishText.trimmed(String($0)) }
            guard pieces.count == 2 else {
                throw .invalidInput("målgruppe: skriv fx 'roller=jobcenterchef; lister=LBR-medlemmer'")
            }
            let values = pieces[1].split(separator: ",").map { DanishText.trimmed(String($0)) }.filter { !$0.isEmpty }
            switch DanishText.identifierKey(pieces[0]) {
            case "roller", "rolle", "roles", "role": audience.roles += values
            case "lister", "liste", "lists", "list": audience.lists += values
            case "segmenter", "segment", "segments": audience.segments += values
            default: throw .invalidInput("målgruppe: ukendt del '\(pieces[0])' (brug roller, lister eller segmenter)")
            }
        }
        return audience
    }

    /// "kost | Har du ønsker til maden? | valg: ingen, vegetar" (kinds: tekst, valg, ja/nej;
    /// a trailing "*" on the key makes the question required).
    static func question(_ text: String) throws(KampagneError) -> EventQuestion {
        let parts = text.split(separator: "|", omittingEmptySubsequences: false).map { DanishText.trimmed(String($0)) }
        guard parts.count >= 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .invalidInput("spørgsmål: skriv 'nøgle | spørgsmålet | tekst' (eller 'valg: a, b' eller 'ja/nej')")
        }
        var key = parts[0]
        let required = key.hasSuffix("*")
        if required { key.removeLast() }
        key = DanishText.identifierKey(key)
        guard !key.isEmpty, key.count <= 40 else { throw .invalidInput("spørgsmål: nøglen skal være et kort ord") }
        let spec = parts.count > 2 ? parts[2] : "tekst"
        let kindWord = DanishText.identifierKey(String(spec.split(separator: ":", maxSplits: 1).first ?? ""))
        switch kindWord {
        case "tekst", "text", "fritekst", "":
            return EventQuestion(key: key, label: parts[1], kind: .text, options: [], required: required)
        case "janej", "yesno":
            return EventQuestion(key: key, label: parts[1], kind: .yesNo, options: ["ja", "nej"], required: required)
        case "valg", "choice":
            let options = spec.split(separator: ":", maxSplits: 1).dropFirst().first.map {
                $0.split(separator: ",").map { DanishText.trimmed(String($0)) }.filter { !$0.isEmpty }
            } ?? []
            guard options.count >= 2 else { throw .invalidInput("spørgsmål '\(key)': 'valg:' skal have mindst to muligheder") }
            return EventQuestion(key: key, label: parts[1], kind: .choice, options: options, required: required)
        default:
            throw .invalidInput("spørgsmål '\(key)': ukendt svartype '\(spec)' (brug tekst, valg: a, b eller ja/nej)")
        }
    }
}
