import Foundation
import GRDB
import Testing
@testable import Kampagne

/// `StoredDate` writes the text GRDB's own formatter writes for the same date, to the
/// millisecond and its rounding, so that hand-written and record-written dates compare.
@Suite struct StoredDateTests {
    func grdb(_ date: Date) -> String? { String.fromDatabaseValue(date.databaseValue) }

    @Test func edgesAreWrittenAsGRDBWritesThem() {
        let edges: [TimeInterval] = [0, 0.0004, 0.0005, 0.0006, 0.9994, 0.9995, 0.9999, 1_700_000_000.2345, 1_700_000_000.2346,
                                     1_790_123_456.9999, 1_790_123_456.9995, 1_790_123_456.9994, 4_102_444_799.9996,
                                     951_782_400.5, 1_709_164_800.0015, -1.25, -0.0004]
        for seconds in edges {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(StoredDate.text(date) == grdb(date), "\(seconds)")
        }
        #expect(StoredDate.text(Date(timeIntervalSince1970: 1_790_123_456.9999)) == "2026-09-23 00:30:57.000")
    }

    @Test func randomDatesAreWrittenAsGRDBWritesThem() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50_000 {
            let date = Date(timeIntervalSince1970: Double.random(in: 0..<4_102_444_800, using: &generator))
            #expect(StoredDate.text(date) == grdb(date), "\(date.timeIntervalSince1970)")
        }
        for _ in 0..<20_000 {
            // Near a millisecond's half, where the rounding shows.
            let base = Double(Int.random(in: 1_600_000_000_000...1_900_000_000_000, using: &generator)) / 1000
            let date = Date(timeIntervalSince1970: base + 0.0005 + Double.random(in: -0.000_001...0.000_001, using: &generator))
            #expect(StoredDate.text(date) == grdb(date), "\(date.timeIntervalSince1970)")
        }
    }
}
