import Foundation
import GRDB

/// When a recurring job last ran, kept in the `setting` table as ISO 8601 so `/healthz` and
/// people can read it: the scheduler's tick, the bounce mailbox run, the daily backup.
public struct RunMarker: Sendable {
    public let key: String

    public init(key: String) { self.key = key }

    public static let scheduler = RunMarker(key: "scheduler.lastRunAt")
    public static let bounces = RunMarker(key: "bounces.lastRunAt")
    public static let backup = RunMarker(key: "backup.lastRunAt")

    /// Records a run at `now`.
    public func record(at now: Date = Date(), in store: Store) throws(KampagneError) {
        try store.write { db in try record(at: now, db) }
    }

    func record(at now: Date, _ db: Database) throws {
        try Setting(key: key, value: Self.format(now)).save(db)
    }

    /// The last run, nil when none is recorded (or the value is not a time).
    public func lastRun(in store: Store) throws(KampagneError) -> Date? {
        try store.read { try lastRun($0) }
    }

    func lastRun(_ db: Database) throws -> Date? {
        try Setting.fetchOne(db, key: key).flatMap { Self.parse($0.value) }
    }

    /// Value-type format styles made once (Sendable), not an `ISO8601DateFormatter` per call:
    /// `/healthz` formats three markers per request and the scheduler writes one per tick.
    /// `RunMarkerTests` checks them against `ISO8601DateFormatter`.
    private static let whole = Date.ISO8601FormatStyle()
    private static let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    static func format(_ date: Date) -> String { whole.format(date) }

    /// Reads "2026-12-01T21:00:00Z", with or without fractions of a second.
    static func parse(_ text: String) -> Date? {
        text.contains(".") ? try? fractional.parse(text) : try? whole.parse(text)
    }
}
