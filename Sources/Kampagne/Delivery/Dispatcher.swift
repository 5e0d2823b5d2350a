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
    public var connections: Int
    /// Connections closed because the server said there were too many (432).
    public var connectionsClosed: Int
}

/// Works through the outbox: claims due rows, renders, sends over N connections and records
/// every server answer. Each connection has at most one row in `sending` at any time, and a
/// row's result and the claim of the next row are one transaction; so a process killed at any
/// moment leaves at most one message per connection whose fate is unknown, and those are sent
/// again on the next run (SMTP cannot close that window). Nothing else is sent twice or lost.
public final class Dispatcher: Sendable {
    let store: Store
    let transport: any MailTransport
    let settings: DispatchSettings
    let composer: MessageComposer
    let envelopeFrom: String
    let secret: InstallationSecret
    private let control = Mutex(Control())
    private static let logger = Logger(label: "kampagne.dispatch")

    private struct Control {
        var stopReason: String?
        var nextSendAt = Date.distantPast
        var dailyRemaining: Int?
        var progress = DispatchProgress(due: 0, sent: 0, deferred: 0, failed: 0, elapsed: 0)
        var hardBounces = 0
        var activeConnections = 0
        var connectionsClosed = 0
        var started = Date()
        /// Highest id claimed so far: claims continue after it, in id order.
        var cursor: Int64 = 0
    }

    public init(store: Store, configuration: DeliveryConfiguration, composer: MessageComposer) {
        self.store = store
        self.transport = configuration.transport
        self.settings = configuration.settings
        self.composer = composer
        self.envelopeFrom = configuration.sender.address
        self.secret = composer.secret
    }

    /// Asks the run to stop after the messages in flight (Ctrl-C).
    public func stop(reason: String = "afbrudt") {
        control.withLock { if $0.stopReason == nil { $0.stopReason = reason } }
    }

    /// Sends everything due (of one campaign, or all). Only one run per database at a time.
    public func run(campaign: Int64? = nil, progress: (@Sendable (DispatchProgress) -> Void)? = nil) throws(KampagneError) -> DispatchSummary {
        let lock = try RunLock(path: store.path + ".dispatch.lock")
        defer { lock.release() }
        let started = Date()
        let (recovered, due, sentToday) = try store.write { db -> (Int, Int, Int) in
            let recovered = try OutboxRow.filter(OutboxRow.Columns.state == OutboxState.sending.rawValue)
                .updateAll(db, OutboxRow.Columns.state.set(to: OutboxState.queued.rawValue))
            let due = try Self.dueRequest(campaign: campaign, now: Date()).fetchCount(db)
            let startOfDay = Calendar.danish.startOfDay(for: Date())
            let sentToday = try OutboxRow.filter(Column("sentAt") >= startOfDay).fetchCount(db)
            return (recovered, due, sentToday)
        }
        if recovered > 0 {
            Self.logger.warning("re-queued messages that were in flight when a previous run stopped", metadata: ["count": "\(recovered)"])
        }
        control.withLock { state in
            state.started = started
            state.cursor = 0
            state.stopReason = nil
            state.connectionsClosed = 0
            state.progress.due = due
            state.dailyRemaining = settings.dailyLimit.map { max(0, $0 - sentToday) }
            if state.dailyRemaining == 0 { state.stopReason = "dagsgrænsen på \(settings.dailyLimit ?? 0) er nået" }
        }
        let workers = min(settings.connections, max(due, 1))
        let group = DispatchGroup()
        let failures = Mutex<[KampagneError]>([])
        for index in 0..<workers {
            group.enter()
            let thread = Thread { [self] in
                defer { group.leave() }
                do {
                    try work(campaign: campaign, worker: index, progress: progress, started: started)
                } catch {
                    failures.withLock { $0.append(KampagneError.wrap(error)) }
                    self.stop(reason: KampagneError.wrap(error).message)
                }
            }
            thread.name = "kampagne-dispatch-\(index)"
            thread.start()
        }
        group.wait()
        let remaining = try store.read { try Self.dueRequest(campaign: campaign, now: Date()).fetchCount($0) }
        let state = control.withLock { $0 }
        if let first = failures.withLock({ $0.first }), state.progress.sent == 0 { throw first }
        return DispatchSummary(recoveredInFlight: recovered, sent: state.progress.sent, deferred: state.progress.deferred,
                               failed: state.progress.failed, hardBounces: state.hardBounces, remaining: remaining,
                               stoppedBecause: state.stopReason, seconds: Date().timeIntervalSince(started),
                               connections: workers, connectionsClosed: state.connectionsClosed)
    }

    static func dueRequest(campaign: Int64?, now: Date) -> QueryInterfaceRequest<OutboxRow> {
        var request = OutboxRow.filter([OutboxState.queued.rawValue, OutboxState.deferred.rawValue].contains(OutboxRow.Columns.state)
                                       && OutboxRow.Columns.nextAttemptAt <= now)
        if let campaign { request = request.filter(OutboxRow.Columns.campaignId == campaign) }
        return request
    }

    /// One connection's loop: claim, render, send, record-and-claim-next.
    private func work(campaign: Int64?, worker: Int, progress: (@Sendable (DispatchProgress) -> Void)?, started: Date) throws {
        let connection = try transport.connect()
        control.withLock { $0.activeConnections += 1 }
        defer {
            connection.close()
            control.withLock { $0.activeConnections -= 1 }
        }
        var campaigns: [Int64: (Campaign, NewsletterRenderer?)] = [:]
        var claimed = try store.write { db in try self.claim(campaign: campaign, with: OutboxStatements(db)) }
        while let row = claimed {
            if let reason = control.withLock({ $0.stopReason }) {
                try store.write { db in try self.release(row, with: OutboxStatements(db)) }
                Self.logger.debug("stopping", metadata: ["reason": "\(reason)"])
                return
            }
            pace()
            if campaigns[row.campaignId] == nil {
                campaigns[row.campaignId] = try store.read { db -> (Campaign, NewsletterRenderer?) in
                    guard let record = try Campaign.fetchOne(db, key: row.campaignId) else {
                        throw KampagneError.database("Udsendelse \(row.campaignId) mangler")
                    }
                    return (record, record.editionId == nil ? nil : try composer.renderer(for: record, in: db))
                }
            }
            guard let (campaignRecord, renderer) = campaigns[row.campaignId] else { return }
            let data = try composer.message(for: row, campaign: campaignRecord, renderer: renderer, date: Date()).rendered()
            let outcome = connection.send(data, from: envelopeFrom, to: row.email)
            let keepGoing: Bool
            switch outcome {
            case .unreachable(let reason):
                stop(reason: "serveren svarer ikke: \(reason)")
                keepGoing = false
            case .temporary(let code, _) where code == 432 || code == 421 && outcome.reply.lowercased().contains("too many"):
                keepGoing = control.withLock { state -> Bool in
                    guard state.activeConnections > 1 else { return true }
                    state.connectionsClosed += 1
                    return false
                }
                Self.logger.notice("server asked for fewer connections; closing one", metadata: ["reply": "\(outcome.reply)"])
            default:
                keepGoing = true
            }
            claimed = try store.write { db -> OutboxRow? in
                let statements = try OutboxStatements(db)
                try self.record(outcome, for: row, in: db, with: statements)
                guard keepGoing, control.withLock({ $0.stopReason }) == nil else { return nil }
                return try self.claim(campaign: campaign, with: statements)
            }
            if let progress {
                let snapshot = control.withLock { state -> DispatchProgress in
                    state.progress.elapsed = Date().timeIntervalSince(started)
                    return state.progress
                }
                progress(snapshot)
            }
        }
    }

    /// The next due row, marked `sending`, or nil when nothing is due or the daily limit is reached.
    /// Rows are due if they were due when the run started: a row deferred during the run waits
    /// for the next run, however short the retry delay.
    private func claim(campaign: Int64?, with statements: OutboxStatements) throws -> OutboxRow? {
        let runStarted = control.withLock { $0.started }
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
        var cursor = control.withLock { $0.cursor }
        while var row = try statements.claimNext(after: cursor, dueBy: runStarted, campaign: campaign, now: Date()) {
            cursor = row.id ?? cursor
            control.withLock { $0.cursor = max($0.cursor, cursor) }
            let transactional = row.notice?.isTransactional ?? false
            if !transactional, try statements.isSuppressed(hash: secret.mac(row.emailKey)) {
                row.state = .failed
                row.attempts -= 1
                row.lastReply = "ikke sendt: adressen er spærret"
                try statements.update(row)
                continue
            }
            return row
        }
        control.withLock { state in
            if let remaining = state.dailyRemaining { state.dailyRemaining = remaining + 1 }
        }
        return nil
    }

    /// Puts a claimed but unsent row back.
    private func release(_ row: OutboxRow, with statements: OutboxStatements) throws {
        var row = row
        row.state = .queued
        row.attempts = max(0, row.attempts - 1)
        try statements.update(row)
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
        case .temporary, .unreachable:
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
        case .permanent(let code, let reply):
            row.state = .failed
            control.withLock { $0.progress.failed += 1 }
            if BounceClassifier.isUnknownUser(code: code, reply: reply) {
                try SuppressionList.add(row.emailKey, reason: .hardBounce, source: "afvist: \(reply.prefix(200))", in: db)
                control.withLock { $0.hardBounces += 1 }
            }
        }
        try statements.update(row)
    }

    /// Waits for the configured rate, shared by all connections.
    private func pace() {
        guard let rate = settings.rate else { return }
        let interval = rate.seconds / Double(rate.count)
        let wait = control.withLock { state -> TimeInterval in
            let now = Date()
            let slot = max(now, state.nextSendAt)
            state.nextSendAt = slot.addingTimeInterval(interval)
            return slot.timeIntervalSince(now)
        }
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
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
            throw .conflict("En anden udsendelse kører allerede på denne database (\(path))")
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
