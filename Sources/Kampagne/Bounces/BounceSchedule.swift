import Foundation
import GRDB
import Logging

/// The bounce run as the scheduler calls it: at most every `interval`, only when `[bounces]`
/// names a mailbox, and never throwing (a mailbox that is down must not stop sending).
public struct BounceSchedule: Sendable {
    /// The configuration `[bounces]` is resolved from on each run (the password may change).
    public struct Source: Sendable {
        public var config: KampagneConfig
        public var configPath: String
        public init(config: KampagneConfig, configPath: String) {
            self.config = config
            self.configPath = configPath
        }
    }

    let store: Store
    let source: Source?
    let interval: TimeInterval
    private static let logger = Logger(label: "kampagne.bounces")

    public init(store: Store, delivery: DeliveryConfiguration, interval: TimeInterval = 300) {
        self.store = store
        self.source = delivery.bounceSource
        self.interval = interval
    }

    /// Runs when the last run (`bounces.lastRunAt`) is older than `interval`.
    public func runIfDue(now: Date = Date()) {
        guard let source else { return }
        do {
            if let last = try RunMarker.bounces.lastRun(in: store), now.timeIntervalSince(last) < interval { return }
            guard let settings = try BounceSettings(config: source.config, configPath: source.configPath) else { return }
            let summary = try BounceRun(store: store, settings: settings).run()
            if let stopped = summary.stopped {
                Self.logger.error("bounce run stopped", metadata: ["error": "\(stopped)"])
            } else if summary.examined > 0 {
                Self.logger.info("bounce run", metadata: ["summary": "\(BounceRunText.summary(summary))"])
            }
        } catch {
            Self.logger.error("bounce run failed", metadata: ["error": "\(KampagneError.wrap(error).message)"])
        }
    }
}
