import Foundation
import GRDB
import Logging
import MailTemplates
import Synchronization

/// How a dispatch run is going, for a progress bar or log lines.
public struct DispatchProgress: Sendable {
    public var due: Int
    public var sent: Int
    public var deferred: Int
    public var failed: Int
    public var elapsed: TimeInterval
}

/// What a dispatch run did.
public struct DispatchSummary: Codable, Sendable {
    /// Rows found in `sending` at the start: a killed run's messages in flight, queued again.
    public var recoveredInFlight: Int
    public var sent: Int
    public var deferred: Int
    public var failed: Int
    /// Of the failed: addresses the server said do not exist, now on the suppression list.
    public var hardBounces: Int
    /// Rows still due when the run stopped (Ctrl-C, daily limit, unreachable server).
    public var remaining: Int
    public var stoppedBecause: String?
    public var seconds: Double
    /// Connections actually opened to the server during the run (0 for a Maildir folder).
    public var connections: Int
    /// Connections closed because the server said there were too many (432).
    public var connectionsClosed: Int
}

/// Works through the outbox: renders due rows, claims each just before its transfer, sends
/// over N connections and records every server answer.
///
/// One renderer thread reads due rows and renders them ahead into a small bounded queue; the
/// calling thread drives all N connections (libcurl's multi interface for SMTP) and does the
/// bookkeeping. A row is marked `sending` in the transaction that precedes its transfer, and
/// a finished transfer's result is written in the transaction that precedes the next transfer
/// on that connection; transfers that finish together share one transaction. So each
/// connection has at most one row in `sending` at any time, and a process killed at any
/// moment leaves at most one message per connection whose fate is unknown; those are sent
/// again on the next run (SMTP cannot close that window). Nothing else is sent twice or lost:
/// a message rendered but not yet claimed is still `queued`.
public final class Dispatcher: Sendable {
    let store: Store
    let transport: any MailTransport
    let settings: DispatchSettings
    let composer: MessageComposer
    let envelopeFrom: String
    private let control = Mutex(Control())
    private static let logger = Logger(label: "kampagne.dispatch")

    private struct Control {
        var stopReason: String?
        var dailyRemaining: Int?
        var progress = DispatchProgress(due: 0, sent: 0, deferred: 0, failed: 0, elapsed: 0)
        var hardBounces = 0
        var connectionsClosed = 0
        var connectionsOpened = 0
        var started = Date()
    }

    public init(store: Store, configuration: DeliveryConfiguration, composer: MessageComposer) {
        self.store = store
        self.transport = configuration.transport
        self.settings = configuration.settings
        self.composer = composer
        self.envelopeFrom = IDNA.asciiAddress(configuration.sender.address)
    }

    /// Asks the run to stop after the messages in flight (Ctrl-C).
    public func stop(reason: String = "afbrudt") {
        control.withLock { if $0.stopReason == nil { $0.stopReason = reason } }
    }

    private var stopReason: String? { control.withLock { $0.stopReason } }

    /// Sends everything due (of one campaign, or all). Only one run per database at a time.
    public func run(campaign: Int64? = nil, progress: (@Sendable (DispatchProgress) -> Void)? = nil) throws(KampagneError) -> DispatchSummary {
        let lock = try RunLock(path: store.path + ".dispatch.lock")
        defer { lock.release() }
        let started = Date()
        let (recovered, due, sentToday) = try store.write { db -> (Int, Int, Int) in
            try db.withSmallPageCache {
                let recovered = try OutboxRow.filter(OutboxRow.Columns.state == OutboxState.sending.rawValue)
                    .updateAll(db, OutboxRow.Columns.state.set(to: OutboxState.queued.rawValue))
                let due = try Self.dueRequest(campaign: campaign, now: Date()).fetchCount(db)
                guard settings.dailyLimit != nil else { return (recovered, due, 0) }
                let startOfDay = Calendar.danish.startOfDay(for: Date())
                let sentToday = try OutboxRow.filter(Column("sentAt") >= startOfDay).fetchCount(db)
                return (recovered, due, sentToday)
            }
        }
        if recovered > 0 {
            Self.logger.warning("re-queued messages that were in flight when a previous run stopped", metadata: ["count": "\(recovered)"])
        }
        control.withLock { state in
            // A stop asked for before the run began (a server shutting down) still holds.
            state.started = started
            state.connectionsClosed = 0
            state.connectionsOpened = 0
            state.progress.due = due
            state.dailyRemaining = settings.dailyLimit.map { max(0, $0 - sentToday) }
            if state.dailyRemaining == 0 { state.stopReason = "dagsgrænsen på \(settings.dailyLimit ?? 0) er nået" }
        }
        let connections = min(settings.connections, max(due, 1))
        var failure: KampagneError?
        do {
            try send(campaign: campaign, connections: connections, progress: progress, started: started)
        } catch {
            failure = error
            stop(reason: error.message)
        }
        let remaining = try store.write { db in
            try db.withSmallPageCache { try Self.dueRequest(campaign: campaign, now: Date()).fetchCount(db) }
        }
        let state = control.withLock { $0 }
        if let failure, state.progress.sent == 0 { throw failure }
        return DispatchSummary(recoveredInFlight: recovered, sent: state.progress.sent, deferred: state.progress.deferred,
                               failed: state.progress.failed, hardBounces: state.hardBounces, remaining: remaining,
                               stoppedBecause: state.stopReason, seconds: Date().timeIntervalSince(started),
                               connections: state.connectionsOpened, connectionsClosed: state.connectionsClosed)
    }

    static func dueRequest(campaign: Int64?, now: Date) -> QueryInterfaceRequest<OutboxRow> {
        var request = OutboxRow.filter([OutboxState.queued.rawValue, OutboxState.deferred.rawValue].contains(OutboxRow.Columns.state)
                                       // Bound as text: GRDB would format the date with a DateFormatter (`StoredDate`).
                                       && OutboxRow.Columns.nextAttemptAt <= StoredDate.value(now)
                                       && SQL(sql: OutboxStatements.notPaused))
        if let campaign { request = request.filter(OutboxRow.Columns.campaignId == campaign) }
        return request
    }

    /// Where the network thread gets its next message: from the renderer thread's queue, or,
    /// when a rate paces the run, rendered on the spot (so its Date header is the send time).
    private enum Source {
        case queue(RenderQueue)
        case inline(MessagePreparer)
    }

    /// Starts the renderer (unless paced), drives the connections until nothing is due or the
    /// run stops, and always ends the renderer and the connections before it returns.
    private func send(campaign: Int64?, connections: Int, progress: (@Sendable (DispatchProgress) -> Void)?,
                      started: Date) throws(KampagneError) {
        let session = try transport.open(connections: connections)
        defer {
            let opened = session.connectionsOpened
            control.withLock { $0.connectionsOpened = opened }
            session.close()
        }
        guard settings.rate == nil else {
            let preparer = MessagePreparer(store: store, composer: composer, campaign: campaign, dueBy: started)
            return try drive(session, connections: connections, source: .inline(preparer), progress: progress, started: started)
        }
        // Two messages per connection: one starts the moment a transfer ends, one is rendered
        // meanwhile. More buys nothing and dates the messages earlier.
        let queue = try RenderQueue(capacity: 2 * connections)
        let rendered = DispatchSemaphore(value: 0)
        let thread = Thread { [composer = self.composer, store = self.store] in
            defer { rendered.signal() }
            let preparer = MessagePreparer(store: store, composer: composer, campaign: campaign, dueBy: started)
            do throws(KampagneError) {
                while let message = try preparer.next() {
                    guard queue.put(.message(message)) else { return }
                }
            } catch {
                _ = queue.put(.failure(error))
            }
            queue.finish()
        }
        thread.name = "kampagne-render"
        thread.start()
        defer {
            queue.cancel()
            rendered.wait()
        }
        try drive(session, connections: connections, source: .queue(queue), progress: progress, started: started)
    }

    /// The network loop: collects finished transfers, then in one transaction records their
    /// results and claims the next messages for the idle connections, then starts those
    /// transfers. A connection's result is always written before its next transfer starts.
    private func drive(_ session: any MailSession, connections: Int, source: Source,
                       progress: (@Sendable (DispatchProgress) -> Void)?, started: Date) throws(KampagneError) {
        var idle = Array((0..<connections).reversed())
        var inFlight: [Int: OutboxRow] = [:]
        var finished: [FinishedTransfer] = []
        var open = connections
        var exhausted = false
        var nextSendAt = Date.distantPast
        var transactions = 0
        var renderFailure: KampagneError?
        let doorbell: Int32
        if case .queue(let queue) = source { doorbell = queue.doorbell.readEnd } else { doorbell = -1 }
        while true {
            // What the finished transfers mean for their connections (the results are written below).
            for transfer in finished {
                switch transfer.outcome {
                case .unreachable(let reason):
                    stop(reason: reason)
                case .temporary(let code, let reply) where code == 432 || code == 421 && reply.lowercased().contains("too many"):
                    if open > 1 {
                        open -= 1
                        session.closeOne()
                        control.withLock { $0.connectionsClosed += 1 }
                        Self.logger.notice("server asked for fewer connections; closing one", metadata: ["reply": "\(reply)"])
                        continue
                    }
                default:
                    break
                }
                idle.append(transfer.slot)
            }
            // Messages for the idle connections, within the pace.
            var ready: [PreparedMessage] = []
            var waitingForRenderer = false
            var paceWait: TimeInterval?
            takeLoop: while stopReason == nil, !exhausted, ready.count < idle.count {
                if let rate = settings.rate {
                    let now = Date()
                    if nextSendAt > now {
                        paceWait = nextSendAt.timeIntervalSince(now)
                        break
                    }
                    nextSendAt = max(now, nextSendAt).addingTimeInterval(rate.seconds / Double(rate.count))
                }
                switch source {
                case .inline(let preparer):
                    do throws(KampagneError) {
                        guard let message = try preparer.next() else {
                            exhausted = true
                            break takeLoop
                        }
                        ready.append(message)
                    } catch {
                        renderFailure = error
                        stop(reason: error.message)
                        break takeLoop
                    }
                case .queue(let queue):
                    switch queue.take() {
                    case .item(.message(let message)): ready.append(message)
                    case .item(.failure(let error)):
                        // Finish and record what is in flight, then report the error.
                        renderFailure = error
                        stop(reason: error.message)
                        break takeLoop
                    case .empty:
                        waitingForRenderer = true
                        break takeLoop
                    case .finished:
                        exhausted = true
                        break takeLoop
                    }
                }
            }
            // One transaction: the finished transfers' results, then the claims.
            var skipped = false
            if !finished.isEmpty || !ready.isEmpty {
                let results = finished.compactMap { transfer in inFlight[transfer.slot].map { ($0, transfer.outcome) } }
                for transfer in finished { inFlight[transfer.slot] = nil }
                finished.removeAll()
                transactions += 1
                let starts = try store.write { db -> [(OutboxRow, PreparedMessage)] in
                    // Keeps memory flat on long lists: each row's page is touched about once.
                    if transactions % 1_000 == 0 { db.releasePageCache() }
                    let statements = try OutboxStatements(db)
                    for (row, outcome) in results { try self.record(outcome, for: row, in: db, with: statements) }
                    var starts: [(OutboxRow, PreparedMessage)] = []
                    for message in ready {
                        if let row = try self.claim(message, dueBy: started, with: statements) { starts.append((row, message)) }
                    }
                    return starts
                }
                skipped = starts.count < ready.count
                for (row, message) in starts {
                    guard let slot = idle.popLast() else { break }
                    inFlight[slot] = row
                    // The envelope carries the A-label of an internationalised domain (local
                    // parts are ASCII), which every server accepts, SMTPUTF8 or not.
                    session.start(message.data, from: message.returnPath ?? envelopeFrom, to: IDNA.asciiAddress(row.email), on: slot)
                }
                if let progress, !results.isEmpty {
                    let snapshot = control.withLock { state -> DispatchProgress in
                        state.progress.elapsed = Date().timeIntervalSince(started)
                        return state.progress
                    }
                    progress(snapshot)
                }
            }
            if inFlight.isEmpty && (stopReason != nil || exhausted) {
                if let renderFailure { throw renderFailure }
                return
            }
            // Wait for a transfer to finish, the renderer, or the pace. Never long: a stop
            // (Ctrl-C) is noticed within a second even with nothing in flight.
            let timeout: TimeInterval
            if skipped && stopReason == nil {
                timeout = 0
            } else if let paceWait {
                timeout = min(paceWait, 1)
            } else {
                timeout = inFlight.isEmpty && !waitingForRenderer ? 0 : 1
            }
            finished = session.wait(timeout: timeout, doorbell: doorbell)
            if case .queue(let queue) = source { queue.doorbell.silence() }
        }
    }

    /// Marks a rendered message's row `sending`, unless it is no longer due (sent, erased,
    /// rescheduled since it was read), its address is now suppressed, or the daily limit is
    /// reached (which stops the run). Nil: do not send it.
    private func claim(_ message: PreparedMessage, dueBy: Date, with statements: OutboxStatements) throws -> OutboxRow? {
        let allowed = control.withLock { state -> Bool in
            guard state.stopReason == nil else { return false }
            if let remaining = state.dailyRemaining {
                guard remaining > 0 else {
                    state.stopReason = "dagsgrænsen på \(settings.dailyLimit ?? 0) er nået; resten sendes, når `outbox run` køres i morgen"
                    return false
                }
                state.dailyRemaining = remaining - 1
            }
            return true
        }
        guard allowed else { return nil }
        func refund() {
            control.withLock { state in if let remaining = state.dailyRemaining { state.dailyRemaining = remaining + 1 } }
        }
        guard var row = try statements.claim(message.row, dueBy: dueBy, now: Date()) else {
            refund()
            return nil
        }
        if let hash = message.suppressionHash, try statements.isSuppressed(hash: hash) {
            row.state = .failed
            row.attempts -= 1
            row.lastReply = "ikke sendt: adressen er spærret"
            try statements.update(row)
            refund()
            return nil
        }
        return row
    }

    private func record(_ outcome: DeliveryOutcome, for row: OutboxRow, in db: Database, with statements: OutboxStatements) throws {
        var row = row
        let now = Date()
        row.lastReply = String(outcome.reply.prefix(500))
        switch outcome {
        case .accepted:
            row.state = .sent
            row.sentAt = now
            control.withLock { $0.progress.sent += 1 }
        case .unreachable:
            // The run stops: the server, not the recipient, failed. The row is due again at
            // once and the attempt it was claimed with is given back.
            row.state = .queued
            row.attempts = max(row.attempts - 1, 0)
            control.withLock { state in if let remaining = state.dailyRemaining { state.dailyRemaining = remaining + 1 } }
        case .temporary, .permanent:
            // The enhanced status code decides (RFC 3463); a full mailbox is tried again.
            let verdict = SMTPReplyClass(code: outcome.code, reply: outcome.reply)
            if verdict.retries {
                if now.timeIntervalSince(row.createdAt) > settings.giveUpAfter {
                    row.state = .failed
                    row.lastReply = "opgivet efter \(row.attempts) forsøg: " + (row.lastReply ?? "")
                    control.withLock { $0.progress.failed += 1 }
                } else {
                    row.state = .deferred
                    row.nextAttemptAt = now.addingTimeInterval(settings.delay(afterAttempt: row.attempts))
                    control.withLock { $0.progress.deferred += 1 }
                }
                control.withLock { state in if let remaining = state.dailyRemaining { state.dailyRemaining = remaining + 1 } }
            } else {
                row.state = .failed
                control.withLock { $0.progress.failed += 1 }
                if verdict.suppresses {
                    try SuppressionList.add(row.emailKey, reason: .hardBounce, source: "afvist: \(outcome.reply.prefix(200))", in: db)
                    control.withLock { $0.hardBounces += 1 }
                }
            }
        }
        try statements.update(row)
    }
}

/// An exclusive lock on a file beside the database, so two dispatchers (cron and the web
/// server, say) never work on the same outbox at once. The kernel drops it if we die.
struct RunLock {
    let descriptor: Int32

    init(path: String) throws(KampagneError) {
        descriptor = open(path, O_CREAT | O_RDWR, 0o644)
        guard descriptor >= 0 else { throw .io("Kan ikke åbne låsefilen \(path)") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            Foundation.close(descriptor)
            throw .busy("En anden udsendelse kører allerede på denne database (\(path))")
        }
    }

    func release() {
        flock(descriptor, LOCK_UN)
        Foundation.close(descriptor)
    }
}

extension Calendar {
    static let danish: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = DanishDate.timeZone
        calendar.locale = DanishText.locale
        return calendar
    }()
}
