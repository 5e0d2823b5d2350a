import Foundation

/// An RFC 3463 enhanced status code (`class.subject.detail`, e.g. 5.1.1), as an SMTP reply
/// (RFC 2034) or a DSN's `Status:` field carries it.
public struct EnhancedStatusCode: Sendable, Equatable, CustomStringConvertible {
    public var statusClass: Int
    public var subject: Int
    public var detail: Int

    public init(statusClass: Int, subject: Int, detail: Int) {
        self.statusClass = statusClass
        self.subject = subject
        self.detail = detail
    }

    public var description: String { "\(statusClass).\(subject).\(detail)" }

    /// The code at the start of `text`, after an optional three-digit reply code and its
    /// separator: "550 5.1.1 User unknown", "550-5.7.1 …", "5.2.2". Nil when there is none, or
    /// when its class contradicts the reply code's first digit (RFC 2034 requires they agree).
    public init?(parsing text: some StringProtocol) {
        var bytes = Array(text.utf8.prefix(24))[...]
        func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
        var replyClass: UInt8?
        if bytes.count >= 4, isDigit(bytes[bytes.startIndex]), isDigit(bytes[bytes.startIndex + 1]),
           isDigit(bytes[bytes.startIndex + 2]), bytes[bytes.startIndex + 3] == 32 || bytes[bytes.startIndex + 3] == 45 {
            replyClass = bytes[bytes.startIndex]
            bytes = bytes.dropFirst(4)
        }
        while bytes.first == 32 { bytes = bytes.dropFirst() }
        var parts: [Int] = []
        var current = 0
        var digits = 0
        for byte in bytes {
            if isDigit(byte) {
                guard digits < 3 else { return nil }
                current = current * 10 + Int(byte - 48)
                digits += 1
            } else if byte == 46 && parts.count < 2 && digits > 0 {
                parts.append(current)
                current = 0
                digits = 0
            } else {
                break
            }
        }
        guard digits > 0, parts.count == 2 else { return nil }
        parts.append(current)
        guard [2, 4, 5].contains(parts[0]) else { return nil }
        if let replyClass, Int(replyClass - 48) != parts[0] { return nil }
        self.init(statusClass: parts[0], subject: parts[1], detail: parts[2])
    }
}

/// What an SMTP refusal (or a DSN status) means for the recipient. The enhanced status code
/// decides; the reply text is read only when the server sent none.
public enum SMTPReplyClass: String, Sendable, Codable, Equatable {
    /// Accepted (2xx).
    case accepted
    /// The mailbox does not exist (5.1.1, 5.1.2, 5.1.10 and the like): suppress the address.
    case mailboxUnknown
    /// The mailbox is full (x.2.2): try again later; the address is kept.
    case mailboxFull
    /// Refused for policy, blocklisting, authentication (5.7.x): failed, never suppressed,
    /// because the address itself is fine.
    case policy
    /// Any other temporary refusal (4xx): try again later.
    case temporary
    /// Any other permanent refusal (5xx): failed, not suppressed.
    case permanent

    /// Classifies a reply code and its text (`"550 5.1.1 <a@x.example>: User unknown"`).
    public init(code: Int, reply: String) {
        switch code {
        case 200..<400: self = .accepted; return
        case 400..<500: self = Self(status: EnhancedStatusCode(parsing: reply), fallback: reply, permanent: false)
        default: self = Self(status: EnhancedStatusCode(parsing: reply), fallback: reply, permanent: true)
        }
    }

    /// Classifies a DSN `Status:` value ("5.1.1") with an optional diagnostic text.
    public init(status: String, diagnostic: String = "") {
        let code = EnhancedStatusCode(parsing: status)
        self = Self(status: code, fallback: diagnostic, permanent: code.map { $0.statusClass == 5 } ?? true)
        if code?.statusClass == 2 { self = .accepted }
    }

    private init(status: EnhancedStatusCode?, fallback text: String, permanent: Bool) {
        if let status {
            switch (status.statusClass, status.subject, status.detail) {
            case (2, _, _): self = .accepted
            case (_, 2, 2): self = .mailboxFull
            case (4, _, _): self = .temporary
            case (5, 1, 1), (5, 1, 2), (5, 1, 10): self = .mailboxUnknown
            // 5.1.0 is "other address status": a mailbox only when the text says so.
            case (5, 1, 0) where Self.textSaysUnknown(text): self = .mailboxUnknown
            case (5, 7, _): self = .policy
            default: self = .permanent
            }
            return
        }
        let lower = text.lowercased()
        if Self.policyWords.contains(where: lower.contains) {
            self = permanent ? .policy : .temporary
        } else if Self.fullWords.contains(where: lower.contains) {
            self = .mailboxFull
        } else if !permanent {
            self = .temporary
        } else if Self.textSaysUnknown(lower) {
            self = .mailboxUnknown
        } else {
            self = .permanent
        }
    }

    private static let unknownWords = ["user unknown", "unknown user", "no such user", "does not exist", "no mailbox",
                                       "invalid recipient", "mailbox unavailable", "unknown recipient", "no such mailbox"]
    private static let policyWords = ["policy", "blocked", "blocklist", "blacklist", "listed", "spam", "denied",
                                      "not authorized", "authentication required", "relay"]
    private static let fullWords = ["mailbox full", "over quota", "quota exceeded", "mailbox is full", "insufficient storage"]

    private static func textSaysUnknown(_ text: String) -> Bool {
        let lower = text.lowercased()
        return unknownWords.contains(where: lower.contains)
    }

    /// Whether the address goes on the suppression list (a hard bounce).
    public var suppresses: Bool { self == .mailboxUnknown }
    /// Whether the message is tried again later.
    public var retries: Bool { self == .temporary || self == .mailboxFull }
}
