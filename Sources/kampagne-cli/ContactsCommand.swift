import ArgumentParser
import Foundation
import Kampagne

struct ContactsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contacts",
        abstract: "Kontakter: importér, vis, ret, eksportér, afmeld og slet.",
        subcommands: [Import.self, ImportJobs.self, List.self, Show.self, Update.self, Export.self,
                      Unsubscribe.self, ExportPerson.self, Erase.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Importér kontakter fra CSV-filer (Excel-eksport, UTF-8 eller Windows-1252).",
            discussion: """
            Tegnsæt og skilletegn (; , eller tabulator) findes selv. Overskrifter på dansk eller \
            engelsk genkendes (E-mail, Navn, Fornavn, Efternavn, Organisation, Kommune, Titel, \
            Telefon …); ukendte kolonner gemmes som ekstra felter. En kontakt, der findes i \
            forvejen, opdateres. Én forkert række, og intet gemmes – medmindre --rejects er givet.
            """)

        @OptionGroup var store: StoreOptions
        @Argument(help: "En eller flere CSV-filer.") var files: [String]
        @Option(name: .customLong("list"), help: "Sæt kontakterne på denne liste (oprettes om nødvendigt). Kan gentages.")
        var lists: [String] = []
        @Option(name: .customLong("role"), help: "Giv kontakterne denne rolle, fx jobcenterchef. Kan gentages.")
        var roles: [String] = []
        @Option(help: "Hvor kontakterne kommer fra, med dine ord.") var source: String?
        @Option(help: "Retsgrundlag for listerne: consent eller legitimate-interest.") var consent: String?
        @Flag(help: "Vis hvad der ville ske, uden at gemme noget.") var dryRun = false
        @Option(help: "Importér de gode rækker og skriv de afviste med årsag til denne fil.") var rejects: String?
        @Option(help: "Gennemtving tegnsæt: utf-8, windows-1252, iso-8859-1 eller utf-16.") var encoding: String?
        @Option(help: "Gennemtving skilletegn: ';', ',' eller 'tab'.") var delimiter: String?
        @Option(name: .customLong("map"), help: "Læs kolonnen som dette felt: OVERSKRIFT=FELT (email, navn, fornavn, efternavn, organisation, titel, kommune, telefon, roller, felt, ignorer). Kan gentages.")
        var columns: [String] = []
        @Option(help: "Samtykkets ordlyd: hvad personerne fik at vide.") var consentWording: String?
        @Option(help: "Hvem indsamlede samtykket.") var consentBy: String?
        @Option(help: "Hvornår de fik det at vide (04.02.2027).") var consentDate: String?
        @Option(help: "Hvor dokumentationen ligger.") var consentEvidence: String?
        @Option(help: "Vis de første N rækker, som de gemmes (med --dry-run).") var sample = 0
        @Flag(help: "Skriv rapporten som JSON.") var json = false

        func run() throws {
            let (db, config) = try store.open()
            var options = ImportOptions()
            for mapping in columns {
                guard let equals = mapping.lastIndex(of: "=") else {
                    throw KampagneError.invalidInput("--map skal være OVERSKRIFT=FELT (fik '\(mapping)')")
                }
                options.columns[String(mapping[..<equals])] = String(mapping[mapping.index(after: equals)...])
            }
            if let consentWording {
                var toldAt: Date?
                if let consentDate {
                    guard let date = DanishDate.parse(consentDate) else {
                        throw KampagneError.invalidInput("--consent-date: skriv datoen som 04.02.2027 (fik '\(consentDate)')")
                    }
                    toldAt = date
                }
                options.consentEvidence = ConsentEvidence(wording: consentWording, by: consentBy ?? "", toldAt: toldAt,
                                                          evidence: consentEvidence ?? "")
            } else if consentBy != nil || consentDate != nil || consentEvidence != nil {
                throw KampagneError.invalidInput("--consent-by, --consent-date og --consent-evidence kræver --consent-wording")
            }
            options.sampleSize = sample
            options.lists = lists
            options.roles = roles
            options.source = source
            options.dryRun = dryRun
            options.rejectsPath = rejects
            if let consent {
                options.consent = try ConsentBasis(parsing: consent)
            } else if let basis = config.import?.consent {
                options.consent = basis
            }
            if let encoding {
                guard let choice = TextEncodingChoice.named(encoding) else {
                    throw KampagneError.invalidInput("Ukendt tegnsæt '\(encoding)' (brug utf-8, windows-1252, iso-8859-1 eller utf-16)")
                }
                options.encoding = choice
            }
            if let delimiter {
                switch delimiter.lowercased() {
                case "tab", "\\t", "\t": options.delimiter = "\t"
                case let d where d.count == 1: options.delimiter = d.first
                default: throw KampagneError.invalidInput("--delimiter skal være ét tegn eller 'tab'")
                }
            }
            if Output.stderrIsTerminal && !json {
                options.progress = { share, rows in
                    let percent = Int(share * 100)
                    FileHandle.standardError.write(Data("\rLæser … \(percent) % (\(rows) rækker)\u{1B}[K".utf8))
                    if share >= 1 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                }
            }
            let result = Result { () throws(KampagneError) -> ImportReport in
                try ContactImporter(store: db).run(files, options: options)
            }
            if json, case .failure(let error) = result, case .importRejected(let rejected) = error {
                try Output.json(rejected)
                throw ExitCode(1)
            }
            if case .failure(let error) = result, case .importRejected = error {
                // The library names no flags: the command line adds its own way out.
                Output.error(error.message)
                Output.error("Brug --rejects FIL for at importere de gode rækker og skrive de afviste til FIL.")
                throw ExitCode(1)
            }
            if case .failure(let error) = result, case .fields = error {
                // The consent evidence's fields, named as the options that carry them.
                let names = ["consentWording": "--consent-wording", "consentBy": "--consent-by", "consentToldAt": "--consent-date",
                             "consentEvidence": "--consent-evidence"]
                if case .fields(let errors) = error {
                    for e in errors { Output.error("\(names[e.field] ?? e.field): \(e.message)") }
                }
                throw ExitCode(1)
            }
            let report = try result.get()
            if json { try Output.json(report) } else { print(report.danishSummary) }
            if dryRun && !report.errors.isEmpty { throw ExitCode(1) }
        }
    }

    struct ImportJobs: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-jobs",
            abstract: "Vis upload-importerne fra medarbejderområdet; genoptag eller kassér én.",
            discussion: """
            En import, der blev afbrudt (serveren blev stoppet midt i), fortsætter selv, når \
            `kampagne serve` starter igen; --resume gør det samme herfra. Importer slettes \
            efter 7 dage med deres uploadede fil og afviste rækker.
            """)
        @OptionGroup var store: StoreOptions
        @Option(help: "Fortsæt denne afbrudte import (id) her, fra den sidst gemte bid.") var resume: String?
        @Option(help: "Kassér denne import (id): stop den og slet den uploadede fil.") var discard: String?
        @Flag(help: "Skriv som JSON.") var json = false

        func validate() throws {
            if resume != nil && discard != nil { throw ValidationError("Vælg enten --resume eller --discard") }
        }

        func run() throws {
            let (db, _) = try store.open()
            let queue = ImportQueue(store: db)
            if let id = resume ?? discard {
                let job = resume != nil ? try queue.run(id, runner: ImportQueue.Runner()) : try queue.discard(id)
                if json { return try Output.json(queue.summary(of: job)) }
                let summary = queue.summary(of: job)
                print("\(job.fileName): \(job.state.danish), \(DanishNumber.int(summary.recordsDone)) af \(DanishNumber.int(summary.recordsTotal)) rækker"
                      + (job.message.map { " – \($0)" } ?? ""))
                if job.state == .failed { throw ExitCode(1) }
                return
            }
            let jobs = try queue.list().map(queue.summary(of:))
            if json { return try Output.json(jobs) }
            Output.table(["Id", "Fil", "Af", "Uploadet", "Status", "Rækker", "Nye", "Opdateret", "Afvist"], jobs.map {
                [$0.id, $0.file, $0.owner, "\(DanishDate.numeric($0.createdAt)) \(DanishDate.time($0.createdAt))", $0.state.danish,
                 "\(DanishNumber.int($0.recordsDone))/\(DanishNumber.int($0.recordsTotal))", DanishNumber.int($0.new),
                 DanishNumber.int($0.updated), DanishNumber.int($0.rejected)]
            })
            print("\(jobs.count) importer")
        }
    }

    struct FilterOptions: ParsableArguments {
        @Option(name: .customLong("list"), help: "Kun kontakter på denne liste. Kan gentages.") var lists: [String] = []
        @Option(name: .customLong("role"), help: "Kun kontakter med denne rolle. Kan gentages.") var roles: [String] = []
        @Option(name: .customLong("municipality"), help: "Kun kontakter i denne kommune. Kan gentages.") var municipalities: [String] = []
        @Option(name: .customLong("region"), help: "Kun kontakter i denne region. Kan gentages.") var regions: [String] = []
        @Option(name: .customLong("organisation"), help: "Kun kontakter i denne organisation. Kan gentages.") var organisations: [String] = []
        @Option(help: "Søg i navn, e-mail, organisation og titel.") var search: String?
        @Option(help: "Brug et gemt segment.") var segment: String?
        @Option(help: "Kun kontakter på en liste med dette retsgrundlag: consent eller legitimate-interest.") var consent: String?
        @Option(help: "Kun spærrede (ja) eller kun ikke-spærrede (nej).") var suppressed: String?

        func validate() throws {
            if let consent { _ = try ConsentBasis(parsing: consent) }
            if let suppressed, !["ja", "nej", "yes", "no"].contains(suppressed.lowercased()) {
                throw ValidationError("--suppressed skal være ja eller nej")
            }
        }

        var filter: ContactFilter {
            ContactFilter(roles: roles, municipalities: municipalities, regions: regions,
                          organisations: organisations, lists: lists, search: search,
                          consent: consent.flatMap { try? ConsentBasis(parsing: $0) },
                          suppressed: suppressed.map { ["ja", "yes"].contains($0.lowercased()) })
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Vis kontakter i dansk alfabetisk orden (Æ, Ø, Å efter Z).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var filter: FilterOptions
        @Flag(help: "Skriv som JSON.") var json = false
        @Flag(help: "Skriv som CSV.") var csv = false

        func validate() throws {
            if json && csv { throw ValidationError("Vælg enten --json eller --csv") }
        }

        func run() throws {
            let (db, _) = try store.open()
            let directory = ContactDirectory(store: db)
            // Streamed (no array of all contacts); warnings when nothing matched, as for the table.
            func warnIfEmpty(_ count: Int) throws {
                if count == 0 { try directory.warnings(filter.filter, segment: filter.segment).forEach { Output.note("Advarsel: \($0)") } }
            }
            if json {
                return try warnIfEmpty(Output.stream(to: nil) { try directory.writeJSON(filter.filter, segment: filter.segment, to: $0) })
            }
            if csv {
                return try warnIfEmpty(Output.stream(to: nil) {
                    try ContactExport.write(directory, filter.filter, segment: filter.segment, excel: false, to: $0)
                })
            }
            let contacts = try directory.list(filter.filter, segment: filter.segment)
            if contacts.isEmpty {
                try directory.warnings(filter.filter, segment: filter.segment).forEach { Output.note("Advarsel: \($0)") }
            }
            Output.table(["Navn", "E-mail", "Organisation", "Kommune", "Roller"], contacts.map {
                [$0.lastName.isEmpty ? $0.name : "\($0.lastName), \($0.firstName)", $0.email + ($0.suppressed ? " (spærret)" : ""),
                 $0.organisation, $0.municipality ?? "", $0.roles.joined(separator: ", ")]
            })
            print("\(contacts.count) kontakter")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Vis én kontakt.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Kontaktens e-mailadresse.") var email: String
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            let (db, _) = try store.open()
            let contact = try ContactDirectory(store: db).show(email)
            if json { return try Output.json(contact) }
            ContactText.print(contact)
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update",
            abstract: "Ret en kontakts felter. En tom værdi (\"\") sletter feltet.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Kontaktens nuværende e-mailadresse.") var email: String
        @Option(name: .customLong("email"), help: "Ny e-mailadresse.") var newEmail: String?
        @Option var firstName: String?
        @Option var lastName: String?
        @Option var organisation: String?
        @Option var title: String?
        @Option var municipality: String?
        @Option var phone: String?
        @Option(help: "Tilføj en rolle. Kan gentages.") var addRole: [String] = []
        @Option(help: "Fjern en rolle. Kan gentages.") var removeRole: [String] = []
        @Option(name: .customLong("set"), help: "Sæt et ekstra felt: NAVN=VÆRDI. Kan gentages.") var set: [String] = []
        @Option(help: "Fjern et ekstra felt. Kan gentages.") var unset: [String] = []
        @Flag(help: "Skriv resultatet som JSON.") var json = false

        func run() throws {
            let (db, _) = try store.open()
            var changes = ContactDirectory.Changes()
            changes.email = newEmail
            changes.firstName = firstName
            changes.lastName = lastName
            changes.organisation = organisation
            changes.title = title
            changes.municipality = municipality
            changes.phone = phone
            changes.addRoles = addRole
            changes.removeRoles = removeRole
            changes.removeAttributes = unset
            for pair in set {
                guard let eq = pair.firstIndex(of: "=") else {
                    throw KampagneError.invalidInput("--set skal have formen NAVN=VÆRDI (fik '\(pair)')")
                }
                changes.setAttributes[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
            }
            let contact = try ContactDirectory(store: db).update(email, changes)
            if json { return try Output.json(contact) }
            ContactText.print(contact)
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Eksportér kontakter som CSV, der kan importeres igen.",
            discussion: "Med --excel: UTF-8 med BOM og ; som skilletegn, så dansk Excel åbner filen korrekt.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var filter: FilterOptions
        @Flag(help: "Til dansk Excel: UTF-8 med BOM og ;.") var excel = false
        @Option(help: "Skriv til denne fil i stedet for til skærmen.") var out: String?

        func run() throws {
            let (db, _) = try store.open()
            let directory = ContactDirectory(store: db)
            let count = try Output.stream(to: out) {
                try ContactExport.write(directory, filter.filter, segment: filter.segment, excel: excel, to: $0)
            }
            if count == 0 {
                try directory.warnings(filter.filter, segment: filter.segment).forEach { Output.note("Advarsel: \($0)") }
            }
            if let out { Output.note("Skrev \(count) kontakter til \(out)") }
        }
    }

    struct Unsubscribe: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unsubscribe",
            abstract: "Sæt en adresse på spærrelisten: den får aldrig mere mails fra Kampagne.")
        @OptionGroup var store: StoreOptions
        @Argument var email: String

        func run() throws {
            let (db, config) = try store.open()
            let added = try PersonalData(store: db, settings: EventSettings(config: config)).unsubscribe(email, source: "kommandolinje")
            print(added ? "\(email) er afmeldt og står nu på spærrelisten" : "\(email) stod allerede på spærrelisten")
        }
    }

    struct ExportPerson: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export-person",
            abstract: "Skriv alt, der er gemt om en person, som JSON (indsigtsret).")
        @OptionGroup var store: StoreOptions
        @Argument var email: String

        func run() throws {
            let (db, config) = try store.open()
            try Output.json(PersonalData(store: db, settings: EventSettings(config: config)).export(email))
        }
    }

    struct Erase: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "erase",
            abstract: "Slet alt om en person. Kun en envejs-hash af adressen bevares på spærrelisten.")
        @OptionGroup var store: StoreOptions
        @Argument var email: String
        @Flag(help: "Spørg ikke om bekræftelse.") var yes = false
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            if !yes {
                guard Output.stdinIsTerminal else {
                    throw KampagneError.invalidInput("Sletning kan ikke fortrydes; tilføj --yes for at bekræfte")
                }
                print("Slet alt om \(email)? Det kan ikke fortrydes. Skriv ja: ", terminator: "")
                guard readLine()?.lowercased() == "ja" else {
                    throw KampagneError.invalidInput("Afbrudt; intet er slettet")
                }
            }
            let (db, config) = try store.open()
            let report = try PersonalData(store: db, settings: EventSettings(config: config)).erase(
                email, maildir: DeliveryConfiguration.maildirPath(config, configPath: store.workspace.configPath))
            if json {
                try Output.json(report)
            } else {
                print("\(email) er slettet; adressen er spærret mod ny import")
            }
            if !json, !report.storiesRedacted.isEmpty {
                Output.note("Personen indgik i historie \(report.storiesRedacted.map(String.init).joined(separator: ", ")): navn og citater "
                            + "er erstattet, samtykket fjernet, og historien er trukket tilbage (se `kampagne stories list`).")
            }
            if !json, report.maildirFilesRemoved > 0 { print("\(report.maildirFilesRemoved) kopier af sendte mails i Maildir er slettet") }
            if let note = report.checkpointNote { throw KampagneError.conflict(note + " (kør `kampagne contacts erase` igen)") }
        }
    }
}

/// A contact shown to a person.
enum ContactText {
    static func print(_ c: ContactView) {
        var rows: [(String, String)] = [
            ("Navn", c.name), ("E-mail", c.email), ("Organisation", c.organisation), ("Titel", c.title),
            ("Kommune", c.municipality ?? ""), ("Region", c.region ?? ""), ("Telefon", c.phone),
            ("Roller", c.roles.joined(separator: ", ")), ("Lister", c.lists.joined(separator: ", ")),
        ]
        for key in c.attributes.keys.sorted() { rows.append((key, c.attributes[key] ?? "")) }
        if c.suppressed { rows.append(("Spærret", "ja – får ingen mails")) }
        rows.append(("Oprettet", DanishDate.short(c.createdAt)))
        rows.append(("Ændret", DanishDate.short(c.updatedAt)))
        let width = rows.map(\.0.count).max() ?? 0
        for (label, value) in rows where !value.isEmpty {
            Swift.print("\(label.padding(toLength: width, withPad: " ", startingAt: 0))  \(value)")
        }
    }
}
