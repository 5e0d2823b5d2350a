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
    /// When a scheduled send starts (or was to start).
    public var scheduledAt: Date?
    /// When the send was cancelled before it started (its unsent rows removed).
    public var cancelledAt: Date?
}

/// The transactional outbox: a campaign becomes one row per recipient in one transaction,
/// before anything is sent. The dispatcher then works through the rows.
public struct Outbox: Sendable {
    let store: Store

    public init(store: Store) { self.store = store }

    /// The writer's page cache while it queues a campaign, in KiB: the rows are appended once.
    /// 8 MB peaked at 60.8 MB for 100,000 rows, 2 MB at 55 MB in the same time (1.3-1.5 s;
    /// bench/RESULTS.md, session 8).
    static let queueingPageCache = 2 * 1024

    /// Queues edition `editionId` for the contacts on `audience`'s lists and segments, or for
    /// its explicit addresses (a test send). Suppressed addresses are counted and left out.
    /// People an earlier newsletter send of the same edition reached (or still has queued)
    /// are left out and counted, unless `sendAgain`. `startAt` schedules the send: its rows
    /// are due then (and count as queued then, for the give-up clock); nil sends at once.
    /// A dry run counts exactly what a real one would queue (the audience count the staff
    /// area shows before sending). A scheduled send's record (`scheduleHistory`) names `scheduledBy`.
    public func enqueue(kind: CampaignKind, editionId: Int64, audience: Audience, senderDomain: String,
                        dryRun: Bool = false, sendAgain: Bool = false, startAt: Date? = nil,
                        scheduledBy: String = "") throws(KampagneError) -> EnqueueReport {
        guard !audience.isEmpty else {
            throw .choice("audience", "Vælg mindst én liste, et segment eller en adresse", among: ["list", "segment"])
        }
        let body = { (db: Database) throws -> EnqueueReport in
            let (record, _) = try Editions.find(editionId, in: db)
            if kind != .test { try Editions.checkStories(of: editionId, now: Date(), in: db) }
            if kind == .newsletter { try Editions.storiesSent(editionId, now: Date(), in: db) }
            let suppressions = try SuppressionList(db: db)
            let reached = kind == .test || sendAgain ? [] : try Self.reached(edition: editionId, in: db)
            var campaign = Campaign(id: nil, kind: kind, editionId: record.id, eventId: nil,
                                    name: kind == .test ? "Test: \(record.subject)" : record.subject,
                                    audience: audience, suppressed: 0, duplicates: 0, createdAt: Date(), scheduledAt: startAt)
            try campaign.insert(db)
            let campaignId = campaign.id ?? 0
            let now = StoredDate.text(max(startAt ?? Date(), Date()))
            var rows = BatchedInsert(db, head: """
                INSERT INTO outbox (campaignId, contactId, email, emailKey, recipient, recipientFirstName, recipientLastName,
                                    recipientOrganisation, recipientMunicipality, recipientList, state, attempts, nextAttemptAt,
                                    messageID, createdAt) VALUES
                """, row: "(?, ?, ?, ?, '{}', ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?)", valuesPerRow: 12)
            var queued = 0
            var suppressed = 0
            var alreadySent = 0
            var messageIDs = MessageIDs(campaignId: campaignId, domain: senderDomain)
            // A small page cache instead of 32 MB: the queued rows are appended once and their
            // unique index (about 5 MB at 100,000) still fits, so the whole send command
            // stays small (issue 16: < 60 MB).
            let members = try db.withSmallPageCache(kibibytes: Self.queueingPageCache) {
                let members = try audience.eachMember(in: db) { member, via in
                    if suppressions.reason(for: member.emailKey) != nil {
                        suppressed += 1
                        return
                    }
                    if reached.contains(member.emailKey) {
                        alreadySent += 1
                        return
                    }
                    // The snapshot goes into its v12 columns (`RecipientSnapshot(row:)` reads them back).
                    try rows.append([
                        .integer(campaignId), member.id.map { .integer($0) } ?? .optionalText(nil), .text(member.email),
                        .text(member.emailKey), .text(member.firstName), .text(member.lastName),
                        .text(member.organisation), .text(member.municipality ?? ""), .optionalText(via),
                        .text(now), .text(messageIDs.next()), .text(now),
                    ])
                    queued += 1
                }
                try rows.finish()
                return members
            }
            campaign.suppressed = suppressed
            campaign.duplicates = members.duplicates
            try campaign.update(db)
            if let startAt { try Self.recordScheduled(campaignId, at: startAt, messages: queued, by: scheduledBy, in: db) }
            return EnqueueReport(campaignId: campaignId, queued: queued, suppressed: suppressed, duplicates: members.duplicates,
                                 alreadySent: alreadySent, warnings: members.warnings)
        }
        return try store.transaction(commit: !dryRun, journal: .memory, body)
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
                    throw KampagneError.unknown(.campaign, campaign)
                }
                request = request.filter(key: campaign)
            }
            // One campaign's status (the live progress poll) counts only that campaign's rows.
            let rows = try Row.fetchAll(db, sql: """
                SELECT campaignId, state, COUNT(*) AS n, MIN(CASE WHEN state = 'deferred' THEN nextAttemptAt END) AS next
                FROM outbox \(campaign == nil ? "" : "WHERE campaignId = ?") GROUP BY campaignId, state
                """, arguments: StatementArguments(campaign.map { [$0] } ?? []))
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
                    nextAttemptAt: next[id], scheduledAt: campaign.scheduledAt, cancelledAt: campaign.cancelledAt)
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
    var recipients: [(member: AudienceMember, via: String?)] = []
    /// Named by more than one list, segment or role: counted, included once.
    var duplicates = 0
    /// Lists and segments that named nobody.
    var warnings: [String] = []
}

/// One person an audience names, as queueing needs them: the contact's id (nil for an
/// explicit address that is no contact), address and the recipient snapshot's fields. Read
/// with a narrow SELECT by column position: `Contact(row:)` also parsed two dates, the
/// attributes' JSON, the title and the phone for every recipient (bench/RESULTS.md,
/// "Issue 16, session 6").
struct AudienceMember: Equatable {
    var id: Int64?
    var email: String
    var emailKey: String
    var firstName: String
    var lastName: String
    var organisation: String
    var municipality: String?

    /// The columns `init(row:)` reads, in its order.
    static let columns: [Column] = ["id", "email", "emailKey", "firstName", "lastName", "organisation", "municipality"]
        .map { Column($0) }

    /// A row of `columns`, read by position; a NULL where the schema allows none throws.
    init(row: Row) throws {
        id = try row.decode(atIndex: 0)
        email = try row.decode(atIndex: 1)
        emailKey = try row.decode(atIndex: 2)
        firstName = try row.decode(atIndex: 3)
        lastName = try row.decode(atIndex: 4)
        organisation = try row.decode(atIndex: 5)
        municipality = try row.decode(atIndex: 6)
    }

    init(_ contact: Contact) {
        id = contact.id
        email = contact.email
        emailKey = contact.emailKey
        firstName = contact.firstName
        lastName = contact.lastName
        organisation = contact.organisation
        municipality = contact.municipality
    }

    var address: EmailAddress { EmailAddress(trusted: email, key: emailKey) }

    /// The member as a contact record with the snapshot's fields (a meeting notice's recipient).
    var contact: Contact {
        var contact = Contact(address: address, firstName: firstName, lastName: lastName, organisation: organisation,
                              municipality: municipality)
        contact.id = id
        return contact
    }
}

/// The Message-IDs of one campaign's queued rows: one random UUID per campaign and a counter
/// (`<uuid>-<n>.<campaign>@<domain>`), unique like a UUID per row but without making and
/// formatting 128 random bits for each of 100,000 rows.
struct MessageIDs {
    private let prefix: String
    private let suffix: String
    private var count = 0

    init(campaignId: Int64, domain: String) {
        prefix = UUID().uuidString.lowercased() + "-"
        suffix = ".\(campaignId)@\(domain)"
    }

    mutating func next() -> String {
        count += 1
        return prefix + String(count, radix: 36) + suffix
    }
}

extension Audience {
    public var isEmpty: Bool { lists.isEmpty && segments.isEmpty && addresses.isEmpty && (roles ?? []).isEmpty }

    /// Resolves lists, segments, roles and explicit addresses; unknown names are errors.
    func members(in db: Database) throws -> AudienceMembers {
        var recipients: [(member: AudienceMember, via: String?)] = []
        var members = try eachMember(in: db) { recipients.append(($0, $1)) }
        members.recipients = recipients
        return members
    }

    /// Hands each person the audience names to `visit` once, with the list or segment that
    /// named them first (nil for explicit addresses), in the order of `members`, reading
    /// contacts through a cursor: queueing 100,000 kept every contact in an array before
    /// (bench/RESULTS.md, "Queueing"). Returns the duplicates and warnings, no recipients.
    /// `visit` may write to tables other than `contact` while the cursor is open.
    func eachMember(in db: Database, _ visit: (AudienceMember, String?) throws -> Void) throws -> AudienceMembers {
        var members = AudienceMembers()
        var seenContacts: Set<Int64> = []
        var seenAddresses: Set<String> = []  // explicit addresses of people who are not contacts
        func add(_ request: QueryInterfaceRequest<Contact>, via: String?) throws -> Int {
            var found = 0
            let rows = try Row.fetchCursor(db, request.select(AudienceMember.columns))
            while let row = try rows.next() {
                found += 1
                let member = try AudienceMember(row: row)
                if seenContacts.insert(member.id ?? 0).inserted {
                    try visit(member, via)
                } else {
                    members.duplicates += 1
                }
            }
            return found
        }
        for list in lists {
            let record = try MailingLists.find(list, in: db)
            if try add(ContactFilter(lists: [list]).request(), via: record.name) == 0 {
                members.warnings.append("Listen '\(record.name)' har ingen medlemmer")
            }
        }
        for name in segments {
            let segment = try Segments.find(name, in: db)
            if try add(segment.filter.request(), via: segment.name) == 0 {
                let why = try segment.filter.warnings(in: db)
                members.warnings.append("Segmentet '\(segment.name)' passer på ingen kontakter" + (why.isEmpty ? "" : ": " + why.joined(separator: "; ")))
            }
        }
        for role in roles ?? [] {
            guard try add(ContactFilter(roles: [role]).request(), via: nil) > 0 else {
                throw KampagneError.notFound(try ContactFilter(roles: [role]).warnings(in: db).first ?? "Ingen kontakter har rollen '\(role)'")
            }
        }
        for raw in addresses {
            let address = try EmailAddress(parsing: raw)
            var contact = try Contact.filter(Contact.Columns.emailKey == address.key).fetchOne(db)
            let first = contact.map { seenContacts.insert($0.id ?? 0).inserted } ?? seenAddresses.insert(address.key).inserted
            guard first else {
                members.duplicates += 1
                continue
            }
            // "Jens Hansen <jens@…>" for someone not on the lists: greet them by the name given.
            if contact == nil, let open = raw.lastIndex(of: "<") {
                let name = Contact.nameParts(String(raw[..<open]).replacingOccurrences(of: "\"", with: ""))
                contact = Contact(address: address, firstName: name.first, lastName: name.last)
            }
            try visit(contact.map(AudienceMember.init) ?? AudienceMember(Contact(address: address)), nil)
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
