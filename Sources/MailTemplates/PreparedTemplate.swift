import Foundation

/// A template rendered once per campaign with markers where the personal values go, so each
/// recipient costs a string join instead of a Mustache render. Gives exactly the bytes a full
/// render gives (tested); templates that branch on personal values are not prepared.
struct PreparedTemplate: Sendable {
    /// A static piece keeps its quoted-printable encoding, made once (see
    /// `QuotedPrintableEncoder.Encoded`).
    enum Piece: Sendable {
        case text(String, QuotedPrintableEncoder.Encoded)
        case value(Int, escaped: Bool)
    }

    let pieces: [Piece]
    /// The size of the static text: the output of a render is about this long.
    private let staticBytes: Int

    /// The marker standing in for value `index`. It carries an "&" so the output shows whether
    /// Mustache HTML-escaped that occurrence ("&amp;") or not.
    static func marker(_ index: Int) -> String { "\u{E000}\(index)&\u{E001}" }

    init(rendered output: String) {
        var pieces: [Piece] = []
        var rest = Substring(output)
        func text(_ text: Substring) -> Piece { .text(String(text), QuotedPrintableEncoder.Encoded(String(text))) }
        while let open = rest.firstIndex(of: "\u{E000}") {
            if open > rest.startIndex { pieces.append(text(rest[..<open])) }
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "\u{E001}") else { break }
            let inner = rest[afterOpen..<close]
            let digits = inner.prefix { $0.isNumber }
            let escaped = inner.dropFirst(digits.count) == "&amp;"
            pieces.append(.value(Int(digits) ?? 0, escaped: escaped))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { pieces.append(text(rest)) }
        self.pieces = pieces
        staticBytes = pieces.reduce(0) { total, piece in
            if case .text(let text, _) = piece { return total + text.utf8.count }
            return total
        }
    }

    /// Personal value `index` as it goes in: HTML-escaped where Mustache escaped it.
    private func value(_ index: Int, escaped: Bool, in values: [String]) -> String {
        let value = index < values.count ? values[index] : ""
        return escaped ? HTMLText.escape(value) : value
    }

    func render(_ values: [String]) -> String {
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let text, _): out += text
            case .value(let index, let escaped): out += value(index, escaped: escaped, in: values)
            }
        }
        return out
    }

    /// `render(values)` quoted-printable encoded, the same bytes as encoding it whole; only the
    /// personal values and the first line of each static piece are encoded here.
    func quotedPrintable(_ values: [String]) -> [UInt8] {
        var encoder = QuotedPrintableEncoder(capacity: staticBytes + staticBytes / 4 + 256)
        for piece in pieces {
            switch piece {
            case .text(_, let encoded): encoder.append(encoded)
            case .value(let index, let escaped): encoder.append(value(index, escaped: escaped, in: values))
            }
        }
        return encoder.finish()
    }
}

/// HTML escaping for text put into a page or message by hand.
public enum HTMLText {
    /// `<`, `>`, `&`, `"` and `'` as entities: what swift-mustache does to `{{value}}`.
    public static func escape(_ text: String) -> String {
        // No byte of these: no Character of them either (asking each Character whether it is
        // one of five was 90,000 instructions per message, three escaped values; callgrind,
        // bench/RESULTS.md "Issue 16, session 7, send path"). A text with one goes through
        // the Character loop as before, so a "<" carrying a combining mark stays as it was.
        guard text.utf8.contains(where: { $0 == 60 || $0 == 62 || $0 == 38 || $0 == 34 || $0 == 39 }) else { return text }
        return escapeCharacters(text)
    }

    /// `escape` over Characters for any text: the rule, and the reference of the byte check.
    static func escapeCharacters(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
