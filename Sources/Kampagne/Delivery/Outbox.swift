import Foundation
import GRDB
import MailTemplates

/// What queueing a campaign did.
public struct EnqueueReport: Codable, Sendable {
    public var campaignId: Int64
    public var queued: Int
    /// Left out: on the suppression list (unsubscribed, bounced, erased).
    public var suppressed: Int
    /// On more than one of the chosen lists or segments: sent once.
    public var duplicates: Int
    /// Left out because an earlier send of the same edition already reached them (or has them
    /// in the queue); `sendAgain` includes them.
    public var alreadySent: Int = 0
    /// Lists, segments or roles of the audience that matched nobody (Danish, with the
    /// nearest known names).
    public var warnings: [String] = []
}

/// One campaign's progress, per state.
public struct CampaignStatus: Codable, Sendable {
    public var campaignId: Int64
    public var kind: CampaignKind
    public var name: String
    public var audience: String
    public var createdAt: Date
    public var total: Int
    public var queued: Int
    public var sending: Int
    public var sent: Int
    public var deferred: Int
    public var failed: Int
    public var suppressed: Int
    public var duplicates: Int
    public var nextAttemptAt: Date?
}

/// The transactional outbox: a campaign becomes one row per recipient in one transaction,
/// before anything is sent. The dispatcher then works through the rows.
public struct Outbox: Sendable {
    let store: Store

    public init(store: Store) { self.store = store }

    /// Queues edition `editionId` for the contacts on `audience`'s lists and segments, or for
    /// its explicit addresses (a test send). Suppressed addresses are counted and left out.
    /// People an earlier newsletter send of the same edition reached (or still has queued)
    /// are left out and counted, unless `sendAgain`.
    public func enqueue(kind: CampaignKind, editionId: Int64, audience: Audience, senderDomain: String,
                        dryRun: Bool = false, sendAgain: Bool = false) throws(KampagneError) -> EnqueueReport {
        guard !audience.isEmpty else {
            throw .invalidInput("Vælg mindst én liste (--list), et segment (--segment) eller en adresse")
        }
        let body = { (db: Database) throws -> EnqueueReport in
            let (record, _) = try Editions.find(editionId, in: db)
            if kind != .test { try Editions.checkStories(of: editionId, now: Date(), in: db) }
            let members = try audience.members(in: db)
            let recipients = members.recipients
            let duplicates = members.duplicates
            let suppressions = try SuppressionList(db: db)
            let reached = kind == .test || sendAgain ? [] : try Self.reached(edition: editionId, in: db)
            var campaign = Campaign(id: nil, kind: kind, editionId: record.id, eventId: nil,
                                    name: kind == .test ? "Test: \(record.subject)" : record.subject,
                                    audience: audience, suppressed: 0, duplicates: duplicates, createdAt: Date())
            try campaign.insert(db)
            let campaignId = campaign.id ?? 0
            let now = StoredDate.text(Date())
            let insert = try db.cachedStatement(sql: """
                INSERT INTO outbox (campaignId, contactId, email, emailKey, recipient, state, attempts, nextAttemptAt, messageID, createdAt)
                VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?)
                """)
            var queued = 0
            var suppressed = 0
            var alreadySent = 0
            for (contact, address, via) in recipients {
                if suppressions.reason(for: address.key) != nil {
                    suppressed += 1
                    continue
                }
                if reached.contains(address.key) {
                    alreadySent += 1
                    continue
                }
                let snapshot = RecipientSnapshot(firstName: contact?.firstName ?? "", lastName: contact?.lastName ?? "",
                                                 organisation: contact?.organisation ?? "", municipality: contact?.municipality ?? "",
                                                 list: via)
                let json = snapshot.jsonText
                let messageID = "\(UUID().uuidString.lowercased()).\(campaignId)@\(senderDomain)"
                try insert.executeBound([
                    .integer(campaignId), contact?.id.map { .integer($0) } ?? .optionalText(nil), .text(address.value),
                    .text(address.key), .text(json), .text(now), .text(messageID), .text(now),
                ])
                queued += 1
            }
            campaign.suppressed = suppressed
            try campaign.update(db)
            return EnqueueReport(campaignId: campaignId, queued: queued, suppressed: suppressed, duplicates: duplicates,
                                 alreadySent: alreadySent, warnings: members.warnings)
        }
        return dryRun ? try store.dryRun(body) : try store.write(body)
    }

    /// The address keys an earlier newsletter send of `edition` has sent to or still will
    /// (not test sends, not failed rows).
    static func reached(edition: Int64, in db: Database) throws -> Set<String> {
        let campaigns = Campaign.filter(Column("editionId") == edition && Column("kind") == CampaignKind.newsletter.rawValue)
            .select(Column("id"))
        let states = [OutboxState.sent, .queued, .sending, .deferred].map(\.rawValue)
        return try Set(String.fetchAll(db, OutboxRow.filter(campaigns.contains(OutboxRow.Columns.campaignId)
            && states.contains(OutboxRow.Columns.state)).select(OutboxRow.Columns.emailKey)))
    }

    /// Progress of one campaign, or of all of them (newest first).
    public func status(campaign: Int64? = nil) throws(KampagneError) -> [CampaignStatus] {
        try store.read { db in
            var request = Campaign.order(Column("id").desc)
            if let campaign {
                guard try Campaign.fetchOne(db, key: campaign) != nil else {
                    throw KampagneError.notFound("Udsendelse \(campaign) findes ikke (se `kampagne outbox status`)")
                }
                request = request.filter(key: campaign)
            }
            let rows = try Row.fetchAll(db, sql: """
                SELECT campaignId, state, COUNT(*) AS n, MIN(CASE WHEN state = 'deferred' THEN nextAttemptAt END) AS next
                FROM outbox GROUP BY campaignId, state
                """)
            var counts: [Int64: [String: Int]] = [:]
            var next: [Int64: Date] = [:]
            for row in rows {
                let id: Int64 = row["campaignId"]
                counts[id, default: [:]][row["state"]] = row["n"]
                if let date: Date = row["next"] { next[id] = date }
            }
            return try request.fetchAll(db).map { campaign in
                let id = campaign.id ?? 0
                let c = counts[id] ?? [:]
                return CampaignStatus(
                    campaignId: id, kind: campaign.kind, name: campaign.name, audience: campaign.audience.summary,
                    createdAt: campaign.createdAt, total: c.values.reduce(0, +), queued: c["queued"] ?? 0,
                    sending: c["sending"] ?? 0, sent: c["sent"] ?? 0, deferred: c["deferred"] ?? 0,
                    failed: c["failed"] ?? 0, suppressed: campaign.suppressed, duplicates: campaign.duplicates,
                    nextAttemptAt: next[id])
            }
        }
    }

    /// Puts a campaign's failed messages back in the queue, except to suppressed addresses.
    public func retryFailed(campaign: Int64) throws(KampagneError) -> Int {
        try store.write { db in
            guard try Campaign.fetchOne(db, key: campaign) != nil else {
                throw KampagneError.notFound("Udsendelse \(campaign) findes ikke")
            }
            let suppressions = try SuppressionList(db: db)
            var count = 0
            for var row in try OutboxRow.filter(OutboxRow.Columns.campaignId == campaign && OutboxRow.Columns.state == OutboxState.failed.rawValue).fetchAll(db)
            where suppressions.reason(for: row.emailKey) == nil {
                row.state = .queued
                row.nextAttemptAt = Date()
                try row.update(db)
                count += 1
            }
            return count
        }
    }
}

/// The people an audience names, each once, in the order their lists and segments name them.
struct AudienceMembers {
    /// Each with the list or segment that named them first (nil for explicit addresses).
    var recipients: [(contact: Contact?, address: EmailAddress, via: String?)] = []
    /// Named by more than one list, segment or role: counted, included once.
    var duplicates = 0
    /// Lists and segments that named nobody.
    var warnings: [String] = []
}

extension Audience {
    public var isEmpty: Bool { lists.isEmpty && segments.isEmpty && addresses.isEmpty && (roles ?? []).isEmpty }

    /// Resolves lists, segments, roles and explicit addresses; unknown names are errors.
    func members(in db: Database) throws -> AudienceMembers {
        var members = AudienceMembers()
        var seen: Set<String> = []
        func add(_ contacts: [Contact], via: String?) {
            for contact in contacts {
                if seen.insert(contact.emailKey).inserted {
                    members.recipients.append((contact, EmailAddress(trusted: contact.email, key: contact.emailKey), via))
                } else {
                    members.duplicates += 1
                }
            }
        }
        for list in lists {
            let record = try MailingLists.find(list, in: db)
            let people = try ContactFilter(lists: [list]).request().fetchAll(db)
            if people.isEmpty { members.warnings.append("Listen '\(record.name)' har ingen medlemmer") }
            add(people, via: record.name)
        }
        for name in segments {
            let segment = try Segments.find(name, in: db)
            let people = try segment.filter.request().fetchAll(db)
            if people.isEmpty {
                let why = try segment.filter.warnings(in: db)
                members.warnings.append("Segmentet '\(segment.name)' passer på ingen kontakter" + (why.isEmpty ? "" : ": " + why.joined(separator: "; ")))
            }
            add(people, via: segment.name)
        }
        for role in roles ?? [] {
            let holders = try ContactFilter(roles: [role]).request().fetchAll(db)
            guard !holders.isEmpty else {
                throw KampagneError.notFound(try ContactFilter(roles: [role]).warnings(in: db).first ?? "Ingen kontakter har rollen '\(role)'")
            }
            add(holders, via: nil)
        }
        for raw in addresses {
            let address = try EmailAddress(parsing: raw)
            if seen.insert(address.key).inserted {
                var contact = try Contact.filter(Contact.Columns.emailKey == address.key).fetchOne(db)
                // "Jens Hansen <jens@…>" for someone not on the lists: greet them by the name given.
                if contact == nil, let open = raw.lastIndex(of: "<") {
                    let name = Contact.nameParts(String(raw[..<open]).replacingOccurrences(of: "\"", with: ""))
                    contact = Contact(address: address, firstName: name.first, lastName: name.last)
                }
                members.recipients.append((contact, address, nil))
            } else {
                members.duplicates += 1
            }
        }
        return members
    }
}

extension EmailAddress {
    /// An address already validated and stored.
    init(trusted value: String, key: String) {
        self.value = value
        self.key = key
    }
}
