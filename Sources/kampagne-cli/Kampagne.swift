import ArgumentParser
import Foundation
import Kampagne
import Logging

@main
struct KampagneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kampagne",
        abstract: "Kontakter, nyhedsbreve, møder og gode historier for et partnerskabs sekretariat.",
        discussion: """
        Alt gemmes i én SQLite-fil (standard: ./kampagne.sqlite; vælg en anden med --db eller \
        KAMPAGNE_DB). Indstillinger ligger i kampagne.toml ved siden af databasen. --db og --config \
        kan også stå før underkommandoen: kampagne --db fil.sqlite contacts list. --as EMAIL før \
        underkommandoen angiver, hvem der handler, i revisionsloggen (standard: cli:<brugernavn>).
        """,
        version: KampagneVersion.binary,
        subcommands: [InitCommand.self, ContactsCommand.self, ListsCommand.self, SegmentsCommand.self,
                      NewsletterCommand.self, OutboxCommand.self, BouncesCommand.self, EventsCommand.self, StoriesCommand.self,
                      ReportCommand.self, ActivityCommand.self, ServeCommand.self, UsersCommand.self,
                      BackupCommand.self, RestoreCommand.self, VersionCommand.self, DoctorCommand.self, LogCommand.self]
    )

    static func main() async {
        MallocArenas.apply(environment: ProcessInfo.processInfo.environment)
        let level = ProcessInfo.processInfo.environment["KAMPAGNE_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        let json = ProcessInfo.processInfo.environment["KAMPAGNE_LOG_FORMAT"]?.lowercased() == "json"
        LoggingSystem.bootstrap { label in
            if json { return JSONLogHandler(label: label, level: level) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        do {
            let given = GlobalOptions(Array(CommandLine.arguments.dropFirst()))
            var command = try parseAsRoot(given.arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            try CommandAudit.record(command, actor: given.actor)
        } catch let error as KampagneError {
            Output.error(Output.described(error))
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}

/// Options every command that touches the database takes.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Databasefilen (standard: KAMPAGNE_DB eller ./kampagne.sqlite).")
    var db: String?

    @Option(name: .long, help: "Indstillingsfilen (standard: kampagne.toml ved siden af databasen).")
    var config: String?

    var workspace: Workspace { Workspace(database: db, config: config) }

    /// `open`'s result, or its error with the command line's hint: the library says the
    /// database is missing, the command line says how to make one.
    static func hinted<T>(_ open: () throws(KampagneError) -> T) throws(KampagneError) -> T {
        do {
            return try open()
        } catch {
            guard let missing = error.fieldMessages["database"] else { throw error }
            throw .field("database", missing + " Kør `kampagne init` for at oprette den her, "
                         + "eller angiv stien til en eksisterende database (eller KAMPAGNE_DB).")
        }
    }

    func open() throws -> (Store, KampagneConfig) {
        let (store, config) = try Self.hinted { () throws(KampagneError) in try workspace.open() }
        if let backup = store.upgradeBackup {
            Output.note("Databasen er opgraderet fra skema \(backup.schemaVersion ?? "-"); sikkerhedskopi fra før: \(backup.file)")
        }
        return (store, config)
    }
}

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Opret databasen og en kommenteret kampagne.toml. Kan køres igen uden at ændre noget.")

    @OptionGroup var store: StoreOptions
    @Flag(help: "Skriv resultatet som JSON.") var json = false

    func run() throws {
        let result = try store.workspace.initialise()
        if json { return try Output.json(result) }
        print(result.createdDatabase ? "Oprettede databasen \(result.database)" : "Databasen \(result.database) findes allerede")
        print(result.createdConfig ? "Oprettede \(result.config)" : "\(result.config) findes allerede (uændret)")
    }
}
