import Foundation

/// What a server said to one message.
public enum DeliveryOutcome: Sendable, Equatable {
    /// Accepted (2xx after DATA).
    case accepted(reply: String)
    /// Refused for now: a 4xx reply. Try again later.
    case temporary(code: Int, reply: String)
    /// Refused for good: a 5xx reply.
    case permanent(code: Int, reply: String)
    /// No answer at all: no connection, TLS failure, time-out. The server may be down.
    case unreachable(reason: String)

    var reply: String {
        switch self {
        case .accepted(let reply), .temporary(_, let reply), .permanent(_, let reply): return reply
        case .unreachable(let reason): return reason
        }
    }
}

/// One open connection to wherever messages go. Used by one worker thread at a time.
public protocol MailConnection: AnyObject {
    func send(_ message: Data, from: String, to: String) -> DeliveryOutcome
    func close()
}

/// Where messages go: an SMTP relay, or a Maildir folder. Opens connections for workers.
public protocol MailTransport: Sendable {
    /// A Danish one-line description for the user ("SMTP smtp://…", "Maildir ./maildir").
    var description: String { get }
    func connect() throws(KampagneError) -> any MailConnection
}

/// Classifies 5xx replies that mean the address does not exist, so it is suppressed as a
/// hard bounce rather than just failed.
enum BounceClassifier {
    static func isUnknownUser(code: Int, reply: String) -> Bool {
        guard (550...553).contains(code) else { return false }
        let text = reply.lowercased()
        if text.contains("5.1.1") || text.contains("5.1.0") || text.contains("5.1.10") { return true }
        return ["user unknown", "unknown user", "no such user", "does not exist", "mailbox unavailable",
                "recipient rejected", "no mailbox", "invalid recipient", "address rejected"].contains { text.contains($0) }
    }
}
