import Foundation
import GRDB

/// Delivery figures of one sending (or all sendings of one edition).
public struct DeliveryCounts: Codable, Sendable, Equatable {
    /// Outbox rows: one per recipient.
    public var recipients = 0
    /// Accepted by the receiving server.
    public var delivered = 0
    /// Refused for good (5xx or given up).
    public var bounced = 0
    /// Still queued, being sent or deferred when the report was made.
    public var pending = 0

    mutating func add(_ state: OutboxState, count: Int = 1) {
        recipients += count
        switch state {
        case .sent: delivered += count
        case .failed: bounced += count
        case .queued, .sending, .deferred: pending += count
        }
    }

    static func + (a: DeliveryCounts, b: DeliveryCounts) -> DeliveryCounts {
        DeliveryCounts(recipients: a.recipients + b.recipients, delivered: a.delivered + b.delivered,
                       bounced: a.bounced + b.bounced, pending: a.pending + b.pending)
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
    public var atEnd: Int
    public var change: Int
    /// Change in per cent of the start size, rounded to one decimal; nil when the list started empty.
    public var changePercent: Double?
}

/// The newsletter's circulation: people reachable through the lists it was sent to.
public struct Circulation: Codable, Sendable, Equatable {
    /// The lists counted, in Danish order.
    public var lists: [String]
    public var atStart: Int
    public var atEnd: Int
    public var change: Int
    public var changePercent: Double?
    /// The size over the period, for the chart: the start, each day/week/month, the end.
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

    static func make(period: ReportPeriod, history: ListHistory, in db: Database) throws -> NewsletterFigures {
        let campaigns = try Campaign
            .filter(Column("createdAt") >= StoredDate.value(period.start) && Column("createdAt") < StoredDate.value(period.end))
            .order(Column("createdAt"), Column("id")).fetchAll(db)
        let counts = try deliveryCounts(of: campaigns.compactMap(\.id), in: db)
        let editionsById = Dictionary(uniqueKeysWithValues: try EditionRecord
            .filter(campaigns.compactMap(\.editionId).contains(Column("id"))).fetchAll(db).map { ($0.id ?? 0, $0) })

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
        let editions = editionOrder.compactMap { editionLines[$0] }

        let allLists = try MailingList.fetchAll(db)
        let lists = DanishText.sorted(allLists) { [$0.name] }.map { list -> ListGrowth in
            let id = list.id ?? 0
            return growth(listId: id, name: list.name, start: history.reach(of: [id], at: period.start),
                          end: history.reach(of: [id], at: period.end))
        }
        // The newsletter's lists: those its editions went to in the period; else those any
        // edition ever went to; else every list.
        if newsletterLists.isEmpty {
            for campaign in try Campaign.filter(Column("kind") == CampaignKind.newsletter.rawValue).fetchAll(db) {
                newsletterLists.formUnion(campaign.audience.lists.map(MailingList.key))
            }
        }
        let counted = newsletterLists.isEmpty ? allLists : allLists.filter { newsletterLists.contains($0.nameKey) }
        let ids = counted.compactMap(\.id)
        let points = period.samplePoints.map { SizePoint(at: $0, size: history.reach(of: ids, at: $0)) }
        let first = points.first?.size ?? 0
        let last = points.last?.size ?? 0
        let circulation = Circulation(lists: DanishText.sorted(counted.map(\.name)) { [$0] }, atStart: first, atEnd: last,
                                      change: last - first, changePercent: percentChange(from: first, to: last), points: points)

        return NewsletterFigures(
            editionsSent: editions.count, newsletters: editions.map(\.delivery).reduce(DeliveryCounts(), +), editions: editions,
            mailingsSent: mailings.count, mailings: mailings.map(\.delivery).reduce(DeliveryCounts(), +), mailingLines: mailings,
            notices: notices, unsubscribed: history.suppressions(.unsubscribed, in: period),
            hardBounces: history.suppressions(.hardBounce, in: period), circulation: circulation, lists: lists)
    }

    static func growth(listId: Int64, name: String, start: Int, end: Int) -> ListGrowth {
        ListGrowth(listId: listId, name: name, atStart: start, atEnd: end, change: end - start,
                   changePercent: percentChange(from: start, to: end))
    }

    /// (to − from) / from in per cent, one decimal; nil from zero.
    static func percentChange(from: Int, to: Int) -> Double? {
        guard from > 0 else { return nil }
        return (Double(to - from) / Double(from) * 1000).rounded() / 10
    }

    /// Outbox states counted per campaign, in one query.
    static func deliveryCounts(of campaignIds: [Int64], in db: Database) throws -> [Int64: DeliveryCounts] {
        var counts: [Int64: DeliveryCounts] = [:]
        guard !campaignIds.isEmpty else { return counts }
        let request = OutboxRow.filter(campaignIds.contains(OutboxRow.Columns.campaignId))
            .select(OutboxRow.Columns.campaignId, OutboxRow.Columns.state, count(Column("id")).forKey("n"))
            .group(OutboxRow.Columns.campaignId, OutboxRow.Columns.state)
        for row in try Row.fetchAll(db, request) {
            let state = OutboxState(rawValue: row["state"] ?? "") ?? .queued
            counts[row["campaignId"], default: DeliveryCounts()].add(state, count: row["n"])
        }
        return counts
    }

    /// Delivered newsletter messages per recipient municipality (snapshot at queueing), for `--by`.
    static func deliveredByMunicipality(period: ReportPeriod, kinds: [CampaignKind], numbered: Bool?,
                                        in db: Database) throws -> [String: Int] {
        var result: [String: Int] = [:]
        let rows = try Row.fetchAll(db, sql: """
            SELECT json_extract(o.recipient, '$.municipality') AS municipality, e.number AS number, COUNT(*) AS n
            FROM outbox o JOIN campaign c ON c.id = o.campaignId LEFT JOIN edition e ON e.id = c.editionId
            WHERE o.state = 'sent' AND c.createdAt >= ? AND c.createdAt < ? AND c.kind IN (\(kinds.map { "'\($0.rawValue)'" }.joined(separator: ",")))
            GROUP BY municipality, number
            """, arguments: [StoredDate.value(period.start), StoredDate.value(period.end)])
        for row in rows {
            let number: String? = row["number"]
            if let numbered {
                let isNumbered = !(number ?? "").isEmpty
                if numbered != isNumbered { continue }
            }
            let municipality: String = row["municipality"] ?? ""
            result[municipality, default: 0] += row["n"]
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
        try c.encode(change, forKey: .change)
        try c.encode(changePercent, forKey: .changePercent)
        try c.encode(points, forKey: .points)
    }
}
