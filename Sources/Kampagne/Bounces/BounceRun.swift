import Foundation
import GRDB

/// One message read from the bounce mailbox and what was done about it.
public struct BounceRecord: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "bounceReport"

    /// What the run did with a report.
    public enum Outcome: String, Codable, Sendable {
        /// The address went on the suppression list.
        case suppressed
        /// Counted against the message (failed, soft bounce, delivered after all).
        case counted
        /// Counted and otherwise ignored (automatic replies).
        case ignored
        /// Left in the mailbox for a person.
        case left

        public var danish: String {
            switch self {
            case .suppressed: return "spærret"
            case .counted: return "talt med"
            case .ignored: return "ignoreret"
            case .left: return "efterladt til en person"
            }
        }
    }

    public var id: Int64?
    public var mailbox: String
    public var uidValidity: Int64
    public var uid: Int64
    public var reportMessageID: String?
    public var kind: BounceReport.Kind
    public var outboxId: Int64?
    public var emailHash: String?
    public var status: String?
    public var action: String?
    public var diagnostic: String?
    public var feedbackType: String?
    public var outcome: Outcome
    public var note: String
    public var processedAt: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public enum Columns {
        static let mailbox = Column(CodingKeys.mailbox)
        static let uidValidity = Column(CodingKeys.uidValidity)
        static let uid = Column(CodingKeys.uid)
        static let reportMessageID = Column(CodingKeys.reportMessageID)
        static let kind = Column(CodingKeys.kind)
        static let emailHash = Column(CodingKeys.emailHash)
        static let processedAt = Column(CodingKeys.processedAt)
    }
}

/// What one run found and did.
public struct BounceRunSummary: Codable, Sendable, Equatable {
    public var dryRun: Bool
    /// Messages looked at in this run.
    public var examined = 0
    /// Messages recorded in an earlier run that had not been flagged or moved yet.
    public var alreadyRecorded = 0
    /// Reports per kind (BounceReport.Kind raw values).
    public var kinds: [String: Int] = [:]
    /// Addresses that went on the suppression list.
    public var suppressed = 0
    /// Messages left in the mailbox for a person.
    public var left = 0
    /// Why the run stopped early (the connection dropped), in Danish; nil when it finished.
    public var stopped: String?
    public var items: [Item] = []

    public struct Item: Codable, Sendable, Equatable {
        public var uid: Int64
        public var kind: String
        public var outcome: String
        public var email: String?
        public var status: String?
        public var note: String
    }
}

/// The scheduled and the manual run: read the bounce mailbox, classify each new message by its
/// structure, record the result and its effect (suppression, count) in one transaction, THEN
/// flag or move the message. A run killed between the two finds the record next time and only
/// flags: nothing is processed twice, nothing is lost.
public struct BounceRun: Sendable {
    public let store: Store
    public let settings: BounceSettings
    public var dryRun: Bool

    /// Keywords on messages the run is done with, and on those it left for a person.
    public static let doneKeyword = "$KampagneDone"
    public static let leftKeyword = "$KampagneUnklar"

    public init(store: Store, settings: BounceSettings, dryRun: Bool = false) {
        self.store = store
        self.settings = settings
        self.dryRun = dryRun
    }

    /// Logs in and opens the folder; the check `kampagne doctor` runs. Returns a Danish line.
    public static func checkLogin(_ settings: BounceSettings) throws(KampagneError) -> String {
        let mailbox = try IMAPMailbox(account: settings.account)
        let validity = try mailbox.uidValidity()
        let waiting = try mailbox.search("NOT KEYWORD \(doneKeyword) NOT KEYWORD \(leftKeyword)").count
        return "Postkassen \(settings.account.folder) på \(settings.account.server): login i orden, \(DanishNumber.int(waiting)) ubehandlede (UIDVALIDITY \(validity))"
    }

    /// The run. Login and search failures throw; a connection lost mid-way ends the run with
    /// what was done so far and the reason in `stopped`.
    public func run() throws(KampagneError) -> BounceRunSummary {
        let mailbox = try IMAPMailbox(account: settings.account)
        let validity = try mailbox.uidValidity()
        if !dryRun, let folder = settings.processedFolder { try mailbox.ensureFolder(folder) }
        let unseen = Set(try mailbox.search("UNSEEN"))
        let waiting = try mailbox.search("NOT KEYWORD \(Self.doneKeyword) NOT KEYWORD \(Self.leftKeyword)")
        let secret = try store.write { try InstallationSecret.load($0) }
        // The record key: the account and folder, not the URL (a changed host name or port is
        // the same mailbox), with UIDVALIDITY and the UID.
        let name = settings.account.username + "/" + settings.account.folder
        var summary = BounceRunSummary(dryRun: dryRun)
        do {
            for uid in waiting {
                summary.examined += 1
                let key = (name, validity, uid)
                if let earlier = try store.read({ db in
                    try BounceRecord.filter(BounceRecord.Columns.mailbox == key.0 && BounceRecord.Columns.uidValidity == key.1
                                                && BounceRecord.Columns.uid == key.2).fetchOne(db)
                }) {
                    summary.alreadyRecorded += 1
                    if !dryRun { try settle(uid, kind: earlier.kind, in: mailbox) }
                    continue
                }
                let fetched = try mailbox.fetch(uid: uid, uidValidity: validity)
                let report = BounceReport(parsing: fetched.data)
                let decision = try store.read { db in try BounceDecision(report: report, settings: settings, secret: secret, in: db) }
                var record = BounceRecord(id: nil, mailbox: name, uidValidity: validity, uid: uid, reportMessageID: report.messageID,
                                          kind: decision.kind, outboxId: decision.row?.id,
                                          emailHash: decision.row.map { SuppressionList.hash($0.emailKey, secret: secret) },
                                          status: report.status, action: report.action, diagnostic: report.diagnostic,
                                          feedbackType: report.feedbackType, outcome: decision.outcome, note: decision.note,
                                          processedAt: Date())
                if dryRun {
                    if unseen.contains(uid) { try mailbox.store(uid: uid, "-", flags: ["\\Seen"]) }
                } else {
                    let settings = settings
                    record = try store.write { db in
                        try record.insert(db)
                        try decision.apply(to: &record, settings: settings, in: db)
                        try record.update(db)
                        return record
                    }
                    try settle(uid, kind: record.kind, in: mailbox)
                }
                summary.kinds[record.kind.rawValue, default: 0] += 1
                if record.outcome == .suppressed { summary.suppressed += 1 }
                if record.outcome == .left { summary.left += 1 }
                summary.items.append(.init(uid: uid, kind: record.kind.rawValue, outcome: record.outcome.rawValue,
                                           email: decision.row?.email, status: record.status, note: record.note))
            }
        } catch {
            summary.stopped = error.description
        }
        if !dryRun && summary.stopped == nil {
            try RunMarker.bounces.record(in: store)
        }
        return summary
    }

    /// Marks a recorded message on the server: a person's message is made unread again and
    /// tagged; a handled one is flagged done, then moved if a folder is configured.
    private func settle(_ uid: Int64, kind: BounceReport.Kind, in mailbox: IMAPMailbox) throws(KampagneError) {
        if kind == .unknown {
            try mailbox.store(uid: uid, "-", flags: ["\\Seen"])
            try mailbox.store(uid: uid, "+", flags: [Self.leftKeyword])
            return
        }
        try mailbox.store(uid: uid, "+", flags: ["\\Seen", Self.doneKeyword])
        if let folder = settings.processedFolder { try mailbox.move(uid: uid, to: folder) }
    }
}

/// A report matched to the message it is about, and what to do. Matching is by the signed
/// per-message return path, or by our signed header quoted in the report (with the quoted
/// Message-ID agreeing); never by guessing from text.
struct BounceDecision {
    var kind: BounceReport.Kind
    var row: OutboxRow?
    var outcome: BounceRecord.Outcome
    var note: String

    init(report: BounceReport, settings: BounceSettings, secret: InstallationSecret, in db: Database) throws {
        func sentRow(_ token: String?, scope: LinkToken.Scope) throws -> OutboxRow? {
            guard let token, let decoded = LinkToken.decode(token, scope: scope, with: secret) else { return nil }
            guard let row = try OutboxRow.fetchOne(db, key: decoded.subject), row.email != "slettet" else { return nil }
            return row
        }
        kind = report.kind
        note = report.problem ?? ""
        outcome = .left
        if let reportID = report.messageID, !reportID.isEmpty,
           try BounceRecord.filter(BounceRecord.Columns.reportMessageID == reportID).fetchCount(db) > 0 {
            outcome = .ignored
            note = "samme rapport er behandlet før (Message-ID \(reportID))"
            return
        }
        switch report.kind {
        case .hardBounce, .failed, .softBounce, .delivered, .complaint:
            var matched: OutboxRow?
            if let pattern = settings.addresses.returnPath {
                for address in report.recipients where matched == nil {
                    matched = try sentRow(pattern.token(in: address), scope: .bounceRef)
                }
            }
            if matched == nil, let candidate = try sentRow(report.reference, scope: .bounceRef) {
                if let quoted = report.originalMessageID, quoted != candidate.messageID {
                    note = "Message-ID i rapporten passer ikke med vores reference"
                } else {
                    matched = candidate
                }
            }
            guard let matched else {
                kind = .unknown
                if note.isEmpty { note = "rapport om en mail, Kampagne ikke kan genkende som sin egen" }
                return
            }
            row = matched
            switch report.kind {
            case .hardBounce, .complaint: outcome = .suppressed
            default: outcome = .counted
            }
        case .autoReply:
            // Counted against the message when it came back to the per-message return path.
            outcome = .ignored
            if let pattern = settings.addresses.returnPath {
                for address in report.recipients where row == nil {
                    row = try sentRow(pattern.token(in: address), scope: .bounceRef)
                }
            }
        case .unsubscribe, .unknown:
            var matched: OutboxRow?
            if let pattern = settings.addresses.unsubscribe {
                for address in report.recipients where matched == nil {
                    matched = try sentRow(pattern.token(in: address), scope: .unsubscribe)
                }
            }
            // The mailto without an unsubscribe address: "afmeld TOKEN" in the subject.
            if matched == nil, let subject = report.subject?.trimmingCharacters(in: .whitespaces),
               subject.lowercased().hasPrefix("afmeld ") {
                matched = try sentRow(String(subject.dropFirst("afmeld ".count)).trimmingCharacters(in: .whitespaces), scope: .unsubscribe)
            }
            if let matched, report.problem == nil || report.problem == BounceReport.plainMail {
                kind = .unsubscribe
                row = matched
                outcome = .suppressed
                note = ""
            } else {
                kind = .unknown
            }
        }
    }

    /// Suppresses, counts soft bounces: in the caller's transaction, with the record inserted.
    func apply(to record: inout BounceRecord, settings: BounceSettings, in db: Database) throws {
        guard let row else { return }
        let detail = [record.status, record.diagnostic].compactMap { $0 }.joined(separator: " ").prefix(200)
        switch kind {
        case .hardBounce:
            try SuppressionList.add(row.emailKey, reason: .hardBounce, source: "afvist (rapport): \(detail)", in: db)
        case .complaint:
            try SuppressionList.add(row.emailKey, reason: .complaint, source: "klage (ARF \(record.feedbackType ?? "abuse"))", in: db)
        case .unsubscribe:
            try SuppressionList.add(row.emailKey, reason: .unsubscribed, source: "afmeldt pr. mail", in: db)
        case .softBounce:
            guard let hash = record.emailHash else { return }
            let since = Date().addingTimeInterval(-settings.softWindow)
            let count = try BounceRecord.filter(BounceRecord.Columns.emailHash == hash && BounceRecord.Columns.kind == BounceReport.Kind.softBounce.rawValue
                                                    && BounceRecord.Columns.processedAt >= since).fetchCount(db)
            if count >= settings.softLimit {
                let days = Int(settings.softWindow / 86_400)
                try SuppressionList.add(row.emailKey, reason: .hardBounce,
                                        source: "\(count) midlertidige afvisninger på \(days) dage", in: db)
                record.outcome = .suppressed
                record.note = "\(count). midlertidige afvisning inden for \(days) dage: spærret"
            }
        case .failed, .delivered, .autoReply, .unknown:
            break
        }
    }
}

// Optional values are written as null rather than left out, so every documented key is always there.
extension BounceRunSummary {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(dryRun, forKey: .dryRun)
        try c.encode(examined, forKey: .examined)
        try c.encode(alreadyRecorded, forKey: .alreadyRecorded)
        try c.encode(kinds, forKey: .kinds)
        try c.encode(suppressed, forKey: .suppressed)
        try c.encode(left, forKey: .left)
        try c.encode(stopped, forKey: .stopped)
        try c.encode(items, forKey: .items)
    }
}

extension BounceRunSummary.Item {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(uid, forKey: .uid)
        try c.encode(kind, forKey: .kind)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(email, forKey: .email)
        try c.encode(status, forKey: .status)
        try c.encode(note, forKey: .note)
    }
}

