import Foundation
import GRDB
import Testing
@testable import Kampagne

/// `BatchedInsert` (multi-row statements, text bound in place) writes what GRDB's one
/// statement per row writes: the same rows, in the same order, with the same ids.
@Suite struct BatchedInsertTests {
    static let columns = "a, b, c, d"

    func table(_ name: String, in db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE \(name) (id INTEGER PRIMARY KEY AUTOINCREMENT, a INTEGER, b TEXT, c TEXT NOT NULL,
                                  d TEXT, e TEXT NOT NULL, UNIQUE (a, c))
            """)
    }

    /// Row `n`: empty, NULL, Danish, combining marks, quotes, a NUL byte, a long text.
    func values(_ n: Int) -> [SQLValue] {
        let texts = ["", "Ærø Kommune", "e\u{0301}n \"citat\" 'enkelt'", "før\u{0}efter", String(repeating: "ø", count: 3_000), "æ;ø\nå"]
        return [.integer(Int64(n)), n % 3 == 0 ? .optionalText(nil) : .optionalText(texts[n % texts.count]),
                .text("række \(n) " + texts[(n + 1) % texts.count]), .text(texts[(n + 2) % texts.count])]
    }

    func rows(_ name: String, in db: Database) throws -> [Row] {
        try Row.fetchAll(db, sql: "SELECT id, a, b, c, d, e, typeof(b), typeof(d), length(c) FROM \(name) ORDER BY id")
    }

    @Test(arguments: [1, 7, 64, 300])
    func theRowsAreThoseOfOneStatementPerRow(rowsPerStatement: Int) throws {
        let box = try Sandbox()
        try box.store.write { db in
            try table("viaGRDB", in: db)
            try table("batched", in: db)
            let single = try db.makeStatement(sql: "INSERT INTO viaGRDB (a, b, c, d, e) VALUES (?, ?, ?, ?, 'fast')")
            var batch = BatchedInsert(db, head: "INSERT INTO batched (a, b, c, d, e) VALUES", row: "(?, ?, ?, ?, 'fast')",
                                      valuesPerRow: 4, rowsPerStatement: rowsPerStatement)
            for n in 0..<150 {
                let arguments = StatementArguments(values(n).map { value -> DatabaseValue in
                    switch value {
                    case .text(let text): return text.databaseValue
                    case .optionalText(let text): return text.databaseValue
                    case .integer(let number): return number.databaseValue
                    }
                })
                try single.execute(arguments: arguments)
                try batch.append(values(n))
            }
            try batch.finish()
            let expected = try rows("viaGRDB", in: db)
            #expect(expected.count == 150)
            #expect(try rows("batched", in: db) == expected)
            // The NUL byte is kept: text is bound with its length, not as a C string.
            let hex = Array("række 2 før\u{0}efter".utf8).map { String(format: "%02X", $0) }.joined()
            #expect(try String.fetchOne(db, sql: "SELECT hex(c) FROM batched WHERE a = 2") == hex)
        }
    }

    @Test func nothingAppendedWritesNothingAndAWrongRowOrAConflictIsAnError() throws {
        let box = try Sandbox()
        try box.store.write { db in
            try table("batched", in: db)
            var batch = BatchedInsert(db, head: "INSERT INTO batched (a, b, c, d, e) VALUES", row: "(?, ?, ?, ?, 'x')",
                                      valuesPerRow: 4, rowsPerStatement: 4)
            try batch.finish()
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM batched") == 0)
            #expect(throws: KampagneError.self) { try batch.append([.integer(1)]) }
            try batch.append(values(1))
            try batch.append(values(1))  // the same (a, c): the unique key refuses the statement
            #expect(throws: KampagneError.self) { try batch.finish() }
            // A row template with fewer parameters than the rows' values is refused, not misfilled.
            var short = BatchedInsert(db, head: "INSERT INTO batched (a, b, c, e) VALUES", row: "(?, ?, ?, 'x')",
                                      valuesPerRow: 4, rowsPerStatement: 2)
            try short.append(values(4))
            #expect(throws: KampagneError.self) { try short.finish() }
        }
    }
}

/// `Store.transaction(commit:journal:)`: the temporary storage is memory inside the
/// transaction only, and a dry run leaves nothing behind.
@Suite struct StoreTransactionTests {
    @Test func theJournalIsInMemoryForTheTransactionOnlyAndADryRunRollsBack() throws {
        let box = try Sandbox()
        try box.store.write { db in try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)") }
        let inside = try box.store.transaction(commit: true, journal: .memory) { db in
            try db.execute(sql: "INSERT INTO t (v) VALUES ('a'), ('b')")
            return try Int.fetchOne(db, sql: "PRAGMA temp_store")
        }
        #expect(inside == 2)
        let dry = try box.store.transaction(commit: false, journal: .memory) { db in
            try db.execute(sql: "INSERT INTO t (v) VALUES ('c')")
            return try Int.fetchAll(db, sql: "SELECT id FROM t").count
        }
        #expect(dry == 3)
        let after = try box.store.write { db in
            (try Int.fetchOne(db, sql: "PRAGMA temp_store"), try String.fetchAll(db, sql: "SELECT v FROM t ORDER BY id"))
        }
        #expect(after.0 == 0)
        #expect(after.1 == ["a", "b"])
        // A refused statement in the middle of a multi-row insert fails the whole transaction.
        #expect(throws: KampagneError.self) {
            try box.store.transaction(commit: true, journal: .memory) { db in
                try db.execute(sql: "INSERT INTO t (v) VALUES ('d')")
                try db.execute(sql: "INSERT INTO t (v) VALUES ('e'), (NULL)")
            }
        }
        #expect(try box.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") } == 2)
    }
}
