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

    /// The reply code (0 when the server gave none).
    var code: Int {
        switch self {
        case .accepted: return 250
        case .temporary(let code, _), .permanent(let code, _): return code
        case .unreachable: return 0
        }
    }

    var reply: String {
        switch self {
        case .accepted(let reply), .temporary(_, let reply), .permanent(_, let reply): return reply
        case .unreachable(let reason): return reason
        }
    }
}

/// One message that finished on a connection of a `MailSession`.
public struct FinishedTransfer: Sendable {
    public var slot: Int
    public var outcome: DeliveryOutcome
}

/// A set of connections to wherever messages go, numbered 0..<n and driven from one thread:
/// the dispatcher starts a message on an idle connection and collects finished ones with
/// `wait`. Each connection carries at most one message at a time, which is what keeps the
/// outbox's crash-safety window at one message per connection. Not thread-safe: one thread
/// owns a session from `open` to `close`.
public protocol MailSession: AnyObject {
    /// Starts sending `message` on connection `slot`, which must be idle. A transport that
    /// overlaps transfers returns at once; a blocking one may finish the transfer here.
    func start(_ message: Data, from: String, to: String, on slot: Int)
    /// Moves the transfers on until at least one has finished, `doorbell` (a descriptor,
    /// or -1) becomes readable, or `timeout` seconds pass; returns the finished ones.
    func wait(timeout: TimeInterval, doorbell: Int32) -> [FinishedTransfer]
    /// Uses one connection fewer from now on, closing it once it is idle: the server asked
    /// for fewer (432). The dispatcher stops starting messages on the slot it gave up.
    func closeOne()
    func close()
    /// Connections opened so far (a transport without connections says 0).
    var connectionsOpened: Int { get }
}

/// Where messages go: an SMTP relay, or a Maildir folder.
public protocol MailTransport: Sendable {
    /// A Danish one-line description for the user ("SMTP smtp://…", "Maildir ./maildir").
    var description: String { get }
    /// Opens `connections` connections, used together by one thread.
    func open(connections: Int) throws(KampagneError) -> any MailSession
}

/// A session whose `start` does the whole transfer before it returns (a file write): the
/// outcome waits for the next `wait`. For transports with nothing to overlap.
final class BlockingSession: MailSession {
    private let deliver: (Data, String, String) -> DeliveryOutcome
    private var finished: [FinishedTransfer] = []

    /// `deliver(message, from, to)` does one transfer.
    init(deliver: @escaping (Data, String, String) -> DeliveryOutcome) {
        self.deliver = deliver
    }

    func start(_ message: Data, from: String, to: String, on slot: Int) {
        finished.append(FinishedTransfer(slot: slot, outcome: deliver(message, from, to)))
    }

    func wait(timeout: TimeInterval, doorbell: Int32) -> [FinishedTransfer] {
        if finished.isEmpty, timeout > 0 {
            // Nothing in flight: sleep until the doorbell rings or the time is up.
            var descriptor = pollfd(fd: doorbell, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, doorbell >= 0 ? 1 : 0, Int32(min(timeout, 60) * 1_000))
        }
        defer { finished.removeAll(keepingCapacity: true) }
        return finished
    }

    func closeOne() {}
    func close() {}
    var connectionsOpened: Int { 0 }
}
