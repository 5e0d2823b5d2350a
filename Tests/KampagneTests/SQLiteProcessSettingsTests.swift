import Foundation
import GRDB
import GRDBSQLite
import Synchronization
import Testing
@testable import Kampagne

/// `SQLiteProcessSettings`: when SQLite took them, a store's connections have no mutex of
/// their own and SQLite keeps no memory statistics; when something in this test process used
/// SQLite first, the serialized defaults stay. Either way every connection works.
@Suite struct SQLiteProcessSettingsTests {
    @Test func theSettingsHoldForEveryConnectionOfAStore() throws {
        let box = try Sandbox()
        let applied = SQLiteProcessSettings.applied
        let mutexes = try box.store.write { db in sqlite3_db_mutex(db.sqliteConnection) == nil ? 0 : 1 }
            + (try box.store.read { db in sqlite3_db_mutex(db.sqliteConnection) == nil ? 0 : 1 })
        #expect(mutexes == (applied ? 0 : 2), "multi-thread mode: no mutex on a connection")
        if applied {
            #expect(sqlite3_memory_used() == 0, "no memory statistics")
        }
        // Concurrent readers and a writer on the pool, each connection used by one thread at a time.
        try box.store.write { db in try db.execute(sql: "CREATE TABLE n (v INTEGER NOT NULL)") }
        try readAndWriteConcurrently(box.store)
        #expect(try box.store.read { try Int.fetchOne($0, sql: "SELECT sum(v) FROM n") } == (1...200).reduce(0, +))
    }

    private func readAndWriteConcurrently(_ store: Store) throws {
        let failures = FailureCount()
        DispatchQueue.concurrentPerform(iterations: 200) { index in
            do {
                if index % 2 == 0 {
                    _ = try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM n") }
                }
                try store.write { db in try db.execute(sql: "INSERT INTO n (v) VALUES (?)", arguments: [index + 1]) }
            } catch {
                failures.count.withLock { $0 += 1 }
            }
        }
        #expect(failures.count.withLock { $0 } == 0)
    }
}

private final class FailureCount: Sendable {
    let count = Mutex(0)
}
