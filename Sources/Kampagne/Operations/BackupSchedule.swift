import Foundation
import Logging

/// The daily backup `serve` makes: `[backup] daily_at` (Copenhagen time) into `[backup]
/// folder`, keeping the newest `keep`. The scheduler calls `runIfDue(now:)` every tick; it
/// backs up once a day, the first tick at or after the hour, and says so in `backup.lastRunAt`.
public struct BackupSchedule: Sendable {
    let store: Store
    let folder: BackupFolder
    let keep: Int
    let configPath: String
    /// Minutes after midnight; nil: no daily backup.
    let minuteOfDay: Int?

    public init(store: Store, config: KampagneConfig, configPath: String) throws(KampagneError) {
        self.store = store
        folder = BackupFolder(config: config, configPath: configPath)
        keep = config.backup?.keep ?? 14
        guard keep >= 1 else { throw .config("[backup] keep skal være mindst 1") }
        self.configPath = configPath
        minuteOfDay = try config.backup?.dailyAt.map { text throws(KampagneError) in try Self.minuteOfDay(text) }
    }

    /// "03:15" → 195.
    static func minuteOfDay(_ text: String) throws(KampagneError) -> Int {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0..<24).contains(hour), (0..<60).contains(minute) else {
            throw .config("[backup] daily_at skal være et klokkeslæt som \"03:15\" (fik '\(text)')")
        }
        return hour * 60 + minute
    }

    static let copenhagen: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Copenhagen") ?? .gmt
        return calendar
    }()

    /// Today's backup time in Copenhagen, as of `now`.
    func scheduled(on now: Date) -> Date? {
        guard let minuteOfDay else { return nil }
        let midnight = Self.copenhagen.startOfDay(for: now)
        return Self.copenhagen.date(bySettingHour: minuteOfDay / 60, minute: minuteOfDay % 60, second: 0, of: midnight)
    }

    /// Backs up if today's time has come and no backup was made since; returns what it made.
    @discardableResult
    public func runIfDue(now: Date = Date()) throws(KampagneError) -> BackupResult? {
        guard let due = scheduled(on: now), now >= due else { return nil }
        let last = try store.read { try RunMarker.backup.lastRun($0) }
        if let last, last >= due { return nil }
        try folder.create()
        let result = try DatabaseBackup(store: store).write(to: folder.newFile(at: now), configPath: configPath)
        try RunMarker.backup.record(at: now, in: store)
        let removed = folder.prune(keep: keep)
        if !removed.isEmpty {
            Logger(label: "kampagne.backup").info("old backups removed", metadata: ["count": "\(removed.count)"])
        }
        return result
    }
}
