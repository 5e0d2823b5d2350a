import Foundation

/// Text that may end up in a mail header: one line, no control characters. Anything from a
/// contact, an edition or a template passes through here before it can reach a header.
public enum HeaderText {
    public static func clean(_ text: String) -> String {
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
}
