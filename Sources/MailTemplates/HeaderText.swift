import Foundation

/// Text that may end up in a mail header: one line, no control characters. Anything from a
/// contact, an edition or a template passes through here before it can reach a header.
public enum HeaderText {
    public static func clean(_ text: String) -> String {
        if isClean(text) { return text }
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
    private static func isClean(_ text: String) -> Bool {
        var previousSpace = true
        var continuation = false
        for byte in text.utf8 {
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
        return !continuation && (!previousSpace || text.isEmpty)
    }
}
