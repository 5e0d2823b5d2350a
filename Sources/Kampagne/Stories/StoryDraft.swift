import Foundation

/// A good story (case) as the communication advisor writes it: a Markdown file whose front
/// matter holds the facts and people, and whose body holds the story, with `##` sections for
/// the company's side, the timeline, the quotes and the fact box. See docs/stories.md.
///
/// Every field may be empty while the case is being written; `StoryCheck` says what is missing.
/// Errors are only for what cannot be read: a malformed line, an unknown key, a bad date.
public struct StoryDraft: Sendable, Equatable {
    /// What a person is to the case; the checks ask for both sides.
    public enum Role: String, Sendable, Codable {
        /// The person who got the job.
        case employee
        case companyContact = "company-contact"
        case jobConsultant = "job-consultant"
        case other

        public var danish: String {
            switch self {
            case .employee: return "medarbejderen (har fået jobbet)"
            case .companyContact: return "virksomhedens kontaktperson"
            case .jobConsultant: return "jobkonsulent"
            case .other: return "anden"
            }
        }
    }

    /// How much of a person's name the story may show.
    public enum Shown: String, Sendable, Codable {
        case fullName = "full-name"
        case firstName = "first-name"
        case anonymous

        public var danish: String {
            switch self {
            case .fullName: return "fuldt navn"
            case .firstName: return "kun fornavn"
            case .anonymous: return "anonym"
            }
        }
    }

    public struct Person: Sendable, Equatable, Codable {
        public var name: String
        /// The role as written ("medarbejder", "virksomhedens kontakt", "jobkonsulent").
        public var roleText: String
        public var role: Role
        /// The job title quotes are attributed with ("kok", "køkkenchef"); empty to use the role.
        public var title: String = ""
        public var shown: Shown
        public var line: Int

        /// The name as the story may print it.
        public var displayName: String {
            switch shown {
            case .fullName: return name
            case .firstName: return String(name.split(separator: " ").first ?? Substring(name))
            case .anonymous: return roleText.isEmpty ? "en medvirkende" : roleText
            }
        }

        var key: String { DanishText.identifierKey(name) }
    }

    public struct Company: Sendable, Equatable, Codable {
        public var name = ""
        public var industry = ""
        public var size = ""
        /// Why it took part.
        public var motive = ""
        /// What it got out of it.
        public var result = ""
    }

    public struct Quote: Sendable, Equatable, Codable {
        /// Empty when the quote names nobody (a gap the check reports).
        public var person: String
        public var text: String
        public var line: Int
    }

    public struct TimelineEntry: Sendable, Equatable, Codable {
        public var date: Date
        public var text: String
        public var line: Int
    }

    public struct Photo: Sendable, Equatable, Codable {
        public var file: String
        public var people: [String]
        public var caption: String
        /// Who took it ("Foto: …"); empty when not given.
        public var credit: String = ""
        public var line: Int
    }

    public struct PressContact: Sendable, Equatable, Codable {
        public var name: String
        public var email: String
        public var title: String
        public var phone: String
    }

    public var headline = ""
    public var lead = ""
    /// The core in one sentence: who, what, and why it ended as it did.
    public var core = ""
    public var industry = ""
    public var jobPackage = ""
    public var municipality = ""
    public var jobcentre = ""
    public var company = Company()
    public var people: [Person] = []
    /// Markdown: the story itself.
    public var body = ""
    public var timeline: [TimelineEntry] = []
    public var quotes: [Quote] = []
    public var factBox: [String] = []
    public var photos: [Photo] = []
    public var pressContact: PressContact?
    public var embargo: Date?

    static let maxLine = 1_000
    static let maxSource = 500_000

    public init() {}

    /// Parses `source`; every error names the file, the line and the field.
    public init(markdown source: String, file: String) throws(KampagneError) {
        guard source.utf8.count <= Self.maxSource else {
            throw .invalidInput("\(file): filen er for stor (højst \(Self.maxSource / 1000) kB)")
        }
        let text = source.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // A NUL would cut the stored text short; other control characters have no place in prose.
        for (index, line) in lines.enumerated() {
            if let bad = line.unicodeScalars.first(where: { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }) {
                throw .invalidInput("\(file):\(index + 1): ugyldigt kontroltegn U+\(String(format: "%04X", bad.value)) i teksten")
            }
        }
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else {
            throw .invalidInput("\(file):1: historien skal begynde med en forside (---) med overskrift, manchet, kerne …")
        }
        guard let close = lines.indices.dropFirst().first(where: { lines[$0].trimmingCharacters(in: .whitespaces) == "---" }) else {
            throw .invalidInput("\(file):1: forsiden slutter ikke (mangler en linje med ---)")
        }
        var seen: [String: Int] = [:]
        for index in 1..<close {
            let line = lines[index]
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw .invalidInput("\(file):\(index + 1): linjen skal have formen 'felt: værdi'")
            }
            let rawKey = DanishText.singleLine(String(line[..<colon]))
            let value = DanishText.singleLine(String(line[line.index(after: colon)...]))
            guard let key = Self.aliases[DanishText.identifierKey(rawKey)] else {
                throw .invalidInput("\(file):\(index + 1): ukendt felt '\(rawKey)' (se docs/stories.md)")
            }
            guard value.count <= Self.maxLine else {
                throw .invalidInput("\(file):\(index + 1): \(rawKey): værdien er for lang (højst \(Self.maxLine) tegn)")
            }
            if key != "person" && key != "photo" {
                if let first = seen[key] {
                    throw .invalidInput("\(file):\(index + 1): feltet '\(rawKey)' står to gange (første gang linje \(first))")
                }
                seen[key] = index + 1
            }
            do throws(KampagneError) {
                // HTML in a field would reach the web Markdown and press releases as it is. The
                // press contact's address is written in <…>: its parts are checked after parsing.
                if key != "pressContact" { try Self.refuseHTML(value) }
                try assign(key, value, line: index + 1)
            } catch {
                throw .invalidInput("\(file):\(index + 1): \(rawKey): \(error.message)")
            }
        }
        try readBody(lines, from: close + 1, file: file)
    }

    private mutating func assign(_ key: String, _ value: String, line: Int) throws(KampagneError) {
        switch key {
        case "headline": headline = value
        case "lead": lead = value
        case "core": core = value
        case "industry": industry = value
        case "jobPackage": jobPackage = value
        case "municipality": municipality = value
        case "jobcentre": jobcentre = value
        case "company": company.name = value
        case "companyIndustry": company.industry = value
        case "companySize": company.size = value
        case "person":
            guard !value.isEmpty else { return }
            let person = try Self.person(value, line: line)
            if let earlier = people.first(where: { $0.key == person.key }) {
                throw .invalidInput("\(person.name) står allerede på linje \(earlier.line)")
            }
            people.append(person)
        case "photo": if !value.isEmpty { photos.append(try Self.photo(value, line: line)) }
        case "pressContact": pressContact = value.isEmpty ? nil : try Self.pressContact(value)
        case "embargo":
            guard !value.isEmpty else { return }
            guard let date = DanishDate.parse(value, defaultTime: "00:00") else {
                throw .invalidInput("'\(value)' er ikke en dato (skriv fx 2027-03-01 eller 2027-03-01 06:00)")
            }
            embargo = date
        default: break
        }
    }

    /// Field names as people write them; looked up by `DanishText.identifierKey`.
    private static let aliases = keyed([
        "overskrift": "headline", "rubrik": "headline", "headline": "headline", "titel": "headline", "title": "headline",
        "manchet": "lead", "lead": "lead", "indledning": "lead",
        "kerne": "core", "kernen": "core", "core": "core",
        "branche": "industry", "industry": "industry",
        "jobpakke": "jobPackage", "jobpakketype": "jobPackage", "job package": "jobPackage",
        "kommune": "municipality", "municipality": "municipality",
        "jobcenter": "jobcentre", "jobcentre": "jobcentre",
        "virksomhed": "company", "company": "company",
        "virksomhedens branche": "companyIndustry", "company industry": "companyIndustry",
        "virksomhedens størrelse": "companySize", "company size": "companySize", "størrelse": "companySize",
        "person": "person", "medvirkende": "person",
        "foto": "photo", "billede": "photo", "photo": "photo",
        "pressekontakt": "pressContact", "press contact": "pressContact", "kontakt": "pressContact",
        "embargo": "embargo",
    ])

    private static func keyed<T>(_ names: [String: T]) -> [String: T] {
        Dictionary(names.map { (DanishText.identifierKey($0.key), $0.value) }) { first, _ in first }
    }

    /// "Navn | rolle: kok | vises: fornavn"
    static func person(_ text: String, line: Int) throws(KampagneError) -> Person {
        let parts = text.split(separator: "|", omittingEmptySubsequences: false).map { DanishText.trimmed(String($0)) }
        guard let name = parts.first, !name.isEmpty else {
            throw .invalidInput("skriv 'Navn | rolle: … | titel: … | vises: fuldt navn, fornavn eller anonym'")
        }
        var person = Person(name: name, roleText: "", role: .other, shown: .fullName, line: line)
        guard name.count <= 200 else { throw .invalidInput("navnet er for langt (højst 200 tegn)") }
        for part in parts.dropFirst() where !part.isEmpty {
            let pieces = part.split(separator: ":", maxSplits: 1).map { DanishText.trimmed(String($0)) }
            guard pieces.count == 2 else { throw .invalidInput("'\(part)': skriv 'rolle: …' eller 'vises: …'") }
            switch DanishText.identifierKey(pieces[0]) {
            case "rolle", "role":
                person.roleText = pieces[1]
                person.role = role(pieces[1])
            case "titel", "title", "stilling":
                person.title = pieces[1]
            case "vises", "shown", "navn", "name":
                switch DanishText.identifierKey(pieces[1]) {
                case "fuldtnavn", "fuldt", "navn", "fullname", "full", "ja": person.shown = .fullName
                case "fornavn", "firstname", "first": person.shown = .firstName
                case "anonym", "anonymous", "nej": person.shown = .anonymous
                default: throw .invalidInput("vises: '\(pieces[1])' (brug fuldt navn, fornavn eller anonym)")
                }
            default:
                throw .invalidInput("ukendt del '\(pieces[0])' (brug rolle, titel og vises)")
            }
        }
        return person
    }

    /// Recognises the three people every case should have from how the role is written.
    static func role(_ text: String) -> Role {
        let key = DanishText.identifierKey(text)
        if key.contains("jobkonsulent") || key.contains("virksomhedskonsulent") || key.contains("konsulent")
            || key.contains("consultant") {
            return .jobConsultant
        }
        if key.contains("virksomhed") || key.contains("leder") || key.contains("chef") || key.contains("ejer")
            || key.contains("mester") || key.contains("company") || key.contains("employer") {
            return .companyContact
        }
        if key.contains("medarbejder") || key.contains("borger") || key.contains("ansat") || key.contains("employee")
            || key.contains("fikjobbet") {
            return .employee
        }
        return .other
    }

    /// "fotos/koekken.jpg | personer: Amina, Lars Holm | tekst: I køkkenet"
    static func photo(_ text: String, line: Int) throws(KampagneError) -> Photo {
        let parts = text.split(separator: "|", omittingEmptySubsequences: false).map { DanishText.trimmed(String($0)) }
        guard let file = parts.first, !file.isEmpty else {
            throw .invalidInput("skriv 'fil | personer: navn, navn | tekst: billedtekst | kredit: fotograf'")
        }
        var photo = Photo(file: file, people: [], caption: "", line: line)
        for part in parts.dropFirst() where !part.isEmpty {
            let pieces = part.split(separator: ":", maxSplits: 1).map { DanishText.trimmed(String($0)) }
            guard pieces.count == 2 else { throw .invalidInput("'\(part)': skriv 'personer: …' eller 'tekst: …'") }
            switch DanishText.identifierKey(pieces[0]) {
            case "personer", "person", "people", "hvem":
                photo.people = pieces[1].split(separator: ",").map { DanishText.trimmed(String($0)) }.filter { !$0.isEmpty }
            case "tekst", "billedtekst", "caption", "text":
                photo.caption = pieces[1]
            case "kredit", "fotograf", "credit", "foto":
                photo.credit = pieces[1]
            default:
                throw .invalidInput("ukendt del '\(pieces[0])' (brug personer, tekst og kredit)")
            }
        }
        return photo
    }

    /// "Navn <adresse> | titel | telefon"
    static func pressContact(_ text: String) throws(KampagneError) -> PressContact {
        let parts = text.split(separator: "|", omittingEmptySubsequences: false).map { DanishText.trimmed(String($0)) }
        let (name, email) = try EventDraft.person(parts[0])
        for part in [name] + parts.dropFirst() { try refuseHTML(part) }
        return PressContact(name: name, email: email, title: parts.count > 1 ? parts[1] : "",
                            phone: parts.count > 2 ? parts[2] : "")
    }

    private enum Section: String {
        case body, motive, result, timeline, quotes, factBox
    }

    private static let sections = keyed([
        "historien": Section.body, "brødtekst": .body, "forløbet": .body, "body": .body, "story": .body,
        "virksomhedens motiv": .motive, "motiv": .motive, "hvorfor var virksomheden med": .motive, "motive": .motive,
        "company motive": .motive,
        "virksomhedens udbytte": .result, "udbytte": .result, "resultat": .result,
        "hvad fik virksomheden ud af det": .result, "result": .result, "company result": .result,
        "tidslinje": .timeline, "timeline": .timeline,
        "citater": .quotes, "citat": .quotes, "quotes": .quotes,
        "faktaboks": .factBox, "fakta": .factBox, "fact box": .factBox, "facts": .factBox,
    ])

    private mutating func readBody(_ lines: [String], from start: Int, file: String) throws(KampagneError) {
        var section = Section.body
        var collected: [Section: [(String, Int)]] = [:]
        var inCode = false
        for index in start..<lines.count {
            let line = lines[index]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") { inCode.toggle() }
            if !inCode && line.hasPrefix("## ") {
                let heading = String(line.dropFirst(3))
                guard let next = Self.sections[DanishText.identifierKey(heading)] else {
                    throw .invalidInput("\(file):\(index + 1): ukendt afsnit '## \(DanishText.singleLine(heading))' "
                        + "(brug Historien, Virksomhedens motiv, Virksomhedens udbytte, Tidslinje, Citater eller Faktaboks; "
                        + "mellemrubrikker skrives med ###)")
                }
                section = next
                continue
            }
            if !inCode && line.hasPrefix("# ") {
                throw .invalidInput("\(file):\(index + 1): overskriften står i forsiden ('overskrift:'); "
                    + "brug ## for afsnit og ### for mellemrubrikker")
            }
            if !inCode { try Self.checkMarkup(line, line: index + 1, file: file) }
            collected[section, default: []].append((line, index + 1))
        }
        func text(_ section: Section) -> String {
            (collected[section] ?? []).map(\.0).joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        body = text(.body)
        company.motive = text(.motive)
        company.result = text(.result)
        for (line, number) in Self.items(collected[.timeline] ?? []) {
            timeline.append(try Self.timelineEntry(line, line: number, file: file))
        }
        for (line, number) in Self.items(collected[.quotes] ?? []) {
            quotes.append(Self.quote(line, line: number))
        }
        factBox = Self.items(collected[.factBox] ?? []).map(\.0)
    }

    /// Stories are prose: HTML (which would reach press releases and web pages as it is) and
    /// links other than http, https and mailto are refused.
    static func checkMarkup(_ line: String, line number: Int, file: String) throws(KampagneError) {
        if let offset = htmlOffset(line) {
            throw .invalidInput("\(file):\(number): HTML er ikke tilladt i historien (tegn \(offset)); skriv almindelig tekst")
        }
        var rest = Substring(line)
        while let open = rest.range(of: "](") {
            let target = rest[open.upperBound...].prefix { $0 != ")" && $0 != " " }.lowercased()
            guard ["http://", "https://", "mailto:"].contains(where: target.hasPrefix) else {
                throw .invalidInput("\(file):\(number): linket '\(target)' er ikke tilladt (kun http, https og mailto)")
            }
            rest = rest[open.upperBound...]
        }
    }

    /// Where a tag (`<a`, `</`, `<!`, `<?`) begins in `text`, if it has one.
    static func htmlOffset(_ text: String) -> Int? {
        var previous: Character = " "
        for (offset, character) in text.enumerated() {
            if previous == "<", character.isLetter || character == "/" || character == "!" || character == "?" { return offset }
            previous = character
        }
        return nil
    }

    /// Plain text: no tag in it.
    static func isPlain(_ value: String) -> Bool { htmlOffset(value) == nil }

    /// Refuses a front-matter value with HTML in it.
    static func refuseHTML(_ value: String) throws(KampagneError) {
        if let offset = htmlOffset(value) {
            throw .invalidInput("HTML er ikke tilladt (tegn \(offset)); skriv almindelig tekst")
        }
    }

    /// List items ("- …" or "* …"), with continuation lines joined on; other text is kept as an item too.
    private static func items(_ lines: [(String, Int)]) -> [(String, Int)] {
        var items: [(String, Int)] = []
        for (line, number) in lines {
            let trimmed = DanishText.trimmed(line)
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") {
                items.append((DanishText.singleLine(String(trimmed.dropFirst(2))), number))
            } else if let last = items.popLast() {
                items.append((last.0 + " " + DanishText.singleLine(trimmed), last.1))
            } else {
                items.append((DanishText.singleLine(trimmed), number))
            }
        }
        return items
    }

    /// "2026-09-01: Første samtale i jobcentret" (a time may follow the date: "2026-09-01 10:00: …").
    private static func timelineEntry(_ text: String, line: Int, file: String) throws(KampagneError) -> TimelineEntry {
        guard let separator = text.range(of: ": ") ?? (text.hasSuffix(":") ? text.range(of: ":", options: .backwards) : nil) else {
            throw .invalidInput("\(file):\(line): tidslinje: skriv '- 2026-09-01: hvad der skete'")
        }
        let when = DanishText.trimmed(String(text[..<separator.lowerBound]))
        guard let date = DanishDate.parse(when, defaultTime: "00:00") else {
            throw .invalidInput("\(file):\(line): tidslinje: '\(when)' er ikke en gyldig dato (skriv fx 2026-09-01)")
        }
        return TimelineEntry(date: date, text: DanishText.trimmed(String(text[separator.upperBound...])), line: line)
    }

    /// `Navn: "Citatet"` or, naming nobody, `"Citatet"`.
    private static func quote(_ text: String, line: Int) -> Quote {
        let openers: Set<Character> = ["\"", "“", "”", "»", "«", "„", "'"]
        if let first = text.first, openers.contains(first) {
            return Quote(person: "", text: strip(text, openers), line: line)
        }
        if let colon = text.firstIndex(of: ":") {
            let person = DanishText.trimmed(String(text[..<colon]))
            let quoted = DanishText.trimmed(String(text[text.index(after: colon)...]))
            if !person.isEmpty && person.count <= 80 {
                return Quote(person: person, text: strip(quoted, openers), line: line)
            }
        }
        return Quote(person: "", text: strip(text, openers), line: line)
    }

    /// The quote without the marks around it: a closing mark goes only with an opening one.
    private static func strip(_ text: String, _ quotes: Set<Character>) -> String {
        var result = Substring(text)
        guard let first = result.first, quotes.contains(first) else { return DanishText.trimmed(text) }
        result = result.dropFirst()
        if let last = result.last, quotes.contains(last) { result = result.dropLast() }
        return DanishText.trimmed(String(result))
    }

    /// The person a name in a quote or photo refers to: matched on the full name or, when only
    /// one person has it, the first name.
    public func person(named name: String) -> Person? {
        let found = people(named: name)
        return found.count == 1 ? found.first : nil
    }

    /// Everyone `name` may mean: the one with that full name, or all who have it as first name.
    public func people(named name: String) -> [Person] {
        let key = DanishText.identifierKey(name)
        if let exact = people.first(where: { $0.key == key }) { return [exact] }
        return people.filter { DanishText.identifierKey(String($0.name.split(separator: " ").first ?? "")) == key }
    }

    /// Why `name` names nobody in particular, in Danish: unknown, or shared by several.
    public func unresolved(_ name: String) -> String {
        let found = people(named: name)
        if found.count > 1 {
            return "'\(name)' passer på flere personer (\(found.map(\.name).joined(separator: ", "))); skriv det fulde navn"
        }
        return "\(name) står ikke blandt personerne"
    }

    /// The skeleton `stories new` writes: every field, with Danish guidance in comments.
    public static func skeleton(headline: String) -> String {
        """
        ---
        # En god historie har begge sider: personen, der fik jobbet, og virksomheden, der ansatte.
        # Linjer med # er kommentarer. Tomme felter må stå, mens historien skrives;
        # `kampagne stories check` fortæller, hvad der mangler.
        overskrift: \(DanishText.singleLine(headline))
        manchet:
        # Kernen i én sætning: hvem, hvad, og hvorfor det endte, som det gjorde.
        kerne:
        branche:
        jobpakke:
        kommune:
        jobcenter:
        virksomhed:
        virksomhedens branche:
        virksomhedens størrelse:
        # Én linje pr. person: Navn | rolle: medarbejder, virksomhedens kontakt eller jobkonsulent
        #   | titel: stillingen, som citater nævner | vises: fuldt navn, fornavn eller anonym
        # person: Fornavn Efternavn | rolle: medarbejder | titel: kok | vises: fornavn
        # Fotos: fil | personer: navn, navn | tekst: billedtekst | kredit: fotograf
        # foto: fotos/billede.jpg | personer: Fornavn | tekst: På arbejde | kredit: Fotograf Navn
        # Pressekontakt: Navn <adresse> | titel | telefon
        pressekontakt:
        # embargo: 2027-03-01 06:00
        # Under forsiden: selve historien i den rækkefølge, det skete; derefter afsnittene
        # nedenfor. Tidslinje: "- 2026-09-01: hvad der skete". Citater: "- Navn: Citatet".
        ---


        ## Virksomhedens motiv


        ## Virksomhedens udbytte


        ## Tidslinje


        ## Citater


        ## Faktaboks

        """
    }
}
