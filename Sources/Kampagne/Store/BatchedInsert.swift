import GRDB
import GRDBSQLite

/// Rows appended to one table by multi-row `INSERT … VALUES (…), (…), …` statements of
/// `rowsPerStatement` rows, their text bound in place from one buffer (no copy per value).
/// For queueing a campaign: one statement per row spent a third of its SQLite time on what
/// every statement costs (the halt, the AUTOINCREMENT counter's read and write, the reset),
/// and SQLite copied each of the twelve bound values (bench/RESULTS.md, session 10).
/// The rows, their order and their ids are those of one statement per row
/// (`BatchedInsertTests`).
struct BatchedInsert {
    private enum Slot {
        case text(start: Int, count: Int)
        case null
        case integer(Int64)
    }

    private let db: Database
    private let head: String
    private let row: String
    private let valuesPerRow: Int
    private let rowsPerStatement: Int
    /// The text of the rows waiting, after one unused byte that keeps the buffer's address
    /// non-nil (an empty text is bound as zero bytes at its place, never as NULL).
    private var bytes: [UInt8] = [0]
    private var slots: [Slot] = []

    /// `head` is `INSERT INTO table (columns) VALUES`, `row` one row's `(?, ?, 'literal', …)`
    /// with `valuesPerRow` parameters.
    init(_ db: Database, head: String, row: String, valuesPerRow: Int, rowsPerStatement: Int = 64) {
        self.db = db
        self.head = head
        self.row = row
        self.valuesPerRow = valuesPerRow
        self.rowsPerStatement = max(1, rowsPerStatement)
        slots.reserveCapacity(valuesPerRow * self.rowsPerStatement)
    }

    /// Adds one row; writes the waiting rows when a statement's worth has gathered.
    mutating func append(_ values: [SQLValue]) throws {
        guard values.count == valuesPerRow else {
            throw KampagneError.database("Intern fejl: \(values.count) værdier til en række med \(valuesPerRow)")
        }
        for value in values {
            switch value {
            case .text(let text), .optionalText(let text?):
                let start = bytes.count
                bytes.append(contentsOf: text.utf8)
                slots.append(.text(start: start, count: bytes.count - start))
            case .optionalText(nil):
                slots.append(.null)
            case .integer(let number):
                slots.append(.integer(number))
            }
        }
        if slots.count == valuesPerRow * rowsPerStatement { try flush() }
    }

    /// Writes the rows still waiting (call once after the last `append`).
    mutating func finish() throws {
        if !slots.isEmpty { try flush() }
    }

    private mutating func flush() throws {
        let rows = slots.count / valuesPerRow
        let sql = head + " " + Array(repeating: row, count: rows).joined(separator: ", ")
        // The full statement is kept in the connection's cache; the last, shorter one is made once.
        let statement = rows == rowsPerStatement ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
        let handle = statement.sqliteStatement
        guard Int(sqlite3_bind_parameter_count(handle)) == slots.count else {
            throw KampagneError.database("Intern fejl: sætningen har ikke \(slots.count) parametre")
        }
        // The last, shorter statement is held only here: it must outlive its step.
        let failure = withExtendedLifetime(statement) { bytes.withUnsafeBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress else { return "ingen tekst at binde" }
            sqlite3_reset(handle)
            base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { text in
                for (index, slot) in slots.enumerated() {
                    let position = Int32(index + 1)
                    switch slot {
                    case .text(let start, let count):
                        // SQLITE_STATIC: SQLite reads the bytes in place; they stay until the step is done.
                        sqlite3_bind_text(handle, position, text + start, Int32(count), nil)
                    case .null:
                        sqlite3_bind_null(handle, position)
                    case .integer(let number):
                        sqlite3_bind_int64(handle, position, number)
                    }
                }
            }
            let code = sqlite3_step(handle)
            let message = code == SQLITE_DONE ? nil : String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
            return message
        } }
        if let failure { throw KampagneError.database("Databasefejl: \(failure)") }
        bytes.removeSubrange(1...)
        slots.removeAll(keepingCapacity: true)
    }
}
