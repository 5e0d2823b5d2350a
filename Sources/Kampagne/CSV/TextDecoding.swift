import Foundation

/// The character encodings an office's CSV files come in.
public enum TextEncodingChoice: String, CaseIterable, Codable, Sendable {
    case utf8 = "utf-8"
    case windows1252 = "windows-1252"
    case latin1 = "iso-8859-1"
    case utf16 = "utf-16"

    /// Accepts the names people type: "utf8", "cp1252", "latin1", "ansi".
    public static func named(_ text: String) -> TextEncodingChoice? {
        switch DanishText.identifierKey(text) {
        case "utf8": return .utf8
        case "windows1252", "cp1252", "ansi", "win1252": return .windows1252
        case "iso88591", "latin1": return .latin1
        case "utf16", "utf16le", "unicode": return .utf16
        default: return nil
        }
    }
}

/// Turns a file's bytes into text, detecting the encoding unless one is forced, and
/// refusing files that are not text at all.
enum TextDecoding {
    struct Decoded {
        var text: String
        var encoding: TextEncodingChoice
        var hadBOM: Bool
    }

    static func decode(_ data: Data, forced: TextEncodingChoice?, file: String) throws(KampagneError) -> Decoded {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) && (forced == nil || forced == .utf8) {
            return Decoded(text: try utf8(bytes.dropFirst(3), file: file), encoding: .utf8, hadBOM: true)
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) || forced == .utf16 {
            return Decoded(text: try utf16(bytes, file: file), encoding: .utf16, hadBOM: bytes.count >= 2)
        }
        if let nul = bytes.firstIndex(of: 0) {
            let evenZeros = stride(from: 1, to: min(bytes.count, 400), by: 2).allSatisfy { bytes[$0] == 0 }
            if forced == nil, bytes.count >= 4, evenZeros {
                return Decoded(text: try utf16(bytes, file: file), encoding: .utf16, hadBOM: false)
            }
            throw .invalidInput("\(file):\(line(of: nul, in: bytes)): filen indeholder NUL-tegn; "
                + "det er ikke en tekstfil (CSV). Gem den som \"CSV (semikolonsepareret)\" fra Excel.")
        }
        switch forced {
        case .utf8:
            return Decoded(text: try utf8(bytes[...], file: file), encoding: .utf8, hadBOM: false)
        case .windows1252:
            return Decoded(text: windows1252(bytes), encoding: .windows1252, hadBOM: false)
        case .latin1:
            return Decoded(text: latin1(bytes), encoding: .latin1, hadBOM: false)
        case .utf16:
            return Decoded(text: try utf16(bytes, file: file), encoding: .utf16, hadBOM: false)
        case nil:
            if let text = String(validating: bytes, as: UTF8.self) {
                return Decoded(text: text, encoding: .utf8, hadBOM: false)
            }
            if containsUTF8Letters(bytes) {
                let bad = firstInvalidUTF8(bytes) ?? 0
                throw .field("encoding", "\(file):\(line(of: bad, in: bytes)): filen blander tegnsæt "
                    + "(både UTF-8 og Windows-1252). Gem den igen med ét tegnsæt, "
                    + "eller vælg filens tegnsæt.")
            }
            return Decoded(text: windows1252(bytes), encoding: .windows1252, hadBOM: false)
        }
    }

    private static func utf8(_ bytes: ArraySlice<UInt8>, file: String) throws(KampagneError) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        let all = Array(bytes)
        let bad = firstInvalidUTF8(all) ?? 0
        throw .field("encoding", "\(file):\(line(of: bad, in: all)): ugyldig UTF-8; "
            + "vælg tegnsættet windows-1252, hvis filen kommer fra Excel")
    }

    private static func utf16(_ bytes: [UInt8], file: String) throws(KampagneError) -> String {
        var bigEndian = false
        var start = 0
        if bytes.starts(with: [0xFF, 0xFE]) { start = 2 }
        if bytes.starts(with: [0xFE, 0xFF]) { start = 2; bigEndian = true }
        guard (bytes.count - start) % 2 == 0 else {
            throw .invalidInput("\(file): filen ligner UTF-16, men har et ulige antal bytes")
        }
        var units: [UInt16] = []
        units.reserveCapacity((bytes.count - start) / 2)
        var i = start
        while i + 1 < bytes.count {
            units.append(bigEndian ? UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1])
                                   : UInt16(bytes[i + 1]) << 8 | UInt16(bytes[i]))
            i += 2
        }
        guard let text = String(validating: units, as: UTF16.self) else {
            throw .invalidInput("\(file): ugyldig UTF-16")
        }
        if text.unicodeScalars.contains("\u{0}") {
            throw .invalidInput("\(file): filen indeholder NUL-tegn; det er ikke en tekstfil (CSV)")
        }
        return text
    }

    /// Windows-1252's printable characters in 0x80–0x9F; the five undefined bytes map to C1 controls.
    private static let cp1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    static func windows1252(_ bytes: [UInt8]) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        for byte in bytes {
            let value = (0x80...0x9F).contains(byte) ? cp1252High[Int(byte) - 0x80] : UInt32(byte)
            if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
        }
        return String(scalars)
    }

    private static func latin1(_ bytes: [UInt8]) -> String {
        String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    /// Well-formed two-byte UTF-8 sequences for letters (æ, ø, å, é, …): a sign that the file
    /// is meant as UTF-8 even though some bytes are not.
    private static func containsUTF8Letters(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == 0xC3, (0x80...0xBF).contains(bytes[i + 1]),
               i + 2 >= bytes.count || bytes[i + 2] < 0x80 || bytes[i + 2] >= 0xC0 {
                return true
            }
            i += 1
        }
        return false
    }

    private static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length: Int
            switch b {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return i
            }
            if i + length > bytes.count { return i }
            for j in 1..<length where bytes[i + j] & 0xC0 != 0x80 { return i }
            i += length
        }
        return nil
    }

    /// 1-based line number of byte offset `offset`, counting LF, CRLF and lone CR.
    static func line(of offset: Int, in bytes: [UInt8]) -> Int {
        var line = 1
        var i = 0
        while i < offset && i < bytes.count {
            if bytes[i] == 0x0A { line += 1 }
            if bytes[i] == 0x0D, i + 1 >= bytes.count || bytes[i + 1] != 0x0A { line += 1 }
            i += 1
        }
        return line
    }
}
