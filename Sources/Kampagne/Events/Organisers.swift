import Foundation
import GRDB
import HummingbirdBcrypt

/// An account that may use the organiser pages (overview, door check-in).
public struct Organiser: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "organiser"
    public var id: Int64?
    public var username: String
    /// bcrypt, cost 12: slow and salted, so a stolen database file does not give the passwords.
    public var passwordHash: String
    /// Raised to end every session of the account (new password, removal).
    public var sessionVersion: Int
    public var createdAt: Date
    public var lastLoginAt: Date?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// An account as `users list` shows it: never the hash.
public struct OrganiserView: Codable, Sendable {
    public var id: Int64
    public var username: String
    public var createdAt: Date
    public var lastLoginAt: Date?
}

/// Organiser accounts: add, list, remove, change password, and check a login.
public struct Organisers: Sendable {
    let store: Store
    static let minimumPassword = 10

    public init(store: Store) { self.store = store }

    static func key(_ username: String) -> String { DanishText.singleLine(username).lowercased() }

    /// Adds an account, or sets a new password for an existing one (ending its sessions).
    /// Returns the account's id.
    @discardableResult
    public func set(username: String, password: String) throws(KampagneError) -> Int64 {
        let name = Self.key(username)
        guard !name.isEmpty, name.count <= 100, !name.contains(" ") else {
            throw .invalidInput("Brugernavnet skal være ét ord (fx en e-mailadresse), højst 100 tegn")
        }
        guard password.count >= Self.minimumPassword else {
            throw .invalidInput("Adgangskoden skal være mindst \(Self.minimumPassword) tegn")
        }
        let hash = Bcrypt.hash(password, cost: 12)
        return try store.write { db in
            if var existing = try Organiser.filter(Column("username") == name).fetchOne(db) {
                existing.passwordHash = hash
                existing.sessionVersion += 1
                try existing.update(db)
                return existing.id ?? 0
            }
            var organiser = Organiser(id: nil, username: name, passwordHash: hash, sessionVersion: 0, createdAt: Date(), lastLoginAt: nil)
            try organiser.insert(db)
            return organiser.id ?? 0
        }
    }

    public func list() throws(KampagneError) -> [OrganiserView] {
        try store.read { db in
            try Organiser.order(Column("username")).fetchAll(db).map {
                OrganiserView(id: $0.id ?? 0, username: $0.username, createdAt: $0.createdAt, lastLoginAt: $0.lastLoginAt)
            }
        }
    }

    public func remove(username: String) throws(KampagneError) {
        try store.write { db in
            guard try Organiser.filter(Column("username") == Self.key(username)).deleteAll(db) > 0 else {
                throw KampagneError.notFound("Brugeren '\(username)' findes ikke")
            }
        }
    }

    /// The account if the password is right; nil otherwise (the same slow check either way).
    public func login(username: String, password: String) throws(KampagneError) -> Organiser? {
        let found = try store.read { db in try Organiser.filter(Column("username") == Self.key(username)).fetchOne(db) }
        guard var organiser = found else {
            _ = Bcrypt.verify(password, hash: Self.decoy)
            return nil
        }
        guard Bcrypt.verify(password, hash: organiser.passwordHash) else { return nil }
        // Only if the password is still the one just checked: a reset meanwhile wins.
        let now = Date()
        let checked = organiser
        let current = try store.write { db -> Bool in
            try Organiser.filter(key: checked.id).filter(Column("passwordHash") == checked.passwordHash
                && Column("sessionVersion") == checked.sessionVersion)
                .updateAll(db, Column("lastLoginAt").set(to: now)) == 1
        }
        guard current else { return nil }
        organiser.lastLoginAt = now
        return organiser
    }

    /// Ends every session of the account (logout everywhere).
    public func endSessions(id: Int64) throws(KampagneError) {
        try store.write { db in
            _ = try Organiser.filter(key: id).updateAll(db, Column("sessionVersion").set(to: Column("sessionVersion") + 1))
        }
    }

    public func find(id: Int64) throws(KampagneError) -> Organiser? {
        try store.read { db in try Organiser.fetchOne(db, key: id) }
    }

    /// A hash to verify against when the user does not exist, so timing does not tell.
    private static let decoy = "$2b$12$C6UzMDM.H6dfI/f/IKxGhuR.d3KXPjE5ueW2/9yJxKJ1v6ZVa5sAe"
}
