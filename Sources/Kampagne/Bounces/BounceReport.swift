import Foundation

extension EnhancedStatusCode {
    /// What a DSN's status means for the message: 5.1.x (bad destination mailbox address) →
    /// hard bounce; other 5.x.x → failed for this message; 4.x.x → soft bounce; 2.x.x →
    /// delivered after all.
    public var bounceKind: BounceReport.Kind {
        switch (statusClass, subject) {
        case (5, 1): return .hardBounce
        case (5, _): return .failed
        case (4, _): return .softBounce
        default: return .delivered
        }
    }
}

/// What one message in the bounce mailbox is, read from its structure alone (never from the
/// wording of its text): a delivery status notification (RFC 3464 inside RFC 6522's
/// multipart/report), a complaint (RFC 5965 ARF), an automatic reply (RFC 3834), a mail to
/// the unsubscribe address, or something a person must look at.
public struct BounceReport: Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// 5.1.x: the address does not exist. Suppressed.
        case hardBounce = "hard-bounce"
        /// Other 5.x.x: this message failed for good. Counted, not suppressed.
        case failed
        /// 4.x.x: delayed or refused for now. Counted; suppressed after `soft_limit` in `soft_window`.
        case softBounce = "soft-bounce"
        /// A DSN saying the message was delivered or relayed after all. Counted.
        case delivered
        /// An ARF spam complaint. Suppressed.
        case complaint
        /// Out of office and other RFC 3834 automatic replies. Ignored, counted.
        case autoReply = "auto-reply"
        /// A mail to the unsubscribe address. Unsubscribed, as by the one-click link.
        case unsubscribe
        /// Not understood, or about a message we never sent: left for a person.
        case unknown

        public var danish: String {
            switch self {
            case .hardBounce: return "hård afvisning"
            case .failed: return "fejlet levering"
            case .softBounce: return "midlertidig afvisning"
            case .delivered: return "leveret alligevel"
            case .complaint: return "klage over spam"
            case .autoReply: return "autosvar"
            case .unsubscribe: return "afmelding pr. mail"
            case .unknown: return "ikke forstået"
            }
        }
    }

    public var kind: Kind
    /// The report's own Message-ID.
    public var messageID: String?
    public var subject: String?
    /// RFC 3464 per-recipient fields of the most severe recipient.
    public var status: String?
    public var action: String?
    public var finalRecipient: String?
    public var originalRecipient: String?
    public var diagnostic: String?
    /// RFC 5965 `Feedback-Type` (abuse, fraud, …).
    public var feedbackType: String?
    /// The original message's Message-ID and our signed `X-Kampagne-Ref`, as the report quotes them.
    public var originalMessageID: String?
    public var reference: String?
    /// Every address the report was delivered to (Delivered-To, X-Original-To, To, …): the
    /// per-message return path or unsubscribe address is among them.
    public var recipients: [String]
    /// Why the report was not understood, for the person who looks at it.
    public var problem: String?

    /// Our header on every outgoing message, quoted back by reports.
    public static let referenceHeader = "X-Kampagne-Ref"

    public init(parsing data: Data) {
        let entity = MIMEEntity(data: data)
        kind = .unknown
        messageID = entity.header("Message-ID").map(Self.angleless)
        subject = entity.header("Subject")
        recipients = ["Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To", "Cc"]
            .flatMap { entity.headers($0) }.flatMap(Self.addresses)
        let all = entity.all
        if entity.headers.isEmpty || (entity.contentType.type == "multipart" && entity.parts.isEmpty) {
            problem = "ugyldig MIME-struktur"
            return
        }
        if let original = all.first(where: { ["text/rfc822-headers", "message/rfc822", "message/global", "message/global-headers"].contains($0.contentType.full) }) {
            let fields = original.contentType.full.hasSuffix("headers")
                ? MIMEEntity.fields(original.decodedBody[...])
                : MIMEEntity(text: original.decodedBody).headers
            originalMessageID = fields.first { $0.name.caseInsensitiveCompare("Message-ID") == .orderedSame }.map { Self.angleless($0.value) }
            reference = fields.first { $0.name.caseInsensitiveCompare(Self.referenceHeader) == .orderedSame }?.value
        }
        if let status = all.first(where: { ["message/delivery-status", "message/global-delivery-status"].contains($0.contentType.full) }) {
            readDeliveryStatus(status.decodedBody)
            return
        }
        if let feedback = all.first(where: { $0.contentType.full == "message/feedback-report" }) {
            let fields = MIMEEntity.fields(feedback.decodedBody[...])
            func field(_ name: String) -> String? { fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value }
            feedbackType = field("Feedback-Type")?.lowercased()
            originalRecipient = field("Original-Rcpt-To")
            guard feedbackType != nil else {
                problem = "klagerapport uden Feedback-Type"
                return
            }
            kind = .complaint
            return
        }
        if entity.contentType.full == "multipart/report" {
            problem = "rapport uden leveringsstatus"
            return
        }
        if Self.isAutomatic(entity) {
            kind = .autoReply
            return
        }
        problem = Self.plainMail
    }

    /// The problem of a plain mail: an unsubscribe mail when it was sent to a valid address.
    public static let plainMail = "hverken leveringsrapport, klage, autosvar eller afmelding"

    /// Reads RFC 3464 fields: the per-message group, then one group per recipient; keeps the
    /// most severe recipient.
    private mutating func readDeliveryStatus(_ text: String) {
        let groups = text.components(separatedBy: "\n\n").map { MIMEEntity.fields($0[...]) }.filter { !$0.isEmpty }
        var best: (rank: Int, fields: [(name: String, value: String)], status: EnhancedStatusCode)?
        for group in groups.dropFirst(groups.count > 1 ? 1 : 0) {
            func field(_ name: String) -> String? { group.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value }
            guard let value = field("Status"), let status = EnhancedStatusCode(parsing: value) else { continue }
            let rank = [5: 3, 4: 2, 2: 1][status.statusClass] ?? 0
            if best.map({ rank > $0.rank }) ?? true { best = (rank, group, status) }
        }
        guard let best else {
            problem = "leveringsstatus uden gyldig Status"
            return
        }
        func field(_ name: String) -> String? { best.fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value }
        status = best.status.description
        action = field("Action")?.lowercased()
        finalRecipient = field("Final-Recipient").map(Self.typedAddress)
        originalRecipient = field("Original-Recipient").map(Self.typedAddress)
        diagnostic = field("Diagnostic-Code").map { String(Self.typedAddress($0).prefix(500)) }
        kind = best.status.bounceKind
        // "Action: delayed" with a permanent-looking code is still only a delay.
        if action == "delayed" && kind != .softBounce { kind = .softBounce }
    }

    /// RFC 3834 and the common non-standard markers of automatic replies.
    static func isAutomatic(_ entity: MIMEEntity) -> Bool {
        if let submitted = entity.header("Auto-Submitted")?.lowercased(), !submitted.hasPrefix("no") { return true }
        if entity.header("X-Autoreply") != nil || entity.header("X-Autorespond") != nil { return true }
        if let precedence = entity.header("Precedence")?.lowercased(), ["auto_reply", "bulk", "junk", "list"].contains(precedence) {
            return true
        }
        return false
    }

    /// "rfc822; a@b.example" → "a@b.example".
    static func typedAddress(_ value: String) -> String {
        guard let semicolon = value.firstIndex(of: ";") else { return value.trimmingCharacters(in: .whitespaces) }
        return value[value.index(after: semicolon)...].trimmingCharacters(in: .whitespaces)
    }

    static func angleless(_ value: String) -> String {
        value.trimmingCharacters(in: CharacterSet(charactersIn: " <>\t"))
    }

    /// The addresses in a header value: `Name <a@b>` and bare `a@b`, comma-separated.
    static func addresses(_ value: String) -> [String] {
        value.split(separator: ",").compactMap { piece -> String? in
            let text = piece.trimmingCharacters(in: .whitespaces)
            if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
                return String(text[text.index(after: open)..<close])
            }
            return text.contains("@") ? text : nil
        }
    }
}

/// An address with a `{token}` in it, e.g. `bounce+{token}@partnerskab.example`.
public struct AddressPattern: Sendable, Equatable {
    public let prefix: String
    public let suffix: String

    /// Nil unless the pattern holds `{token}` exactly once, in the local part.
    public init?(_ pattern: String) {
        let pieces = pattern.components(separatedBy: "{token}")
        guard pieces.count == 2, pieces[1].contains("@"), !pieces[0].contains("@"), !pieces[0].isEmpty else { return nil }
        prefix = pieces[0]
        suffix = pieces[1]
    }

    public func address(for token: String) -> String { prefix + token + suffix }

    /// The token in `address` when it has this pattern's shape (the domain compared without case).
    public func token(in address: String) -> String? {
        guard address.count > prefix.count + suffix.count,
              address.lowercased().hasPrefix(prefix.lowercased()),
              address.lowercased().hasSuffix(suffix.lowercased()) else { return nil }
        return String(address.dropFirst(prefix.count).dropLast(suffix.count))
    }
}
