import Foundation
import GRDB
import Testing
@testable import Kampagne

/// `Statement.executeBound`, the import's and the queue's hand-written binding, stores
/// exactly what GRDB's own `StatementArguments` store: the same values, the same types,
/// empty text as empty text (never NULL), line breaks and non-ASCII bytes intact.
@Suite struct BoundStatementTests {
    @Test func bindsWhatGRDBBinds() throws {
        let queue = try DatabaseQueue()
        let texts = ["", "a", "Æblegrød på Ærø 🍎", "linje 1\nlinje 2", String(repeating: "ø", count: 5_000), "'; DROP TABLE t; --"]
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (k INTEGER, a TEXT, b TEXT, n INTEGER)")
            let statement = try db.makeStatement(sql: "INSERT INTO t (k, a, b, n) VALUES (?, ?, ?, ?)")
            for (index, text) in texts.enumerated() {
                try statement.executeBound([.integer(1), .text(text), .optionalText(index % 2 == 0 ? text : nil), .integer(Int64(index))])
                try db.execute(sql: "INSERT INTO t (k, a, b, n) VALUES (?, ?, ?, ?)",
                               arguments: [2, text, index % 2 == 0 ? text : nil, index])
            }
        }
        let rows = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT k, a, b, n, typeof(a) AS ta, typeof(b) AS tb, length(CAST(a AS BLOB)) AS bytes FROM t ORDER BY n, k")
        }
        #expect(rows.count == texts.count * 2)
        for pair in stride(from: 0, to: rows.count, by: 2) {
            let (ours, grdb) = (rows[pair], rows[pair + 1])
            for column in ["a", "b", "n", "ta", "tb", "bytes"] {
                #expect(ours[column] as DatabaseValue == grdb[column] as DatabaseValue, "\(column) of row \(pair / 2)")
            }
        }
        #expect((rows[0]["ta"] as String?) == "text" && (rows[0]["a"] as String?) == "", "empty text stays text")
    }
}
