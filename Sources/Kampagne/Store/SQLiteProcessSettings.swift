import CSQLiteConfig

/// SQLite's process-wide settings, applied once before the first `Store` opens a connection:
/// multi-thread mode and no memory statistics (`km_sqlite_configure`). In its default,
/// serialized mode SQLite locks a mutex around every call on a connection, and with memory
/// statistics on one global mutex around every allocation: 79 locks per imported contact,
/// 3 % of an import's instructions (callgrind, bench/RESULTS.md, "Issue 16, session 11").
/// GRDB already uses each connection from one thread at a time. When something used SQLite
/// before (a test that opens a bare `DatabaseQueue` first) the defaults stay: correct, slower.
/// `sqlite3_config` itself must not run beside other SQLite calls: the CLI and the server open
/// their store before any other thread touches SQLite (in the parallel unit tests a race can
/// only pick one of the two valid modes for the process).
enum SQLiteProcessSettings {
    /// True when SQLite took the settings.
    static let applied: Bool = km_sqlite_configure() == 1
}
