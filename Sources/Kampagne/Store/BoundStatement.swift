import Foundation
import GRDB
import GRDBSQLite

/// A value bound straight into a prepared statement on a hot path.
enum SQLValue {
    case text(String)
    case optionalText(String?)
    case integer(Int64)
}

extension Statement {
    /// Binds `values` through SQLite's C API and runs the statement to completion. For the
    /// few per-row writes of imports and enqueues, where GRDB's argument boxing dominated.
    func executeBound(_ values: [SQLValue]) throws {
        let handle = sqliteStatement
        sqlite3_reset(handle)
        for (index, value) in values.enumerated() {
            let position = Int32(index + 1)
            switch value {
            case .text(var text), .optionalText(var text?):
                // The string's own UTF-8 bytes (no NUL-terminated copy per value, which
                // `utf8CString` made: 9 allocations per queued row); SQLite copies them.
                // An empty buffer may have no address, which SQLite would bind as NULL.
                _ = text.withUTF8 { buffer in
                    guard let base = buffer.baseAddress, !buffer.isEmpty else {
                        return sqlite3_bind_text(handle, position, "", 0, sqliteTransient)
                    }
                    return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                        sqlite3_bind_text(handle, position, $0, Int32(buffer.count), sqliteTransient)
                    }
                }
            case .optionalText(nil):
                sqlite3_bind_null(handle, position)
            case .integer(let number):
                sqlite3_bind_int64(handle, position, number)
            }
        }
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            throw KampagneError.database("Databasefejl: \(String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))))")
        }
    }
}

/// SQLite copies bound text at once (SQLITE_TRANSIENT), so Swift's buffers may go.
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension Database {
    /// Drops the pages this connection has cached (its prepared statements stay). For the
    /// dispatcher, which reads and writes each outbox page about once: without this, each of
    /// its two connections fills its 32 MB cache on a long list, and the run's memory grows
    /// with the list up to that cap.
    func releasePageCache() {
        if let connection = sqliteConnection { sqlite3_db_release_memory(connection) }
    }

    /// Runs `body` with a page cache of at most `kibibytes` (2 MB) on this connection, then
    /// restores its size: for counts that scan the whole outbox (it has no index on state),
    /// which would otherwise fill the cache with pages nobody reads again, so memory grows
    /// with the list; and for queueing, whose rows are appended once (bench/RESULTS.md).
    func withSmallPageCache<T>(kibibytes: Int = 2048, _ body: () throws -> T) throws -> T {
        let size = try Int.fetchOne(self, sql: "PRAGMA cache_size") ?? -32_768
        try execute(sql: "PRAGMA cache_size = -\(max(kibibytes, 64))")
        defer { try? execute(sql: "PRAGMA cache_size = \(size)") }
        return try body()
    }
}
