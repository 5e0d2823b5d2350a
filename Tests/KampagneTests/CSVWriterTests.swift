import Foundation
import Testing
@testable import Kampagne

/// `CSVWriter.escape`'s byte check passes a field as it is only where every check of
/// `escapeChecked` (Foundation's searches, the formula rule) would too.
@Suite struct CSVWriterTests {
    @Test(arguments: [true, false])
    func theByteCheckEqualsEveryCheck(excel: Bool) {
        let writer = CSVWriter(excel: excel)
        let named = ["", " ", "a", " a", "a ", "a;b", "a,b", "\"", "a\"b", "a\nb", "a\rb", "\r\n", "=SUM(A1)", "+45 12 34 56 78",
                     "-12", "-12,5", "-x", "@navn", "'=", "Søren Ærbøl", "Jobcenter Sorø", "35 05 45 69", "=\u{301}", ";\u{301}",
                     "\"\u{301}", " \u{301}", "a \u{301}", "\u{301} ", "e\u{301}", "😀;", "Lis' Blomster", "a\tb"]
        for field in named {
            #expect(writer.escape(field) == writer.escapeChecked(field), "\(field.debugDescription)")
        }
        var state: UInt64 = excel ? 7 : 8
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let pool: [String] = ["a", "Z", "ø", "Å", "é", "1", "0", " ", ";", ",", "\"", "\n", "\r", "\t", "=", "+", "-", "@", "'",
                              "\u{301}", "\u{30A}", "😀", "\u{200D}", ".", "ß"]
        for _ in 0..<20_000 {
            let field = (0..<Int(next() % 8)).map { _ in pool[Int(next() % UInt64(pool.count))] }.joined()
            #expect(writer.escape(field) == writer.escapeChecked(field), "\(field.debugDescription)")
        }
    }
}
