import Foundation
import GRDB

/// One line of the steering group's overview: a kind of activity, how many, and how many
/// people it reached.
public struct OverviewLine: Codable, Sendable, Equatable {
    /// Stable key: `newsletters`, `mailings`, `meetings-held`, `meetings-cancelled`, `stories`,
    /// `leaflet`, `press-article`, `talk`, `network-meeting`, `website`.
    public var key: String
    public var activity: String
    public var count: Int
    /// People reached (recipients, participants, listeners, leaflets); nil when it does not apply.
    public var reach: Int?
    public var reachMeaning: String
}

/// Everything the secretariat did in a period, with figures, computed from the database:
/// what `kampagne report` prints, writes as HTML (`ReportPage`) and as CSV (`ReportTables`).
public struct ActivityReport: Codable, Sendable, Equatable {
    public var title: String
    public var period: ReportPeriod
    public var periodName: String
    public var generatedAt: Date
    public var overview: [OverviewLine]
    public var newsletters: NewsletterFigures
    public var meetings: MeetingFigures
    public var stories: StoryFigures
    public var activities: ActivityFigures
    /// Present with `--by`.
    public var grouped: GroupedOverview?
    /// Sign-ups per source (newsletter edition, invitation, page, door) for the period's meetings.
    public var signUpSources: SignupSourceFigures? = nil
}

/// Makes activity reports from the store, in one read transaction so every figure comes from
/// the same moment.
public struct ActivityReports: Sendable {
    let store: Store
    let settings: EventSettings

    public init(store: Store, settings: EventSettings) {
        self.store = store
        self.settings = settings
    }

    public func make(_ period: ReportPeriod, by grouping: ReportGrouping? = nil, now: Date = Date()) throws(KampagneError) -> ActivityReport {
        try store.read { db in
            let history = try ListHistory(db: db)
            let newsletters = try NewsletterFigures.make(period: period, history: history, now: now, in: db)
            let meetings = try MeetingFigures.make(period: period, store: store, settings: settings, now: now, in: db)
            let stories = try StoryFigures.make(period: period, in: db)
            let activities = ActivityFigures(try ActivityLog.fetch(period: period, kind: nil, in: db))
            let grouped = try grouping.map { grouping in
                try GroupedOverview.make(grouping, period: period, newsletters: newsletters, meetings: meetings,
                                         stories: stories, activities: activities, in: db)
            }
            return ActivityReport(
                title: "Aktivitetsrapport", period: period, periodName: period.danish, generatedAt: now,
                overview: Self.overview(newsletters, meetings, stories, activities),
                newsletters: newsletters, meetings: meetings, stories: stories, activities: activities, grouped: grouped,
                signUpSources: try SignupSourceFigures.make(period: period, in: db))
        }
    }

    static func overview(_ n: NewsletterFigures, _ m: MeetingFigures, _ s: StoryFigures, _ a: ActivityFigures) -> [OverviewLine] {
        var lines = [
            // Each edition's distinct recipients, added up over the editions.
            OverviewLine(key: "newsletters", activity: "Nyhedsbreve udsendt", count: n.editionsSent, reach: n.newsletters.recipients,
                         reachMeaning: "modtagere (lagt sammen over udgaverne)"),
            OverviewLine(key: "mailings", activity: "Direkte udsendelser og invitationer", count: n.mailingsSent,
                         reach: n.mailings.recipients, reachMeaning: "modtagere"),
            OverviewLine(key: "meetings-held", activity: "Møder afholdt", count: m.total.held, reach: m.attendedAtHeld,
                         reachMeaning: "deltagere"),
            OverviewLine(key: "meetings-cancelled", activity: "Møder aflyst", count: m.total.cancelled, reach: nil, reachMeaning: ""),
            // Stories, not story–channel pairs: one story in a press release and a newsletter is
            // one story, brought twice (the reach column says so).
            OverviewLine(key: "stories", activity: "Gode historier bragt (forskellige historier)", count: s.storiesPublished,
                         reach: s.published, reachMeaning: "gange bragt (én pr. historie og kanal)"),
        ]
        for kind in ActivityKind.allCases {
            let line = a.line(kind)
            let counted = kind == .leaflet || kind == .talk || kind == .networkMeeting
            lines.append(OverviewLine(key: kind.rawValue, activity: kind.danish, count: line.activities,
                                      reach: counted ? line.total : nil, reachMeaning: counted ? kind.countMeaning : ""))
        }
        return lines
    }
}

// Optional figures are written as null rather than left out, so every documented key is always there.
extension OverviewLine {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(key, forKey: .key)
        try c.encode(activity, forKey: .activity)
        try c.encode(count, forKey: .count)
        try c.encode(reach, forKey: .reach)
        try c.encode(reachMeaning, forKey: .reachMeaning)
    }
}

extension ActivityReport {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(title, forKey: .title)
        try c.encode(period, forKey: .period)
        try c.encode(periodName, forKey: .periodName)
        try c.encode(generatedAt, forKey: .generatedAt)
        try c.encode(overview, forKey: .overview)
        try c.encode(newsletters, forKey: .newsletters)
        try c.encode(meetings, forKey: .meetings)
        try c.encode(stories, forKey: .stories)
        try c.encode(activities, forKey: .activities)
        try c.encode(grouped, forKey: .grouped)
    }
}
