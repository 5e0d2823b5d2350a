import Foundation
import Ink

/// Markdown as the two halves of a message need it: HTML for the HTML part, readable plain
/// text (links written out) for the text part.
public enum MarkdownText {
    public static func html(_ markdown: String) -> String {
        MarkdownParser().html(from: markdown)
    }

    /// Plain text: emphasis markers dropped, `[text](url)` as `text (url)`, `![alt](url)` as alt,
    /// heading marks removed, paragraphs wrapped at 72 characters.
    public static func plain(_ markdown: String) -> String {
        var paragraphs: [String] = []
        var current: [String] = []
        func flush() {
            if !current.isEmpty { paragraphs.append(current.joined(separator: " ")) }
            current = []
        }
        for raw in markdown.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                flush()
                paragraphs.append("")
                continue
            }
            let isHeading = trimmed.hasPrefix("#")
            let isListItem = trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") || trimmed.first?.isNumber == true && trimmed.contains(". ")
            while line.hasPrefix("#") { line.removeFirst() }
            line = inline(line.trimmingCharacters(in: .whitespaces))
            if isHeading || isListItem || line.hasPrefix(">") { flush() }
            current.append(line)
            if isHeading { flush() }
        }
        flush()
        var collapsed: [String] = []
        for paragraph in paragraphs where !(paragraph.isEmpty && (collapsed.last?.isEmpty ?? true)) {
            collapsed.append(paragraph)
        }
        while collapsed.last?.isEmpty == true { collapsed.removeLast() }
        return collapsed.map { wrap($0, width: 72) }.joined(separator: "\n")
    }

    private static func inline(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(where: { $0 == "[" || $0 == "!" }) {
            out += rest[..<open]
            var cursor = open
            let isImage = rest[cursor] == "!"
            if isImage {
                cursor = rest.index(after: cursor)
                guard cursor < rest.endIndex, rest[cursor] == "[" else { out.append("!"); rest = rest[rest.index(after: open)...]; continue }
            }
            guard let close = rest[cursor...].firstIndex(of: "]"),
                  rest.index(after: close) < rest.endIndex, rest[rest.index(after: close)] == "(",
                  let end = rest[close...].firstIndex(of: ")") else {
                out.append(rest[open])
                rest = rest[rest.index(after: open)...]
                continue
            }
            let label = rest[rest.index(after: cursor)..<close]
            let url = rest[rest.index(close, offsetBy: 2)..<end]
            out += isImage ? String(label) : (label == url ? String(url) : "\(label) (\(url))")
            rest = rest[rest.index(after: end)...]
        }
        out += rest
        return out.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "__", with: "")
            .replacingOccurrences(of: "`", with: "")
    }

    private static func wrap(_ line: String, width: Int) -> String {
        guard line.count > width, !line.hasPrefix("    ") else { return line }
        let indent = line.prefix { $0 == " " || $0 == "-" || $0 == "*" || $0.isNumber || $0 == "." }
        var out: [String] = []
        var current = ""
        for word in line.split(separator: " ") {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count > width {
                out.append(current)
                current = String(repeating: " ", count: min(indent.count, 4)) + word
            } else {
                current += " " + word
            }
        }
        if !current.isEmpty { out.append(current) }
        return out.joined(separator: "\n")
    }
}
