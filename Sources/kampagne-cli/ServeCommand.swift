import ArgumentParser
import Foundation
import Kampagne
import KampagneWeb

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Start webserveren: mødesider med tilmelding, personlige links, afmelding; og planlæggeren, der sender hvert minut.")
    @OptionGroup var store: StoreOptions
    @Option(help: "Adressen der lyttes på (standard: [web] listen eller 127.0.0.1).") var listen: String?
    @Option(help: "Porten (standard: [web] port eller 8080; 0 vælger en ledig).") var port: Int?
    @Flag(name: .customLong("no-scheduler"), help: "Send ikke fra udbakken; kun websider.") var noScheduler = false
    @Option(help: "Sekunder mellem planlæggerens kørsler.") var every: Double = 60

    func run() async throws {
        // Held until the process ends: `restore` refuses while it is, and a second serve too.
        let lock = try ServiceLock(databasePath: store.workspace.databasePath, purpose: .serve)
        defer { withExtendedLifetime(lock) {} }
        let (db, config) = try store.open()
        let configPath = store.workspace.configPath
        let delivery = try DeliveryConfiguration(config: config, configPath: configPath)
        let site = try Site(store: db, config: config, delivery: delivery)
        guard every >= 1 else { throw KampagneError.invalidInput("--every skal være mindst 1 sekund") }
        let backup = try BackupSchedule(store: db, config: config, configPath: configPath)
        let scheduler = noScheduler ? nil : try Scheduler(store: db, configuration: delivery, settings: site.settings, interval: every,
                                                          backup: backup)
        let server = WebServer(site: site, host: listen ?? config.web?.listen ?? "127.0.0.1",
                               port: port ?? config.web?.port ?? 8080, scheduler: scheduler,
                               limits: try ConnectionLimits(config: config))
        // Runs until SIGTERM or SIGINT; the service group then stops the server and the
        // scheduler (after the messages in flight) and this returns: exit 0.
        try await server.run()
    }
}
