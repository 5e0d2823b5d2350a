import Foundation
import Hummingbird
import Kampagne
import Logging

/// `kampagne serve`: the public site plus the scheduler that every minute sends what the
/// outbox holds and runs the meeting schedule, so one process serves a secretariat.
public struct WebServer: Sendable {
    public let site: Site
    public let host: String
    public let port: Int
    /// Sends and schedules every `interval` seconds; nil runs no scheduler.
    public let scheduler: Scheduler?

    public init(site: Site, host: String, port: Int, scheduler: Scheduler?) {
        self.site = site
        self.host = host
        self.port = port
        self.scheduler = scheduler
    }

    public func run() async throws {
        var logger = Logger(label: "kampagne.web")
        logger.logLevel = .warning
        let host = self.host
        let port = self.port
        let app = Application(router: buildRouter(site),
                              configuration: .init(address: .hostname(host, port: port), serverName: "Kampagne"),
                              onServerRunning: { channel in
                                  let bound = channel.localAddress?.port ?? port
                                  FileHandle.standardError.write(Data("Kampagne lytter på http://\(host):\(bound)\n".utf8))
                              },
                              logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            if let scheduler {
                group.addTask { await scheduler.loop() }
            }
            try await group.next()
            group.cancelAll()
        }
    }
}

/// The every-minute job: the meeting schedule, then the outbox. A run that finds another
/// dispatcher at work (cron, say) simply waits for the next minute.
public struct Scheduler: Sendable {
    let store: Store
    let configuration: DeliveryConfiguration
    let settings: EventSettings
    let composer: MessageComposer
    let interval: TimeInterval

    public init(store: Store, configuration: DeliveryConfiguration, settings: EventSettings, interval: TimeInterval = 60) throws(KampagneError) {
        self.store = store
        self.configuration = configuration
        self.settings = settings
        self.composer = try MessageComposer(configuration: configuration, store: store)
        self.interval = interval
    }

    func loop() async {
        let logger = Logger(label: "kampagne.scheduler")
        while !Task.isCancelled {
            let store = self.store
            let configuration = self.configuration
            let settings = self.settings
            let composer = self.composer
            // The dispatcher blocks on its connections: keep it off the server's threads.
            let summary: Result<DispatchSummary, KampagneError> = await withCheckedContinuation { continuation in
                Thread.detachNewThread {
                    do {
                        _ = try EventSchedule(store: store, settings: settings).run()
                        let summary = try Dispatcher(store: store, configuration: configuration, composer: composer).run()
                        BounceSchedule(store: store, delivery: configuration).runIfDue()
                        continuation.resume(returning: .success(summary))
                    } catch {
                        continuation.resume(returning: .failure(KampagneError.wrap(error)))
                    }
                }
            }
            if case .failure(let error) = summary, case .conflict = error {
                logger.debug("another dispatcher is running")
            } else if case .failure(let error) = summary {
                logger.error("scheduled run failed", metadata: ["error": "\(error.message)"])
            }
            try? await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
        }
    }
}
