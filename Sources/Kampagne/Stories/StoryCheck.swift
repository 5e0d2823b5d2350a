import Foundation

/// One thing a case still lacks (a gap) or should look at (a warning), in Danish.
public struct StoryFinding: Codable, Sendable, Equatable {
    public enum Severity: String, Codable, Sendable {
        /// The case is not ready until this is fixed.
        case gap
        /// Worth a look; does not block.
        case warning
    }

    /// A stable key for scripts ("core-missing", "quote-without-person", …): docs/cli.md lists them.
    public var code: String
    public var severity: Severity
    public var message: String
    /// The line in the current version the finding is about, when there is one.
    public var line: Int?
}

/// Which consents a case needs before it may appear on a channel: every named person, every
/// quote's speaker and everyone in a photo, for what the case shows of them.
public struct ConsentGate: Sendable {
    public let draft: StoryDraft
    public let consents: [StoryConsent]
    public let date: Date

    public init(draft: StoryDraft, consents: [StoryConsent], date: Date) {
        self.draft = draft
        self.consents = consents
        self.date = date
    }

    /// One consent the case needs.
    public struct Need: Sendable, Equatable, Hashable {
        public var person: String
        public var cover: ConsentCover
    }

    /// Everything the case shows of whom, each once.
    public var needs: [Need] {
        var needs: [Need] = []
        func add(_ person: String, _ cover: ConsentCover) {
            let need = Need(person: person, cover: cover)
            if !needs.contains(need) { needs.append(need) }
        }
        for person in draft.people where person.shown != .anonymous {
            add(person.name, .name)
            if person.role == .employee && !draft.company.name.isEmpty { add(person.name, .employer) }
        }
        for quote in draft.quotes where !quote.person.isEmpty {
            add(draft.person(named: quote.person)?.name ?? quote.person, .quotes)
        }
        for photo in draft.photos {
            for name in photo.people { add(draft.person(named: name)?.name ?? name, .photo) }
        }
        return needs
    }

    /// Whether one consent in force covers `need` on `channel`.
    public func isCovered(_ need: Need, on channel: StoryChannel) -> Bool {
        let key = DanishText.identifierKey(need.person)
        return consents.contains { consent in
            consent.personKey == key && consent.isValid(at: date) && consent.channels.contains(channel)
                && consent.covers.contains(need.cover)
        }
    }

    /// What stops the case from appearing on `channel`, in Danish; empty when nothing does.
    public func blockers(for channel: StoryChannel) -> [String] {
        var lines: [String] = []
        for quote in draft.quotes where quote.person.isEmpty {
            lines.append("linje \(quote.line): et citat uden person kan ikke bruges (skriv 'Navn: citatet')")
        }
        for photo in draft.photos where photo.people.isEmpty {
            lines.append("linje \(photo.line): fotoet \(photo.file) siger ikke, hvem der er på det")
        }
        for need in needs where !isCovered(need, on: channel) {
            let lapsed = Self.lapse(of: consents.filter {
                $0.personKey == DanishText.identifierKey(need.person) && $0.channels.contains(channel) && $0.covers.contains(need.cover)
            }, at: date)
            lines.append("\(need.person) \(lapsed ?? "har ikke givet samtykke") \(need.cover.phrase) \(channel.place)")
        }
        return lines
    }

    /// Why consents that were given are no longer in force: "har et udløbet samtykke (udløb
    /// 30.6.2027)" or "har trukket samtykket tilbage"; nil when none was ever given.
    static func lapse(of consents: [StoryConsent], at date: Date) -> String? {
        let given = consents.filter { $0.givenAt <= date }
        if let expired = given.filter({ $0.withdrawnAt == nil }).compactMap(\.expiresAt).filter({ $0 <= date }).max() {
            return "har et udløbet samtykke (gyldigt til og med \(DanishDate.day(expired.addingTimeInterval(-1))))"
        }
        if given.contains(where: { $0.withdrawnAt != nil }) { return "har trukket samtykket tilbage" }
        return nil
    }
}

/// The result of `stories check`: the gaps and warnings, readability, and per channel what
/// consent is still missing.
public struct StoryCheckReport: Codable, Sendable, Equatable {
    public var findings: [StoryFinding]
    public var readability: Readability
    public var lixBand: String
    public var lixTarget: String
    /// Per channel (newsletter, press, web) what blocks publishing there; empty when nothing.
    public var consent: [String: [String]]

    public var gaps: Int { findings.filter { $0.severity == .gap }.count }
}

/// Reads a case the way an editor and a journalist would and lists, in Danish, what it still
/// lacks: both sides of the story, people and their consent, contact, embargo, readability.
public struct StoryCheck: Sendable {
    public var target: LixTarget

    public init(target: LixTarget = .newspaper) {
        self.target = target
    }

    public func run(_ draft: StoryDraft, consents: [StoryConsent], now: Date, published: Bool = false) -> StoryCheckReport {
        var findings: [StoryFinding] = []
        func gap(_ code: String, _ message: String, line: Int? = nil) {
            findings.append(StoryFinding(code: code, severity: .gap, message: message, line: line))
        }
        func warn(_ code: String, _ message: String, line: Int? = nil) {
            findings.append(StoryFinding(code: code, severity: .warning, message: message, line: line))
        }

        if draft.headline.isEmpty { gap("headline-missing", "Overskriften mangler ('overskrift:').") }
        if draft.lead.isEmpty { gap("lead-missing", "Manchetten mangler: to-tre linjer med det vigtigste ('manchet:').") }
        if draft.core.isEmpty {
            gap("core-missing", "Kernen mangler: skriv i én sætning hvem, hvad og hvorfor det endte, som det gjorde ('kerne:').")
        }
        if draft.body.isEmpty { gap("body-missing", "Selve historien mangler (teksten under forsiden).") }

        // The company's side: the part cases most often leave out.
        if draft.company.name.isEmpty { gap("company-missing", "Virksomheden er ikke nævnt ('virksomhed:').") }
        if draft.company.motive.isEmpty {
            gap("company-motive-missing", "Virksomhedens motiv mangler: hvorfor var virksomheden med? (## Virksomhedens motiv)")
        }
        if draft.company.result.isEmpty {
            gap("company-result-missing", "Virksomhedens udbytte mangler: hvad fik virksomheden ud af det? (## Virksomhedens udbytte)")
        }
        if draft.timeline.isEmpty {
            gap("timeline-missing", "Tidslinjen mangler: hvornår og hvordan kom virksomheden ind? (## Tidslinje)")
        }
        if !draft.people.contains(where: { $0.role == .employee }) {
            gap("employee-missing", "Personen, der fik jobbet, står ikke blandt personerne (person: … | rolle: medarbejder).")
        }
        for person in draft.people where person.name == StoryRedaction.marker {
            gap("person-erased", "En person i historien er slettet efter anmodning; navn og citater er fjernet. "
                + "Skriv historien om uden personen, før den bruges.", line: person.line)
        }
        if !draft.people.contains(where: { $0.role == .companyContact }) {
            gap("company-contact-missing", "Virksomhedens kontaktperson står ikke blandt personerne (rolle: virksomhedens kontakt).")
        }
        if draft.quotes.isEmpty {
            gap("quotes-missing", "Der er ingen citater (## Citater: '- Navn: citatet').")
        } else if !draft.quotes.contains(where: { draft.person(named: $0.person)?.role == .companyContact }) {
            warn("company-quote-missing", "Ingen citater fra virksomheden: den stærkeste historie er virksomhedens erfaring.")
        }
        for quote in draft.quotes {
            if quote.person.isEmpty {
                gap("quote-without-person", "Citatet \"\(Self.excerpt(quote.text))\" er ikke knyttet til en person.", line: quote.line)
            } else if draft.person(named: quote.person) == nil {
                gap("quote-unknown-person", "Citatet kan ikke knyttes til en person: \(draft.unresolved(quote.person)).", line: quote.line)
            }
        }
        for photo in draft.photos {
            if photo.people.isEmpty {
                gap("photo-without-people", "Fotoet \(photo.file) siger ikke, hvem der er på det.", line: photo.line)
            }
            for name in photo.people where draft.person(named: name) == nil {
                gap("photo-unknown-person", "Fotoet \(photo.file): \(draft.unresolved(name)).", line: photo.line)
            }
        }

        for (person, word, place) in Self.hiddenNamesShown(draft) {
            gap("hidden-name-shown", "\(person.name) skal vises med \(person.shown.danish), men '\(word)' står i \(place).",
                line: person.line)
        }

        let gate = ConsentGate(draft: draft, consents: consents, date: now)
        var reported: Set<String> = []
        for need in gate.needs where reported.insert(DanishText.identifierKey(need.person)).inserted {
            let key = DanishText.identifierKey(need.person)
            let own = consents.filter { $0.personKey == key }
            if !own.contains(where: { $0.isValid(at: now) }) {
                let line = draft.person(named: need.person)?.line
                if let lapsed = ConsentGate.lapse(of: own, at: now) {
                    gap("person-consent-lapsed", "\(need.person) \(lapsed).", line: line)
                } else {
                    gap("person-without-consent", "\(need.person) har ikke givet samtykke.", line: line)
                }
            }
        }

        if let contact = draft.pressContact {
            if contact.email.isEmpty && contact.phone.isEmpty {
                gap("press-contact-unreachable", "Pressekontakten \(contact.name) har hverken e-mail eller telefon.")
            }
        } else {
            gap("press-contact-missing", "Pressekontakt mangler: en journalist skal kunne ringe til nogen ('pressekontakt:').")
        }
        if let embargo = draft.embargo, embargo < now, !published {
            gap("embargo-past", "Embargoen (\(DanishDate.long(embargo))) er allerede overstået: ret eller fjern den.")
        }
        if draft.municipality.isEmpty {
            gap("municipality-missing", "Kommunen mangler ('kommune:').")
        } else if Municipality.lookup(draft.municipality) == nil {
            gap("municipality-unknown", "'\(draft.municipality)' er ikke en af de 98 kommuner.")
        }
        if draft.jobcentre.isEmpty { gap("jobcentre-missing", "Jobcentret mangler ('jobcenter:').") }
        if draft.industry.isEmpty || draft.jobPackage.isEmpty {
            warn("tags-missing", "Branche og jobpakke mangler: de viser bredden af jobpakker ('branche:', 'jobpakke:').")
        }

        let readability = Readability(text: Self.prose(draft))
        if readability.words > 0 && !target.contains(readability.lix) {
            let advice = readability.lix > target.high ? "del de lange sætninger og brug kortere ord" : "teksten er lettere end målet"
            warn("lix-outside-target",
                 "LIX \(DanishNumber.decimal(readability.lix)) – \(Readability.band(readability.lix)) – ligger uden for målet \(target.text): \(advice).")
        }
        var consent: [String: [String]] = [:]
        for channel in StoryChannel.allCases { consent[channel.rawValue] = gate.blockers(for: channel) }
        return StoryCheckReport(findings: findings, readability: readability, lixBand: Readability.band(readability.lix),
                                lixTarget: target.text, consent: consent)
    }

    /// For each person who is shown by first name only or not at all, the first place a hidden
    /// part of their name still appears: (person, the word, where).
    static func hiddenNamesShown(_ draft: StoryDraft) -> [(StoryDraft.Person, String, String)] {
        let places: [(String, String)] = [("overskriften", draft.headline), ("manchetten", draft.lead), ("kernen", draft.core),
                                          ("historien", draft.body), ("virksomhedens motiv", draft.company.motive),
                                          ("virksomhedens udbytte", draft.company.result)]
            + draft.quotes.map { ("et citat (linje \($0.line))", $0.text) }
            + draft.photos.map { ("billedteksten til \($0.file)", $0.caption) }
            + draft.timeline.map { ("tidslinjen (linje \($0.line))", $0.text) }
            + draft.factBox.map { ("faktaboksen", $0) }
        let wordsByPlace = places.map { place in
            (place.0, Set(place.1.split(whereSeparator: { !$0.isLetter && $0 != "-" }).map { DanishText.identifierKey(String($0)) }))
        }
        var found: [(StoryDraft.Person, String, String)] = []
        for person in draft.people where person.shown != .fullName {
            let parts = person.name.split(separator: " ").map(String.init)
            let hidden = person.shown == .anonymous ? parts : Array(parts.dropFirst())
            search: for word in hidden where word.count >= 2 {
                let key = DanishText.identifierKey(word)
                for (place, words) in wordsByPlace where words.contains(key) {
                    found.append((person, word, place))
                    break search
                }
            }
        }
        return found
    }

    /// The running text a reader meets: the lead, the story, the company's side and the quotes
    /// (the core is a working sentence for the advisor, not printed).
    static func prose(_ draft: StoryDraft) -> String {
        ([draft.lead, draft.body, draft.company.motive, draft.company.result] + draft.quotes.map(\.text))
            .filter { !$0.isEmpty }
            .joined(separator: "\n\n")
    }

    static func excerpt(_ text: String) -> String {
        text.count > 40 ? String(text.prefix(40)) + "…" : text
    }
}
