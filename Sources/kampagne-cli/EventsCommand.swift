import ArgumentParser
import Foundation
import Kampagne
import MailTemplates

struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Møder: opret, invitér, tilmeld, venteliste, gennemfør eller aflys, tjek ind og fremmøde.",
        subcommands: [Create.self, List.self, Show.self, Update.self, Invite.self, Register.self,
                      CancelRegistration.self, Accept.self, Decline.self, Go.self, Cancel.self, CheckIn.self,
                      Message.self, DoorList.self, Attendance.self, Export.self])

    /// The store plus the meeting settings from kampagne.toml.
    struct Context {
        var store: Store
        var settings: EventSettings
        var config: KampagneConfig
        var configPath: String

        init(_ options: StoreOptions) throws {
            let (store, config) = try options.open()
            self.store = store
            settings = try EventSettings(config: config)
            self.config = config
            configPath = options.workspace.configPath
        }

        var events: Events { Events(store: store, settings: settings) }
        var registrations: Registrations { Registrations(store: store, settings: settings) }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Opret et møde fra en Markdown-fil med forside; skriver dets id.",
            discussion: "Se docs/events.md og examples/temamoede-vejle.md for felterne.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Mødet som Markdown.") var file: String

        func run() throws {
            print(try Context(store).events.create(file: file))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Vis kommende møder med tilmeldinger mod pladser og minimum.")
        @OptionGroup var store: StoreOptions
        @Flag(help: "Tag også afholdte møder med.") var all = false
        @Option(help: "Kun møder i denne serie.") var series: String?
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            let events = try Context(store).events.list(includePast: all, series: series)
            if json { return try Output.json(events) }
            Output.table(["Id", "Dato", "Type", "Titel", "Tilmeldt", "Ved døren", "Pladser", "Min.", "Venteliste", "Beslutning", "Status"], events.map {
                [String($0.id), DanishDate.short($0.startsAt), $0.kindName, $0.title, String($0.signedUp), String($0.walkIns),
                 $0.capacity.map(String.init) ?? "–", $0.minimum.map(String.init) ?? "–", String($0.waitlisted),
                 $0.daysToDecision.map { $0 < 0 ? "passeret" : "om \($0) d." } ?? "–", $0.goNoGo.danish]
            })
            for event in events { if let warning = event.warning { Output.note("Møde \(event.id): \(warning)") } }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Vis et møde: tal, go/no-go, fordeling og log.")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            let context = try Context(store)
            let event = try context.events.show(id)
            let log = try context.events.log(id)
            let forecast = try context.events.forecast(id)
            let sources = try context.events.sources(id)
            if json { return try Output.json(Shown(event: event, log: log, forecast: forecast?.forecast, sources: sources)) }
            print("\(event.kindName): \(event.title)")
            print("Tid:        \(event.when)")
            if !event.venue.isEmpty || !event.address.isEmpty { print("Sted:       \([event.venue, event.address].filter { !$0.isEmpty }.joined(separator: ", "))") }
            if !event.organiserName.isEmpty || !event.organiserEmail.isEmpty { print("Arrangør:   \(event.organiserName) <\(event.organiserEmail)>") }
            if let series = event.series { print("Serie:      \(series)") }
            if let partner = event.partner { print("Partner:    \(Partner.name(ofKey: partner))") }
            print("Tilmeldt:   \(event.signedUp)\(event.walkIns > 0 ? " + \(event.walkIns) ved døren" : "")\(event.capacity.map { " (\(event.registered) af \($0) pladser optaget, \(event.seatsLeft ?? 0) ledige)" } ?? " (ingen grænse)")")
            print("Venteliste: \(event.waitlisted)\(event.offered > 0 ? ", \(event.offered) har fået tilbudt en plads" : "")")
            if let minimum = event.minimum { print("Minimum:    \(minimum)\(event.decisionDate.map { ", beslutning \(DanishDate.day($0))" } ?? "")") }
            if let days = event.daysToDecision { print("Dage til beslutning: \(days)") }
            if let deadline = event.signupDeadline { print("Frist:      \(DanishDate.long(deadline))") }
            print("Status:     \(event.goNoGo.danish)\(event.cancelReason.map { " (\($0))" } ?? "")")
            if event.attended + event.noShows > 0 {
                print("Fremmøde:   \(event.attended) mødt (\(event.walkIns) ved døren), \(event.noShows) udeblevet")
            }
            if let warning = event.warning { print("\nADVARSEL: \(warning)") }
            print("Offentlig side: /moede/\(event.publicId)")
            if !event.byRole.isEmpty {
                print("\nFordelt på roller:")
                event.byRole.forEach { print("  \($0.name): \($0.count)") }
            }
            if !event.byMunicipality.isEmpty {
                print("\nFordelt på kommuner:")
                event.byMunicipality.forEach { print("  \($0.name.isEmpty ? "(ukendt)" : $0.name): \($0.count)") }
            }
            if let forecast {
                print("\nPrognose: \(forecast.forecast.summary)")
            }
            if !sources.isEmpty {
                print("\nTilmeldt via:")
                sources.forEach { print("  \($0.name) (\($0.key)): \($0.count)") }
            }
            if !log.isEmpty {
                print("\nLog:")
                log.forEach { print("  \(DanishDate.short($0.at))  \($0.action)\($0.detail.isEmpty ? "" : ": \($0.detail)")") }
            }
        }

        struct Shown: Encodable {
            var event: EventOverview
            var log: [EventLogEntry]
            /// Null when there is no forecast (too few earlier meetings, or the deadline has passed).
            var forecast: SignupForecast?
            var sources: [SourceCount]

            func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(event, forKey: .event)
                try c.encode(log, forKey: .log)
                try c.encode(forecast, forKey: .forecast)
                try c.encode(sources, forKey: .sources)
            }

            enum CodingKeys: String, CodingKey { case event, log, forecast, sources }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update",
            abstract: "Ret et møde. Nyt tidspunkt eller sted sendes som ændring (med kalenderfil) til alle tilmeldte.")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Option(help: "En ny udgave af mødefilen.") var file: String?
        @Option var title: String?
        @Option(help: "Ny start, fx 2027-02-04 10:00 (varigheden bevares, hvis --end ikke gives).") var start: String?
        @Option(help: "Ny slut: klokkeslæt eller dato og klokkeslæt.") var end: String?
        @Option var venue: String?
        @Option var address: String?
        @Option(help: "Antal pladser (eller 'ubegrænset'). Flere pladser går straks til ventelisten.") var capacity: String?
        @Option var minimum: String?
        @Option(name: .customLong("decision-date")) var decisionDate: String?
        @Option var deadline: String?
        @Option var series: String?
        @Option(help: "Partneren, mødet hører til: DA, LO, KL eller en kommune ('' for ingen).") var partner: String?
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            var changes = Events.Changes()
            changes.partner = partner
            changes.file = file
            changes.title = title
            changes.start = start
            changes.end = end
            changes.venue = venue
            changes.address = address
            changes.capacity = capacity
            changes.minimum = minimum
            changes.decisionDate = decisionDate
            changes.deadline = deadline
            changes.series = series
            let report = try Context(store).events.update(id, changes)
            if json { return try Output.json(report) }
            if report.changes.isEmpty { return print("Ingen ændringer af betydning for deltagerne") }
            report.changes.forEach { print($0) }
            print("\(report.notified) får besked om ændringen; \(report.offered) på ventelisten har fået tilbudt en plads. Send med `kampagne outbox run`.")
        }
    }

    struct Invite: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "invite",
            abstract: "Læg invitationer med personligt tilmeldingslink i udbakken.",
            discussion: "Uden --list/--segment/--role bruges målgruppen fra mødefilen. Tilmeldte, spærrede og allerede inviterede springes over.")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Option(name: .customLong("list"), help: "Liste. Kan gentages.") var lists: [String] = []
        @Option(name: .customLong("segment"), help: "Segment. Kan gentages.") var segments: [String] = []
        @Option(name: .customLong("role"), help: "Rolle. Kan gentages.") var roles: [String] = []
        @Flag(help: "Invitér også dem, der er inviteret før.") var again = false
        @Option(name: .customLong("from-waiting-list"), help: "Invitér først dem, der stod tilbage på ventelisten til dette møde (id), med pladser holdt til dem.")
        var fromWaitingList: Int64?
        @Option(name: .customLong("hold-hours"), help: "Så mange timer holdes pladserne for ventelisten (standard 72).") var holdHours = 72
        @Flag(name: .customLong("dry-run"), help: "Tæl kun modtagerne; læg intet i udbakken.") var dryRun = false
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            let events = try Context(store).events
            if let fromWaitingList {
                let report = try events.inviteFromWaitingList(id, from: fromWaitingList, holdHours: holdHours)
                if json { return try Output.json(report) }
                let until = report.heldUntil.map { " til \(DanishDate.long($0))" } ?? ""
                return print("Fra ventelisten til møde \(fromWaitingList): \(report.held) pladser holdt\(until), \(report.waitlisted) sat først på ventelisten, \(report.skipped) sprunget over (allerede tilmeldt eller spærret). Send med `kampagne outbox run`.")
            }
            let report = try events.invite(id, audience: Audience(lists: lists, segments: segments, roles: roles), again: again, dryRun: dryRun)
            if json { return try Output.json(report) }
            if dryRun {
                return print("\(report.queued) ville blive inviteret (\(report.alreadyRegistered) allerede tilmeldt, \(report.alreadyInvited) inviteret før, \(report.suppressed) spærrede). Intet er lagt i udbakken.")
            }
            if report.queued == 0 {
                return print("Ingen nye invitationer (\(report.alreadyRegistered) allerede tilmeldt, \(report.alreadyInvited) inviteret før, \(report.suppressed) spærrede). Brug --again for at invitere igen.")
            }
            print("Udsendelse \(report.campaignId): \(report.queued) invitationer i kø (\(report.alreadyRegistered) allerede tilmeldt, \(report.alreadyInvited) inviteret før, \(report.suppressed) spærrede). Send med `kampagne outbox run`.")
        }
    }

    struct Register: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "register",
            abstract: "Tilmeld en person (pr. telefon eller mail), eller registrér en, der møder op (--walk-in).")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Option var email: String
        @Option(help: "Fulde navn.") var name: String?
        @Option var organisation: String?
        @Option var municipality: String?
        @Option(name: .customLong("answer"), help: "Svar på et af mødets spørgsmål: NØGLE=SVAR. Kan gentages.") var answers: [String] = []
        @Flag(name: .customLong("walk-in"), help: "Personen er mødt op uden tilmelding.") var walkIn = false
        @Flag(name: .customLong("after-deadline"), help: "Tag imod tilmeldingen, selv om fristen er overskredet.") var afterDeadline = false
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            var signUp = SignUp(email: email)
            if let name { signUp.setName(name) }
            signUp.organisation = organisation ?? ""
            signUp.municipality = municipality ?? ""
            signUp.walkIn = walkIn
            signUp.source = walkIn ? .walkIn : .commandLine
            signUp.afterDeadline = afterDeadline
            for answer in answers {
                let parts = answer.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw KampagneError.invalidInput("--answer skal have formen NØGLE=SVAR (fik '\(answer)')") }
                signUp.answers[parts[0]] = parts[1]
            }
            let result = try Context(store).registrations.register(id, signUp)
            if json { return try Output.json(result) }
            print(result.message)
            if !result.alreadySignedUp && !walkIn { print("Tilmelding \(result.registrationId); beskeden sendes med `kampagne outbox run`.") }
        }
    }

    struct CancelRegistration: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cancel-registration",
            abstract: "Afmeld en person; en ledig plads tilbydes straks den første på ventelisten.")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Option var email: String

        func run() throws {
            _ = try Context(store).registrations.cancel(id, email: email)
            print("\(email) er afmeldt.")
        }
    }

    struct Accept: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "accept", abstract: "Tag imod et tilbud om plads på en persons vegne (fx pr. telefon).")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Option var email: String

        func run() throws {
            let context = try Context(store)
            let registration = try context.registrations.registrationId(id, email: email)
            print(try context.registrations.accept(registrationId: registration).message)
        }
    }

    struct Decline: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "decline", abstract: "Sig nej tak til et tilbud om plads på en persons vegne.")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Option var email: String

        func run() throws {
            let context = try Context(store)
            let registration = try context.registrations.registrationId(id, email: email)
            _ = try context.registrations.decline(registrationId: registration)
            print("Tilbuddet er afslået; pladsen går videre.")
        }
    }

    struct Go: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "go", abstract: "Notér beslutningen om at gennemføre mødet.")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Option(help: "Begrundelse eller bemærkning.") var note = ""

        func run() throws {
            try Context(store).events.confirm(id, note: note)
            print("Beslutningen er noteret: mødet gennemføres.")
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cancel",
            abstract: "Aflys mødet og giv alle tilmeldte, tilbudte og ventende besked (med kalenderaflysning).")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Option(help: "Begrundelsen; den står i beskeden og i loggen.") var reason: String

        func run() throws {
            let notified = try Context(store).events.cancel(id, reason: reason)
            print("Mødet er aflyst. \(notified) får besked; send med `kampagne outbox run`.")
        }
    }

    struct CheckIn: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "checkin", abstract: "Registrér at en person er mødt.")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Option var email: String?
        @Option(help: "Navn eller en del af det.") var name: String?
        @Option(help: "Koden fra personens kalender- eller afmeldingslink.") var token: String?
        @Flag(help: "Fortryd en indtjekning, der var en fejl.") var undo = false
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            let key: CheckInKey
            switch (email, name, token) {
            case (let email?, nil, nil): key = .email(email)
            case (nil, let name?, nil): key = .name(name)
            case (nil, nil, let token?): key = .token(token)
            default: throw KampagneError.invalidInput("Angiv præcis én af --email, --name og --token")
            }
            let context = try Context(store)
            let secret = try InstallationSecret(store: context.store)
            let participant = undo ? try context.registrations.undoCheckIn(id, key, secret: secret)
                : try context.registrations.checkIn(id, key, secret: secret)
            if json { return try Output.json(participant) }
            if undo { return print("Indtjekning fortrudt: \(participant.name) (nu: \(participant.statusName))") }
            print("Mødt: \(participant.name) (\(participant.organisation.isEmpty ? participant.email : participant.organisation))")
        }
    }

    struct Message: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "message", abstract: "Send en besked til alle tilmeldte (med plads) til et møde.")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Option(help: "Beskeden (almindelig tekst; tom linje mellem afsnit).") var text: String?
        @Option(help: "Læs beskeden fra en fil.") var file: String?
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            var body = text ?? ""
            if let file {
                guard let data = FileManager.default.contents(atPath: file), let read = String(data: data, encoding: .utf8) else {
                    throw KampagneError.io("Kan ikke læse \(file) (skal være UTF-8)")
                }
                body = read
            }
            let report = try Context(store).events.message(id, text: body)
            if json { return try Output.json(report) }
            print("\(report.queued) beskeder i kø. Send med `kampagne outbox run`.")
        }
    }

    struct DoorList: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "door-list",
            abstract: "Skriv deltagerlisten til døren som HTML klar til udskrift (dansk sortering, felt til underskrift).")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Option(help: "Filen (standard: skriv til skærmen).") var out: String?

        func run() throws {
            let context = try Context(store)
            let templates = try PrintTemplates.load(config: context.config, configPath: context.configPath)
            let html = try ParticipantSheets.doorList(try context.events.show(id), people: try context.registrations.participants(id),
                                                      templates: templates)
            try Output.write(Data(html.utf8), to: out)
            if let out { print("Skrev \(out)") }
        }
    }

    struct Attendance: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "attendance",
            abstract: "Fremmøde og dækning (kommuner og jobcentre af 98, pr. region) for et møde eller en serie.")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64?
        @Option(help: "Hele serien i stedet for ét møde.") var series: String?
        @Flag(help: "Deltagerne som CSV (til opfølgning).") var csv = false
        @Option(name: .customLong("absent-list"), help: "Sæt dem, der ikke kom, på denne liste (oprettes om nødvendigt) til en opfølgende mail.") var absentList: String?
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            let context = try Context(store)
            let attendance = Kampagne.Attendance(store: context.store, settings: context.settings)
            let report: AttendanceReport
            switch (id, series) {
            case (let id?, nil): report = try attendance.event(id)
            case (nil, let series?): report = try attendance.series(series)
            default: throw KampagneError.invalidInput("Angiv et møde-id eller --series NAVN")
            }
            if let absentList {
                let lists = MailingLists(store: context.store)
                if (try? lists.show(absentList)) == nil { _ = try lists.create(absentList, description: "Ikke mødt: \(report.title)") }
                let added = try lists.add(report.absent.map(\.email).filter { !$0.isEmpty }, to: absentList,
                                          consent: .legitimateInterest, source: "tilmeldt, men ikke mødt: \(report.title)")
                Output.note("\(added) sat på listen \(absentList); send materialet med `kampagne newsletter send UDGAVE --list \"\(absentList)\"`")
            }
            if json { return try Output.json(report) }
            if csv {
                var people: [Participant] = []
                for line in report.events { people += try context.registrations.participants(line.eventId) }
                return try Output.write(ParticipantSheets.csv(people, questions: [], excel: false), to: nil)
            }
            print("Fremmøde: \(report.title)")
            if report.events.count > 1 {
                Output.table(["Id", "Dato", "Titel", "Tilmeldt", "Mødt", "Udeblevet", "Ved døren"], report.events.map {
                    [String($0.eventId), DanishDate.short($0.startsAt), $0.title + ($0.status == .cancelled ? " (aflyst)" : ""),
                     String($0.signedUp), String($0.attended), String($0.noShows), String($0.walkIns)]
                })
                print("")
            }
            print("Tilmeldt: \(report.signedUp)  Mødt: \(report.attended) (heraf \(report.walkIns) ved døren)  Udeblevet: \(report.noShows) (\(Int((report.noShowRate * 100).rounded())) %)  Afmeldt: \(report.cancelled)")
            print("Kommuner repræsenteret: \(report.municipalities.count) af \(report.municipalitiesTotal)")
            print("Jobcentre repræsenteret: \(report.jobcentres.count) af \(report.municipalitiesTotal)")
            Output.table(["Region", "Kommuner", "Jobcentre", "I alt"], report.byRegion.map {
                [$0.region, String($0.municipalitiesReached), String($0.jobcentresReached), String($0.municipalities)]
            })
            if !report.municipalities.isEmpty { print("\nKommuner: " + report.municipalities.joined(separator: ", ")) }
            if !report.absent.isEmpty {
                print("\nIkke mødt (til opfølgning):")
                report.absent.forEach { print("  \($0.name) <\($0.email)>\($0.organisation.isEmpty ? "" : ", \($0.organisation)")") }
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "export", abstract: "Deltagerlisten med svar som CSV (eller til Excel).")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Flag(help: "Til dansk Excel: semikolon, BOM, formler neutraliseret.") var excel = false
        @Flag(help: "Almindelig CSV (standard).") var csv = false
        @Option(help: "Filen (standard: skriv til skærmen).") var out: String?

        func run() throws {
            let context = try Context(store)
            let event = try context.events.show(id)
            let data = ParticipantSheets.csv(try context.registrations.participants(id), questions: event.questions, excel: excel)
            try Output.write(data, to: out)
        }
    }
}
