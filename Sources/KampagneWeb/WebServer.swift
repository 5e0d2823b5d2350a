import Foundation
import Hummingbird
import HummingbirdCore
import Kampagne
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// `kampagne serve`: the public site plus the scheduler that every minute sends what the
/// outbox holds and runs the meeting schedule, so one process serves a secretariat. Both run
/// in the application's service group: SIGTERM or SIGINT stops the server, then the scheduler
/// after the messages in flight, and `run()` returns.
public struct WebServer: Sendable {
    public let site: Site
    public let host: String
    public let port: Int
    /// Sends and schedules every `interval` seconds; nil runs no scheduler.
    public let scheduler: Scheduler?
    public let limits: ConnectionLimits

    public init(site: Site, host: String, port: Int, scheduler: Scheduler?, limits: ConnectionLimits = ConnectionLimits()) {
        self.site = site
        self.host = host
        self.port = port
        self.scheduler = scheduler
        self.limits = limits
    }

    public func run() async throws {
        var logger = Logger(label: "kampagne.web")
        logger.logLevel = .warning
        let host = self.host
        let port = self.port
        let cap = ConnectionCap(perClient: limits.perClient)
        let channel = HTTP1Channel.Configuration(additionalChannelHandlers: [ConnectionCap.Handler(cap: cap)],
                                                 idleTimeout: .milliseconds(Int64(limits.idleTimeout * 1000)))
        let app = Application(router: buildRouter(site),
                              server: .http1(configuration: channel),
                              configuration: .init(address: .hostname(host, port: port), serverName: "Kampagne"),
                              services: scheduler.map { [$0] } ?? [],
                              onServerRunning: { channel in
                                  let bound = channel.localAddress?.port ?? port
                                  FileHandle.standardError.write(Data("Kampagne lytter på http://\(host):\(bound)\n".utf8))
                              },
                              logger: logger)
        try await app.runService()
    }
}

/// How long a connection may idle and how many one client may hold: a client that sends half
/// a header, or announces a body and stalls, is dropped after `idleTimeout` seconds.
public struct ConnectionLimits: Sendable {
    public var idleTimeout: Double
    /// 0: no cap.
    public var perClient: Int

    public init(idleTimeout: Double = 30, perClient: Int = 64) {
        self.idleTimeout = idleTimeout
        self.perClient = perClient
    }

    public init(config: KampagneConfig) throws(KampagneError) {
        self.init(idleTimeout: Double(config.web?.idleTimeout ?? 30), perClient: config.web?.connectionsPerClient ?? 64)
        guard idleTimeout >= 1 else { throw .config("[web] idle_timeout skal være mindst 1 sekund") }
        guard perClient >= 0 else { throw .config("[web] connections_per_client må ikke være negativ") }
    }
}

/// Counts open connections per client address; a connection over the cap is closed at once.
final class ConnectionCap: Sendable {
    let perClient: Int
    private let open = Mutex<[String: Int]>([:])

    init(perClient: Int) { self.perClient = perClient }

    /// Takes a place for `client`; false when it already holds `perClient` connections.
    func enter(_ client: String) -> Bool {
        open.withLock { open in
            let count = open[client, default: 0]
            guard perClient == 0 || count < perClient else { return false }
            open[client] = count + 1
            return true
        }
    }

    func leave(_ client: String) {
        open.withLock { open in
            let count = open[client, default: 1] - 1
            open[client] = count > 0 ? count : nil
        }
    }

    /// The first handler of each connection's pipeline: enters on the way in, leaves when the
    /// connection closes.
    final class Handler: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = NIOAny
        let cap: ConnectionCap
        private var client: String?

        init(cap: ConnectionCap) { self.cap = cap }

        func handlerAdded(context: ChannelHandlerContext) {
            if context.channel.isActive { admit(context) }
        }

        func channelActive(context: ChannelHandlerContext) {
            if client == nil { admit(context) }
            context.fireChannelActive()
        }

        private func admit(_ context: ChannelHandlerContext) {
            let address = context.channel.remoteAddress?.ipAddress ?? "ukendt"
            if cap.enter(address) {
                client = address
            } else {
                context.close(promise: nil)
            }
        }

        func handlerRemoved(context: ChannelHandlerContext) { release() }

        func channelInactive(context: ChannelHandlerContext) {
            release()
            context.fireChannelInactive()
        }

        private func release() {
            if let client { cap.leave(client) }
            client = nil
        }
    }
}

/// The every-minute job as a service of the application's group. Each tick runs the list of
/// scheduled jobs in `tick(_:)` on NIO's thread pool; a graceful shutdown (SIGTERM, SIGINT)
/// or cancellation asks the dispatcher to stop after the messages in flight, then the service returns.
public struct Scheduler: Service {
    let store: Store
    let configuration: DeliveryConfiguration
    let settings: EventSettings
    let composer: MessageComposer
    let interval: TimeInterval
    /// The daily backup (`[backup] daily_at`), checked every tick.
    let backup: BackupSchedule?
    private static let logger = Logger(label: "kampagne.scheduler")

    public init(store: Store, configuration: DeliveryConfiguration, settings: EventSettings, interval: TimeInterval = 60,
                backup: BackupSchedule? = nil) throws(KampagneError) {
        self.store = store
        self.backup = backup
        self.configuration = configuration
        self.settings = settings
        self.composer = try MessageComposer(configuration: configuration, store: store)
        self.interval = interval
    }

    public func run() async throws {
        let current = CurrentRun()
        await withGracefulShutdownHandler {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                await tick(current)
                try? await cancelWhenGracefulShutdown {
                    try await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
                }
            }
        } onGracefulShutdown: {
            current.stop()
        }
    }

    /// One tick, off the event loops, stopped early by a shutdown or cancellation.
    func tick(_ current: CurrentRun) async {
        let dispatcher = Dispatcher(store: store, configuration: configuration, composer: composer)
        guard current.begin(dispatcher) else { return }
        defer { current.end() }
        let store = self.store
        let outcome: Result<Void, KampagneError>
        do {
            outcome = try await withTaskCancellationHandler {
                try await NIOThreadPool.singleton.runIfActive { () -> Result<Void, KampagneError> in
                    let outcome = Result { () throws(KampagneError) in try self.jobs(dispatcher) }
                    // Recorded whatever the jobs did: it says the scheduler is alive (health checks read it).
                    do { try RunMarker.scheduler.record(in: store) } catch {
                        Self.logger.error("could not record the scheduler's run", metadata: ["error": "\(KampagneError.wrap(error).message)"])
                    }
                    return outcome
                }
            } onCancel: {
                current.stop()
            }
        } catch {
            outcome = .failure(KampagneError.wrap(error))
        }
        switch outcome {
        case .success: break
        case .failure(.busy): Self.logger.debug("another dispatcher is running")
        case .failure(let error): Self.logger.error("scheduled run failed", metadata: ["error": "\(error.message)"])
        }
    }

    /// The scheduled jobs, one library call each, in order. A job of its own (bounces, a
    /// daily backup) is one more line here.
    func jobs(_ dispatcher: Dispatcher) throws(KampagneError) {
        _ = try EventSchedule(store: store, settings: settings).run()
        _ = try dispatcher.run()
        BounceSchedule(store: store, delivery: configuration).runIfDue()
        try backup?.runIfDue(now: Date())
        try ImportQueue(store: store).removeExpired(now: Date())
    }

    /// The dispatcher of the tick under way, so a shutdown can ask it to stop.
    final class CurrentRun: Sendable {
        private let state = Mutex<(stopping: Bool, dispatcher: Dispatcher?)>((false, nil))

        /// Registers the tick's dispatcher; false once stopping (the tick is skipped).
        func begin(_ dispatcher: Dispatcher) -> Bool {
            state.withLock { state in
                guard !state.stopping else { return false }
                state.dispatcher = dispatcher
                return true
            }
        }

        func end() { state.withLock { $0.dispatcher = nil } }

        func stop() {
            let dispatcher = state.withLock { state -> Dispatcher? in
                state.stopping = true
                return state.dispatcher
            }
            dispatcher?.stop(reason: "serveren stopper")
        }
    }
}
