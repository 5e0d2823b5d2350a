import Foundation

/// Text that may end up in a mail header: one line, no control characters. Anything from a
/// contact, an edition or a template passes through here before it can reach a header.
public enum HeaderText {
    public static func clean(_ text: String) -> String {
        isClean(text) ? text : cleanScalars(text)
    }

    /// `clean` scalar by scalar, for text the quick check did not pass.
    static func cleanScalars(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var space = false
        for scalar in text.unicodeScalars {
            let category = scalar.properties.generalCategory
            if scalar == " " || scalar.properties.isWhitespace || category == .lineSeparator || category == .paragraphSeparator {
                space = !out.isEmpty
                continue
            }
            if category == .control || category == .format { continue }
            if space { out.append(" "); space = false }
            out.append(scalar)
        }
        return String(out)
    }

    /// Printable ASCII or Latin-1 letters with single inner spaces: nothing to change.
    /// Over the string's own bytes where it has them: `String.UTF8View`'s iterator cost 40
    /// instructions a byte, 2.9 % of an import (callgrind, bench/RESULTS.md, session 11).
    static func isClean(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { isClean(bytes: $0) } ?? isClean(bytes: text.utf8)
    }

    static func isClean<Bytes: Sequence<UInt8>>(bytes: Bytes) -> Bool {
        var previousSpace = true
        var continuation = false
        var empty = true
        for byte in bytes {
            empty = false
            if continuation {
                guard byte >= 0x80 && byte < 0xC0 else { return false }
                continuation = false
                previousSpace = false
                continue
            }
            if byte == 0xC3 { continuation = true; continue }
            guard byte >= 0x20 && byte < 0x7F else { return false }
            if byte == 0x20 && previousSpace { return false }
            previousSpace = byte == 0x20
        }
        return !continuation && (!previousSpace || empty)
    }
}
