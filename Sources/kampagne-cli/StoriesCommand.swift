import ArgumentParser
import Foundation
import Kampagne

struct StoriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stories",
        abstract: "Gode historier: kladder i versioner, samtykke, tjek, gennemsyn, godkendelse og pressemeddelelser.",
        discussion: "Se docs/stories.md og examples/historie-*.md.",
        subcommands: [New.self, Import.self, Edit.self, Save.self, Show.self, List.self, Diff.self, Consent.self,
                      WithdrawConsent.self, Check.self, RequestReview.self, Approve.self, Publish.self, Withdraw.self,
                      Reopen.self, Photo.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new",
            abstract: "Opret en ny historie ud fra et skelet (status: idé); skriver dens id.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Arbejdstitel (overskrift).") var title: String
        @Option(help: "Skriv også skelettet til denne fil.") var out: String?

        func run() throws {
            let stories = Stories(store: try store.open().0)
            let id = try stories.create(headline: title)
            if let out { try Output.write(Data(try stories.source(id).source.utf8), to: out) }
            print(id)
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "import", abstract: "Importér en historie fra en Markdown-fil (status: kladde); skriver dens id.")
        @OptionGroup var store: StoreOptions
        @Argument var file: String

        func run() throws {
            print(try Stories(store: try store.open().0).importFile(file))
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "edit",
            abstract: "Åbn historien i $EDITOR; når editoren lukkes, gemmes teksten som en ny version.")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64

        func run() throws {
            let stories = Stories(store: try store.open().0)
            let current = try stories.source(id)
            let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("kampagne-historie-\(id)-\(UUID().uuidString.prefix(8)).md")
            try Output.write(Data(current.source.utf8), to: path)
            let environment = ProcessInfo.processInfo.environment
            let editor = environment["VISUAL"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["EDITOR"].flatMap { $0.isEmpty ? nil : $0 } ?? "vi"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "\(editor) \"$1\"", "editor", path]
            do {
                try process.run()
            } catch {
                throw KampagneError.io("Kan ikke starte editoren '\(editor)': \(error.localizedDescription)")
            }
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw KampagneError.io("Editoren sluttede med fejl (\(process.terminationStatus)); intet er gemt. Din tekst ligger i \(path)")
            }
            let edited = try Stories.read(path)
            let result: StorySave
            do {
                result = try stories.save(id, source: edited, note: "redigeret", file: path)
            } catch {
                throw KampagneError.invalidInput("\(error.message)\nIntet er gemt; din tekst ligger i \(path). "
                    + "Ret den og gem med: kampagne stories save \(id) \(path)")
            }
            try? FileManager.default.removeItem(atPath: path)
            Save.report(result)
        }
    }

    struct Save: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "save", abstract: "Gem en fil som ny version af historien (uden editor).")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Argument var file: String
        @Option(help: "Hvad er ændret (står i loggen).") var note = "redigeret"
        @Flag(help: "Skriv resultatet som JSON.") var json = false

        func run() throws {
            let stories = Stories(store: try store.open().0)
            let source = try Stories.read(file)
            let result = try stories.save(id, source: source, note: note, file: file)
            if json { return try Output.json(result) }
            Self.report(result)
        }

        static func report(_ result: StorySave) {
            guard result.changed else { return print("Uændret: historie \(result.id) er stadig version \(result.version).") }
            print("Gemt som version \(result.version) af historie \(result.id) (status: \(result.status.danish)).")
            if result.approvalLapsed {
                Output.note("Bemærk: godkendelsen gælder den tidligere tekst. Send den nye til gennemsyn eller godkend den igen.")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Vis en historie: status, tekst, samtykker, gennemsyn, brug og log.")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Option(help: "Vis en tidligere version.") var version: Int?
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            let stories = Stories(store: try store.open().0)
            var details = try stories.show(id)
            if let version { details.source = try stories.source(id, version: version).source }
            if json { return try Output.json(details) }
            let s = details.summary
            print("Historie \(s.id): \(s.headline)")
            print("Status:     \(s.statusName)\(details.statusNote.map { " (\($0))" } ?? "")")
            print("Version:    \(version ?? s.version) af \(s.version)\(s.approvedVersion.map { ", godkendt: version \($0)" } ?? "")")
            for (label, value) in [("Virksomhed", s.company), ("Kommune", s.municipality), ("Branche", s.industry),
                                   ("Jobpakke", s.jobPackage)] where !value.isEmpty {
                print("\(label):".padding(toLength: 12, withPad: " ", startingAt: 0) + value)
            }
            if !details.consents.isEmpty {
                print("\nSamtykker:")
                for c in details.consents {
                    var line = "  \(c.person): \(c.channels.map(\.danish).joined(separator: ", ")) (\(c.covers.map(\.danish).joined(separator: ", "))), givet \(DanishDate.day(c.givenAt)), \(c.how)"
                    if let expires = c.expiresAt {
                        line += expires <= Date() ? " – UDLØBET" : ","
                        line += " gyldigt til og med \(DanishDate.day(expires.addingTimeInterval(-1)))"
                    }
                    if let withdrawn = c.withdrawnAt { line += " – TRUKKET TILBAGE \(DanishDate.day(withdrawn))" }
                    print(line)
                }
            }
            if !details.reviews.isEmpty {
                print("\nGennemsyn:")
                for r in details.reviews {
                    let answer = r.decision == .approved ? "godkendt" : r.decision == .commented ? "kommenteret" : "afventer svar"
                    print("  \(r.email) (version \(r.version)): \(answer)\(r.decidedAt.map { " \(DanishDate.short($0))" } ?? "")")
                }
            }
            if !details.usages.isEmpty {
                print("\nBrugt:")
                for u in details.usages {
                    print("  \(DanishDate.short(u.usedAt))  \(u.channel.danish), \(u.form == .pressRelease ? "pressemeddelelse" : "artikel") (version \(u.version)): \(u.target)")
                    if u.flaggedAt != nil { print("    MARKERET: \(u.flagNote ?? "")") }
                }
            }
            if !details.log.isEmpty {
                print("\nLog:")
                details.log.forEach { print("  \(DanishDate.short($0.at))  \($0.action.danish) (\($0.actor)): \($0.text)") }
            }
            print("\n" + details.source)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Vis historierne, nyeste først.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Kun denne status (idea, draft, in-review, approved, published, withdrawn eller på dansk); kan gentages.")
        var status: [String] = []
        @Option(help: "Kun historier i denne branche.") var industry: String?
        @Option(help: "Kun historier fra denne kommune.") var municipality: String?
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            var filter = Stories.Filter()
            filter.statuses = try status.map { (text: String) throws(KampagneError) in try StoryStatus(parsing: text) }
            filter.industry = industry
            filter.municipality = municipality
            let stories = try Stories(store: try store.open().0).list(filter)
            if json { return try Output.json(stories) }
            Output.table(["Id", "Status", "Overskrift", "Kommune", "Branche", "Version", "Brugt", "Markeret"], stories.map {
                [String($0.id), $0.statusName, $0.headline, $0.municipality, $0.industry, String($0.version),
                 $0.publishedOn.map(\.danish).joined(separator: ", "), $0.flagged > 0 ? String($0.flagged) : ""]
            })
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "Vis forskellen mellem to versioner (standard: den forrige og den nuværende).")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Argument(help: "Fra version.") var from: Int?
        @Argument(help: "Til version.") var to: Int?
        @Flag(help: "Side om side med ændrede ord markeret (som i browseren).") var sideBySide = false
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            if sideBySide { return try sideBySideDiff() }
            let diff = try Stories(store: try store.open().0).diff(id, from: from, to: to)
            if json { return try Output.json(diff) }
            print("--- version \(diff.from)\n+++ version \(diff.to)")
            if diff.lines.isEmpty { print("(ingen forskel)") }
            diff.lines.forEach { print($0) }
        }

        /// The side-by-side diff the staff area shows.
        private func sideBySideDiff() throws {
            let stories = Stories(store: try store.open().0)
            let unified = try stories.diff(id, from: from, to: to)
            let diff = SideBySideDiff(from: unified.from, to: unified.to, old: try stories.source(id, version: unified.from).source,
                                      new: try stories.source(id, version: unified.to).source)
            if json { return try Output.json(diff) }
            func text(_ pieces: [SideBySideDiff.Piece]) -> String {
                pieces.map { $0.changed ? "[\($0.text)]" : $0.text }.joined()
            }
            print("version \(diff.from) → \(diff.to): \(diff.changed) ændret, \(diff.added) tilføjet, \(diff.removed) fjernet")
            for row in diff.rows {
                switch row.kind {
                case .same: continue
                case .folded: print("  … \(row.skipped ?? 0) uændrede linjer …")
                case .changed: print("~ \(row.oldLine ?? 0): \(text(row.old))\n  \(row.newLine ?? 0): \(text(row.new))")
                case .removed: print("- \(row.oldLine ?? 0): \(text(row.old))")
                case .added: print("+ \(row.newLine ?? 0): \(text(row.new))")
                }
            }
        }
    }

    struct Consent: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "consent", abstract: "Registrér en persons samtykke til historien; skriver samtykkets id.")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Option(help: "Personen, som hun eller han står i historien.") var person: String
        @Option(help: "Kanaler: newsletter,press,web (nyhedsbrev, presse, web).") var channels: String
        @Option(help: "Hvad samtykket dækker: name,photo,quotes,employer (standard: det hele).") var covers: String?
        @Option(help: "Hvornår samtykket blev givet (fx 2027-02-10).") var given: String
        @Option(help: "Hvordan det blev givet (fx 'underskrevet blanket').") var how: String
        @Option(help: "Sidste dag, samtykket gælder (hele dagen, dansk tid), fx 2027-06-30.") var expires: String?

        func run() throws {
            let channels = try StoriesCommand.channels(self.channels)
            let covers = try self.covers.map { text in
                try StoriesCommand.words(text).map { (word: String) throws(KampagneError) in try ConsentCover(parsing: word) }
            } ?? ConsentCover.allCases
            let id = try Stories(store: try store.open().0).giveConsent(
                self.id, person: person, channels: channels, covers: covers, given: try StoriesCommand.date(given, "--given"),
                how: how, expires: try expires.map { (text: String) throws -> Date in
                    guard let date = DanishDate.parseThrough(text) else {
                        throw KampagneError.invalidInput("--expires: '\(text)' er ikke en dato (skriv fx 2027-06-30)")
                    }
                    return date
                })
            print(id)
        }
    }

    struct WithdrawConsent: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "withdraw-consent",
            abstract: "Træk en persons samtykke tilbage; alle steder, hvor historien er brugt i de kanaler, markeres.")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Option var person: String
        @Option(help: "Kun disse kanaler (standard: alle).") var channels: String?
        @Option(help: "Hvordan og hvorfor (står i loggen).") var note = ""
        @Flag(help: "Skriv resultatet som JSON.") var json = false

        func run() throws {
            let result = try Stories(store: try store.open().0).withdrawConsent(
                id, person: person, channels: try channels.map(StoriesCommand.channels), note: note)
            if json { return try Output.json(result) }
            print("Trak \(result.consents) samtykke(r) tilbage.")
            if result.flagged.isEmpty {
                print("Historien er ikke brugt i de kanaler.")
            } else {
                print("Historien er brugt disse steder, som nu er markeret og bør tages ned eller rettes:")
                result.flagged.forEach { print("  \(DanishDate.short($0.usedAt))  \($0.channel.danish): \($0.target)") }
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "List hvad historien mangler, samtykke pr. kanal og læsbarhed (LIX). Slutter med kode 1, hvis noget mangler.")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            let (opened, config) = try store.open()
            let report = try Stories(store: opened).check(id, target: try config.lixTarget())
            if json {
                try Output.json(report)
            } else {
                print(report.gaps == 0 ? "Historien har det hele." : "Historien mangler (\(report.gaps)):")
                for finding in report.findings {
                    let mark = finding.severity == .gap ? "MANGLER" : "OBS"
                    // The library names what is missing; the command line adds the command that records it.
                    let hint = finding.code.hasPrefix("person-") && finding.code.contains("consent") ? " (kampagne stories consent)" : ""
                    print("  \(mark): \(finding.message)\(hint)\(finding.line.map { " (linje \($0))" } ?? "")")
                }
                let r = report.readability
                print("\nLæsbarhed: LIX \(DanishNumber.decimal(r.lix)), \(report.lixBand); mål \(report.lixTarget).")
                print("  \(r.words) ord, \(r.sentences) sætninger, \(r.longWords) lange ord (over 6 bogstaver).")
                if !r.longestSentences.isEmpty {
                    print("  Længste sætninger:")
                    r.longestSentences.forEach { print("    (\($0.words) ord) \($0.text)") }
                }
                print("\nSamtykke pr. kanal:")
                for channel in StoryChannel.allCases {
                    let blockers = report.consent[channel.rawValue] ?? []
                    print("  \(channel.danish): \(blockers.isEmpty ? "i orden" : "mangler")")
                    blockers.forEach { print("    - \($0)") }
                }
            }
            if report.gaps > 0 { throw ExitCode(1) }
        }
    }

    struct RequestReview: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "request-review",
            abstract: "Send historien til gennemsyn: en mail med et personligt link til en side, hvor modtageren godkender eller kommenterer.",
            discussion: "Mailen lægges i udbakken; `kampagne outbox run` (eller serve) sender den.")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Option(parsing: .upToNextOption, help: "Modtagernes adresser.") var to: [String]
        @Option(help: "En kort besked, der står i mailen.") var message = ""
        @Flag(help: "Skriv resultatet som JSON.") var json = false

        func run() throws {
            let (opened, config) = try store.open()
            let settings = try EventSettings(config: config)
            let requests = try StoryReviews(store: opened, senderDomain: settings.senderDomain)
                .request(id, to: to, note: message)
            if json { return try Output.json(requests) }
            for request in requests {
                print(request.queued ? "Lagt i udbakken til \(request.email) (gennemsyn \(request.reviewId))"
                      : "\(request.email) er allerede bedt om at se denne version (gennemsyn \(request.reviewId))")
            }
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "approve", abstract: "Godkend den nuværende version, fx når godkendelsen er givet pr. telefon.")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Option(help: "Hvem godkendte (står i loggen).") var by = ""
        @Option(help: "Note til loggen.") var note = ""

        func run() throws {
            try Stories(store: try store.open().0).approve(id, by: by.isEmpty ? Stories.advisor : "telefon: \(by)", note: note)
            print("Historie \(id) er godkendt.")
        }
    }

    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "publish",
            abstract: "Lav en pressemeddelelse eller en artikel af en godkendt historie, og notér hvor og hvornår den er brugt.",
            discussion: """
            En artikel kan også tages med i et nyhedsbrev direkte: skriv linjen '@historie ID' i udgavens fil.
            """)
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Option(name: .customLong("as"), help: "press-release eller article.") var form: String
        @Option(help: "Kanal: press, newsletter eller web (standard: press for pressemeddelelser, newsletter for artikler).")
        var channel: String?
        @Option(help: "Skriv til fil (pressemeddelelser: FIL.html og FIL.txt).") var out: String?
        @Flag(help: "Skriv resultatet som JSON.") var json = false

        func run() throws {
            guard let form = StoryForm(rawValue: form) else {
                throw KampagneError.invalidInput("--as skal være press-release eller article")
            }
            let (opened, config) = try store.open()
            let workspace = store.workspace
            let publisher = try StoryPublisher(
                store: opened, templatesPath: DeliveryConfiguration.templatesPath(config: config, configPath: workspace.configPath),
                sender: try DeliveryConfiguration.sender(config: config, file: workspace.configPath))
            let result = try publisher.publish(id, as: form, channel: try channel.map { try StoryChannel(parsing: $0) }, out: out)
            if json { return try Output.json(result) }
            if result.files.isEmpty {
                print(result.text, terminator: "")
            } else {
                print("Skrev \(result.files.joined(separator: " og ")) (historie \(id), version \(result.version), \(result.channel.danish)).")
            }
        }
    }

    struct Withdraw: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "withdraw", abstract: "Træk historien tilbage; alle steder den er brugt, markeres.")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Option(help: "Hvorfor.") var reason: String

        func run() throws {
            let flagged = try Stories(store: try store.open().0).withdraw(id, reason: reason)
            print("Historie \(id) er trukket tilbage.")
            flagged.forEach { print("  Markeret: \($0.channel.danish): \($0.target)") }
        }
    }

    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reopen", abstract: "Åbn en tilbagetrukket historie igen som kladde.")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64

        func run() throws {
            try Stories(store: try store.open().0).reopen(id)
            print("Historie \(id) er åbnet igen som kladde.")
        }
    }

    static func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
    }

    static func channels(_ text: String) throws -> [StoryChannel] {
        try words(text).map { (word: String) throws(KampagneError) in try StoryChannel(parsing: word) }
    }

    static func date(_ text: String, _ option: String) throws -> Date {
        guard let date = DanishDate.parse(text, defaultTime: "00:00") else {
            throw KampagneError.invalidInput("\(option): '\(text)' er ikke en dato (skriv fx 2027-02-10)")
        }
        return date
    }
}

extension StoriesCommand {
    /// `stories photo add|list|remove`: the photos the staff area uploads, from the command line.
    struct Photo: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "photo",
            abstract: "Fotos til en historie: tilføj (JPEG, PNG eller WebP), vis eller fjern.",
            subcommands: [Add.self, List.self, Remove.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "add",
                abstract: "Tilføj et foto; historien får en foto-linje med personer, billedtekst og kredit. Skriver fotoets navn.")
            @OptionGroup var store: StoreOptions
            @Argument var id: Int64
            @Argument(help: "Billedfilen (JPEG, PNG eller WebP, højst 8 MB).") var file: String
            @Option(help: "Hvem er på billedet (navne adskilt med komma).") var people: String = ""
            @Option(help: "Billedtekst.") var caption: String = ""
            @Option(help: "Fotografen (kredit).") var credit: String = ""
            @Flag(help: "Skriv som JSON.") var json = false

            func run() throws {
                guard let data = FileManager.default.contents(atPath: file) else { throw KampagneError.io("Kan ikke læse \(file)") }
                let upload = try StoryPhotos(store: try store.open().0).add(id, data: data, people: people, caption: caption, credit: credit)
                if json { return try Output.json(upload) }
                print(upload.photo.name)
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "Vis historiens fotos.")
            @OptionGroup var store: StoreOptions
            @Argument var id: Int64
            @Flag(help: "Skriv som JSON.") var json = false

            func run() throws {
                let photos = try StoryPhotos(store: try store.open().0).list(id)
                if json { return try Output.json(photos) }
                if photos.isEmpty { print("Historie \(id) har ingen fotos.") }
                for photo in photos {
                    print("\(photo.name)  \(photo.mediaType)  \(DanishNumber.int(photo.bytes / 1024)) kB  \(DanishDate.numeric(photo.uploadedAt))")
                }
            }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "remove", abstract: "Fjern et foto (fil, registrering og foto-linjen i historien).")
            @OptionGroup var store: StoreOptions
            @Argument var id: Int64
            @Argument(help: "Fotoets navn (fx foto-1.jpg).") var name: String

            func run() throws {
                let save = try StoryPhotos(store: try store.open().0).remove(id, name: name)
                Output.note("Fotoet \(name) er fjernet; historien er nu version \(save.version).")
            }
        }
    }
}
