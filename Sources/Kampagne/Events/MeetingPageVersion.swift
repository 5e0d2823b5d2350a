import Foundation
import GRDB

extension PublicLinks {
    /// The meeting's page version (`event.pageVersion`, raised by triggers on every write to
    /// the meeting and its registrations), or nil when no meeting has `publicId`. One indexed
    /// read of an integer: what a cached page view costs in the database.
    public func pageVersion(publicId: String) throws(KampagneError) -> Int64? {
        try store.read { db in
            try Int64.fetchOne(db, Event.select(Column("pageVersion")).filter(Event.Columns.publicId == publicId))
        }
    }

    /// The same, read without holding the caller's thread (the public meeting page).
    public func pageVersion(publicId: String) async throws(KampagneError) -> Int64? {
        try await store.read { db in
            try Int64.fetchOne(db, Event.select(Column("pageVersion")).filter(Event.Columns.publicId == publicId))
        }
    }
}
