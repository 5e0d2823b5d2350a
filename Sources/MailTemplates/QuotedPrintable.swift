import Foundation

/// Quoted-printable (RFC 2045 §6.7) as a stream: lines of at most 76 characters, CRLF line
/// ends (from CRLF, LF or CR), trailing white space and every non-ASCII byte encoded. Text can
/// be fed in pieces, and a piece encoded once (`Encoded`) can be appended to any stream: that
/// is how the static parts of a prepared template are encoded once per campaign, not per
/// message.
struct QuotedPrintableEncoder {
    static let maxLine = 76

    /// Where a stream stands between two bytes: all that decides how the next byte is written.
    struct State: Sendable, Equatable {
        /// Characters on the current output line.
        var length = 0
        /// A space or tab held back: it is encoded if the line ends right after it.
        var pendingSpace: UInt8?
        /// The last input byte was CR: an LF right after it is part of the same line break.
        var previousCR = false
    }

    /// A piece of text encoded once for appending to streams in any state. Up to and with
    /// its first line break the output depends on the stream's state, so those bytes are kept
    /// raw and encoded on each append; after the break every line starts afresh, so the rest
    /// is stored encoded, with the state it leaves behind.
    struct Encoded: Sendable {
        /// Raw UTF-8 up to and including the first line break (the whole piece if it has none).
        let head: [UInt8]
        /// The rest, encoded from the start of a line; nil when the piece has no line break.
        let rest: (bytes: [UInt8], state: State)?

        init(_ text: String) {
            let bytes = Array(text.utf8)
            guard let breakAt = bytes.firstIndex(where: { $0 == 10 || $0 == 13 }) else {
                head = bytes
                rest = nil
                return
            }
            // A CRLF pair stays together in the head.
            var end = breakAt + 1
            if bytes[breakAt] == 13, end < bytes.count, bytes[end] == 10 { end += 1 }
            head = Array(bytes[..<end])
            var encoder = QuotedPrintableEncoder()
            // The state any stream is in right after the head's line break.
            encoder.state = State(length: 0, pendingSpace: nil, previousCR: head.last == 13)
            encoder.append(bytes[end...])
            rest = (encoder.out, encoder.state)
        }
    }

    private(set) var out: [UInt8] = []
    private(set) var state = State()

    init(capacity: Int = 0) {
        out.reserveCapacity(capacity)
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    mutating func append(_ encoded: Encoded) {
        append(encoded.head)
        if let rest = encoded.rest {
            out.append(contentsOf: rest.bytes)
            state = rest.state
        }
    }

    mutating func append<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes {
            if byte == 10 && state.previousCR { state.previousCR = false; continue }
            state.previousCR = byte == 13
            if byte == 10 || byte == 13 {
                flushSpace(endOfLine: true)
                out.append(13); out.append(10)
                state.length = 0
                continue
            }
            flushSpace(endOfLine: false)
            if byte == 32 || byte == 9 {
                state.pendingSpace = byte
            } else if byte >= 33 && byte <= 126 && byte != 61 {
                literal(byte)
            } else {
                escaped(byte)
            }
        }
    }

    /// Ends the text: a held-back space is encoded, and the output ends with a line break.
    mutating func finish() -> [UInt8] {
        flushSpace(endOfLine: true)
        if out.last != 10 { out.append(13); out.append(10) }
        return out
    }

    private mutating func room(_ count: Int) {
        // Keep room for a soft break "=" on the line.
        if state.length + count > Self.maxLine - 1 {
            out.append(61); out.append(13); out.append(10)
            state.length = 0
        }
        state.length += count
    }

    private mutating func literal(_ byte: UInt8) {
        room(1)
        out.append(byte)
    }

    private mutating func escaped(_ byte: UInt8) {
        room(3)
        out.append(61); out.append(Self.hexDigits[Int(byte >> 4)]); out.append(Self.hexDigits[Int(byte & 15)])
    }

    private mutating func flushSpace(endOfLine: Bool) {
        guard let space = state.pendingSpace else { return }
        state.pendingSpace = nil
        if endOfLine { escaped(space) } else { literal(space) }
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
}
