import Foundation
import MailTemplates
import Synchronization

/// A message rendered ahead of its transfer. Its row is not claimed yet: it is still `queued`
/// or `deferred` in the database, so a crash before the claim leaves nothing to recover.
struct PreparedMessage: Sendable {
    /// The row as it was read; the claim returns it as it is when the transfer starts.
    var row: OutboxRow
    var data: Data
    /// The envelope sender when `[bounces] return_path` is set (VERP), made from the same
    /// signed reference as the message's X-Kampagne-Ref; nil: the sender's address.
    var returnPath: String?
    /// The address's key in the suppression list, checked when the row is claimed; nil for
    /// transactional notices, which go out even to suppressed addresses.
    var suppressionHash: String?
}

/// What the renderer hands the network thread.
enum PreparedItem: Sendable {
    case message(PreparedMessage)
    /// Rendering failed (a template error, a database error): the run stops with it.
    case failure(KampagneError)
}

/// Reads due rows in id order and renders them: the CPU-heavy half of sending, kept apart
/// from the network thread. Reads only; the claim is the network thread's. Owned by one
/// thread at a time.
final class MessagePreparer {
    private let store: Store
    private let composer: MessageComposer
    private let campaign: Int64?
    private let dueBy: Date
    private var cursor: Int64 = 0
    /// The current batch, last row first, so taking the next is `popLast`.
    private var batch: [OutboxRow] = []
    private var campaigns: [Int64: (Campaign, NewsletterRenderer?)] = [:]
    /// Rows read per database read: enough to make reads rare, few enough to stay small.
    private static let batchSize = 64

    /// Prepares the rows of `campaign` (or all) that were due by `dueBy`, when the run started:
    /// a row deferred during the run waits for the next run, however short its retry delay.
    init(store: Store, composer: MessageComposer, campaign: Int64?, dueBy: Date) {
        self.store = store
        self.composer = composer
        self.campaign = campaign
        self.dueBy = dueBy
    }

    /// The next due message, or nil when none is left.
    func next() throws(KampagneError) -> PreparedMessage? {
        if batch.isEmpty {
            try refill()
            guard !batch.isEmpty else { return nil }
        }
        guard let row = batch.popLast() else { return nil }
        guard let (campaignRecord, renderer) = campaigns[row.campaignId] else {
            throw .database("Udsendelse \(row.campaignId) mangler")
        }
        // One signature per message for both the X-Kampagne-Ref header and the return path.
        let reference = composer.reference(for: row)
        let data = try composer.wireMessage(for: row, reference: reference, campaign: campaignRecord, renderer: renderer, date: Date())
        let transactional = row.notice?.isTransactional ?? false
        return PreparedMessage(row: row, data: data, returnPath: composer.returnPath(reference: reference),
                               suppressionHash: transactional ? nil : composer.secret.mac(row.emailKey))
    }

    /// Reads the next batch of due rows, and the campaigns among them not seen before.
    private func refill() throws(KampagneError) {
        let (cursor, campaign, dueBy) = (self.cursor, self.campaign, self.dueBy)
        let known = Set(campaigns.keys)
        let composer = self.composer
        let (rows, loaded) = try store.read { db -> ([OutboxRow], [Int64: (Campaign, NewsletterRenderer?)]) in
            let rows = try OutboxStatements.due(after: cursor, dueBy: dueBy, campaign: campaign, limit: Self.batchSize, in: db)
            db.releasePageCache()
            var loaded: [Int64: (Campaign, NewsletterRenderer?)] = [:]
            for id in Set(rows.map(\.campaignId)) where !known.contains(id) {
                guard let record = try Campaign.fetchOne(db, key: id) else {
                    throw KampagneError.database("Udsendelse \(id) mangler")
                }
                loaded[id] = (record, record.editionId == nil ? nil : try composer.renderer(for: record, in: db))
            }
            return (rows, loaded)
        }
        campaigns.merge(loaded) { old, _ in old }
        batch = rows.reversed()
        if let last = rows.last?.id { self.cursor = last }
    }
}

/// A pipe the renderer writes a byte to when the network thread sleeps waiting for a message:
/// the network thread's poll (libcurl's, or plain `poll`) watches the reading end, so it wakes
/// for a socket or for new work, whichever comes first.
final class Doorbell: Sendable {
    let readEnd: Int32
    private let writeEnd: Int32

    init() throws(KampagneError) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw .io("Kan ikke oprette en intern pipe til udsendelsen") }
        readEnd = ends[0]
        writeEnd = ends[1]
        for end in ends { _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK) }
    }

    func ring() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Empties the pipe after a wake-up, so the next poll sleeps again.
    func silence() {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { buffer in
            while read(readEnd, buffer.baseAddress, buffer.count) > 0 {}
        }
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }
}

/// The bounded hand-over from the renderer thread to the network thread. The renderer blocks
/// when `capacity` messages wait, so memory stays flat however long the list; the network
/// thread never blocks on it (it would stall the transfers in flight) and is woken by the
/// doorbell instead.
final class RenderQueue: Sendable {
    enum Take {
        case item(PreparedItem)
        /// Nothing ready yet: the doorbell rings when there is.
        case empty
        /// The renderer is done: nothing more will come.
        case finished
    }

    private struct State {
        var items: [PreparedItem] = []
        var finished = false
        var cancelled = false
        var consumerWaiting = false
    }

    private let state = Mutex(State())
    private let space: DispatchSemaphore
    let doorbell: Doorbell

    init(capacity: Int) throws(KampagneError) {
        // Starting at 0 and signalling up: libdispatch traps when a semaphore is freed below
        // its initial value, which a run stopped with messages still queued would do.
        space = DispatchSemaphore(value: 0)
        for _ in 0..<max(capacity, 1) { space.signal() }
        doorbell = try Doorbell()
    }

    /// Renderer: waits for room, then hands over `item`. False once the network thread has
    /// cancelled the run: the renderer then stops.
    func put(_ item: PreparedItem) -> Bool {
        space.wait()
        let ring = state.withLock { state -> Bool? in
            guard !state.cancelled else { return nil }
            state.items.append(item)
            defer { state.consumerWaiting = false }
            return state.consumerWaiting
        }
        guard let ring else { return false }
        if ring { doorbell.ring() }
        return true
    }

    /// Renderer: nothing more will come.
    func finish() {
        let ring = state.withLock { state -> Bool in
            state.finished = true
            defer { state.consumerWaiting = false }
            return state.consumerWaiting
        }
        if ring { doorbell.ring() }
    }

    /// Network thread: the next item, without waiting.
    func take() -> Take {
        let taken = state.withLock { state -> Take in
            if !state.items.isEmpty { return .item(state.items.removeFirst()) }
            if state.finished { return .finished }
            state.consumerWaiting = true
            return .empty
        }
        if case .item = taken { space.signal() }
        return taken
    }

    /// Network thread: the run is over; a renderer waiting for room wakes and stops.
    func cancel() {
        state.withLock { $0.cancelled = true }
        space.signal()
    }
}
