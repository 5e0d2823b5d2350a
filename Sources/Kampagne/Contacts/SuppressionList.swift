import Foundation
import GRDB

/// The global do-not-mail list: unsubscribed, hard-bounced and erased addresses. Every send
/// and every import consults it. It holds only keyed hashes of addresses.
public struct SuppressionList: Sendable {
    let secret: InstallationSecret
    private let entries: [String: SuppressionReason]

    init(db: Database) throws {
        secret = try InstallationSecret.load(db)
        var entries: [String: SuppressionReason] = [:]
        for row in try Suppression.fetchAll(db) { entries[row.emailHash] = row.reason }
        self.entries = entries
    }

    /// The stored key of an address: HMAC of its lower-cased form.
    func hash(_ email: String) -> String { Self.hash(email, secret: secret) }

    /// The stored key of an address under `secret`: the one rule every reader and writer uses
    /// (the address's identity key, so both forms of an internationalised domain match).
    static func hash(_ email: String, secret: InstallationSecret) -> String { secret.mac(EmailAddress.identityKey(email)) }

    /// Why `email` is suppressed, by one keyed lookup: for a single address (a sign-up), where
    /// loading the whole list would read every entry.
    static func reason(for email: String, in db: Database) throws -> SuppressionReason? {
        try SignUpStatements.suppression(emailHash: Self.hash(email, secret: try InstallationSecret.load(db)), in: db)?.reason
    }

    public func reason(for email: String) -> SuppressionReason? {
        entries.isEmpty ? nil : entries[hash(email)]
    }
    public func contains(_ email: String) -> Bool { reason(for: email) != nil }
    public var isEmpty: Bool { entries.isEmpty }

    /// Adds `email` with `reason`; an erasure overrides an earlier reason, nothing else does.
    /// Returns false when the address was already suppressed for that reason.
    @discardableResult
    static func add(_ email: String, reason: SuppressionReason, source: String, in db: Database) throws -> Bool {
        let hash = Self.hash(email, secret: try InstallationSecret.load(db))
        if let existing = try Suppression.fetchOne(db, key: hash) {
            if existing.reason == reason || existing.reason == .erased { return false }
            if reason != .erased { return false }
        }
        try Suppression(emailHash: hash, reason: reason, source: source, createdAt: Date()).save(db)
        try flag(email, in: db)
        return true
    }

    /// Takes `email` off the list unless it is there for one of `reasons`.
    static func lift(_ email: String, unless reasons: Set<SuppressionReason>, in db: Database) throws {
        let hash = Self.hash(email, secret: try InstallationSecret.load(db))
        guard let existing = try Suppression.fetchOne(db, key: hash), !reasons.contains(existing.reason) else { return }
        try existing.delete(db)
        try flag(email, in: db)
    }

    /// Sets `contact.suppressed` (migration v17) of the contact with address `email` to whether
    /// the address is on the list: the one rule for the flag, run when a suppression is added or
    /// lifted and when a contact is saved (`Contact.aroundSave`). The import, which holds the
    /// list in memory, writes the same value with its insert (`contains`).
    static func flag(_ email: String, in db: Database) throws {
        // A contact saved by a migration older than v17 has no flag yet; v17 sets them all.
        guard try db.columns(in: Contact.databaseTableName).contains(where: { $0.name == "suppressed" }) else { return }
        let key = EmailAddress.identityKey(email)
        let listed = try SignUpStatements.suppression(emailHash: hash(key, secret: try InstallationSecret.load(db)), in: db) != nil
        try SignUpStatements.flagContact(emailKey: key, listed: listed, in: db)
    }

    /// Sets every contact's flag from the list (migration v17's backfill).
    static func flagAll(in db: Database) throws {
        let list = try SuppressionList(db: db)
        guard !list.isEmpty else { return }
        let rows = try Row.fetchAll(db, sql: "SELECT id, emailKey FROM contact")
        let update = try db.makeStatement(sql: "UPDATE contact SET suppressed = 1 WHERE id = ?")
        for row in rows where list.contains(row["emailKey"]) {
            try update.execute(arguments: [row["id"] as Int64])
        }
    }
}
