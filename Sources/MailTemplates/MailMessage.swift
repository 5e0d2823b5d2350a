import Foundation

/// A file attached to a message (an `.ics` invitation, a programme as PDF).
public struct Attachment: Sendable, Equatable {
    public var filename: String
    public var contentType: String
    public var data: Data

    public init(filename: String, contentType: String, data: Data) {
        self.filename = filename
        self.contentType = contentType
        self.data = data
    }
}

/// A mailbox: an address with an optional display name.
public struct Mailbox: Sendable, Equatable {
    public var name: String
    public var address: String

    public init(name: String = "", address: String) {
        self.name = name
        self.address = address
    }
}

/// One e-mail, everything it needs to become RFC 5322 bytes. Date and Message-ID are inputs,
/// so the same message always gives the same bytes.
public struct MailMessage: Sendable, Equatable {
    public var from: Mailbox
    public var to: Mailbox
    public var replyTo: Mailbox?
    public var subject: String
    public var date: Date
    /// Without angle brackets: `local@domain`.
    public var messageID: String
    public var text: String
    public var html: String?
    public var attachments: [Attachment] = []
    /// Further headers in order (List-Id, List-Unsubscribe, …). Names must be plain ASCII.
    public var headers: [(String, String)] = []

    public init(from: Mailbox, to: Mailbox, subject: String, date: Date, messageID: String, text: String, html: String? = nil) {
        self.from = from
        self.to = to
        self.subject = subject
        self.date = date
        self.messageID = messageID
        self.text = text
        self.html = html
    }

    public static func == (lhs: MailMessage, rhs: MailMessage) -> Bool { lhs.rendered() == rhs.rendered() }

    /// The message as it goes on the wire: CRLF line ends, 7-bit clean.
    public func rendered() -> Data {
        rendered(quotedText: MIME.quotedPrintableBytes(text), quotedHTML: html.map(MIME.quotedPrintableBytes))
    }

    /// The From and Reply-To header lines: the same for every message of a campaign, so the
    /// renderer makes them once (`rendered(senderHeaders:)`).
    static func senderHeaders(from: Mailbox, replyTo: Mailbox?) -> [String] {
        var lines = [MIME.header("From", MIME.mailbox(from), encoded: false)]
        if let replyTo { lines.append(MIME.header("Reply-To", MIME.mailbox(replyTo), encoded: false)) }
        return lines
    }

    /// The message as it goes on the wire, given its text and HTML already quoted-printable
    /// encoded (`quotedHTML` nil: no HTML part) and, optionally, its Subject header line:
    /// the prepared templates encode their static parts once per campaign, and the subject
    /// is the same for every recipient. `text` and `html` are not read.
    func rendered(quotedText: [UInt8], quotedHTML: [UInt8]?, subjectHeader: String? = nil,
                  senderHeaders: [String]? = nil) -> Data {
        var head: [String] = []
        head.append(MIME.header("Date", MIME.date(date)))
        head.append(contentsOf: senderHeaders ?? Self.senderHeaders(from: from, replyTo: replyTo))
        head.append(MIME.header("To", MIME.mailbox(to), encoded: false))
        head.append(subjectHeader ?? MIME.header("Subject", subject))
        head.append(MIME.header("Message-ID", "<\(HeaderText.clean(messageID))>", encoded: false))
        head.append("MIME-Version: 1.0")
        for (name, value) in headers {
            let cleanName = String(decoding: name.utf8.filter(MIME.isHeaderNameByte), as: UTF8.self)
            guard !cleanName.isEmpty else { continue }
            head.append(MIME.header(cleanName, value))
        }
        let boundary = MIME.boundary(for: messageID)
        var body: [UInt8] = []
        body.reserveCapacity(quotedText.count + (quotedHTML?.count ?? 0) + 512)
        func textPart() {
            body += MIME.partHead("text/plain; charset=utf-8").utf8
            body += quotedText
        }
        let alternative = boundary + "_alt"
        let alternativeType = "multipart/alternative; boundary=\"\(alternative)\""
        // The multipart/alternative of text and HTML, written to body.
        func writeAlternative(_ quotedHTML: [UInt8]) {
            body += "--\(alternative)\r\n".utf8
            textPart()
            body += "\r\n--\(alternative)\r\n".utf8
            body += MIME.partHead("text/html; charset=utf-8").utf8
            body += quotedHTML
            body += "\r\n--\(alternative)--\r\n".utf8
        }
        if attachments.isEmpty {
            if let quotedHTML {
                head.append(MIME.fold("Content-Type: \(alternativeType)"))
                writeAlternative(quotedHTML)
            } else {
                head.append("Content-Type: text/plain; charset=utf-8")
                head.append("Content-Transfer-Encoding: quoted-printable")
                body += quotedText
            }
        } else {
            let mixed = boundary + "_mix"
            head.append(MIME.fold("Content-Type: multipart/mixed; boundary=\"\(mixed)\""))
            body += "--\(mixed)\r\n".utf8
            if let quotedHTML {
                body += (MIME.fold("Content-Type: \(alternativeType)") + "\r\n\r\n").utf8
                writeAlternative(quotedHTML)
            } else {
                textPart()
            }
            body += "\r\n".utf8
            for attachment in attachments {
                body += "--\(mixed)\r\n\(MIME.attachment(attachment))\r\n".utf8
            }
            body += "--\(mixed)--\r\n".utf8
        }
        var wire = Data()
        wire.reserveCapacity(body.count + 1_024)
        wire.append(contentsOf: (head.joined(separator: "\r\n") + "\r\n\r\n").utf8)
        wire.append(contentsOf: body)
        return wire
    }
}

/// The encodings of RFC 2045, 2047 and 2231, written out.
enum MIME {
    /// A header, folded to lines of at most 78 characters; non-ASCII text as encoded-words.
    static func header(_ name: String, _ value: String, encoded: Bool = true) -> String {
        let clean = HeaderText.clean(value)
        if encoded && !clean.utf8.allSatisfy({ $0 < 0x80 }) {
            return "\(name): " + encodedWords(clean, firstLineUsed: name.count + 2).joined(separator: "\r\n ")
        }
        return fold("\(name): \(clean)")
    }

    /// Folds an ASCII header line at spaces so lines stay within 78 characters where possible.
    /// Lines of at most 78 bytes come back as they are, and ASCII lines without a CR are folded
    /// over their bytes (`foldCharacters`, the same rule over Characters, handles the rest):
    /// counting Characters was 54,000 instructions per message, four folds, most of a
    /// message's header cost with `mailbox` (callgrind, bench/RESULTS.md "Issue 16, session
    /// 7, send path"). `HeaderFoldingTests` checks both give the same text.
    static func fold(_ line: String) -> String {
        // A line of at most 78 bytes has at most 78 characters.
        guard line.utf8.count > 78 else { return line }
        // In ASCII without a CR (CRLF is one Character) a byte is a Character.
        guard line.utf8.allSatisfy({ $0 < 0x80 && $0 != 13 }) else { return foldCharacters(line) }
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        current.reserveCapacity(80)
        for word in line.utf8.split(separator: 32, omittingEmptySubsequences: false) {
            if current.isEmpty {
                current.append(contentsOf: word)
            } else if current.count + 1 + word.count > 78 {
                lines.append(current)
                current = Array(word)
            } else {
                current.append(32)
                current.append(contentsOf: word)
            }
        }
        lines.append(current)
        var out: [UInt8] = []
        out.reserveCapacity(line.utf8.count + 3 * lines.count)
        for (index, folded) in lines.enumerated() {
            if index > 0 { out.append(contentsOf: [13, 10, 32]) }
            out.append(contentsOf: folded)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `fold` over Characters: the rule for any text, and the reference of the byte path.
    static func foldCharacters(_ line: String) -> String {
        guard line.count > 78 else { return line }
        var lines: [String] = []
        var current = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count > 78 {
                lines.append(current)
                current = String(word)
            } else {
                current += " " + word
            }
        }
        lines.append(current)
        return lines.joined(separator: "\r\n ")
    }

    /// RFC 2047 B-encoded words, each within the line limit, split only between characters.
    static func encodedWords(_ text: String, firstLineUsed: Int = 0) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        // 75 characters per word: "=?UTF-8?B?" + base64 + "?=" leaves 63 for base64 = 45 bytes.
        var limit = max(9, min(45, (78 - firstLineUsed - 12) / 4 * 3))
        for character in text {
            let bytes = character.utf8
            if chunk.count + bytes.count > limit, !chunk.isEmpty {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
                limit = 45
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty {
            words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
        }
        return words
    }

    /// RFC 5322 atext and the space: a display name of only these needs no quotes.
    private static let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~ ".utf8)
    /// `atext` as a table by byte: a set look-up per byte of every display name was 10 % of a
    /// message's `mailbox` cost.
    private static let atextTable: [Bool] = (0..<256).map { atext.contains(UInt8($0)) }

    /// `Name <address>`, the name quoted or encoded as needed.
    static func mailbox(_ mailbox: Mailbox) -> String {
        // An internationalised domain as its A-label: a header carries no raw 8-bit.
        let address = IDNA.asciiAddress(addressCharacters(HeaderText.clean(mailbox.address)))
        let name = HeaderText.clean(mailbox.name)
        guard !name.isEmpty else { return address }
        if name.utf8.allSatisfy({ $0 < 0x80 }) {
            if name.utf8.allSatisfy({ atextTable[Int($0)] }) { return "\(name) <\(address)>" }
            let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\" <\(address)>"
        }
        return encodedWords(name).joined(separator: "\r\n ") + " <\(address)>"
    }

    /// `address` without "<", ">", "," and spaces; an ASCII address (every one we send to)
    /// filtered by its bytes, anything else by Characters as before.
    static func addressCharacters(_ address: String) -> String {
        func unwanted(_ byte: UInt8) -> Bool { byte == 60 || byte == 62 || byte == 44 || byte == 32 }
        if address.utf8.allSatisfy({ $0 < 0x80 && $0 != 13 }) {
            guard address.utf8.contains(where: unwanted) else { return address }
            return String(decoding: address.utf8.filter { !unwanted($0) }, as: UTF8.self)
        }
        return address.filter { $0 != "<" && $0 != ">" && $0 != "," && $0 != " " }
    }

    private static let copenhagen = TimeZone(identifier: "Europe/Copenhagen") ?? TimeZone(secondsFromGMT: 3_600) ?? .current
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// RFC 5322 date in Copenhagen time, e.g. "Thu, 19 Aug 2010 16:00:00 +0200".
    static func date(_ date: Date) -> String {
        let offset = copenhagen.secondsFromGMT(for: date)
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down)) + time_t(offset)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let sign = offset < 0 ? "-" : "+"
        let hours = abs(offset) / 3_600, minutes = abs(offset) % 3_600 / 60
        return "\(weekdays[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) \(sign)\(two(Int32(hours)))\(two(Int32(minutes)))"
    }

    /// A boundary derived from the Message-ID: stable for the same message, and it starts with
    /// "=_", which quoted-printable and base64 bodies can never contain.
    static func boundary(for messageID: String) -> String {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in messageID.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        return "=_kampagne_" + String(hash, radix: 16)
    }

    /// The header lines of a quoted-printable body part, and the blank line after them.
    static func partHead(_ contentType: String) -> String {
        "Content-Type: \(contentType)\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
    }

    /// Letters, digits and "-": what a header name of ours may contain.
    static func isHeaderNameByte(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 45
    }

    static func attachment(_ attachment: Attachment) -> String {
        let name = HeaderText.clean(attachment.filename).replacingOccurrences(of: "/", with: "_")
        let ascii = name.unicodeScalars.allSatisfy { $0.isASCII && $0 != "\"" && $0 != "\\" }
        let quotedName = ascii ? "\"\(name)\"" : "\"" + encodedWords(name).joined(separator: " ") + "\""
        let type = HeaderText.clean(attachment.contentType)
        var lines = [fold("Content-Type: \(type); name=\(quotedName)")]
        lines.append("Content-Transfer-Encoding: base64")
        if ascii {
            lines.append(fold("Content-Disposition: attachment; filename=\(quotedName)"))
        } else {
            lines.append("Content-Disposition: attachment;\r\n filename*=UTF-8''" + percentEncoded(name))
        }
        let base64 = attachment.data.base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + base64 + "\r\n"
    }

    /// RFC 2231 value characters: attribute-char stays, everything else %XX of its UTF-8.
    static func percentEncoded(_ text: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~".utf8)
        return text.utf8.map { allowed.contains($0) ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0) }.joined()
    }

    /// Quoted-printable (RFC 2045 §6.7) of a whole text: see `QuotedPrintableEncoder`.
    static func quotedPrintableBytes(_ text: String) -> [UInt8] {
        var encoder = QuotedPrintableEncoder(capacity: text.utf8.count + text.utf8.count / 4 + 2)
        encoder.append(text)
        return encoder.finish()
    }

}
