import Foundation
import GRDB

/// Dates in GRDB's storage format ("yyyy-MM-dd HH:mm:ss.SSS", UTC), written without a
/// DateFormatter: the import writes several per row, and a formatter made that the hot spot;
/// and a command that never makes GRDB's formatter keeps 3.6 MB of ICU out of its memory
/// (bench/RESULTS.md, session 10). Rounded to the millisecond as GRDB's formatter rounds
/// (Foundation's formatter adds half a millisecond; `StoredDateTests`), so that a date
/// written here equals the same date written by a record.
enum StoredDate {
    static func value(_ date: Date) -> DatabaseValue { text(date).databaseValue }

    static func text(_ date: Date) -> String {
        let milliseconds = ((date.timeIntervalSinceReferenceDate + Date.timeIntervalBetween1970AndReferenceDate) * 1000 + 0.5)
            .rounded(.down)
        let wholeSeconds = (milliseconds / 1000).rounded(.down)
        var seconds = time_t(wholeSeconds)
        let millis = Int(milliseconds - wholeSeconds * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(23)
        func append(_ value: Int, digits: Int) {
            var divisor = 1
            for _ in 1..<digits { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                bytes.append(UInt8(48 + rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
        append(Int(parts.tm_year) + 1900, digits: 4); bytes.append(45)
        append(Int(parts.tm_mon) + 1, digits: 2); bytes.append(45)
        append(Int(parts.tm_mday), digits: 2); bytes.append(32)
        append(Int(parts.tm_hour), digits: 2); bytes.append(58)
        append(Int(parts.tm_min), digits: 2); bytes.append(58)
        append(Int(parts.tm_sec), digits: 2); bytes.append(46)
        append(millis, digits: 3)
        return String(decoding: bytes, as: UTF8.self)
    }
}
