import Foundation
import Testing
@testable import Kampagne

/// `RunMarker` formats and parses with format styles made once; they must read and write
/// exactly what the `ISO8601DateFormatter` made per call did, so stored markers keep working.
@Suite struct RunMarkerTests {
    @Test func formatsAndParsesAsISO8601DateFormatterDid() throws {
        let whole = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions.insert(.withFractionalSeconds)
        for seconds in [0, 1_700_000_000, 1_796_425_200.25, 2_000_000_000.5, -86_400] as [TimeInterval] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(RunMarker.format(date) == whole.string(from: date))
            let written = [whole.string(from: date), fractional.string(from: date)]
            for text in written {
                #expect(RunMarker.parse(text) == (whole.date(from: text) ?? fractional.date(from: text)), "\(text)")
            }
        }
        #expect(RunMarker.parse("2026-12-01T21:00:00Z") == Date(timeIntervalSince1970: 1_796_158_800))
        #expect(RunMarker.parse("i går") == nil && RunMarker.parse("") == nil)
    }
}
