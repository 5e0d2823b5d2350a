import Foundation
import GRDB

/// How `report --by` splits the overview.
public enum ReportGrouping: String, Codable, Sendable, CaseIterable {
    /// Who owns the activity: the meeting's or activity's partner; a story's municipality.
    case partner
    /// Where it reached: recipients', participants' and stories' municipality; an activity's
    /// partner when that is a municipality.
    case municipality
    /// As `municipality`, summed per region.
    case region

    public init(parsing text: String) throws(KampagneError) {
        switch DanishText.identifierKey(text) {
        case "partner", "partnere": self = .partner
        case "municipality", "kommune", "kommuner": self = .municipality
        case "region", "regioner": self = .region
        default: throw .field("by", "'\(DanishText.singleLine(String(text.prefix(40))))' kendes ikke: brug partner, municipality eller region")
        }
    }

    public var danish: String {
        switch self {
        case .partner: return "partner"
        case .municipality: return "kommune"
        case .region: return "region"
        }
    }
}

/// One row of the overview per partner, municipality or region.
public struct GroupLine: Codable, Sendable, Equatable {
    /// The partner key, municipality or region name; empty for the rest ("Fælles", "Uden kommune").
    public var key: String
    public var name: String
    public var newslettersDelivered = 0
    public var mailingsDelivered = 0
    public var meetingsHeld = 0
    public var meetingsCancelled = 0
    public var signedUp = 0
    public var attended = 0
    public var storiesPublished = 0
    public var leafletsHandedOut = 0
    public var pressArticles = 0
    public var talks = 0
    public var talkAudience = 0
    public var networkMeetings = 0
    public var networkParticipants = 0
    public var websiteUpdates = 0

    init(key: String, name: String) {
        self.key = key
        self.name = name
    }

    var isEmpty: Bool {
        [newslettersDelivered, mailingsDelivered, meetingsHeld, meetingsCancelled, signedUp, attended, storiesPublished,
         leafletsHandedOut, pressArticles, talks, talkAudience, networkMeetings, networkParticipants, websiteUpdates].allSatisfy { $0 == 0 }
    }

    mutating func add(_ activity: ActivityView) {
        switch activity.kind {
        case .leaflet: leafletsHandedOut += activity.count ?? 0
        case .pressArticle: pressArticles += 1
        case .talk:
            talks += 1
            talkAudience += activity.count ?? 0
        case .networkMeeting:
            networkMeetings += 1
            networkParticipants += activity.count ?? 0
        case .website: websiteUpdates += 1
        }
    }
}

/// The overview split by partner, municipality or region, with the whole period's total.
/// In the municipality and region views a meeting counts once for every place someone came
/// from, and a meeting nobody came to counts in no row, so the rows can add up to more or
/// less than the total.
public struct GroupedOverview: Codable, Sendable, Equatable {
    public var by: ReportGrouping
    public var byName: String
    public var lines: [GroupLine]
    public var total: GroupLine

    static func make(_ grouping: ReportGrouping, period: ReportPeriod, newsletters: NewsletterFigures,
                     meetings: MeetingFigures, stories: StoryFigures, activities: ActivityFigures,
                     in db: Database) throws -> GroupedOverview {
        var tally = GroupTally(grouping: grouping)
        try tally.addMail(period: period, in: db)
        if grouping == .partner {
            tally.addMeetingsByPartner(meetings.meetings)
        } else {
            try tally.addMeetingsByPlace(meetings.meetings, in: db)
        }
        tally.addStories(stories.uses)
        tally.addActivities(activities.activities)
        return GroupedOverview(by: grouping, byName: grouping.danish, lines: tally.ordered(),
                               total: total(newsletters: newsletters, meetings: meetings, stories: stories, activities: activities))
    }

    /// The whole period's figures, as the overview counts them.
    static func total(newsletters: NewsletterFigures, meetings: MeetingFigures, stories: StoryFigures,
                      activities: ActivityFigures) -> GroupLine {
        var total = GroupLine(key: "", name: "I alt")
        total.newslettersDelivered = newsletters.newsletters.delivered
        total.mailingsDelivered = newsletters.mailings.delivered
        total.meetingsHeld = meetings.total.held
        total.meetingsCancelled = meetings.total.cancelled
        total.signedUp = meetings.total.signedUp
        total.attended = meetings.attendedAtHeld
        total.storiesPublished = stories.published
        activities.activities.forEach { total.add($0) }
        return total
    }
}

/// The rows of a grouped overview while they are being counted.
struct GroupTally {
    let grouping: ReportGrouping
    private var lines: [String: GroupLine] = [:]

    init(grouping: ReportGrouping) { self.grouping = grouping }

    /// The row for a municipality (by name as written anywhere) in the municipality/region views.
    func place(_ municipality: String?) -> String {
        guard let text = municipality, !text.isEmpty,
              let found = Municipality.named(text) ?? Municipality.lookup(text) else { return "" }
        return grouping == .region ? found.region.name : found.name
    }

    func partnerKey(_ key: String?) -> String { Partner(key: key)?.key ?? "" }

    mutating func bump(_ key: String, _ update: (inout GroupLine) -> Void) {
        let rest = grouping == .partner ? Partner.shared : (grouping == .region ? "Uden region" : "Uden kommune")
        var line = lines[key] ?? GroupLine(key: key, name: key.isEmpty ? rest
                                           : (grouping == .partner ? Partner.name(ofKey: key) : key))
        update(&line)
        lines[key] = line
    }

    /// Delivered mail: the partnership's own in the partner view; by the recipient's municipality otherwise.
    mutating func addMail(period: ReportPeriod, in db: Database) throws {
        let newsletters = try NewsletterFigures.deliveredByMunicipality(period: period, in: db) { campaign, edition in
            campaign.kind == .newsletter && !(edition?.number ?? "").isEmpty
        }
        let mailings = try NewsletterFigures.deliveredByMunicipality(period: period, in: db) { campaign, edition in
            (campaign.kind == .newsletter && (edition?.number ?? "").isEmpty) || campaign.kind == .invitation
        }
        for (municipality, count) in newsletters {
            bump(grouping == .partner ? "" : place(municipality)) { $0.newslettersDelivered += count }
        }
        for (municipality, count) in mailings {
            bump(grouping == .partner ? "" : place(municipality)) { $0.mailingsDelivered += count }
        }
    }

    /// Meetings by the partner they are registered with; attendance only at held meetings.
    mutating func addMeetingsByPartner(_ meetings: [MeetingLine]) {
        for meeting in meetings {
            bump(partnerKey(meeting.partner)) { line in
                switch meeting.outcome {
                case "held":
                    line.meetingsHeld += 1
                    line.attended += meeting.attended
                case "cancelled": line.meetingsCancelled += 1
                default: break
                }
                if meeting.outcome != "cancelled" { line.signedUp += meeting.signedUp }
            }
        }
    }

    /// Meetings by the participants' municipality: a meeting counts as held where someone
    /// came from, as cancelled where someone had a seat from; attendance only at held meetings.
    mutating func addMeetingsByPlace(_ meetings: [MeetingLine], in db: Database) throws {
        let outcome = Dictionary(uniqueKeysWithValues: meetings.map { ($0.eventId, $0.outcome) })
        var held: [String: Set<Int64>] = [:]
        var cancelled: [String: Set<Int64>] = [:]
        for registration in try Registration.filter(Array(outcome.keys).contains(Registration.Columns.eventId)).fetchAll(db) {
            let key = place(registration.municipality ?? Municipality.of(organisation: registration.organisation)?.name)
            let result = outcome[registration.eventId] ?? ""
            let hadSeat = registration.signedUp
            if result == "cancelled" {
                if hadSeat { cancelled[key, default: []].insert(registration.eventId) }
                continue
            }
            if hadSeat { bump(key) { $0.signedUp += 1 } }
            if registration.status == .attended && result == "held" {
                bump(key) { $0.attended += 1 }
                held[key, default: []].insert(registration.eventId)
            }
        }
        for (key, ids) in held { bump(key) { $0.meetingsHeld += ids.count } }
        for (key, ids) in cancelled { bump(key) { $0.meetingsCancelled += ids.count } }
    }

    /// Stories by the municipality they are about (which is also a partner).
    mutating func addStories(_ uses: [StoryFigures.StoryUse]) {
        for use in uses {
            let key = grouping == .partner ? (Municipality.lookup(use.municipality)?.name ?? "") : place(use.municipality)
            bump(key) { $0.storiesPublished += 1 }
        }
    }

    /// Hand-entered activities by partner; by the partner's municipality otherwise.
    mutating func addActivities(_ activities: [ActivityView]) {
        for activity in activities {
            let key: String
            switch grouping {
            case .partner: key = partnerKey(activity.partner)
            case .municipality, .region:
                if case .municipality(let m)? = Partner(key: activity.partner) { key = place(m.name) } else { key = "" }
            }
            bump(key) { $0.add(activity) }
        }
    }

    /// The rows with anything in them: partners in report order, municipalities in Danish
    /// order, regions in their fixed order; the rest last.
    func ordered() -> [GroupLine] {
        let shown = lines.values.filter { !$0.isEmpty }
        switch grouping {
        case .partner:
            return DanishText.sorted(shown) { line in Partner(key: line.key)?.sortKeys ?? ["9"] }
        case .municipality:
            return DanishText.sorted(shown.filter { !$0.key.isEmpty }) { [$0.name] } + shown.filter { $0.key.isEmpty }
        case .region:
            return Region.allCases.compactMap { region in shown.first { $0.key == region.name } } + shown.filter { $0.key.isEmpty }
        }
    }
}
