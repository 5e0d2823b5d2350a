import Foundation
import GRDB
import HummingbirdBcrypt

/// A staff account (table `organiser`, its name from when only organisers had accounts).
public struct StaffAccount: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "organiser"
    public var id: Int64?
    public var username: String
    /// bcrypt, cost 12: slow and salted, so a stolen database file does not give the passwords.
    public var passwordHash: String
    /// The session generation: raised to end every session of the account (new password,
    /// logout, removal). Each session cookie carries the generation it was issued for.
    public var sessionVersion: Int
    public var createdAt: Date
    public var lastLoginAt: Date?
    /// Failed logins in a row since the last success (per-account backoff).
    public var failedLogins: Int
    /// No password is checked for the account before this time.
    public var lockedUntil: Date?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A role held by an account (table `accountRole`).
struct AccountRole: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "accountRole"
    var accountId: Int64
    var role: StaffRole
}

/// An account as `users list` and `/admin/brugere` show it: never the hash.
public struct StaffAccountView: Codable, Sendable {
    public var id: Int64
    public var username: String
    public var roles: [StaffRole]
    public var createdAt: Date
    public var lastLoginAt: Date?
    public var lockedUntil: Date?
}

/// What a login attempt came to.
public enum LoginOutcome: Sendable {
    case signedIn(StaffAccount, roles: Set<StaffRole>)
    /// Wrong name or password (the same answer either way to the person logging in).
    /// `account` is the existing account whose password was wrong (for the audit trail),
    /// nil for a name that is no account.
    case refused(account: String?)
    /// Too many failures for this account: no password is checked until `until`.
    case locked(until: Date)
}

/// Staff accounts: add, list, roles, remove, change password, and check a login with a
/// per-account backoff that survives restarts (it is kept in the database).
public struct StaffAccounts: Sendable {
    let store: Store
    /// bcrypt's cost: 12 in use; tests may lower it.
    let cost: UInt8
    static let minimumPassword = 10
    /// Failures allowed before the backoff starts.
    public static let freeFailures = 5
    /// The first lock; it doubles with each failure after that, up to `longestLock`.
    public static let firstLock: TimeInterval = 30
    public static let longestLock: TimeInterval = 15 * 60

    public init(store: Store, cost: UInt8 = 12) {
        self.store = store
        self.cost = cost
    }

    static func key(_ username: String) -> String { DanishText.singleLine(username).lowercased() }

    static func validate(username name: String) throws(KampagneError) {
        guard !name.isEmpty, name.count <= 100, !name.contains(" ") else {
            throw .invalidInput("Brugernavnet skal være ét ord (fx en e-mailadresse), højst 100 tegn")
        }
    }

    static func validate(password: String) throws(KampagneError) {
        guard password.count >= Self.minimumPassword else {
            throw .invalidInput("Adgangskoden skal være mindst \(Self.minimumPassword) tegn")
        }
        guard password.count <= 200 else { throw .invalidInput("Adgangskoden må højst være 200 tegn") }
    }

    /// Adds an account, or sets a new password for an existing one (ending its sessions).
    /// `roles` empty keeps an existing account's roles and makes a new one an organiser.
    /// Returns the account's id.
    @discardableResult
    public func set(username: String, password: String, roles: Set<StaffRole> = []) throws(KampagneError) -> Int64 {
        let name = Self.key(username)
        try Self.validate(username: name)
        try Self.validate(password: password)
        let hash = Bcrypt.hash(password, cost: cost)
        return try store.write { db in
            if var existing = try StaffAccount.filter(Column("username") == name).fetchOne(db) {
                existing.passwordHash = hash
                existing.sessionVersion += 1
                existing.failedLogins = 0
                existing.lockedUntil = nil
                try existing.update(db)
                let id = existing.id ?? 0
                if !roles.isEmpty { try Self.replaceRoles(of: id, with: roles, in: db) }
                return id
            }
            var account = StaffAccount(id: nil, username: name, passwordHash: hash, sessionVersion: 0, createdAt: Date(),
                                       lastLoginAt: nil, failedLogins: 0, lockedUntil: nil)
            try account.insert(db)
            let id = account.id ?? 0
            try Self.replaceRoles(of: id, with: roles.isEmpty ? [.organiser] : roles, in: db)
            return id
        }
    }

    static func replaceRoles(of id: Int64, with roles: Set<StaffRole>, in db: Database) throws {
        try AccountRole.filter(Column("accountId") == id).deleteAll(db)
        for role in roles.sorted() { try AccountRole(accountId: id, role: role).insert(db) }
    }

    /// Gives an account exactly `roles` (at least one).
    public func setRoles(username: String, _ roles: Set<StaffRole>) throws(KampagneError) {
        guard !roles.isEmpty else { throw .invalidInput("Angiv mindst én rolle") }
        try store.write { db in
            guard let account = try StaffAccount.filter(Column("username") == Self.key(username)).fetchOne(db), let id = account.id else {
                throw KampagneError.notFound("Brugeren '\(username)' findes ikke")
            }
            try Self.keepAnAdmin(removing: account, keeping: roles, in: db)
            try Self.replaceRoles(of: id, with: roles, in: db)
        }
    }

    /// The last administrator cannot lose the role or the account: nobody could manage accounts then.
    static func keepAnAdmin(removing account: StaffAccount, keeping roles: Set<StaffRole>, in db: Database) throws {
        guard !roles.contains(.admin) else { return }
        let admins = try AccountRole.filter(Column("role") == StaffRole.admin.rawValue).fetchAll(db).map(\.accountId)
        if admins == [account.id ?? -1] {
            throw KampagneError.conflict("'\(account.username)' er den eneste administrator; giv først en anden rollen admin")
        }
    }

    public func list() throws(KampagneError) -> [StaffAccountView] {
        try store.read { db in
            let roles = Dictionary(grouping: try AccountRole.fetchAll(db), by: \.accountId)
            return try StaffAccount.order(Column("username")).fetchAll(db).map {
                StaffAccountView(id: $0.id ?? 0, username: $0.username, roles: (roles[$0.id ?? 0] ?? []).map(\.role).sorted(),
                                 createdAt: $0.createdAt, lastLoginAt: $0.lastLoginAt, lockedUntil: $0.lockedUntil)
            }
        }
    }

    public func remove(username: String) throws(KampagneError) {
        try store.write { db in
            guard let account = try StaffAccount.filter(Column("username") == Self.key(username)).fetchOne(db) else {
                throw KampagneError.notFound("Brugeren '\(username)' findes ikke")
            }
            try Self.keepAnAdmin(removing: account, keeping: [], in: db)
            _ = try account.delete(db)
        }
    }

    /// Checks a login. A locked account is refused without checking the password; every
    /// failure for an existing account counts towards its backoff, a success clears it.
    public func login(username: String, password: String, now: Date = Date()) throws(KampagneError) -> LoginOutcome {
        let found = try store.read { db in try StaffAccount.filter(Column("username") == Self.key(username)).fetchOne(db) }
        guard var account = found else {
            _ = Bcrypt.verify(password, hash: Self.decoy)
            return .refused(account: nil)
        }
        if let until = account.lockedUntil, until > now { return .locked(until: until) }
        let checked = account
        guard Bcrypt.verify(password, hash: account.passwordHash) else {
            let lock = try store.write { db -> Date? in
                guard var current = try StaffAccount.fetchOne(db, key: checked.id) else { return nil }
                current.failedLogins += 1
                let over = current.failedLogins - Self.freeFailures
                if over >= 0 {
                    current.lockedUntil = now.addingTimeInterval(min(Self.longestLock, Self.firstLock * pow(2, Double(min(over, 20)))))
                }
                try current.update(db)
                return current.lockedUntil
            }
            if let lock { return .locked(until: lock) }
            return .refused(account: checked.username)
        }
        // Only if the password is still the one just checked: a reset meanwhile wins.
        let result = try store.write { db -> Set<StaffRole>? in
            guard try StaffAccount.filter(key: checked.id).filter(Column("passwordHash") == checked.passwordHash
                && Column("sessionVersion") == checked.sessionVersion)
                .updateAll(db, Column("lastLoginAt").set(to: now), Column("failedLogins").set(to: 0),
                           Column("lockedUntil").set(to: nil)) == 1 else { return nil }
            return Set(try AccountRole.filter(Column("accountId") == checked.id).fetchAll(db).map(\.role))
        }
        guard let roles = result else { return .refused(account: checked.username) }
        account.lastLoginAt = now
        account.failedLogins = 0
        account.lockedUntil = nil
        return .signedIn(account, roles: roles)
    }

    /// Ends every session of the account (logout everywhere).
    public func endSessions(id: Int64) throws(KampagneError) {
        try store.write { db in
            _ = try StaffAccount.filter(key: id).updateAll(db, Column("sessionVersion").set(to: Column("sessionVersion") + 1))
        }
    }

    /// The account and its roles.
    public func find(id: Int64) throws(KampagneError) -> (StaffAccount, Set<StaffRole>)? {
        try store.read { db in
            guard let account = try StaffAccount.fetchOne(db, key: id) else { return nil }
            return (account, Set(try AccountRole.filter(Column("accountId") == id).fetchAll(db).map(\.role)))
        }
    }

    /// The account with this username (any case), if there is one.
    public func find(username: String) throws(KampagneError) -> StaffAccount? {
        try store.read { db in try StaffAccount.filter(Column("username") == Self.key(username)).fetchOne(db) }
    }

    /// Async variant for the web server's handlers.
    public func find(id: Int64) async throws -> (StaffAccount, Set<StaffRole>)? {
        try await store.pool.read { db in
            guard let account = try StaffAccount.fetchOne(db, key: id) else { return nil }
            return (account, Set(try AccountRole.filter(Column("accountId") == id).fetchAll(db).map(\.role)))
        }
    }

    /// A new random password (for a reset by an administrator), 16 characters from an
    /// alphabet without look-alikes.
    public static func randomPassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
    }

    /// A hash to verify against when the user does not exist, so timing does not tell.
    private static let decoy = "$2b$12$C6UzMDM.H6dfI/f/IKxGhuR.d3KXPjE5ueW2/9yJxKJ1v6ZVa5sAe"
}

/// A column the list of accounts can be sorted by.
public enum StaffAccountSort: String, Sendable, CaseIterable {
    case username, roles, lastLogin
}

extension StaffAccountView {
    /// `accounts` in the order of `column`: text in Danish order, never-logged-in last.
    public static func sorted(_ accounts: [StaffAccountView], by column: StaffAccountSort, descending: Bool = false) -> [StaffAccountView] {
        let ordered: [StaffAccountView]
        switch column {
        case .username: ordered = DanishText.sorted(accounts) { [$0.username] }
        case .roles: ordered = DanishText.sorted(accounts) { [$0.roles.map(\.danish).joined(separator: ", "), $0.username] }
        case .lastLogin:
            let logged = accounts.filter { $0.lastLoginAt != nil }.sorted { ($0.lastLoginAt ?? .distantPast) < ($1.lastLoginAt ?? .distantPast) }
            return (descending ? logged.reversed() : logged) + DanishText.sorted(accounts.filter { $0.lastLoginAt == nil }) { [$0.username] }
        }
        return descending ? ordered.reversed() : ordered
    }

    /// The accounts as CSV for Danish Excel (`;`, UTF-8 with BOM, formulas neutralised); never a hash.
    public static func csv(_ accounts: [StaffAccountView]) -> Data {
        var writer = CSVWriter(excel: true)
        writer.row(["Brugernavn", "Roller", "Oprettet", "Sidst logget ind", "Låst til"])
        func when(_ date: Date?) -> String { date.map { DanishDate.numeric($0) + " " + DanishDate.time($0) } ?? "" }
        for a in accounts {
            writer.row([a.username, a.roles.map(\.danish).joined(separator: ", "), when(a.createdAt), when(a.lastLoginAt),
                        a.lockedUntil.map { $0 > Date() ? when($0) : "" } ?? ""])
        }
        return writer.data
    }
}
