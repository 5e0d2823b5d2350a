import Foundation
import Synchronization

/// At most `limit` requests per client in any `window`: sign-up and unsubscribe POSTs, so
/// one client cannot flood a meeting or the list.
final class RateLimit: Sendable {
    let limit: Int
    let window: TimeInterval
    private let hits = Mutex<[String: [Date]]>([:])

    init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Counts a request from `client`; false when it is over the limit.
    func allow(_ client: String, now: Date = Date()) -> Bool {
        hits.withLock { hits in
            if hits.count > 10_000 {
                hits = hits.filter { $0.value.last.map { now.timeIntervalSince($0) < window } ?? false }
                // Still full of recent clients: start over rather than grow without bound.
                if hits.count > 10_000 { hits.removeAll() }
            }
            var recent = (hits[client] ?? []).filter { now.timeIntervalSince($0) < window }
            guard recent.count < limit else {
                hits[client] = recent
                return false
            }
            recent.append(now)
            hits[client] = recent
            return true
        }
    }
}

/// A counter that lets at most `limit` slow operations (bcrypt) run at once.
final class LoginGate: Sendable {
    let limit: Int
    private let running = Mutex(0)

    init(limit: Int) { self.limit = limit }

    /// Takes a place, or returns false when all are taken.
    func enter() -> Bool {
        running.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func leave() { running.withLock { $0 -= 1 } }
}
