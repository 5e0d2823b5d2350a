import Foundation
import GRDB

extension PublicLinks {
    /// The meeting's page version (`event.pageVersion`, raised by triggers on every write to
    /// the meeting and its registrations), or nil when no meeting has `publicId`. One indexed
    /// read of an integer: what a cached page view costs in the database.
    public func pageVersion(publicId: String) throws(KampagneError) -> Int64? {
        try store.read { db in try Self.pageVersion(publicId, in: db) }
    }

    /// The same, read without holding the caller's thread (the public meeting page).
    public func pageVersion(publicId: String) async throws(KampagneError) -> Int64? {
        try await store.read { db in try Self.pageVersion(publicId, in: db) }
    }

    /// One statement from the connection's statement cache: building the query-interface
    /// request and compiling it on every view was 12 % of a cached page view's CPU (perf,
    /// bench/RESULTS.md, session 6).
    static func pageVersion(_ publicId: String, in db: Database) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT pageVersion FROM event WHERE publicId = ?"), arguments: [publicId])
    }
}
