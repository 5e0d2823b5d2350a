import Foundation
import GRDB

/// Reads what the public meeting paths need before they render or write (a page's version, a
/// sign-up's meeting) on one read-only connection of its own, on the caller's thread, and
/// through the store's pool when that connection could not be opened or a read on it fails
/// (a busy file). Through the pool's async read each was a hop to a reader queue and back,
/// most of a cached view's cost (bench/RESULTS.md, session 8). A WAL reader never waits for
/// the writer, so each read is microseconds and safe to make inline.
public final class MeetingLookup: Sendable {
    private let store: Store
    private let connection: DatabaseQueue?

    /// Opens `store`'s file read-only; its migrations were applied when `store` was opened.
    public init(store: Store) {
        self.store = store
        var config = Configuration()
        config.readonly = true
        // Never wait inline: a busy file (a checkpoint restarting the WAL) sends the caller to the pool.
        config.busyMode = .immediateError
        config.label = "kampagne.meetingLookup"
        connection = try? DatabaseQueue(path: store.path, configuration: config)
    }

    /// Whether reads are made on the lookup's own connection (false: all through the pool).
    public var isInline: Bool { connection != nil }

    /// The meeting's `event.pageVersion`, or nil when no meeting has `publicId`; inline, one
    /// statement in autocommit mode, which is its own consistent snapshot.
    public func pageVersion(publicId: String) async throws(KampagneError) -> Int64? {
        try await read { db in try PublicLinks.pageVersion(publicId, in: db) }
    }

    /// The meeting a sign-up form posts to, or nil when no meeting has `publicId`.
    public func signUpTarget(publicId: String) async throws(KampagneError) -> SignUpTarget? {
        try await read { db in try SignUpTarget.read(publicId, in: db) }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(KampagneError) -> T {
        if let connection {
            do { return try connection.inDatabase(body) } catch { /* busy: the pool's read waits */ }
        }
        return try await store.read(body)
    }
}

/// What a sign-up POST needs before it writes: the meeting's id, its name and time for the
/// answer page, and its questions to check the answers against. Read without the counts the
/// meeting page shows (those scan every sign-up); `Registrations.register` checks the rest in
/// its transaction.
public struct SignUpTarget: Sendable, Equatable {
    public let id: Int64
    public let title: String
    /// The meeting's time as the pages say it (`DanishDate.span`).
    public let when: String
    public let questions: [EventQuestion]

    static func read(_ publicId: String, in db: Database) throws -> SignUpTarget? {
        guard let event = try SignUpStatements.event(publicId: publicId, in: db), let id = event.id else { return nil }
        return SignUpTarget(id: id, title: event.title, when: DanishDate.span(event.startsAt, event.endsAt), questions: event.questions)
    }
}
