import Foundation
import GRDB

/// Reads meeting page versions on one read-only connection of its own, on the caller's thread.
/// A cached page view needs one indexed integer: through the pool's async read that was a hop
/// to a reader queue and back, most of a cached view's cost (bench/RESULTS.md, session 8). A
/// WAL reader never waits for the writer, so the read is microseconds and safe to make inline.
public final class PageVersionReader: Sendable {
    private let connection: DatabaseQueue

    /// Opens `store`'s file read-only; its migrations were applied when `store` was opened.
    public init(store: Store) throws(KampagneError) {
        var config = Configuration()
        config.readonly = true
        // Never wait inline: a busy file (a checkpoint restarting the WAL) sends the caller to the pool.
        config.busyMode = .immediateError
        config.label = "kampagne.pageVersions"
        do {
            connection = try DatabaseQueue(path: store.path, configuration: config)
        } catch {
            throw KampagneError.wrap(error)
        }
    }

    /// The meeting's `event.pageVersion`, or nil when no meeting has `publicId`; one statement
    /// in autocommit mode, which is its own consistent snapshot.
    public func version(publicId: String) throws(KampagneError) -> Int64? {
        do {
            return try connection.inDatabase { db in try PublicLinks.pageVersion(publicId, in: db) }
        } catch {
            throw KampagneError.wrap(error)
        }
    }
}
