import Foundation
import GRDB

/// Small facts the installation keeps in the `setting` table: when the scheduler last ran
/// (`scheduler.lastRunAt`, ISO 8601), read by health checks.
public struct StoredSettings: Sendable {
    public static let schedulerLastRunAt = "scheduler.lastRunAt"

    let store: Store

    public init(store: Store) { self.store = store }

    public func value(_ key: String) throws(KampagneError) -> String? {
        try store.read { db in try Setting.fetchOne(db, key: key)?.value }
    }

    /// Records `date` under `key` as ISO 8601 (UTC), replacing what was there.
    public func record(_ key: String, at date: Date = Date()) throws(KampagneError) {
        let value = date.formatted(.iso8601)
        try store.write { db in try Setting(key: key, value: value).save(db) }
    }
}
