import Foundation
import GRDB
import MailTemplates
import Testing
@testable import Kampagne

private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func example(_ name: String) throws -> String {
    try String(contentsOf: repository.appendingPathComponent("examples/\(name)"), encoding: .utf8)
}

private func day(_ text: String) -> Date {
    DanishDate.parse(text) ?? Date(timeIntervalSince1970: 0)
}

private let now = day("2026-11-23 12:00")

private func publisher(_ sandbox: Sandbox) throws -> StoryPublisher {
    try StoryPublisher(store: sandbox.store, templatesPath: repository.appendingPathComponent("Templates").path,
                       sender: SenderIdentity(name: "Sekretariatet", address: "sekretariat@partnerskab.example",
                                              replyTo: nil, postalAddress: "Eksempelvej 1, 1000 København K"))
}

/// The complete example with every consent given for every channel, approved.
func approvedExample(_ sandbox: Sandbox, channels: [StoryChannel] = StoryChannel.allCases) throws -> Int64 {
    let stories = Stories(store: sandbox.store)
    let id = try stories.importFile(sandbox.file("fjordlys.md", try example("historie-hotel-fjordlys.md")), now: now)
    for person in ["Samira Haddad", "Jens Kragh", "Mette Vinther"] {
        _ = try stories.giveConsent(id, person: person, channels: channels, given: day("2026-10-01"), how: "blanket", now: now)
    }
    try stories.approve(id, by: "telefon: Jens Kragh", now: now)
    return id
}

@Suite struct ReadabilityTests {
    @Test func lixOfAKnownShortText() {
        // 6 words, 2 sentences, 1 word over six letters ("hurtigt"): 6/2 + 100·1/6 = 19.67.
        let r = Readability(text: "Katten sov. Hunden spiste maden hurtigt.")
        #expect(r.words == 6)
        #expect(r.sentences == 2)
        #expect(r.longWords == 1)
        #expect(r.lix == 19.7)
    }

    @Test func numbersColonsAndListItems() {
        // "2.700" and "2008" are words (never long) and "2.700" ends no sentence; the colon does;
        // each list item is a sentence. 11 words, 4 sentences, 6 long: 11/4 + 600/11 = 57.30.
        let r = Readability(text: "Kommunen ansatte 2.700 medarbejdere i 2008: det var rekordagtigt!\n\n- Virksomhedspraktik\n- Løntilskud")
        #expect(r.words == 11)
        #expect(r.sentences == 4)
        #expect(r.longWords == 6)
        #expect(r.lix == 57.3)
        #expect(r.longestSentences.first?.text == "Kommunen ansatte 2.700 medarbejdere i 2008:")
        #expect(r.longestSentences.first?.words == 6)
    }

    @Test func danishAbbreviationsTimesAndDatesEndNoSentence() {
        // Each of these is one sentence; before the list they were cut into fragments.
        let one = [
            "Mødet begynder kl. 10.00 på rådhuset.",
            "Vi taler bl.a. om løntilskud.",
            "Vi taler bl.a. Jobcenter Odense og f.eks. Vejle om opgaven.",
            "Det koster 3.000 kr. om måneden.",
            "Fristen er den 17. februar 2027.",
            "Det gælder ca. 40 virksomheder, dvs. de fleste.",
            "Se side 4, nr. 3 i listen.",
            "Ring på tlf. 12 34 56 78, jf. aftalen.",
        ]
        for text in one {
            let r = Readability(text: text)
            #expect(r.sentences == 1, "\(text): \(r.longestSentences.map(\.text))")
            #expect(r.longestSentences.first?.text == text)
        }
        // Numbers are words: "kl. 10.00" is two, "3.000 kr." two, "17. februar 2027" three.
        #expect(Readability(text: "Mødet begynder kl. 10.00 på rådhuset.").words == 6)
        #expect(Readability(text: "Fristen er den 17. februar 2027.").words == 6)
        // A point after "kr." before a capital letter, and after a year, still ends a sentence.
        #expect(Readability(text: "Det koster 3.000 kr. Det er billigt.").sentences == 2)
        #expect(Readability(text: "Det skete i 2008. Siden er det gået godt.").sentences == 2)
        #expect(Readability(text: "Vi mødes. Vi spiser.").sentences == 2)
        // The list holds the abbreviations the issue names, with their points.
        for abbreviation in ["kl.", "bl.a.", "f.eks.", "dvs.", "ca.", "nr."] {
            #expect(DanishAbbreviations.neverFinal.contains(abbreviation))
        }
        #expect(DanishAbbreviations.maybeFinal.contains("kr."))
        #expect(DanishAbbreviations.neverFinal.isDisjoint(with: DanishAbbreviations.maybeFinal))
    }

    @Test func hyphenatedWordIsOneWordAndEmptyTextIsZero() {
        let r = Readability(text: "Send en e-mail.")
        #expect(r.words == 3)
        #expect(Readability(text: "").lix == 0)
        #expect(Readability.band(38) == "middel (dagblade)")
        #expect(Readability.band(58).hasPrefix("meget svær"))
    }

    @Test func targetBandParses() throws {
        #expect(try LixTarget(parsing: "30–40") == LixTarget(low: 30, high: 40))
        #expect(throws: KampagneError.self) { try LixTarget(parsing: "44-35") }
        #expect(throws: KampagneError.self) { try LixTarget(parsing: "middel") }
    }
}

@Suite struct StoryDraftTests {
    @Test func completeExampleParses() throws {
        let draft = try StoryDraft(markdown: try example("historie-hotel-fjordlys.md"), file: "x.md")
        #expect(draft.headline.hasPrefix("Køkkenet på Hotel Fjordlys"))
        #expect(draft.people.map(\.role) == [.employee, .companyContact, .jobConsultant])
        #expect(draft.people[0].shown == .firstName && draft.people[0].displayName == "Samira")
        #expect(draft.people[1].title == "køkkenchef")
        #expect(draft.quotes.map(\.person) == ["Jens Kragh", "Samira Haddad", "Mette Vinther"])
        #expect(draft.timeline.count == 4)
        #expect(draft.photos.first?.people == ["Samira Haddad", "Jens Kragh"])
        #expect(draft.pressContact?.email == "sara.holm@partnerskab.example")
        #expect(draft.company.motive.contains("ledig kokkestilling"))
        #expect(draft.company.result.contains("praktikanter"))
        #expect(draft.factBox.count == 3)
        #expect(draft.company.size == "45 ansatte")
    }

    @Test(arguments: [
        ("---\noverskrift: A\nfarve: blå\n---\n", "x.md:3: ukendt felt 'farve'"),
        ("---\noverskrift: A\n---\n\n## Eftertanke\n", "x.md:5: ukendt afsnit '## Eftertanke'"),
        ("---\noverskrift: A\n---\n## Tidslinje\n- i går: noget\n", "x.md:5: tidslinje"),
        ("---\noverskrift: A\n---\n# Ny overskrift\n", "x.md:4: overskriften står i forsiden"),
        ("---\noverskrift: A\noverskrift: B\n---\n", "x.md:3: feltet 'overskrift' står to gange"),
        ("overskrift: A\n", "x.md:1: historien skal begynde med en forside"),
        ("---\nembargo: snart\n---\n", "x.md:2: embargo: 'snart' er ikke en dato"),
        ("---\nperson: Ida | vises: måske\n---\n", "x.md:2: person: vises: 'måske'"),
        ("---\npressekontakt: Ida <ikke en adresse>\n---\n", "x.md:2: pressekontakt:"),
    ])
    func badInputNamesFileLineAndField(source: String, expected: String) {
        do {
            _ = try StoryDraft(markdown: source, file: "x.md")
            Issue.record("expected an error for \(source)")
        } catch {
            #expect(error.message.hasPrefix(expected), "\(error.message)")
        }
    }

    @Test func crLfIsALineEndAndControlCharactersAreRefused() throws {
        let draft = try StoryDraft(markdown: "---\r\noverskrift: Linje\r\nperson: Ida Holm | rolle: medarbejder\r\n---\r\nTekst.\r\n",
                                   file: "x.md")
        #expect(draft.headline == "Linje" && draft.people[0].name == "Ida Holm" && draft.body == "Tekst.")
        for bad in ["\u{0}", "\u{7}", "\u{0B}", "\u{7F}"] {
            do {
                _ = try StoryDraft(markdown: "---\noverskrift: A\n---\nTekst\(bad)her.\n", file: "x.md")
                Issue.record("a control character was accepted")
            } catch {
                #expect(error.message.hasPrefix("x.md:4: ugyldigt kontroltegn"))
            }
        }
    }

    @Test(arguments: [
        ("Se <script>alert(1)</script> her.", "x.md:4: HTML er ikke tilladt"),
        ("<img src=x onerror=alert(1)>", "x.md:4: HTML er ikke tilladt"),
        ("Klik [her](javascript:alert(1)).", "x.md:4: linket 'javascript:alert(1'"),
        ("Klik [her](data:text/html,x).", "x.md:4: linket"),
    ])
    func htmlAndUnsafeLinksAreRefused(line: String, expected: String) {
        do {
            _ = try StoryDraft(markdown: "---\noverskrift: A\n---\n\(line)\n", file: "x.md")
            Issue.record("accepted \(line)")
        } catch {
            #expect(error.message.hasPrefix(expected), "\(error.message)")
        }
    }

    @Test func safeMarkupQuotesAndTimesParse() throws {
        let draft = try StoryDraft(markdown: """
        ---
        person: Ida Holm | rolle: medarbejder
        ---
        Læs mere på [hjemmesiden](https://partnerskab.example/moeder) eller skriv til [os](mailto:a@b.example). 3 < 4.
        ```
        <b>kode</b>
        ```
        ## Tidslinje
        - 2026-02-01 10:00: Første samtale
        ## Citater
        - Ida Holm: Det var "godt" at komme i gang
        - »Ingen navn«
        """, file: "x.md")
        #expect(draft.timeline.first?.text == "Første samtale")
        #expect(draft.quotes.map(\.text) == ["Det var \"godt\" at komme i gang", "Ingen navn"])
        #expect(throws: KampagneError.self) {
            try StoryDraft(markdown: "---\n---\n## Tidslinje\n- 2026-02-30: Ugyldig dag\n", file: "x.md")
        }
        #expect(throws: KampagneError.self) {
            try StoryDraft(markdown: "---\nperson: Ida Holm\nperson: ida holm | vises: anonym\n---\n", file: "x.md")
        }
    }
}

@Suite struct StoryCheckTests {
    func codes(_ source: String, consents: [StoryConsent] = []) throws -> Set<String> {
        let draft = try StoryDraft(markdown: source, file: "x.md")
        return Set(StoryCheck().run(draft, consents: consents, now: now).findings.map(\.code))
    }

    @Test func incompleteExampleFailsItsChecks() throws {
        let found = try codes(try example("historie-mangler.md"))
        for code in ["core-missing", "company-missing", "company-motive-missing", "company-result-missing", "timeline-missing",
                     "company-contact-missing", "quote-without-person", "photo-without-people", "person-without-consent",
                     "press-contact-missing", "embargo-past", "municipality-unknown", "jobcentre-missing", "tags-missing",
                     "lix-outside-target", "company-quote-missing"] {
            #expect(found.contains(code), "\(code) missing from \(found)")
        }
        #expect(!found.contains("employee-missing"))
    }

    @Test func emptyCaseLacksEverything() throws {
        let found = try codes("---\n---\n")
        for code in ["headline-missing", "lead-missing", "core-missing", "body-missing", "employee-missing", "quotes-missing",
                     "municipality-missing"] {
            #expect(found.contains(code), "\(code) missing from \(found)")
        }
        #expect(!found.contains("lix-outside-target"))
    }

    @Test func unknownPeopleAndUnreachableContact() throws {
        let found = try codes("""
        ---
        person: Ida Holm | rolle: medarbejder
        foto: a.jpg | personer: Bo Dam
        pressekontakt: Sara Holm
        ---
        ## Citater
        - Bo Dam: Godt.
        """)
        #expect(found.isSuperset(of: ["quote-unknown-person", "photo-unknown-person", "press-contact-unreachable"]))
    }

    @Test func hiddenNamesMustStayHidden() throws {
        let source = """
        ---
        overskrift: Bo Hansen fik job
        person: Bo Hansen | rolle: medarbejder | vises: anonym
        person: Lars Lund | rolle: virksomhedens kontakt | vises: fornavn
        foto: a.jpg | personer: Lars | tekst: Lars ved maskinen
        ---
        Lars tog imod ham. Hr. Lund var glad.
        """
        let draft = try StoryDraft(markdown: source, file: "x.md")
        let found = StoryCheck.hiddenNamesShown(draft)
        #expect(found.map(\.1) == ["Bo", "Lund"])
        #expect(found.map(\.2) == ["overskriften", "historien"])
        #expect(try codes(source).contains("hidden-name-shown"))
        // The complete example shows Samira by first name only and never says "Haddad".
        #expect(try !codes(try example("historie-hotel-fjordlys.md")).contains("hidden-name-shown"))
    }

    @Test func aSharedFirstNameIsAmbiguous() throws {
        let draft = try StoryDraft(markdown: "---\nperson: Anna Berg\nperson: Anna Holm\n---\n## Citater\n- Anna: Godt.\n", file: "x.md")
        #expect(draft.person(named: "Anna") == nil)
        let finding = StoryCheck().run(draft, consents: [], now: now).findings.first { $0.code == "quote-unknown-person" }
        #expect(finding?.message.contains("'Anna' passer på flere personer (Anna Berg, Anna Holm)") == true)
    }

    @Test func linksAndAddressesAreNotWords() {
        let plain = Readability(text: "Læs mere på hjemmesiden.")
        let linked = Readability(text: "Læs mere på [hjemmesiden](https://partnerskab.example/temamoeder/tilmelding).")
        #expect(linked.words == plain.words && linked.lix == plain.lix)
        #expect(Readability(text: "Skriv til https://partnerskab.example/a/b/c i dag.").words == 4)
    }

    @Test func completeExampleWithConsentHasNoGaps() throws {
        let sandbox = try Sandbox()
        let id = try approvedExample(sandbox)
        let report = try Stories(store: sandbox.store).check(id, now: now)
        #expect(report.gaps == 0, "\(report.findings)")
        #expect(report.readability.lix >= 35 && report.readability.lix <= 44)
        #expect(report.consent.values.allSatisfy { $0.isEmpty })
        // A stricter band turns the same text into a warning, not a gap.
        let strict = try Stories(store: sandbox.store).check(id, target: LixTarget(low: 20, high: 30), now: now)
        #expect(strict.findings.map(\.code) == ["lix-outside-target"])
        #expect(strict.gaps == 0)
    }
}

@Suite struct ConsentGateTests {
    let draft: StoryDraft

    init() throws {
        draft = try StoryDraft(markdown: try example("historie-hotel-fjordlys.md"), file: "x.md")
    }

    func consent(_ person: String, _ channels: [StoryChannel], covers: [ConsentCover] = ConsentCover.allCases,
                 expires: Date? = nil, withdrawn: Date? = nil) -> StoryConsent {
        StoryConsent(id: nil, storyId: 1, person: person, personKey: DanishText.identifierKey(person), channels: channels,
                     covers: covers, givenAt: day("2026-10-01"), how: "blanket", expiresAt: expires, withdrawnAt: withdrawn,
                     withdrawnNote: nil, recordedAt: day("2026-10-01"))
    }

    @Test func consentIsPerChannel() {
        let all = ["Samira Haddad", "Jens Kragh", "Mette Vinther"].map { consent($0, [.press]) }
        let gate = ConsentGate(draft: draft, consents: all, date: now)
        #expect(gate.blockers(for: .press).isEmpty)
        #expect(gate.blockers(for: .newsletter).count == gate.needs.count)
        #expect(gate.blockers(for: .web).contains("Jens Kragh har ikke givet samtykke til fotoet på nettet"))
    }

    @Test func consentCoversOnlyWhatItSays() {
        var consents = ["Jens Kragh", "Mette Vinther"].map { consent($0, StoryChannel.allCases) }
        consents.append(consent("Samira Haddad", StoryChannel.allCases, covers: [.name, .quotes, .employer]))
        let blockers = ConsentGate(draft: draft, consents: consents, date: now).blockers(for: .press)
        #expect(blockers == ["Samira Haddad har ikke givet samtykke til fotoet i pressen"])
    }

    @Test func expiredAndWithdrawnConsentDoNotCount() {
        let others = ["Jens Kragh", "Mette Vinther"].map { consent($0, StoryChannel.allCases) }
        let expired = ConsentGate(draft: draft, consents: others + [consent("Samira Haddad", [.press], expires: day("2026-11-01"))],
                                  date: now)
        #expect(!expired.blockers(for: .press).isEmpty)
        let withdrawn = ConsentGate(draft: draft, consents: others + [consent("Samira Haddad", [.press], withdrawn: day("2026-11-20"))],
                                    date: now)
        #expect(!withdrawn.blockers(for: .press).isEmpty)
        let valid = ConsentGate(draft: draft, consents: others + [consent("Samira Haddad", [.press], expires: day("2027-01-01"))],
                                date: now)
        #expect(valid.blockers(for: .press).isEmpty)
    }

    @Test func anonymousPersonNeedsConsentOnlyForWhatShowsThem() throws {
        let anonymous = try StoryDraft(markdown: "---\nperson: Ida Holm | rolle: medarbejder | vises: anonym\nvirksomhed: Firma\n---\n", file: "x.md")
        #expect(ConsentGate(draft: anonymous, consents: [], date: now).needs.isEmpty)
        let quoted = try StoryDraft(markdown: "---\nperson: Ida Holm | vises: anonym\n---\n## Citater\n- Ida Holm: Godt.\n", file: "x.md")
        #expect(ConsentGate(draft: quoted, consents: [], date: now).needs == [.init(person: "Ida Holm", cover: .quotes)])
    }
}

@Suite struct StoryLifecycleTests {
    @Test func everySaveIsAVersionAndDiffShowsTheChange() throws {
        let sandbox = try Sandbox()
        let stories = Stories(store: sandbox.store)
        let id = try stories.create(headline: "Fra lager til fast job", now: now)
        #expect(try stories.show(id).summary.status == .idea)
        let first = try stories.source(id).source
        let unchanged = try stories.save(id, source: first, now: now)
        #expect(!unchanged.changed && unchanged.version == 1)
        let second = first.replacingOccurrences(of: "kerne:\n", with: "kerne: Omar fik fast job, fordi lageret manglede folk.\n")
        let saved = try stories.save(id, source: second, now: now)
        #expect(saved.changed && saved.version == 2 && saved.status == .draft)
        let diff = try stories.diff(id)
        #expect(diff.from == 1 && diff.to == 2 && diff.added == 1 && diff.removed == 1)
        #expect(diff.lines.contains("-kerne:"))
        #expect(diff.lines.contains("+kerne: Omar fik fast job, fordi lageret manglede folk."))
        #expect(diff.lines.first?.hasPrefix("@@ -") == true)
        #expect(try stories.source(id, version: 1).source == first)
        #expect(throws: KampagneError.self) { try stories.save(id, source: "ingen forside", now: now) }
        // Consent for someone the case does not feature is refused: a typo would never match.
        #expect(throws: KampagneError.self) {
            try stories.giveConsent(id, person: "Ukendt Person", channels: [.press], given: now, how: "mail", now: now)
        }
        #expect(try stories.show(id).versions.count == 2)
    }

    @Test func editingApprovedTextNeedsNewApproval() throws {
        let sandbox = try Sandbox()
        let stories = Stories(store: sandbox.store)
        let id = try approvedExample(sandbox)
        let text = try stories.source(id).source + "\nEn ekstra sætning.\n"
        let saved = try stories.save(id, source: text, now: now)
        #expect(saved.approvalLapsed && saved.status == .draft)
        #expect(throws: KampagneError.self) { _ = try publisher(sandbox).publish(id, as: .pressRelease, now: now) }
        try stories.approve(id, by: "kommunikationsrådgiver", now: now)
        #expect(try publisher(sandbox).publish(id, as: .pressRelease, now: now).version == 2)
    }

    @Test func publishingNeedsApprovalAndConsentForTheChannel() throws {
        let sandbox = try Sandbox()
        let stories = Stories(store: sandbox.store)
        let id = try stories.importFile(sandbox.file("f.md", try example("historie-hotel-fjordlys.md")), now: now)
        #expect(throws: KampagneError.self) { _ = try publisher(sandbox).publish(id, as: .article, now: now) }
        try stories.approve(id, by: "x", now: now)
        for person in ["Samira Haddad", "Jens Kragh", "Mette Vinther"] {
            _ = try stories.giveConsent(id, person: person, channels: [.press], given: day("2026-10-01"), how: "mail", now: now)
        }
        do {
            _ = try publisher(sandbox).publish(id, as: .article, now: now)
            Issue.record("an article needs newsletter consent")
        } catch {
            let message = (error as? KampagneError)?.message ?? ""
            #expect(message.contains("kan ikke bruges i nyhedsbrevet"))
            #expect(message.contains("Samira Haddad har ikke givet samtykke til at vise navnet i nyhedsbrevet"))
        }
        let out = sandbox.folder.appendingPathComponent("presse").path
        let release = try publisher(sandbox).publish(id, as: .pressRelease, out: out, now: now)
        #expect(release.files == [out + ".html", out + ".txt"])
        #expect(release.text.contains("PRESSEMEDDELELSE, mandag den 23. november 2026"))
        #expect(release.text.contains("»Jeg fik en kok, der kunne noget, jeg ikke kunne. Det er den bedste ansættelse, jeg har lavet i år,« siger Jens Kragh, køkkenchef."))
        #expect(release.text.contains("siger Jens Kragh, køkkenchef."))
        #expect(release.text.contains("siger Samira, kok."))
        #expect(!release.text.contains("Haddad"))
        #expect(release.html?.contains("<h1>Køkkenet på Hotel Fjordlys") == true)
        #expect(FileManager.default.fileExists(atPath: out + ".html"))
        let details = try stories.show(id)
        #expect(details.summary.status == .published)
        #expect(details.usages.map(\.channel) == [.press])
        #expect(details.usages.first?.target == out + ".html, " + out + ".txt")
    }

    @Test func embargoHoldsArticlesButNotPressReleases() throws {
        let sandbox = try Sandbox()
        let stories = Stories(store: sandbox.store)
        let id = try approvedExample(sandbox)
        let text = try stories.source(id).source.replacingOccurrences(of: "---\n\n", with: "embargo: 2026-12-01 06:00\n---\n\n")
        _ = try stories.save(id, source: text, now: now)
        try stories.approve(id, by: "x", now: now)
        #expect(throws: KampagneError.self) { _ = try publisher(sandbox).publish(id, as: .article, now: now) }
        let release = try publisher(sandbox).publish(id, as: .pressRelease, now: now)
        #expect(release.text.contains("EMBARGO: Må ikke offentliggøres før tirsdag den 1. december 2026 kl. 06.00"))
        #expect(try publisher(sandbox).publish(id, as: .article, now: day("2026-12-02")).channel == .newsletter)
    }

    @Test func withdrawingConsentFlagsEveryUseOnThatChannel() throws {
        let sandbox = try Sandbox()
        let stories = Stories(store: sandbox.store)
        let id = try approvedExample(sandbox)
        _ = try publisher(sandbox).publish(id, as: .pressRelease, now: now)
        _ = try publisher(sandbox).publish(id, as: .article, channel: .web, now: now)
        let withdrawal = try stories.withdrawConsent(id, person: "Samira", channels: [.press], note: "ringede", now: day("2026-11-24"))
        #expect(withdrawal.consents == 1)
        #expect(withdrawal.flagged.map(\.channel) == [.press])
        let details = try stories.show(id)
        #expect(details.usages.first { $0.channel == .web }?.flaggedAt == nil)
        #expect(details.usages.first { $0.channel == .press }?.flagNote?.contains("Samira Haddad") == true)
        #expect(details.summary.flagged == 1)
        // The web part of her consent is kept; press is gone, so a new press release is refused.
        let samira = details.consents.filter { $0.person == "Samira Haddad" && $0.withdrawnAt == nil }
        #expect(samira.map(\.channels) == [[.newsletter, .web]])
        #expect(throws: KampagneError.self) { _ = try publisher(sandbox).publish(id, as: .pressRelease, now: day("2026-11-25")) }
        // Withdrawing the whole story flags the rest.
        let rest = try stories.withdraw(id, reason: "Virksomheden har lukket", now: day("2026-11-26"))
        #expect(rest.map(\.channel) == [.web])
        #expect(throws: KampagneError.self) { _ = try publisher(sandbox).publish(id, as: .article, now: day("2026-11-27")) }
    }

    @Test func anEditionWithAWithdrawnStoryIsNotSent() throws {
        let sandbox = try Sandbox()
        let id = try approvedExample(sandbox)
        sandbox.file("c.csv", "E-mail;Fornavn\nlaeser@kommune.example;Læser\n")
        _ = try sandbox.importing([sandbox.folder.appendingPathComponent("c.csv").path]) { $0.lists = ["Nyhedsbrev"] }
        let file = sandbox.file("u.md", "---\nsubject: Nyt nr. 4\nnumber: nr. 4\n---\n@historie \(id)\n")
        let edition = try Editions(store: sandbox.store).create(file: file, now: now)
        let outbox = Outbox(store: sandbox.store)
        let audience = Audience(lists: ["Nyhedsbrev"])
        _ = try Stories(store: sandbox.store).withdrawConsent(id, person: "Samira Haddad", channels: [.newsletter], note: "", now: now)
        do {
            _ = try outbox.enqueue(kind: .newsletter, editionId: edition, audience: audience, senderDomain: "p.example")
            Issue.record("an edition with a flagged story was queued")
        } catch {
            #expect(error.message.contains("Udgave \(edition) indeholder historie \(id), som er markeret"))
        }
        #expect(try sandbox.store.read { try OutboxRow.fetchCount($0) } == 0)
        // A test send to the editor is still allowed.
        #expect(throws: Never.self) {
            _ = try outbox.enqueue(kind: .test, editionId: edition, audience: Audience(addresses: ["redaktion@p.example"]),
                                   senderDomain: "p.example")
        }
    }

    @Test func includeLinesAreStrictAndErrorsPointIntoTheFileAsWritten() throws {
        let sandbox = try Sandbox()
        let id = try approvedExample(sandbox)
        for bad in ["@historie", "@historie nr 1", "@historie 1 2"] {
            let file = sandbox.file("b.md", "---\nsubject: X\n---\n# A\n\n\(bad)\n")
            do {
                _ = try Editions(store: sandbox.store).create(file: file, now: now)
                Issue.record("accepted \(bad)")
            } catch {
                #expect(error.message.hasPrefix("\(file):6: skriv '@historie NUMMER'"), "\(error.message)")
            }
        }
        // A broken contact box after the included article is reported on its own line (9), not
        // on a line of the expanded text.
        let file = sandbox.file("c.md", "---\nsubject: X\n---\n# A\n\n@historie \(id)\n\n```kontakt\nfarve: blå\n```\n")
        do {
            _ = try Editions(store: sandbox.store).create(file: file, now: now)
            Issue.record("accepted a bad contact box")
        } catch {
            #expect(error.message.hasPrefix("\(file):9: ukendt felt 'farve'"), "\(error.message)")
        }
    }

    @Test func editionIncludesAStoryByReferenceAndRecordsTheUse() throws {
        let sandbox = try Sandbox()
        let id = try approvedExample(sandbox)
        let file = sandbox.file("udgave.md", """
        ---
        subject: Nyt om jobpakker nr. 3
        number: nr. 3
        ---
        # Velkommen

        Et kort forord.

        @historie \(id)
        """)
        let editionId = try Editions(store: sandbox.store).create(file: file, now: now)
        let (record, edition) = try sandbox.store.read { try Editions.find(editionId, in: $0) }
        #expect(edition.articles.map(\.title) == ["Velkommen", "Køkkenet på Hotel Fjordlys fik en ny kok – og en ny måde at ansætte på"])
        #expect(edition.articles[1].contact?.email == "sara.holm@partnerskab.example")
        #expect(edition.articles[1].markdown.contains("### Derfor var Hotel Fjordlys med"))
        #expect(record.source.contains("»Jeg var nervøs den første dag."))
        let usage = try #require(try Stories(store: sandbox.store).show(id).usages.first)
        #expect(usage.channel == .newsletter && usage.target == "udgave \(editionId): Nyt om jobpakker nr. 3")
        // A story not yet approved cannot be included; the error names the line.
        let draftId = try Stories(store: sandbox.store).create(headline: "Idé", now: now)
        let bad = sandbox.file("bad.md", "---\nsubject: X\n---\n# A\n\nTekst.\n\n@historie \(draftId)\n")
        do {
            _ = try Editions(store: sandbox.store).create(file: bad, now: now)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.message.hasPrefix("\(bad):8: Historie \(draftId) er ikke godkendt"))
        }
    }
}

@Suite struct StoryReviewTests {
    @Test func everyoneAskedMustApproveTheCurrentVersion() throws {
        let sandbox = try Sandbox()
        let stories = Stories(store: sandbox.store)
        let id = try stories.importFile(sandbox.file("f.md", try example("historie-hotel-fjordlys.md")), now: now)
        let reviews = StoryReviews(store: sandbox.store, senderDomain: "partnerskab.example")
        let asked = try reviews.request(id, to: ["jens@fjordlys.example", "Kommune@Vejle.example"], note: "Se citaterne", now: now)
        #expect(asked.map(\.queued) == [true, true])
        #expect(try reviews.request(id, to: ["kommune@vejle.example"], now: now).map(\.queued) == [false])
        let rows = try sandbox.store.read { try OutboxRow.order(Column("id")).fetchAll($0) }
        #expect(rows.count == 2)
        #expect(rows.first?.notice?.storyReviewId == asked[0].reviewId)
        #expect(rows.first?.notice?.reviewNote == "Se citaterne")
        #expect(try stories.show(id).summary.status == .inReview)

        #expect(try reviews.answer(asked[0].reviewId, approve: true, comment: "", now: now) == .inReview)
        #expect(try reviews.answer(asked[1].reviewId, approve: false, comment: "Skriv jobcentret med stort.", now: now) == .inReview)
        #expect(throws: KampagneError.self) { try reviews.answer(asked[1].reviewId, approve: false, comment: "  ", now: now) }
        #expect(try reviews.answer(asked[1].reviewId, approve: true, comment: "Nu er det fint.", now: now) == .approved)
        let details = try stories.show(id)
        #expect(details.summary.approvedVersion == 1)
        let log = details.log.filter { $0.action == .commented || $0.action == .reviewApproved }
        #expect(log.map(\.actor) == ["jens@fjordlys.example", "Kommune@vejle.example", "Kommune@vejle.example", "Kommune@vejle.example"])
        #expect(log.map(\.action) == [.reviewApproved, .commented, .commented, .reviewApproved])
        // The story itself is approved once, when the last reviewer approved.
        #expect(details.log.filter { $0.action == .approved }.map(\.actor) == ["gennemsyn"])
        let page = try reviews.page(asked[1].reviewId)
        #expect(page.isCurrent && page.history.count == 3)
    }

    @Test func approvingAnOldVersionDoesNotApproveTheNewText() throws {
        let sandbox = try Sandbox()
        let stories = Stories(store: sandbox.store)
        let id = try stories.importFile(sandbox.file("f.md", try example("historie-hotel-fjordlys.md")), now: now)
        let reviews = StoryReviews(store: sandbox.store, senderDomain: "partnerskab.example")
        let asked = try reviews.request(id, to: ["jens@fjordlys.example"], now: now)
        _ = try stories.save(id, source: try stories.source(id).source + "\nMere tekst.\n", now: now)
        #expect(try reviews.answer(asked[0].reviewId, approve: true, comment: "", now: now) == .draft)
        #expect(try !reviews.page(asked[0].reviewId).isCurrent)
        #expect(try stories.show(id).summary.approvedVersion == nil)
    }

    @Test func askingForANewReviewHoldsPublishingUntilTheAnswersAreIn() throws {
        let sandbox = try Sandbox()
        let id = try approvedExample(sandbox)
        let reviews = StoryReviews(store: sandbox.store, senderDomain: "partnerskab.example")
        let asked = try reviews.request(id, to: ["ny@vejle.example"], now: now)
        let story = try Stories(store: sandbox.store).show(id).summary
        #expect(story.status == .inReview && story.approvedVersion == nil)
        #expect(throws: KampagneError.self) { _ = try publisher(sandbox).publish(id, as: .pressRelease, now: now) }
        #expect(try reviews.answer(asked[0].reviewId, approve: true, comment: "", now: now) == .approved)
        #expect(try publisher(sandbox).publish(id, as: .pressRelease, now: now).version == 1)
        // Withdrawn, reopened and asked again: the same person gets a new request.
        _ = try Stories(store: sandbox.store).withdraw(id, reason: "fejl", now: now)
        try Stories(store: sandbox.store).reopen(id, now: now)
        let again = try reviews.request(id, to: ["ny@vejle.example"], now: now)
        #expect(again.map(\.queued) == [true] && again[0].reviewId != asked[0].reviewId)
        #expect(try reviews.answer(again[0].reviewId, approve: true, comment: "", now: now) == .approved)
    }

    @Test func ideasAndWithdrawnStoriesAreNotSentForReview() throws {
        let sandbox = try Sandbox()
        let stories = Stories(store: sandbox.store)
        let reviews = StoryReviews(store: sandbox.store, senderDomain: "partnerskab.example")
        let idea = try stories.create(headline: "Idé", now: now)
        #expect(throws: KampagneError.self) { _ = try reviews.request(idea, to: ["a@b.example"], now: now) }
        let id = try stories.importFile(sandbox.file("f.md", try example("historie-mangler.md")), now: now)
        #expect(throws: KampagneError.self) { _ = try reviews.request(id, to: ["ikke en adresse"], now: now) }
        _ = try stories.withdraw(id, reason: "Dårlig idé", now: now)
        #expect(throws: KampagneError.self) { _ = try reviews.request(id, to: ["a@b.example"], now: now) }
        try stories.reopen(id, now: now)
        #expect(try reviews.request(id, to: ["a@b.example"], now: now).count == 1)
    }

    @Test func erasingAReviewerKeepsTheDecisionButNotThePerson() throws {
        let sandbox = try Sandbox()
        let stories = Stories(store: sandbox.store)
        let id = try stories.importFile(sandbox.file("f.md", try example("historie-hotel-fjordlys.md")), now: now)
        let reviews = StoryReviews(store: sandbox.store, senderDomain: "partnerskab.example", advisor: "sara@partnerskab.example")
        let asked = try reviews.request(id, to: ["Ida.Holm@vejle.example"], now: now)
        try reviews.answer(asked[0].reviewId, approve: true, comment: "Ida synes, det er fint.", now: now)
        let told = try sandbox.store.read { try OutboxRow.filter(Column("email") == "sara@partnerskab.example").fetchAll($0) }
        #expect(told.count == 1 && told.first?.notice?.storyAnswer?.storyApproved == true)
        #expect(told.first?.notice?.storyAnswer?.comment == "Ida synes, det er fint.")
        try PersonalData(store: sandbox.store, settings: EventSettings()).erase("ida.holm@vejle.example")
        let details = try stories.show(id)
        #expect(details.summary.status == .approved)
        #expect(details.reviews.map(\.email) == ["slettet"])
        let text = details.log.map { "\($0.actor) \($0.text)" }.joined(separator: "\n").lowercased()
        #expect(!text.contains("ida"))
        #expect(details.log.contains { $0.action == .reviewApproved && $0.actor == "slettet gennemlæser" })
        let outbox = try sandbox.store.read { try OutboxRow.fetchAll($0) }
        #expect(outbox.allSatisfy { !$0.email.lowercased().contains("ida") })
        #expect(outbox.allSatisfy { $0.notice?.storyAnswer.map { !$0.reviewer.lowercased().contains("ida") && $0.comment.isEmpty } ?? true })
    }
}

/// Front-matter HTML, when a use counts, the report's story line, review names, consent expiry.
@Suite struct StoryUseAndConsentTests {
    @Test func htmlInTheFrontMatterIsRefusedButThePressContactsAddressIsNot() throws {
        for line in ["overskrift: <script>alert(1)</script>", "manchet: Fint <img src=x onerror=alert(1)>",
                     "pressekontakt: <b>Sara</b> <sara@partnerskab.example>", "person: Ida <i>Holm</i> | rolle: medarbejder"] {
            do {
                _ = try StoryDraft(markdown: "---\n\(line)\n---\nTekst.\n", file: "h.md")
                Issue.record("accepted: \(line)")
            } catch {
                #expect(error.message.hasPrefix("h.md:2:") && error.message.contains("HTML"), "\(error.message)")
            }
        }
        let ok = try StoryDraft(markdown: "---\noverskrift: 3 < 4 & mere\npressekontakt: Sara Holm <sara@partnerskab.example>\n---\n", file: "h.md")
        #expect(ok.headline == "3 < 4 & mere" && ok.pressContact?.email == "sara@partnerskab.example")
        // An imported story with a script in its headline never reaches the web Markdown.
        let sandbox = try Sandbox()
        let source = try example("historie-hotel-fjordlys.md").replacingOccurrences(
            of: "overskrift: Køkkenet", with: "overskrift: <script>alert(1)</script>Køkkenet")
        #expect(throws: KampagneError.self) { try Stories(store: sandbox.store).importFile(sandbox.file("x.md", source), now: now) }
    }

    @Test func anEditionPublishesItsStoriesWhenSentNotWhenMade() throws {
        let sandbox = try Sandbox()
        let id = try approvedExample(sandbox)
        try sandbox.importing([sandbox.file("l.csv", "E-mail;Navn\nlaeser@x.example;Læser Ærø\n")]) { $0.lists = ["Nyhedsbrev"] }
        let file = sandbox.file("udgave.md", "---\nsubject: Nr. 3\nnumber: 3\n---\n# Velkommen\n\nTekst.\n\n@historie \(id)\n")
        let editionId = try Editions(store: sandbox.store).create(file: file, now: now)
        let stories = Stories(store: sandbox.store)
        let period = try ReportPeriod(from: "2025-01-01", to: "2030-12-31")
        #expect(try stories.show(id).summary.status == .approved, "a made edition publishes nothing")
        #expect(try stories.show(id).summary.publishedOn.isEmpty)
        #expect(try ActivityReports(store: sandbox.store, settings: EventSettings()).make(period).stories.published == 0)
        // A test send does not count either.
        _ = try Outbox(store: sandbox.store).enqueue(kind: .test, editionId: editionId, audience: Audience(addresses: ["t@x.example"]),
                                                      senderDomain: "partnerskab.example")
        #expect(try stories.show(id).summary.status == .approved)
        _ = try Outbox(store: sandbox.store).enqueue(kind: .newsletter, editionId: editionId, audience: Audience(lists: ["Nyhedsbrev"]),
                                                      senderDomain: "partnerskab.example")
        let shown = try stories.show(id)
        #expect(shown.summary.status == .published && shown.summary.publishedOn == [.newsletter])
        #expect(shown.log.filter { $0.action == .published }.count == 1)
        let figures = try ActivityReports(store: sandbox.store, settings: EventSettings()).make(period).stories
        #expect(figures.published == 1 && figures.uses.first?.usedAt != now, "dated to the send")
        // Sending the same edition again is no second use.
        _ = try Outbox(store: sandbox.store).enqueue(kind: .newsletter, editionId: editionId, audience: Audience(lists: ["Nyhedsbrev"]),
                                                      senderDomain: "partnerskab.example")
        #expect(try stories.show(id).log.filter { $0.action == .published }.count == 1)
    }

    @Test func theOverviewCountsStoriesAndShowsTheUsesApart() throws {
        let sandbox = try Sandbox()
        let id = try approvedExample(sandbox)
        let stories = try publisher(sandbox)
        _ = try stories.publish(id, as: .pressRelease, now: now)
        _ = try stories.publish(id, as: .article, now: now.addingTimeInterval(60))
        let report = try ActivityReports(store: sandbox.store, settings: EventSettings()).make(try ReportPeriod(from: "2026-11-01", to: "2026-11-30"), now: now)
        let line = try #require(report.overview.first { $0.key == "stories" })
        #expect(line.count == 1 && line.reach == 2)
        #expect(line.activity.contains("forskellige historier") && line.reachMeaning.contains("pr. historie og kanal"))
        let html = try ReportPage.html(report, templates: printTemplates())
        #expect(!html.contains("i i perioden"))
        #expect(html.contains("<div class=\"opening\">\n<h2>Gode historier</h2>"))
        #expect(html.contains("div.opening { break-inside: avoid"))
    }

    @Test func aReviewerWrittenWithANameKeepsIt() throws {
        let sandbox = try Sandbox()
        let id = try Stories(store: sandbox.store).importFile(sandbox.file("f.md", try example("historie-hotel-fjordlys.md")), now: now)
        let reviews = StoryReviews(store: sandbox.store, senderDomain: "partnerskab.example")
        let asked = try reviews.request(id, to: ["Jens Kragh <jens.kragh@fjordlys.example>"], now: now)
        #expect(asked.map(\.email) == ["jens.kragh@fjordlys.example"])
        let review = try reviews.page(asked[0].reviewId).review
        #expect(review.name == "Jens Kragh")
        let row = try #require(try sandbox.store.read { try OutboxRow.filter(Column("email") == "jens.kragh@fjordlys.example").fetchOne($0) })
        #expect(row.recipient.firstName == "Jens" && row.recipient.lastName == "Kragh")
        #expect(throws: KampagneError.self) { try reviews.request(id, to: ["<b>Jens</b> <jens@fjordlys.example>"], now: now) }
    }

    @Test func anExpiredConsentIsCalledExpiredAndLastsThroughItsLastDay() throws {
        let last = try #require(DanishDate.parseThrough("2027-06-30"))
        #expect(last == ISO8601DateFormatter().date(from: "2027-06-30T22:00:00Z"), "midnight after 30 June, Copenhagen summer time")
        #expect(DanishDate.parseThrough("2027-06-30 12:00") == DanishDate.parse("2027-06-30 12:00"))
        let draft = try StoryDraft(markdown: try example("historie-hotel-fjordlys.md"), file: "x.md")
        func consent(_ person: String, expires: Date?, withdrawn: Date? = nil) -> StoryConsent {
            StoryConsent(id: nil, storyId: 1, person: person, personKey: DanishText.identifierKey(person), channels: StoryChannel.allCases,
                         covers: ConsentCover.allCases, givenAt: day("2026-10-01"), how: "blanket", expiresAt: expires,
                         withdrawnAt: withdrawn, withdrawnNote: nil, recordedAt: day("2026-10-01"))
        }
        let others = ["Jens Kragh", "Mette Vinther"].map { consent($0, expires: nil) }
        let samira = consent("Samira Haddad", expires: last)
        let lateOnTheDay = try #require(DanishDate.parse("2027-06-30 23:30"))
        #expect(ConsentGate(draft: draft, consents: others + [samira], date: lateOnTheDay).blockers(for: .press).isEmpty)
        let after = ConsentGate(draft: draft, consents: others + [samira], date: last).blockers(for: .press)
        #expect(after.first == "Samira Haddad har et udløbet samtykke (gyldigt til og med onsdag den 30. juni 2027) til at vise navnet i pressen",
                "\(after)")
        #expect(!after.joined().contains("har ikke givet"))
        let withdrawn = ConsentGate(draft: draft, consents: others + [consent("Samira Haddad", expires: nil, withdrawn: now)],
                                    date: now.addingTimeInterval(60)).blockers(for: .press)
        #expect(withdrawn.first?.hasPrefix("Samira Haddad har trukket samtykket tilbage") == true)
        let check = StoryCheck(target: .newspaper).run(draft, consents: others + [samira], now: last)
        #expect(check.findings.contains { $0.code == "person-consent-lapsed" && $0.message.contains("udløbet") })
    }
}

/// Erasure and access requests reach the good stories and the messages sent.
@Suite struct StoryPrivacyTests {
    func featuredSamira(_ sandbox: Sandbox) throws -> Int64 {
        try sandbox.importing([sandbox.file("c.csv", "E-mail;Fornavn;Efternavn\nsamira.haddad@x.example;Samira;Haddad\n")]) {
            $0.lists = ["Nyhedsbrev"]
        }
        return try approvedExample(sandbox)
    }

    @Test func erasingAFeaturedPersonRedactsAndWithdrawsTheStory() throws {
        let sandbox = try Sandbox()
        let id = try featuredSamira(sandbox)
        _ = try publisher(sandbox).publish(id, as: .pressRelease, now: now)
        let report = try PersonalData(store: sandbox.store, settings: EventSettings()).erase("samira.haddad@x.example", now: now)
        #expect(report.storiesRedacted == [id] && report.checkpointed)
        let stories = Stories(store: sandbox.store)
        let details = try stories.show(id)
        #expect(details.summary.status == .withdrawn && details.summary.flagged == 1)
        #expect(details.statusNote?.contains("slettet efter anmodning") == true)
        let everything = ([details.source] + details.log.map(\.text) + details.consents.map(\.person)).joined(separator: "\n")
        #expect(!everything.contains("Samira") && !everything.contains("Haddad"))
        #expect(details.source.contains("- [slettet person]: [citat slettet efter anmodning]"))
        #expect(!details.source.contains("Jeg var nervøs"))
        #expect(details.consents.map(\.person).sorted() == ["Jens Kragh", "Mette Vinther"])
        // The text still reads as a story, the check says what happened, and it cannot be published.
        let check = try stories.check(id, now: now)
        #expect(check.findings.contains { $0.code == "person-erased" })
        #expect(throws: KampagneError.self) { _ = try publisher(sandbox).publish(id, as: .pressRelease, now: now) }
        #expect(try stories.list().first { $0.id == id }?.statusName == "trukket tilbage")
    }

    @Test func anAccessRequestHoldsStoriesConsentsAndMessages() throws {
        let sandbox = try Sandbox()
        let id = try featuredSamira(sandbox)
        let editionId = try Editions(store: sandbox.store).create(
            file: sandbox.file("u.md", "---\nsubject: Nr. 4\nnumber: 4\n---\n# Hej\n\nTekst.\n"), now: now)
        _ = try Outbox(store: sandbox.store).enqueue(kind: .newsletter, editionId: editionId, audience: Audience(lists: ["Nyhedsbrev"]),
                                                      senderDomain: "partnerskab.example")
        let export = try PersonalData(store: sandbox.store, settings: EventSettings()).export("samira.haddad@x.example")
        #expect(export.stories.map(\.storyId) == [id])
        #expect(export.stories.first?.shown == "kun fornavn" && export.stories.first?.role == "medarbejder")
        #expect(export.stories.first?.quotes == ["Jeg var nervøs den første dag. Nu er det mig, der viser de nye rundt."])
        #expect(export.storyConsents.map(\.person) == ["Samira Haddad"])
        #expect(export.messages.map(\.campaign) == ["Nr. 4"] && export.messages.first?.state == .queued)
        #expect(!export.memberships.isEmpty && !export.sources.isEmpty)
    }
}
