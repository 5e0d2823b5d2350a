import Foundation
import GRDB

/// Delivery figures of one sending (or all sendings of one edition).
///
/// `recipients` counts people (distinct addresses); the other figures count messages, so an
/// edition sent twice to overlapping lists has more `messages` than `recipients`.
public struct DeliveryCounts: Codable, Sendable, Equatable {
    /// Distinct recipient addresses.
    public var recipients = 0
    /// Messages queued: outbox rows, one per recipient per sending.
    public var messages = 0
    /// Messages accepted by the receiving server.
    public var delivered = 0
    /// Messages refused for good (5xx or given up).
    public var bounced = 0
    /// Messages still queued, being sent or deferred when the report was made.
    public var pending = 0
    /// Of `bounced`: messages the relay accepted that bounced later (a report in the bounce
    /// mailbox: hard bounce or failed). They are not counted as delivered.
    public var lateBounced = 0
    /// Delivered messages whose recipient complained (ARF report).
    public var complaints = 0

    /// Complaints per delivered message, in per cent (two decimals).
    public var complaintRate: Double {
        delivered > 0 ? (Double(complaints) / Double(delivered) * 10_000).rounded() / 100 : 0
    }

    /// The big mailbox providers ask bulk senders to stay under 0.3 % complaints.
    public static let complaintRateLimit = 0.3
    public var complaintRateHigh: Bool { complaintRate > Self.complaintRateLimit }

    mutating func add(_ state: OutboxState, count: Int = 1) {
        messages += count
        switch state {
        case .sent: delivered += count
        case .failed: bounced += count
        case .queued, .sending, .deferred: pending += count
        }
    }

    static func + (a: DeliveryCounts, b: DeliveryCounts) -> DeliveryCounts {
        DeliveryCounts(recipients: a.recipients + b.recipients, messages: a.messages + b.messages, delivered: a.delivered + b.delivered,
                       bounced: a.bounced + b.bounced, pending: a.pending + b.pending, lateBounced: a.lateBounced + b.lateBounced,
                       complaints: a.complaints + b.complaints)
    }

    private enum DerivedKeys: String, CodingKey { case complaintRate, complaintRateHigh }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(recipients, forKey: .recipients)
        try c.encode(messages, forKey: .messages)
        try c.encode(delivered, forKey: .delivered)
        try c.encode(bounced, forKey: .bounced)
        try c.encode(pending, forKey: .pending)
        try c.encode(lateBounced, forKey: .lateBounced)
        try c.encode(complaints, forKey: .complaints)
        var derived = encoder.container(keyedBy: DerivedKeys.self)
        try derived.encode(complaintRate, forKey: .complaintRate)
        try derived.encode(complaintRateHigh, forKey: .complaintRateHigh)
    }
}

/// One newsletter edition sent in the period (all its sendings together).
public struct EditionLine: Codable, Sendable, Equatable {
    public var editionId: Int64
    public var number: String
    public var subject: String
    /// When it was first sent (queued) in the period.
    public var sentAt: Date
    public var sendings: Int
    /// `recipients` = distinct addresses over all its sendings; the rest count messages.
    public var delivery: DeliveryCounts
}

/// One direct mailing: an edition without a number, or a meeting invitation.
public struct MailingLine: Codable, Sendable, Equatable {
    public var campaignId: Int64
    /// `direct` (an edition without a number) or `invitation`.
    public var kind: String
    public var kindName: String
    public var name: String
    public var sentAt: Date
    public var delivery: DeliveryCounts
}

/// A list's size at the start and end of the period.
public struct ListGrowth: Codable, Sendable, Equatable {
    public var listId: Int64
    public var name: String
    public var atStart: Int
    /// The size at `asOf`.
    public var atEnd: Int
    /// The end of the period, or the moment the report was made when the period has not ended yet.
    public var asOf: Date
    public var change: Int
    /// Change in per cent of the start size, rounded to one decimal; nil when the list started empty.
    public var changePercent: Double?
}

/// The newsletter's circulation: people reachable through the lists it was sent to.
public struct Circulation: Codable, Sendable, Equatable {
    /// The lists counted, in Danish order.
    public var lists: [String]
    public var atStart: Int
    /// The size at `asOf`.
    public var atEnd: Int
    /// The end of the period, or the moment the report was made when the period has not ended yet.
    public var asOf: Date
    public var change: Int
    public var changePercent: Double?
    /// The size over the period up to `asOf`, for the chart and `oplag.csv`: the start, each
    /// day/week/month, the end of every day the size changed (when there are at most
    /// `maxChangePoints` such days), and `asOf`. Each size holds until the next point.
    public var points: [SizePoint]
}

public struct SizePoint: Codable, Sendable, Equatable {
    public var at: Date
    public var size: Int
}

/// Newsletters and mailings in a period: editions sent, recipients, delivered, bounced,
/// unsubscribed, and how the lists grew.
///
/// A sending belongs to the period when it was queued in it (`campaign.createdAt`); its
/// delivery figures are counted as they stand when the report is made. Test sends, double
/// opt-in mails and meeting notices (confirmations, reminders) are not mailings and are
/// counted only as `notices`.
public struct NewsletterFigures: Codable, Sendable, Equatable {
    public var editionsSent: Int
    public var newsletters: DeliveryCounts
    public var editions: [EditionLine]
    public var mailingsSent: Int
    public var mailings: DeliveryCounts
    public var mailingLines: [MailingLine]
    /// Meeting notices, subscription confirmations and story review requests.
    public var notices: DeliveryCounts
    /// Addresses that unsubscribed in the period (however they did).
    public var unsubscribed: Int
    /// Addresses put on the suppression list in the period because their server said they do not exist.
    public var hardBounces: Int
    public var circulation: Circulation
    public var lists: [ListGrowth]

    static func make(period: ReportPeriod, history: ListHistory, now: Date, in db: Database) throws -> NewsletterFigures {
        let campaigns = try campaigns(in: period, db: db)
        let counts = try deliveryCounts(of: campaigns.compactMap(\.id), in: db)
        let editionsById = Dictionary(uniqueKeysWithValues: try EditionRecord
            .filter(campaigns.compactMap(\.editionId).contains(EditionRecord.Columns.id)).fetchAll(db).map { ($0.id ?? 0, $0) })
        var campaignsOfEdition: [Int64: [Int64]] = [:]

        var editionLines: [Int64: EditionLine] = [:]
        var editionOrder: [Int64] = []
        var mailings: [MailingLine] = []
        var notices = DeliveryCounts()
        var newsletterLists: Set<String> = []
        for campaign in campaigns {
            let delivery = counts[campaign.id ?? 0] ?? DeliveryCounts()
            switch campaign.kind {
            case .newsletter:
                guard let editionId = campaign.editionId, let edition = editionsById[editionId] else { continue }
                if edition.number.isEmpty {
                    mailings.append(MailingLine(campaignId: campaign.id ?? 0, kind: "direct", kindName: "Direkte udsendelse",
                                                name: edition.subject, sentAt: campaign.createdAt, delivery: delivery))
                    continue
                }
                newsletterLists.formUnion(campaign.audience.lists.map(MailingList.key))
                campaignsOfEdition[editionId, default: []].append(campaign.id ?? 0)
                if var line = editionLines[editionId] {
                    line.sendings += 1
                    line.delivery = line.delivery + delivery
                    editionLines[editionId] = line
                } else {
                    editionOrder.append(editionId)
                    editionLines[editionId] = EditionLine(editionId: editionId, number: edition.number, subject: edition.subject,
                                                          sentAt: campaign.createdAt, sendings: 1, delivery: delivery)
                }
            case .invitation:
                mailings.append(MailingLine(campaignId: campaign.id ?? 0, kind: "invitation", kindName: "Mødeinvitation",
                                            name: campaign.name, sentAt: campaign.createdAt, delivery: delivery))
            case .eventNotice, .confirmation, .storyReview:
                notices = notices + delivery
            case .test:
                continue
            }
        }
        // An edition's recipients are the people it reached: each address once over all its sendings.
        let editions = try editionOrder.compactMap { id -> EditionLine? in
            guard var line = editionLines[id] else { return nil }
            if line.sendings > 1 { line.delivery.recipients = try distinctRecipients(of: campaignsOfEdition[id] ?? [], in: db) }
            return line
        }
        let asOf = max(period.start, min(period.end, now))

        let allLists = try MailingList.fetchAll(db)
        let lists = DanishText.sorted(allLists) { [$0.name] }.map { list -> ListGrowth in
            let id = list.id ?? 0
            return growth(listId: id, name: list.name, start: history.reach(of: [id], at: period.start),
                          end: history.reach(of: [id], at: asOf), asOf: asOf)
        }
        // The newsletter's lists: those its editions went to in the period; else those any
        // edition ever went to; else every list.
        if newsletterLists.isEmpty {
            for campaign in try Campaign.filter(Campaign.Columns.kind == CampaignKind.newsletter.rawValue).fetchAll(db) {
                newsletterLists.formUnion(campaign.audience.lists.map(MailingList.key))
            }
        }
        let counted = newsletterLists.isEmpty ? allLists : allLists.filter { newsletterLists.contains($0.nameKey) }
        let ids = counted.compactMap(\.id)
        let points = samplePoints(period: period, asOf: asOf, changes: history.changes(of: ids, from: period.start, to: asOf))
            .map { SizePoint(at: $0, size: history.reach(of: ids, at: $0)) }
        let first = points.first?.size ?? 0
        let last = points.last?.size ?? 0
        let circulation = Circulation(lists: DanishText.sorted(counted.map(\.name)) { [$0] }, atStart: first, atEnd: last, asOf: asOf,
                                      change: last - first, changePercent: percentChange(from: first, to: last), points: points)

        return NewsletterFigures(
            editionsSent: editions.count, newsletters: editions.map(\.delivery).reduce(DeliveryCounts(), +), editions: editions,
            mailingsSent: mailings.count, mailings: mailings.map(\.delivery).reduce(DeliveryCounts(), +), mailingLines: mailings,
            notices: notices, unsubscribed: history.suppressions(.unsubscribed, in: period),
            hardBounces: history.suppressions(.hardBounce, in: period), circulation: circulation, lists: lists)
    }

    static func growth(listId: Int64, name: String, start: Int, end: Int, asOf: Date) -> ListGrowth {
        ListGrowth(listId: listId, name: name, atStart: start, atEnd: end, asOf: asOf, change: end - start,
                   changePercent: percentChange(from: start, to: end))
    }

    /// At most this many days with a change get a point of their own; beyond that the chart
    /// keeps to the regular samples.
    static let maxChangePoints = 400

    /// The moments the circulation is sampled at: the period's regular samples before `asOf`,
    /// the end of each day on which it changed, and `asOf` itself.
    static func samplePoints(period: ReportPeriod, asOf: Date, changes: [Date]) -> [Date] {
        var moments = Set(period.samplePoints.filter { $0 < asOf })
        moments.insert(period.start)
        let changeDays = Set(changes.compactMap { change -> Date? in
            let dayStart = Calendar.danish.startOfDay(for: change)
            return Calendar.danish.date(byAdding: .day, value: 1, to: dayStart)
        }.filter { $0 > period.start && $0 < asOf })
        if changeDays.count <= maxChangePoints { moments.formUnion(changeDays) }
        moments.insert(asOf)
        return moments.sorted()
    }

    /// Campaigns queued in the period, oldest first.
    static func campaigns(in period: ReportPeriod, db: Database) throws -> [Campaign] {
        try Campaign
            .filter(Campaign.Columns.createdAt >= StoredDate.value(period.start) && Campaign.Columns.createdAt < StoredDate.value(period.end))
            .order(Campaign.Columns.createdAt, Campaign.Columns.id).fetchAll(db)
    }

    /// Distinct recipient addresses over the outbox rows of `campaignIds`.
    static func distinctRecipients(of campaignIds: [Int64], in db: Database) throws -> Int {
        guard !campaignIds.isEmpty else { return 0 }
        let request = OutboxRow.filter(campaignIds.contains(OutboxRow.Columns.campaignId))
            .select(count(distinct: OutboxRow.Columns.emailKey))
        return try Int.fetchOne(db, request) ?? 0
    }

    /// (to − from) / from in per cent, one decimal; nil from zero.
    static func percentChange(from: Int, to: Int) -> Double? {
        guard from > 0 else { return nil }
        return (Double(to - from) / Double(from) * 1000).rounded() / 10
    }

    /// Outbox states and distinct addresses counted per campaign, in two queries.
    static func deliveryCounts(of campaignIds: [Int64], in db: Database) throws -> [Int64: DeliveryCounts] {
        var counts: [Int64: DeliveryCounts] = [:]
        guard !campaignIds.isEmpty else { return counts }
        let ofCampaigns = OutboxRow.filter(campaignIds.contains(OutboxRow.Columns.campaignId))
        let byState = ofCampaigns
            .select(OutboxRow.Columns.campaignId, OutboxRow.Columns.state, count(OutboxRow.Columns.id).forKey("n"))
            .group(OutboxRow.Columns.campaignId, OutboxRow.Columns.state)
        for row in try Row.fetchAll(db, byState) {
            let state = OutboxState(rawValue: row[OutboxRow.Columns.state] ?? "") ?? .queued
            counts[row[OutboxRow.Columns.campaignId], default: DeliveryCounts()].add(state, count: row["n"])
        }
        let people = ofCampaigns
            .select(OutboxRow.Columns.campaignId, count(distinct: OutboxRow.Columns.emailKey).forKey("n"))
            .group(OutboxRow.Columns.campaignId)
        for row in try Row.fetchAll(db, people) {
            counts[row[OutboxRow.Columns.campaignId], default: DeliveryCounts()].recipients = row["n"]
        }
        // Late results from the bounce mailbox, for messages the relay had accepted.
        func sentWithReport(_ kinds: [BounceReport.Kind]) -> QueryInterfaceRequest<OutboxRow> {
            let reported = BounceRecord.filter(kinds.map(\.rawValue).contains(BounceRecord.Columns.kind)).select(Column("outboxId"))
            return ofCampaigns.filter(OutboxRow.Columns.state == OutboxState.sent.rawValue && reported.contains(OutboxRow.Columns.id))
                .select(OutboxRow.Columns.campaignId, count(OutboxRow.Columns.id).forKey("n")).group(OutboxRow.Columns.campaignId)
        }
        for row in try Row.fetchAll(db, sentWithReport([.hardBounce, .failed])) {
            let n: Int = row["n"]
            counts[row[OutboxRow.Columns.campaignId], default: DeliveryCounts()].lateBounced = n
            counts[row[OutboxRow.Columns.campaignId], default: DeliveryCounts()].delivered -= n
            counts[row[OutboxRow.Columns.campaignId], default: DeliveryCounts()].bounced += n
        }
        for row in try Row.fetchAll(db, sentWithReport([.complaint])) {
            counts[row[OutboxRow.Columns.campaignId], default: DeliveryCounts()].complaints = row["n"]
        }
        return counts
    }

    /// Delivered messages per recipient municipality (snapshot at queueing), for `--by`, of the
    /// period's campaigns that `include` picks.
    static func deliveredByMunicipality(period: ReportPeriod, in db: Database,
                                        include: (Campaign, EditionRecord?) -> Bool) throws -> [String: Int] {
        let campaigns = try campaigns(in: period, db: db)
        let editions = Dictionary(uniqueKeysWithValues: try EditionRecord
            .filter(campaigns.compactMap(\.editionId).contains(EditionRecord.Columns.id)).fetchAll(db).map { ($0.id ?? 0, $0) })
        let chosen = campaigns.filter { include($0, $0.editionId.flatMap { editions[$0] }) }.compactMap(\.id)
        var result: [String: Int] = [:]
        guard !chosen.isEmpty else { return result }
        let municipality = OutboxRow.Columns.recipientMunicipality
        let request = OutboxRow
            .filter(chosen.contains(OutboxRow.Columns.campaignId) && OutboxRow.Columns.state == OutboxState.sent.rawValue)
            .select(municipality.forKey("municipality"), count(OutboxRow.Columns.id).forKey("n"))
            .group(municipality)
        for row in try Row.fetchAll(db, request) {
            let name: String = row["municipality"] ?? ""
            result[name, default: 0] += row["n"]
        }
        return result
    }
}

// Optional figures are written as null rather than left out, so every documented key is always there.
extension ListGrowth {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(listId, forKey: .listId)
        try c.encode(name, forKey: .name)
        try c.encode(atStart, forKey: .atStart)
        try c.encode(atEnd, forKey: .atEnd)
        try c.encode(asOf, forKey: .asOf)
        try c.encode(change, forKey: .change)
        try c.encode(changePercent, forKey: .changePercent)
    }
}

extension Circulation {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lists, forKey: .lists)
        try c.encode(atStart, forKey: .atStart)
        try c.encode(atEnd, forKey: .atEnd)
        try c.encode(asOf, forKey: .asOf)
        try c.encode(change, forKey: .change)
        try c.encode(changePercent, forKey: .changePercent)
        try c.encode(points, forKey: .points)
    }
}
