import GRDB

/// The lookups a sign-up makes on every POST (its meeting, the person, their registration,
/// the seat counts, the suppression list, the installation secret), as statements from each
/// connection's statement cache. The query interface builds, authorises and compiles its SQL
/// on every call: about 10 % of a sign-up's CPU (perf, bench/RESULTS.md, session 8).
enum SignUpStatements {
    static func event(id: Int64, in db: Database) throws -> Event? {
        try Event.fetchOne(db.cachedStatement(sql: "SELECT * FROM event WHERE id = ?"), arguments: [id])
    }

    static func event(publicId: String, in db: Database) throws -> Event? {
        try Event.fetchOne(db.cachedStatement(sql: "SELECT * FROM event WHERE publicId = ?"), arguments: [publicId])
    }

    static func contact(emailKey: String, in db: Database) throws -> Contact? {
        try Contact.fetchOne(db.cachedStatement(sql: "SELECT * FROM contact WHERE emailKey = ?"), arguments: [emailKey])
    }

    static func registration(eventId: Int64, contactId: Int64, in db: Database) throws -> Registration? {
        try Registration.fetchOne(db.cachedStatement(sql: "SELECT * FROM registration WHERE eventId = ? AND contactId = ?"),
                                  arguments: [eventId, contactId])
    }

    /// Sign-ups of `eventId` in any of `statuses` (an index range of registration_eventId_status).
    static func count(eventId: Int64, statuses: [String], in db: Database) throws -> Int {
        let marks = Array(repeating: "?", count: statuses.count).joined(separator: ", ")
        let arguments = StatementArguments([eventId]) + StatementArguments(statuses)
        return try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM registration WHERE eventId = ? AND status IN (\(marks))"),
                                arguments: arguments) ?? 0
    }

    /// The campaign that holds one kind of notice for one meeting.
    static func campaign(kind: String, eventId: Int64, in db: Database) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM campaign WHERE kind = ? AND eventId = ?"), arguments: [kind, eventId])
    }

    static func suppression(emailHash: String, in db: Database) throws -> Suppression? {
        try Suppression.fetchOne(db.cachedStatement(sql: "SELECT * FROM suppression WHERE emailHash = ?"), arguments: [emailHash])
    }

    static func setting(_ key: String, in db: Database) throws -> Setting? {
        try Setting.fetchOne(db.cachedStatement(sql: "SELECT * FROM setting WHERE key = ?"), arguments: [key])
    }

    /// Sets the suppressed flag of the contact with `emailKey` to `listed` where it differs.
    static func flagContact(emailKey: String, listed: Bool, in db: Database) throws {
        try db.cachedStatement(sql: "UPDATE contact SET suppressed = ? WHERE emailKey = ? AND suppressed <> ?")
            .execute(arguments: [listed, emailKey, listed])
    }
}
