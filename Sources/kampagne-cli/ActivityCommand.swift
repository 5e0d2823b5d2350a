import ArgumentParser
import Foundation
import Kampagne

struct ActivityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activity",
        abstract: "Aktiviteter, Kampagne ikke selv ser: pjecer, presseartikler, oplæg, netværksmøder, hjemmeside.",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Registrér en aktivitet; skriver dens id.")
        @OptionGroup var store: StoreOptions
        @Option(help: "leaflet, press-article, talk, network-meeting eller website (pjece, presseartikel, oplæg, netværksmøde, hjemmeside).")
        var kind: String
        @Option(help: "Dagen, fx 2027-03-15.") var date: String
        @Option(help: "Hvad (én linje).") var title: String
        @Option(help: "Antal: uddelte pjecer, tilhørere, deltagere.") var count: String?
        @Option(help: "DA, LO, KL eller en kommune; udelad for partnerskabet som helhed.") var partner: String?
        @Option(help: "En bemærkning.") var note: String?
        @Flag(help: "Registrér den, selv om samme aktivitet (type, dato, titel, partner) allerede findes.") var again = false
        @Flag(help: "Tillad en dato før år 2000 eller mere end et år frem.") var force = false

        func run() throws {
            let (store, _) = try self.store.open()
            print(try ActivityLog(store: store).add(ActivityInput(kind: kind, date: date, title: title, count: count,
                                                                  partner: partner, note: note, again: again, force: force)))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Vis registrerede aktiviteter.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Første dag.") var from: String?
        @Option(help: "Sidste dag (medregnet).") var to: String?
        @Option(help: "Kun denne slags.") var kind: String?
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            let period = try (from != nil || to != nil)
                ? ReportPeriod(from: from ?? "1.1.1900", to: to ?? "31.12.2199", limited: false) : nil
            let (store, _) = try self.store.open()
            let activities = try ActivityLog(store: store).list(period: period, kind: kind)
            if json { return try Output.json(activities) }
            if activities.isEmpty { return print("Ingen aktiviteter") }
            Output.table(["Id", "Dato", "Aktivitet", "Titel", "Antal", "Partner"], activities.map {
                [String($0.id), DanishDate.numeric(ReportPeriod.dayStart($0.date)), $0.kind.singularName, $0.title,
                 $0.count.map(DanishNumber.int) ?? "", $0.partnerName]
            })
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Slet en aktivitet.")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64

        func run() throws {
            let (store, _) = try self.store.open()
            let removed = try ActivityLog(store: store).remove(id)
            print(ActivityLog.removedNote(removed))
        }
    }
}
