import ArgumentParser
import Foundation
import Kampagne
import Synchronization

struct NewsletterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "newsletter",
        abstract: "Nyhedsbreve: opret en udgave, se den, test den og send den.",
        subcommands: [Create.self, List.self, Preview.self, Check.self, Test.self, Send.self, Progress.self, Pause.self, Resume.self,
                      Schedule.self, Unschedule.self, Recipients.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Gem en udgave fra en Markdown-fil med forside; skriver dens id.",
            discussion: """
            Filen begynder med en forside mellem --- linjer (subject, number, preheader, evt. sender). \
            Hver artikel begynder med '# Overskrift'; en kontaktboks skrives som en ```kontakt-blok \
            med linjerne navn:, titel:, e-mail: og telefon:. Se examples/nyhedsbrev-nr-14.md.
            """)
        @OptionGroup var store: StoreOptions
        @Argument(help: "Udgaven som Markdown.") var file: String

        func run() throws {
            let (db, _) = try store.open()
            print(try Editions(store: db).create(file: file))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Vis udgaverne, nyeste først.")
        @OptionGroup var store: StoreOptions
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            let (db, _) = try store.open()
            let editions = try Editions(store: db).all()
            if json { return try Output.json(editions) }
            Output.table(["Id", "Nummer", "Emne", "Artikler", "Sendt", "Oprettet"], editions.map {
                [String($0.id), $0.number, $0.subject, String($0.articles), String($0.sent), DanishDate.short($0.createdAt)]
            })
        }
    }

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "preview",
            abstract: "Skriv udgaven som .eml, .html og .txt, personaliseret til en kontakt eller en eksempelmodtager.")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Option(help: "Personalisér til denne kontakt.") var contact: String?
        @Option(help: "Mappen filerne skrives i.") var out = "forhaandsvisning"

        func run() throws {
            let (db, config) = try store.open()
            let delivery = try DeliveryConfiguration(config: config, configPath: store.workspace.configPath)
            let composer = try MessageComposer(configuration: delivery, store: db)
            let preview = try NewsletterPreview.render(edition: id, contact: contact, store: db, composer: composer)
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let base = (out as NSString).appendingPathComponent("udgave-\(id)")
            try Output.write(preview.eml, to: base + ".eml")
            try Output.write(Data(preview.html.utf8), to: base + ".html")
            try Output.write(Data(preview.text.utf8), to: base + ".txt")
            print("Skrev \(base).eml, .html og .txt")
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Send udgaven til et par adresser med [TEST] i emnet; listerne røres ikke.")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Option(name: .customLong("to"), help: "Modtager. Kan gentages.") var to: [String]
        @Flag(help: "Skriv resultatet som JSON.") var json = false

        func run() throws {
            let (db, config) = try store.open()
            let delivery = try DeliveryConfiguration(config: config, configPath: store.workspace.configPath)
            let composer = try MessageComposer(configuration: delivery, store: db)
            _ = try NewsletterPreview.render(edition: id, contact: nil, store: db, composer: composer)
            let report = try Outbox(store: db).enqueue(kind: .test, editionId: id, audience: Audience(addresses: to),
                                                       senderDomain: delivery.sender.domain)
            let summary = try Sending.dispatch(store: db, configuration: delivery, composer: composer, campaign: report.campaignId,
                                               enqueued: report, json: json)
            // A test mail that did not arrive is a failed test.
            if summary.sent < report.queued {
                Output.note("Testmailen kunne ikke afleveres til \(report.queued - summary.sent) af \(report.queued) adresser (se `kampagne outbox status \(report.campaignId)`)")
                throw ExitCode(summary.remaining > 0 ? 3 : 1)
            }
        }
    }

    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send",
            abstract: "Send udgaven til lister og segmenter: én besked pr. adresse, spærrede udeladt.",
            discussion: """
            Først lægges én række pr. modtager i udbakken (samme adresse på flere lister får én mail), \
            derefter sendes der. Ctrl-C standser pænt; `kampagne outbox run` fortsætter, også efter et nedbrud.
            """)
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Option(name: .customLong("list"), help: "Liste. Kan gentages.") var lists: [String] = []
        @Option(name: .customLong("segment"), help: "Segment. Kan gentages.") var segments: [String] = []
        @Flag(help: "Vis hvor mange der ville få mailen, og hvor lang tid det tager; send intet.") var dryRun = false
        @Flag(help: "Læg kun i udbakken; send ikke nu.") var queueOnly = false
        @Flag(help: "Send også til dem, der allerede har fået udgaven.") var sendAgain = false
        @Option(help: "Send først på dette tidspunkt (\"2027-02-04 10:00\", dansk tid); læg i kø nu.") var at: String?
        @Flag(help: "Skriv resultatet som JSON.") var json = false

        func run() throws {
            let (db, config) = try store.open()
            let delivery = try DeliveryConfiguration(config: config, configPath: store.workspace.configPath)
            let audience = Audience(lists: lists, segments: segments)
            var startAt: Date?
            if let at { startAt = try Schedule.time(at) }
            // Render once before queueing: a template error must not leave a campaign queued.
            let composer = try MessageComposer(configuration: delivery, store: db)
            _ = try NewsletterPreview.render(edition: id, contact: nil, store: db, composer: composer)
            let report = try Outbox(store: db).enqueue(kind: .newsletter, editionId: id, audience: audience,
                                                       senderDomain: delivery.sender.domain, dryRun: dryRun, sendAgain: sendAgain,
                                                       startAt: startAt, scheduledBy: CommandAudit.currentActor)
            report.warnings.forEach { Output.note("Advarsel: \($0)") }
            if dryRun {
                let estimate = SendEstimate(messages: report.queued, settings: delivery.settings)
                if json { return try Output.json(DryRun(report: report, estimate: estimate)) }
                print("Ville sende til \(report.queued) modtagere (\(report.suppressed) spærrede udeladt, \(report.duplicates) dubletter lagt sammen)")
                if report.alreadySent > 0 { print(Sending.alreadySentNote(report.alreadySent)) }
                print("Via \(delivery.transport.description): \(estimate.danish)")
                return
            }
            if queueOnly || startAt != nil {
                if json { return try Output.json(report) }
                if let startAt {
                    return print("Udsendelse \(report.campaignId): \(report.queued) i kø til \(DanishDate.long(startAt)); "
                        + "sendes af `kampagne serve` eller `kampagne outbox run` derefter.")
                }
                if report.alreadySent > 0 { print(Sending.alreadySentNote(report.alreadySent)) }
                return print("Udsendelse \(report.campaignId): \(report.queued) i kø (\(report.suppressed) spærrede udeladt, \(report.duplicates) dubletter). Send med `kampagne outbox run`.")
            }
            try Sending.dispatch(store: db, configuration: delivery, composer: composer, campaign: report.campaignId,
                                 enqueued: report, json: json)
        }

        struct DryRun: Encodable {
            var report: EnqueueReport
            var estimate: SendEstimate
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Kontrollér en udgave før udsendelse: links, billedtekster, afmeldingslink, emnelinje, størrelse, spamscore.",
            discussion: "Afslutter med 1, hvis der er fejl (advarsler er tilladt). Intet hentes udefra; SpamAssassin bruger kun lokale regler.")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            let (db, config) = try store.open()
            let delivery = try DeliveryConfiguration(config: config, configPath: store.workspace.configPath)
            let composer = try MessageComposer(configuration: delivery, store: db)
            let report = try Preflight(settings: PreflightSettings(config: config, delivery: delivery))
                .check(edition: id, store: db, composer: composer)
            if json {
                try Output.json(report)
            } else {
                let mark: [PreflightFinding.Severity: String] = [.error: "FEJL", .warning: "Advarsel", .info: "OK"]
                for finding in report.findings { print("\(mark[finding.severity] ?? ""): \(finding.message)") }
            }
            if !report.passed { throw ExitCode(1) }
        }
    }

    struct Progress: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "progress", abstract: "Vis hvor langt en udsendelse er: sendt, udskudt, fejlet, tempo og forventet slut.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Udsendelsens id.") var campaign: Int64
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            let (db, _) = try store.open()
            let progress = try Outbox(store: db).progress(campaign: campaign)
            if json { return try Output.json(progress) }
            print(SendProgressText.line(progress))
            for change in try Outbox(store: db).scheduleHistory(campaign: campaign) { print("  " + change.danish) }
        }
    }

    struct Pause: AuditedCommand {
        static let configuration = CommandConfiguration(
            commandName: "pause",
            abstract: "Sæt en udsendelse på pause: der sendes ikke flere beskeder, før den genoptages.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Udsendelsens id.") var campaign: Int64
        var auditObject: String { "campaign:\(campaign)" }
        var auditSummary: String { "udsendelse sat på pause" }

        func run() throws {
            let (db, _) = try store.open()
            try Outbox(store: db).pause(campaign: campaign)
            print("Udsendelse \(campaign) er sat på pause; genoptag med `kampagne newsletter resume \(campaign)`")
        }
    }

    struct Resume: AuditedCommand {
        static let configuration = CommandConfiguration(commandName: "resume", abstract: "Genoptag en udsendelse på pause.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Udsendelsens id.") var campaign: Int64
        var auditObject: String { "campaign:\(campaign)" }
        var auditSummary: String { "udsendelse genoptaget" }

        func run() throws {
            let (db, _) = try store.open()
            try Outbox(store: db).resume(campaign: campaign)
            print("Udsendelse \(campaign) er genoptaget; resten sendes ved næste kørsel (`kampagne serve` eller `kampagne outbox run`)")
        }
    }

    struct Schedule: AuditedCommand {
        static let configuration = CommandConfiguration(
            commandName: "schedule",
            abstract: "Flyt en planlagt udsendelse, der ikke er gået i gang, til et nyt tidspunkt.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Udsendelsens id.") var campaign: Int64
        @Option(help: "Det nye tidspunkt (\"2027-02-04 10:00\", dansk tid).") var at: String
        @Flag(help: "Skriv resultatet som JSON.") var json = false
        var auditObject: String { "campaign:\(campaign)" }
        var auditSummary: String { "udsendelse flyttet til \(at)" }

        /// `--at`'s time; a time without a clock is 09:00.
        static func time(_ text: String) throws(KampagneError) -> Date {
            guard let date = DanishDate.parse(text, defaultTime: "09:00") else {
                throw KampagneError.invalidInput("--at '\(text)': skriv tidspunktet som 2027-02-04 10:00")
            }
            return date
        }

        func run() throws {
            let (db, _) = try store.open()
            let outcome = try Outbox(store: db).reschedule(campaign: campaign, to: try Self.time(at), by: CommandAudit.currentActor)
            if json { return try Output.json(outcome) }
            print("Udsendelse \(campaign) er flyttet til \(outcome.change.toAt.map(DanishDate.long) ?? at) "
                + "(\(DanishNumber.count(outcome.change.messages, "besked", "beskeder")))")
        }
    }

    struct Unschedule: AuditedCommand {
        static let configuration = CommandConfiguration(
            commandName: "unschedule",
            abstract: "Annullér en udsendelse, der ikke er gået i gang: de ventende beskeder fjernes, udsendelsen bliver stående.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Udsendelsens id.") var campaign: Int64
        @Flag(help: "Skriv resultatet som JSON.") var json = false
        var auditObject: String { "campaign:\(campaign)" }
        var auditSummary: String { "planlagt udsendelse annulleret" }

        func run() throws {
            let (db, _) = try store.open()
            let outcome = try Outbox(store: db).cancelSchedule(campaign: campaign, by: CommandAudit.currentActor)
            if json { return try Output.json(outcome) }
            print("Udsendelse \(campaign) er annulleret; \(DanishNumber.count(outcome.change.messages, "besked", "beskeder")) fjernet fra udbakken")
        }
    }

    struct Recipients: AuditedCommand {
        static let configuration = CommandConfiguration(
            commandName: "recipients",
            abstract: "Vis en udsendelses modtagere med status og serverens svar (og det, der kom retur bagefter).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Udsendelsens id.") var campaign: Int64
        @Option(help: "Kun rækker med denne status (queued, sent, deferred, failed).") var state: String?
        @Flag(help: "Skriv som JSON.") var json = false
        var auditObject: String { "campaign:\(campaign)" }
        var auditSummary: String { "modtagerlog vist" }

        func run() throws {
            let (db, _) = try store.open()
            var wanted: OutboxState?
            if let state {
                guard let parsed = OutboxState(rawValue: state) else {
                    throw KampagneError.invalidInput("--state '\(state)': brug queued, sending, sent, deferred eller failed")
                }
                wanted = parsed
            }
            let lines = try Outbox(store: db).recipients(campaign: campaign, state: wanted, limit: Int.max)
            if json { return try Output.json(lines) }
            Output.table(["Adresse", "Status", "Forsøg", "Serverens svar", "Bagefter"], lines.map {
                [$0.email, $0.state.danish, String($0.attempts), $0.reply,
                 ($0.reports + [$0.suppressedSince?.danish].compactMap { $0 }).joined(separator: ", ")]
            })
        }
    }
}

struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Udbakken: status, send det der venter, og prøv fejlede igen.",
        subcommands: [Status.self, Run.self, RetryFailed.self])

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Vis udsendelser og hvor langt de er.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Én udsendelse (id).") var campaign: Int64?
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            let (db, _) = try store.open()
            let statuses = try Outbox(store: db).status(campaign: campaign)
            if json { return try Output.json(statuses) }
            Output.table(["Id", "Udsendelse", "I alt", "Sendt", "I kø", "Udskudt", "Fejlet", "Spærrede"], statuses.map {
                [String($0.campaignId), $0.name, String($0.total), String($0.sent), String($0.queued + $0.sending),
                 String($0.deferred), String($0.failed), String($0.suppressed)]
            })
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Send alt, der venter og er forfaldent (til cron og webserverens planlægger).",
            discussion: "Lægger først forfaldne mødepåmindelser i kø, lader udløbne ventelistetilbud gå videre og markerer udeblevne.")
        @OptionGroup var store: StoreOptions
        @Flag(help: "Skriv resultatet som JSON.") var json = false

        func run() throws {
            let (db, config) = try store.open()
            let delivery = try DeliveryConfiguration(config: config, configPath: store.workspace.configPath)
            let schedule = try EventSchedule(store: db, settings: EventSettings(config: config)).run()
            if !json && (schedule.remindersQueued + schedule.offersLapsed) > 0 {
                print("Møder: \(schedule.remindersQueued) påmindelser i kø, \(schedule.offersLapsed) udløbne tilbud givet videre")
            }
            let composer = try MessageComposer(configuration: delivery, store: db)
            try Sending.dispatch(store: db, configuration: delivery, composer: composer, campaign: nil, enqueued: nil, json: json)
        }
    }

    struct RetryFailed: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retry-failed",
            abstract: "Læg en udsendelses fejlede beskeder i kø igen (ikke til spærrede adresser).")
        @OptionGroup var store: StoreOptions
        @Argument var campaign: Int64

        func run() throws {
            let (db, _) = try store.open()
            let count = try Outbox(store: db).retryFailed(campaign: campaign)
            print("\(count) beskeder lagt i kø igen; send dem med `kampagne outbox run`")
        }
    }
}

/// Runs the dispatcher with Ctrl-C handling and a progress line, then prints the summary.
enum Sending {
    @discardableResult
    static func dispatch(store: Store, configuration: DeliveryConfiguration, composer: MessageComposer,
                         campaign: Int64?, enqueued: EnqueueReport?, json: Bool) throws -> DispatchSummary {
        let dispatcher = Dispatcher(store: store, configuration: configuration, composer: composer)
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupt.setEventHandler {
            Output.note("\nStandser efter de beskeder, der er undervejs …")
            dispatcher.stop(reason: "afbrudt med Ctrl-C")
        }
        interrupt.resume()
        defer { interrupt.cancel(); signal(SIGINT, SIG_DFL) }
        if let enqueued, !json {
            if enqueued.alreadySent > 0 { print(alreadySentNote(enqueued.alreadySent)) }
            print("Udsendelse \(enqueued.campaignId): \(enqueued.queued) i kø (\(enqueued.suppressed) spærrede udeladt, \(enqueued.duplicates) dubletter lagt sammen)")
        }
        let bar = ProgressLine(terminal: Output.stderrIsTerminal && !json)
        let summary: DispatchSummary
        do {
            summary = try dispatcher.run(campaign: campaign) { bar.update($0) }
        } catch {
            // Another run (cron, or `kampagne serve`) holds the outbox: it or the next run sends.
            guard case .busy(let message) = error else { throw error }
            Output.note("\(message). Beskederne venter i udbakken og sendes af den kørsel eller den næste.")
            throw ExitCode(3)
        }
        bar.finish()
        if json {
            try Output.json(Result(campaign: enqueued, dispatch: summary))
            return summary
        }
        print(summary.danishSummary(via: configuration.transport.description))
        // The library says how many wait; the command line names the command that sends them.
        if summary.remaining > 0 { print("Fortsæt med `kampagne outbox run`.") }
        if summary.stoppedBecause != nil && summary.remaining > 0 { throw ExitCode(3) }
        return summary
    }

    static func alreadySentNote(_ count: Int) -> String {
        "\(DanishNumber.int(count)) har allerede fået denne udgave og er udeladt (send igen til dem med --send-again)"
    }

    struct Result: Encodable {
        var campaign: EnqueueReport?
        var dispatch: DispatchSummary
    }
}

/// A progress bar on a terminal; a plain log line every ten seconds otherwise.
final class ProgressLine: Sendable {
    private let terminal: Bool
    private let last = Mutex(Date.distantPast)

    init(terminal: Bool) { self.terminal = terminal }

    func update(_ p: DispatchProgress) {
        let now = Date()
        let due = last.withLock { last -> Bool in
            guard now.timeIntervalSince(last) >= (terminal ? 0.2 : 10) else { return false }
            last = now
            return true
        }
        guard due else { return }
        let done = p.sent + p.deferred + p.failed
        let rate = p.elapsed > 0 ? Double(done) / p.elapsed : 0
        let eta = rate > 0 ? Double(max(p.due - done, 0)) / rate : 0
        if terminal {
            let width = 30
            let filled = p.due > 0 ? min(width, width * done / p.due) : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            FileHandle.standardError.write(Data("\r\(bar) \(p.sent)/\(p.due) sendt, \(Int(rate))/s, \(p.failed) fejl, \(p.deferred) udskudt, ca. \(Int(eta)) s tilbage\u{1B}[K".utf8))
        } else {
            Output.note("sendt \(p.sent)/\(p.due), \(Int(rate))/s, \(p.failed) fejl, \(p.deferred) udskudt")
        }
    }

    func finish() {
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
