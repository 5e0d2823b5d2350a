import Foundation
import GRDB

/// The figures a monitoring system polls (`GET /healthz`): no names, no addresses, only counts
/// and times. `healthy` is false when the database cannot be read or the outbox is stuck.
public struct HealthReport: Codable, Sendable, Equatable {
    public var healthy: Bool
    public var databaseReachable: Bool
    /// The database's schema (last migration applied), and the newest this binary knows.
    public var schemaVersion: String?
    public var knownSchemaVersion: String
    public var binaryVersion: String
    /// Messages due now (queued or deferred with their time come).
    public var outboxDue: Int
    /// Seconds since the oldest due message became due; nil when none is due.
    public var outboxOldestDueSeconds: Int?
    /// Seconds since any message was last sent; nil when none ever was.
    public var lastSentSeconds: Int?
    public var outboxStuck: Bool
    public var schedulerLastRunAt: String?
    public var bouncesLastRunAt: String?
    public var backupLastRunAt: String?
    /// What is wrong, in Danish; empty when healthy.
    public var problems: [String]

    /// The outbox counts as stuck when a message has been due longer than `stuckAfter` and
    /// nothing was sent in that time either (a paced campaign that keeps sending is not stuck).
    public static func measure(store: Store, stuckAfter: TimeInterval, now: Date = Date()) -> HealthReport {
        var report = HealthReport(healthy: false, databaseReachable: false, schemaVersion: nil,
                                  knownSchemaVersion: SchemaVersion.knownVersion, binaryVersion: KampagneVersion.binary,
                                  outboxDue: 0, outboxOldestDueSeconds: nil, lastSentSeconds: nil, outboxStuck: false,
                                  schedulerLastRunAt: nil, bouncesLastRunAt: nil, backupLastRunAt: nil, problems: [])
        do {
            try store.pool.read { db in
                report.schemaVersion = try SchemaVersion.of(db).version
                let due = Table("outbox")
                    .filter([OutboxState.queued.rawValue, OutboxState.deferred.rawValue].contains(Column("state")))
                    .filter(Column("nextAttemptAt") <= now)
                    .filter(SQL(sql: OutboxStatements.notPaused))  // a paused send is not stuck
                report.outboxDue = try due.fetchCount(db)
                let oldest = try Date.fetchOne(db, due.select(min(Column("nextAttemptAt"))))
                let lastSent = try Date.fetchOne(db, Table("outbox").select(max(Column("sentAt"))))
                report.outboxOldestDueSeconds = oldest.map { max(0, Int(now.timeIntervalSince($0))) }
                report.lastSentSeconds = lastSent.map { max(0, Int(now.timeIntervalSince($0))) }
                report.schedulerLastRunAt = try RunMarker.scheduler.lastRun(db).map(RunMarker.format)
                report.bouncesLastRunAt = try RunMarker.bounces.lastRun(db).map(RunMarker.format)
                report.backupLastRunAt = try RunMarker.backup.lastRun(db).map(RunMarker.format)
            }
            report.databaseReachable = true
        } catch {
            report.problems.append("Databasen kan ikke læses: \(KampagneError.wrap(error).message)")
        }
        if let oldest = report.outboxOldestDueSeconds, Double(oldest) > stuckAfter,
           (report.lastSentSeconds.map { Double($0) > stuckAfter } ?? true) {
            report.outboxStuck = true
            report.problems.append("Udbakken sidder fast: \(report.outboxDue) mails har ventet i \(oldest) sekunder, og intet er sendt i den tid")
        }
        report.healthy = report.problems.isEmpty
        return report
    }

    /// `[health] outbox_stuck_after`, default 30 minutes.
    public static func stuckAfter(config: KampagneConfig) throws(KampagneError) -> TimeInterval {
        guard let text = config.health?.outboxStuckAfter else { return 1_800 }
        return try Duration.parse(text, setting: "[health] outbox_stuck_after")
    }
}

// Missing figures are written as null rather than left out: a monitoring system sees every key.
extension HealthReport {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(healthy, forKey: .healthy)
        try c.encode(databaseReachable, forKey: .databaseReachable)
        try c.encode(schemaVersion, forKey: .schemaVersion)
        try c.encode(knownSchemaVersion, forKey: .knownSchemaVersion)
        try c.encode(binaryVersion, forKey: .binaryVersion)
        try c.encode(outboxDue, forKey: .outboxDue)
        try c.encode(outboxOldestDueSeconds, forKey: .outboxOldestDueSeconds)
        try c.encode(lastSentSeconds, forKey: .lastSentSeconds)
        try c.encode(outboxStuck, forKey: .outboxStuck)
        try c.encode(schedulerLastRunAt, forKey: .schedulerLastRunAt)
        try c.encode(bouncesLastRunAt, forKey: .bouncesLastRunAt)
        try c.encode(backupLastRunAt, forKey: .backupLastRunAt)
        try c.encode(problems, forKey: .problems)
    }
}
