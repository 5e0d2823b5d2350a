import Foundation

/// A staff login kept in a signed cookie (HttpOnly, SameSite=Strict, Secure over https):
/// `session.account.generation.issued.seen.signature`. The session id is new at every login
/// (no fixation: a cookie planted before the login is never the one after it). A session ends
/// after `idle` without a request, after `lifetime` in any case, and at once when the
/// account's generation is raised (new password, logout, removal).
public struct StaffSession: Sendable, Equatable {
    public static let idle: TimeInterval = 2 * 3600
    public static let lifetime: TimeInterval = 12 * 3600
    /// A cookie is re-issued (with a new `seen`) when it is older than this.
    public static let renewAfter: TimeInterval = 5 * 60

    public var id: String
    public var accountId: Int64
    public var generation: Int
    public var issuedAt: Date
    public var seenAt: Date

    /// A new session for an account that has just logged in.
    public init(account: StaffAccount, now: Date = Date()) {
        var generator = SystemRandomNumberGenerator()
        id = (0..<2).map { _ in String(generator.next() as UInt64, radix: 36) }.joined()
        accountId = account.id ?? 0
        generation = account.sessionVersion
        issuedAt = now
        seenAt = now
    }

    init(id: String, accountId: Int64, generation: Int, issuedAt: Date, seenAt: Date) {
        self.id = id
        self.accountId = accountId
        self.generation = generation
        self.issuedAt = issuedAt
        self.seenAt = seenAt
    }

    public func cookie(_ secret: InstallationSecret) -> String {
        let body = [id, String(accountId), String(generation), String(Int(issuedAt.timeIntervalSince1970)),
                    String(Int(seenAt.timeIntervalSince1970))].joined(separator: ".")
        return body + "." + secret.signature(of: body, purpose: "staff-session")
    }

    /// The session a cookie holds if it is genuine and neither idle too long nor too old. The
    /// generation is checked against the account by the caller (`isCurrent`).
    public static func decode(_ cookie: String?, _ secret: InstallationSecret, now: Date = Date()) -> StaffSession? {
        guard let cookie, cookie.utf8.count < 300 else { return nil }
        let parts = cookie.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 6, !parts[0].isEmpty, let account = Int64(parts[1]), let generation = Int(parts[2]),
              let issued = TimeInterval(parts[3]), let seen = TimeInterval(parts[4]) else { return nil }
        guard secret.isSignature(parts[5], of: parts[0...4].joined(separator: "."), purpose: "staff-session") else { return nil }
        let session = StaffSession(id: String(parts[0]), accountId: account, generation: generation,
                                   issuedAt: Date(timeIntervalSince1970: issued), seenAt: Date(timeIntervalSince1970: seen))
        guard session.isLive(now: now) else { return nil }
        return session
    }

    public func isLive(now: Date) -> Bool {
        let time = now.timeIntervalSince1970
        return time < issuedAt.timeIntervalSince1970 + Self.lifetime && time < seenAt.timeIntervalSince1970 + Self.idle
            && seenAt.timeIntervalSince1970 <= time + 60
    }

    public func isCurrent(for account: StaffAccount) -> Bool { account.id == accountId && account.sessionVersion == generation }

    /// The same session seen now, if the cookie is due for renewal (sliding idle expiry).
    public func renewed(now: Date = Date()) -> StaffSession? {
        guard now.timeIntervalSince(seenAt) >= Self.renewAfter else { return nil }
        var next = self
        next.seenAt = now
        return next
    }
}
