import Foundation

/// A template rendered once per campaign with markers where the personal values go, so each
/// recipient costs a string join instead of a Mustache render. Gives exactly the bytes a full
/// render gives (tested); templates that branch on personal values are not prepared.
struct PreparedTemplate: Sendable {
    enum Piece: Sendable {
        case text(String)
        case value(Int, escaped: Bool)
    }

    let pieces: [Piece]
    /// The static pieces quoted-printable encoded once (see `QuotedPrintableEncoder.Encoded`).
    private let encodedPieces: [EncodedPiece]
    /// The size of the static text: the output of a render is about this long.
    private let staticBytes: Int

    private enum EncodedPiece: Sendable {
        case text(QuotedPrintableEncoder.Encoded)
        case value(Int, escaped: Bool)
    }

    /// The marker standing in for value `index`. It carries an "&" so the output shows whether
    /// Mustache HTML-escaped that occurrence ("&amp;") or not.
    static func marker(_ index: Int) -> String { "\u{E000}\(index)&\u{E001}" }

    init(rendered output: String) {
        var pieces: [Piece] = []
        var rest = Substring(output)
        while let open = rest.firstIndex(of: "\u{E000}") {
            if open > rest.startIndex { pieces.append(.text(String(rest[..<open]))) }
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "\u{E001}") else { break }
            let inner = rest[afterOpen..<close]
            let digits = inner.prefix { $0.isNumber }
            let escaped = inner.dropFirst(digits.count) == "&amp;"
            pieces.append(.value(Int(digits) ?? 0, escaped: escaped))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        self.pieces = pieces
        encodedPieces = pieces.map { piece in
            switch piece {
            case .text(let text): .text(QuotedPrintableEncoder.Encoded(text))
            case .value(let index, let escaped): .value(index, escaped: escaped)
            }
        }
        staticBytes = pieces.reduce(0) { total, piece in
            if case .text(let text) = piece { return total + text.utf8.count }
            return total
        }
    }

    func render(_ values: [String]) -> String {
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let text): out += text
            case .value(let index, let escaped):
                let value = index < values.count ? values[index] : ""
                out += escaped ? Self.htmlEscape(value) : value
            }
        }
        return out
    }

    /// `render(values)` quoted-printable encoded, the same bytes as encoding it whole; only the
    /// personal values and the first line of each static piece are encoded here.
    func quotedPrintable(_ values: [String]) -> [UInt8] {
        var encoder = QuotedPrintableEncoder(capacity: staticBytes + staticBytes / 4 + 256)
        for piece in encodedPieces {
            switch piece {
            case .text(let encoded): encoder.append(encoded)
            case .value(let index, let escaped):
                let value = index < values.count ? values[index] : ""
                encoder.append(escaped ? Self.htmlEscape(value) : value)
            }
        }
        return encoder.finish()
    }

    /// The same escaping swift-mustache applies to `{{value}}`.
    static func htmlEscape(_ text: String) -> String { HTMLText.escape(text) }
}

/// HTML escaping for text put into a page or message by hand.
public enum HTMLText {
    /// `<`, `>`, `&`, `"` and `'` as entities: what swift-mustache does to `{{value}}`.
    public static func escape(_ text: String) -> String {
        guard text.contains(where: { "<>&\"'".contains($0) }) else { return text }
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
