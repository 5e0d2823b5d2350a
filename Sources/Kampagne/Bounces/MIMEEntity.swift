import Foundation

/// A MIME entity read leniently from raw bytes: header fields, and the body or the parts of a
/// multipart body. Enough of RFC 2045/2046 to take reports apart; a truncated message (the
/// mailbox fetch stops after a set number of bytes) parses as far as it goes.
struct MIMEEntity: Sendable {
    var headers: [(name: String, value: String)]
    /// The body as text: ISO 8859-1 byte for byte, so nothing fails to decode.
    var body: String
    var parts: [MIMEEntity]

    /// How deep multiparts may nest and how many parts one may have: a hostile message must
    /// not make the parser recurse or loop without end.
    static let maxDepth = 6
    static let maxParts = 64

    init(data: Data) {
        self.init(text: String(mimeBytes: data), depth: 0)
    }

    init(text: String, depth: Int = 0) {
        let (head, body) = Self.split(text)
        headers = Self.fields(head)
        self.body = body
        parts = []
        let type = contentType
        if type.type == "multipart", let boundary = type.parameters["boundary"], !boundary.isEmpty, depth < Self.maxDepth {
            parts = Self.parts(of: body, boundary: boundary).prefix(Self.maxParts).map { MIMEEntity(text: $0, depth: depth + 1) }
        }
    }

    /// The first field called `name` (case-insensitive), unfolded and trimmed.
    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    func headers(_ name: String) -> [String] {
        headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    /// `Content-Type`, lower-cased; text/plain when absent or unreadable.
    var contentType: ContentType { ContentType(header("Content-Type") ?? "text/plain") }

    /// The body with its transfer encoding undone (base64 and quoted-printable).
    var decodedBody: String {
        switch header("Content-Transfer-Encoding")?.lowercased() {
        case "base64":
            let compact = body.filter { !$0.isWhitespace }
            guard let data = Data(base64Encoded: compact, options: .ignoreUnknownCharacters) else { return body }
            return String(mimeBytes: data)
        case "quoted-printable":
            return Self.unquote(body)
        default:
            return body
        }
    }

    /// Every entity in this one, depth first, this one included.
    var all: [MIMEEntity] { [self] + parts.flatMap(\.all) }

    /// A parsed `Content-Type` value.
    struct ContentType: Sendable {
        var type: String
        var subtype: String
        var parameters: [String: String]
        var full: String { "\(type)/\(subtype)" }

        init(_ value: String) {
            let pieces = Self.splitParameters(value)
            let media = (pieces.first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            let halves = media.split(separator: "/", maxSplits: 1)
            type = halves.count == 2 ? String(halves[0]) : "text"
            subtype = halves.count == 2 ? String(halves[1]) : "plain"
            var parameters: [String: String] = [:]
            for piece in pieces.dropFirst() {
                guard let equals = piece.firstIndex(of: "=") else { continue }
                let key = piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
                var value = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                parameters[key] = value
            }
            self.parameters = parameters
        }

        /// Splits at semicolons outside quotes.
        private static func splitParameters(_ value: String) -> [String] {
            var pieces: [String] = []
            var current = ""
            var quoted = false
            for character in value {
                if character == "\"" { quoted.toggle() }
                if character == ";" && !quoted {
                    pieces.append(current)
                    current = ""
                } else {
                    current.append(character)
                }
            }
            pieces.append(current)
            return pieces
        }
    }

    /// Header block and body: split at the first empty line. (Line ends are LF by now.)
    static func split(_ text: String) -> (head: Substring, body: String) {
        if text.hasPrefix("\n") { return (text.prefix(0), String(text.dropFirst())) }
        guard let gap = text.range(of: "\n\n") else { return (text[...], "") }
        return (text[..<gap.lowerBound], String(text[gap.upperBound...]))
    }

    /// Header fields from a header block: continuation lines joined, malformed lines skipped.
    static func fields<S: StringProtocol>(_ block: S) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        for line in block.split(separator: "\n", omittingEmptySubsequences: true) {
            if let first = line.first, first == " " || first == "\t" {
                guard !fields.isEmpty else { continue }
                fields[fields.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !name.contains(" ") else { continue }
            fields.append((name, line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return fields
    }

    /// The bodies between `--boundary` lines; the last one may lack its closing delimiter.
    static func parts(of body: String, boundary: String) -> [String] {
        let delimiter = "--" + boundary
        var parts: [String] = []
        var current: [Substring]?
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(delimiter) {
                let rest = line.dropFirst(delimiter.count)
                if let lines = current { parts.append(lines.joined(separator: "\n")) }
                if rest.hasPrefix("--") { return parts }
                current = []
                continue
            }
            current?.append(line)
        }
        if let lines = current, !lines.isEmpty { parts.append(lines.joined(separator: "\n")) }
        return parts
    }

    /// Quoted-printable undone, bytes kept as ISO 8859-1 characters.
    static func unquote(_ text: String) -> String {
        var bytes: [UInt8] = []
        let source = Array(text.unicodeScalars)
        var index = 0
        while index < source.count {
            let scalar = source[index]
            if scalar == "=", index + 1 < source.count {
                if source[index + 1] == "\n" { index += 2; continue }
                if index + 2 < source.count, let byte = UInt8(String(source[index + 1]) + String(source[index + 2]), radix: 16) {
                    bytes.append(byte)
                    index += 3
                    continue
                }
            }
            bytes.append(scalar.value < 256 ? UInt8(scalar.value) : UInt8(ascii: "?"))
            index += 1
        }
        return String(mimeBytes: Data(bytes))
    }
}

extension String {
    /// Bytes as ISO 8859-1 (every byte one character, so any input decodes), line ends as LF.
    init(mimeBytes data: Data) {
        self = (String(data: data, encoding: .isoLatin1) ?? "").replacingOccurrences(of: "\r\n", with: "\n")
    }
}
