import ArgumentParser
import Foundation
import Kampagne

/// Danish figures for people: "12,3 MB", "0,42 s".
enum Figures {
    static let danish = Locale(identifier: "da_DK")

    static func size(_ bytes: Int64) -> String {
        let megabytes = Double(bytes) / 1_000_000
        return megabytes >= 1 ? "\(megabytes.formatted(.number.precision(.fractionLength(1)).locale(danish))) MB"
            : "\((Double(bytes) / 1_000).formatted(.number.precision(.fractionLength(0)).locale(danish))) kB"
    }

    static func seconds(_ value: Double) -> String {
        "\(value.formatted(.number.precision(.fractionLength(2)).locale(danish))) s"
    }

    static func count(_ value: Int) -> String { value.formatted(.number.locale(danish)) }
}

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Tag en sikkerhedskopi af databasen (også mens serve kører) med kampagne.toml ved siden af.",
        discussion: """
        Uden FIL lægges kopien i [backup] folder (standard: backups ved siden af kampagne.toml) \
        med dato og klokkeslæt i navnet. Kopien tjekkes med PRAGMA integrity_check. Den indeholder \
        installationens hemmelige nøgle: opbevar den lige så sikkert som selve databasen.
        """)
    @OptionGroup var store: StoreOptions
    @Argument(help: "Filen, kopien skrives til (må ikke findes).") var file: String?
    @Flag(help: "Skriv resultatet som JSON.") var json = false

    func run() throws {
        let (db, config) = try store.open()
        let target: String
        if let file {
            target = file
        } else {
            let folder = BackupFolder(config: config, configPath: store.workspace.configPath)
            try folder.create()
            target = folder.newFile(at: Date())
        }
        let result = try DatabaseBackup(store: db).write(to: target, configPath: store.workspace.configPath)
        if json { return try Output.json(result) }
        print("Sikkerhedskopi: \(result.file) (\(Figures.size(result.bytes)) på \(Figures.seconds(result.seconds)); integritetstjek ok)")
        if let config = result.config { print("Indstillinger: \(config)") }
        print("Kopien indeholder installationens hemmelige nøgle: opbevar den lige så sikkert som databasen.")
    }
}

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Gendan databasen fra en sikkerhedskopi. Den nuværende database gemmes ved siden af.",
        discussion: """
        Afviser en beskadiget eller afkortet fil, en fil fra en nyere version af Kampagne, og \
        gendannelse mens kampagne serve kører. Viser, hvad der erstattes, og spørger (eller --yes).
        """)
    @OptionGroup var store: StoreOptions
    @Argument(help: "Sikkerhedskopien, der skal gendannes.") var file: String
    @Flag(help: "Spørg ikke om bekræftelse.") var yes = false
    @Flag(help: "Skriv resultatet som JSON.") var json = false

    func run() throws {
        let restore = DatabaseRestore(databasePath: store.workspace.databasePath, backupPath: file)
        let plan = try restore.plan()
        if !json || !yes {
            describe("Sikkerhedskopien", plan.backup)
            if let current = plan.current { describe("erstatter den nuværende database", current) }
        }
        if !yes {
            guard Output.stdinIsTerminal else {
                throw KampagneError.invalidInput("Gendannelse erstatter den nuværende database; tilføj --yes for at bekræfte")
            }
            print("Gendan \(file) som \(store.workspace.databasePath)? Skriv ja: ", terminator: "")
            guard readLine()?.lowercased() == "ja" else { throw KampagneError.invalidInput("Afbrudt; intet er ændret") }
        }
        let result = try restore.run()
        // Opening migrates a backup of an older schema (with its own upgrade backup first).
        let (db, _) = try store.open()
        _ = db
        if json { return try Output.json(result) }
        print("Gendannet: \(result.database) fra \(result.restoredFrom)")
        if let kept = result.replacedKeptAt { print("Den tidligere database er gemt som \(kept)") }
        if let config = result.configBeside {
            print("Indstillingerne fra kopien ligger i \(config); kampagne.toml er ikke ændret (sammenlign og kopiér selv)")
        }
    }

    private func describe(_ heading: String, _ summary: DatabaseFile.Summary) {
        let change = summary.lastChange.map(DanishDate.long) ?? "ingen"
        let line = "\(heading) \(summary.file): \(Figures.count(summary.contacts)) kontakter, \(Figures.count(summary.editions)) udgaver, "
            + "\(Figures.count(summary.meetings)) møder, \(Figures.count(summary.registrations)) tilmeldinger; "
            + "skema \(summary.schema.version ?? "-"); seneste ændring \(change)"
        Output.note(line)
    }
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Vis programmets version og databaseskemaet: det, programmet kender, og databasens.")
    @OptionGroup var store: StoreOptions
    @Flag(help: "Skriv resultatet som JSON.") var json = false

    struct Report: Codable {
        var binary: String
        var knownSchema: String
        var knownMigrations: [String]
        var database: String
        var databaseSchema: SchemaVersion?

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(binary, forKey: .binary)
            try c.encode(knownSchema, forKey: .knownSchema)
            try c.encode(knownMigrations, forKey: .knownMigrations)
            try c.encode(database, forKey: .database)
            try c.encode(databaseSchema, forKey: .databaseSchema)
        }
    }

    func run() throws {
        let path = store.workspace.databasePath
        let report = Report(binary: KampagneVersion.binary, knownSchema: SchemaVersion.knownVersion,
                            knownMigrations: SchemaVersion.known, database: path, databaseSchema: try SchemaVersion.ofFile(path))
        if json { return try Output.json(report) }
        print("Kampagne \(report.binary)")
        print("Skema, som programmet kender: \(report.knownSchema) (\(report.knownMigrations.count) migreringer)")
        guard let schema = report.databaseSchema else { return print("Databasen \(path) findes ikke endnu") }
        let status: String
        switch schema.status {
        case .empty: status = "tom"
        case .current: status = "opdateret"
        case .older: status = "ældre; opgraderes (med sikkerhedskopi først), næste gang den åbnes"
        case .newer: status = "NYERE end programmet; brug den nyere version"
        }
        print("Databasen \(path): skema \(schema.version ?? "-") (\(status))")
    }
}

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Tjek installationen: indstillinger, stier og rettigheder, den offentlige adresse og login på SMTP-relayet (uden at sende).",
        discussion: "Én linje pr. tjek med, hvad der er galt, og hvordan det rettes. Afslutter med fejlkode, hvis et tjek fejler.")
    @OptionGroup var store: StoreOptions
    @Flag(help: "Skriv resultatet som JSON.") var json = false

    struct Report: Codable {
        var checks: [DoctorCheck]
        var errors: Int
        var warnings: Int
    }

    func run() throws {
        let checks = Doctor(workspace: store.workspace).run()
        let report = Report(checks: checks, errors: checks.filter { $0.level == .error }.count,
                            warnings: checks.filter { $0.level == .warning }.count)
        if json {
            try Output.json(report)
        } else {
            for check in checks {
                let label: String
                switch check.level {
                case .ok: label = "ok      "
                case .warning: label = "advarsel"
                case .error: label = "FEJL    "
                }
                print("\(label) \(check.check): \(check.message)")
            }
            print(report.errors == 0 ? "Ingen fejl (\(report.warnings) advarsler)." : "\(report.errors) fejl og \(report.warnings) advarsler.")
        }
        if report.errors > 0 { throw ExitCode(1) }
    }
}
