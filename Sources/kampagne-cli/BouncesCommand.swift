import ArgumentParser
import Foundation
import Kampagne

struct BouncesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bounces",
        abstract: "Afvisninger, klager, autosvar og afmeldinger pr. mail fra postkassen i [bounces].",
        subcommands: [Run.self, List.self])

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "run", abstract: "Læs postkassen, klassificér og ryd listerne.")
        @OptionGroup var store: StoreOptions
        @Flag(help: "Klassificér og vis, men ændr intet (hverken databasen eller postkassen).") var dryRun = false
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            let (store, config) = try self.store.open()
            guard let settings = try BounceSettings(config: config, configPath: self.store.workspace.configPath) else {
                throw KampagneError.config("\(self.store.workspace.configPath): [bounces] url er ikke sat")
            }
            let summary = try BounceRun(store: store, settings: settings, dryRun: dryRun).run()
            if json {
                try Output.json(summary)
            } else {
                if !summary.items.isEmpty {
                    Output.table(["UID", "Slags", "Udfald", "Adresse", "Status", "Note"], summary.items.map {
                        [String($0.uid), BounceReport.Kind(rawValue: $0.kind)?.danish ?? $0.kind,
                         BounceRecord.Outcome(rawValue: $0.outcome)?.danish ?? $0.outcome, $0.email ?? "", $0.status ?? "", $0.note]
                    })
                }
                print(BounceRunText.summary(summary))
            }
            if let stopped = summary.stopped { throw KampagneError.io(stopped) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Vis, hvad kørslerne har fundet og gjort.")
        @OptionGroup var store: StoreOptions
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            let (store, _) = try self.store.open()
            let entries = try BounceLog(store: store).list()
            if json { return try Output.json(entries) }
            if entries.isEmpty { return print("Ingen behandlede mails endnu") }
            Output.table(["Id", "Behandlet", "Slags", "Udfald", "Adresse", "Status", "Note"], entries.map {
                [String($0.id), DanishDate.numeric($0.processedAt), BounceReport.Kind(rawValue: $0.kind)?.danish ?? $0.kind,
                 BounceRecord.Outcome(rawValue: $0.outcome)?.danish ?? $0.outcome, $0.email ?? "", $0.status ?? "", $0.note]
            })
        }
    }
}
