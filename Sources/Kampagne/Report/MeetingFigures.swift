import Foundation
import GRDB

/// One meeting in the period, for the tables and the sign-ups-against-capacity chart.
public struct MeetingLine: Codable, Sendable, Equatable {
    public var eventId: Int64
    public var title: String
    public var kind: EventKind
    public var kindName: String
    public var series: String?
    /// `Partner.key` or null.
    public var partner: String?
    public var startsAt: Date
    /// `held`, `upcoming` or `cancelled`.
    public var outcome: String
    public var outcomeName: String
    public var cancelReason: String?
    public var capacity: Int?
    public var minimum: Int?
    /// Seats taken (not walk-ins); for a cancelled meeting, the seats taken when it was cancelled.
    public var signedUp: Int
    public var waitlisted: Int
    public var attended: Int
    public var walkIns: Int
    public var noShows: Int
}

/// A cancelled meeting and why.
public struct Cancellation: Codable, Sendable, Equatable {
    public var eventId: Int64
    public var title: String
    public var startsAt: Date
    public var reason: String
    public var signedUp: Int
    public var minimum: Int?
}

/// Meetings of one kind or one series (or all of them), counted together.
public struct MeetingGroup: Codable, Sendable, Equatable {
    /// The kind's key or the series' name; empty for meetings in no series.
    public var key: String
    public var name: String
    public var planned: Int
    public var held: Int
    public var upcoming: Int
    public var cancelled: Int
    public var signedUp: Int
    public var attended: Int
    public var walkIns: Int
    public var noShows: Int
    /// No-shows out of seats at meetings that are over, 0–1 (as `events attendance`).
    public var noShowRate: Double
    public var municipalitiesReached: Int
    public var jobcentresReached: Int
}

/// Meetings in a period: planned (all that start in it), held, cancelled with reasons,
/// sign-ups, attendance, no-show rate, and the municipalities and jobcentres reached out of
/// 98, overall, per region, per kind and per series. Attendance and coverage are counted by
/// `Attendance` (the same rules as `events attendance`); this only chooses the meetings.
public struct MeetingFigures: Codable, Sendable, Equatable {
    public var total: MeetingGroup
    public var municipalitiesTotal: Int
    /// Municipalities with someone who came, in Danish order.
    public var municipalities: [String]
    public var jobcentres: [String]
    public var byRegion: [RegionCoverage]
    public var byKind: [MeetingGroup]
    public var bySeries: [MeetingGroup]
    public var cancellations: [Cancellation]
    public var meetings: [MeetingLine]

    /// People who came to meetings that have been held (walk-ins included): not those checked
    /// in at a meeting still going on or yet to come.
    public var attendedAtHeld: Int {
        meetings.filter { $0.outcome == "held" }.map(\.attended).reduce(0, +)
    }

    static func make(period: ReportPeriod, store: Store, settings: EventSettings, now: Date, in db: Database) throws -> MeetingFigures {
        let events = try Event
            .filter(Event.Columns.startsAt >= StoredDate.value(period.start) && Event.Columns.startsAt < StoredDate.value(period.end))
            .order(Event.Columns.startsAt, Event.Columns.id).fetchAll(db)
        let attendance = Attendance(store: store, settings: settings)
        let all = try attendance.report(title: "", events: events, in: db)
        let lines = Dictionary(all.events.map { ($0.eventId, $0) }, uniquingKeysWith: { a, _ in a })
        let seats = try seatsAndWaiting(of: events.compactMap(\.id), in: db)

        let meetings = events.map { event -> MeetingLine in
            let id = event.id ?? 0
            let line = lines[id]
            let outcome = event.status == .cancelled ? "cancelled" : (event.endsAt < now ? "held" : "upcoming")
            return MeetingLine(
                eventId: id, title: event.title, kind: event.kind, kindName: event.kind.danish, series: event.series,
                partner: event.partner, startsAt: event.startsAt, outcome: outcome,
                outcomeName: ["cancelled": "aflyst", "held": "afholdt", "upcoming": "kommende"][outcome] ?? outcome,
                cancelReason: event.cancelReason, capacity: event.capacity, minimum: event.minimum,
                signedUp: event.status == .cancelled ? seats[id]?.seats ?? 0 : line?.signedUp ?? 0,
                waitlisted: seats[id]?.waiting ?? 0, attended: line?.attended ?? 0, walkIns: line?.walkIns ?? 0,
                noShows: line?.noShows ?? 0)
        }
        func group(_ key: String, _ name: String, _ subset: [Event]) throws -> MeetingGroup {
            let report = subset.count == events.count ? all : try attendance.report(title: name, events: subset, in: db)
            let ids = Set(subset.compactMap(\.id))
            let chosen = meetings.filter { ids.contains($0.eventId) }
            return MeetingGroup(
                key: key, name: name, planned: chosen.count, held: chosen.filter { $0.outcome == "held" }.count,
                upcoming: chosen.filter { $0.outcome == "upcoming" }.count,
                cancelled: chosen.filter { $0.outcome == "cancelled" }.count,
                signedUp: report.signedUp, attended: report.attended, walkIns: report.walkIns, noShows: report.noShows,
                noShowRate: (report.noShowRate * 1000).rounded() / 1000,
                municipalitiesReached: report.municipalities.count, jobcentresReached: report.jobcentres.count)
        }
        let byKind = try EventKind.allCases.compactMap { kind -> MeetingGroup? in
            let subset = events.filter { $0.kind == kind }
            return subset.isEmpty ? nil : try group(kind.rawValue, kind.danish, subset)
        }
        let seriesNames = DanishText.sorted(Array(Set(events.compactMap(\.series)))) { [$0] }
        var bySeries = try seriesNames.map { name in try group(name, name, events.filter { $0.series == name }) }
        let loose = events.filter { $0.series == nil }
        if !loose.isEmpty && !seriesNames.isEmpty { bySeries.append(try group("", "Uden serie", loose)) }

        return MeetingFigures(
            total: try group("", "Alle møder", events), municipalitiesTotal: all.municipalitiesTotal,
            municipalities: all.municipalities, jobcentres: all.jobcentres, byRegion: all.byRegion,
            byKind: byKind, bySeries: bySeries,
            cancellations: meetings.filter { $0.outcome == "cancelled" }.map {
                Cancellation(eventId: $0.eventId, title: $0.title, startsAt: $0.startsAt, reason: $0.cancelReason ?? "",
                             signedUp: $0.signedUp, minimum: $0.minimum)
            },
            meetings: meetings)
    }

    /// Seats taken (registered, offered, attended without walk-ins, no-show) and people waiting,
    /// per meeting: for cancelled meetings, which `Attendance` counts as having nobody.
    static func seatsAndWaiting(of eventIds: [Int64], in db: Database) throws -> [Int64: (seats: Int, waiting: Int)] {
        var result: [Int64: (seats: Int, waiting: Int)] = [:]
        for registration in try Registration.filter(eventIds.contains(Registration.Columns.eventId)).fetchAll(db) {
            var entry = result[registration.eventId] ?? (0, 0)
            switch registration.status {
            case .registered, .offered, .noShow: entry.seats += 1
            case .attended where !registration.walkIn: entry.seats += 1
            case .waitlisted: entry.waiting += 1
            default: break
            }
            result[registration.eventId] = entry
        }
        return result
    }
}

// Optional figures are written as null rather than left out, so every documented key is always there.
extension MeetingLine {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(eventId, forKey: .eventId)
        try c.encode(title, forKey: .title)
        try c.encode(kind, forKey: .kind)
        try c.encode(kindName, forKey: .kindName)
        try c.encode(series, forKey: .series)
        try c.encode(partner, forKey: .partner)
        try c.encode(startsAt, forKey: .startsAt)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(outcomeName, forKey: .outcomeName)
        try c.encode(cancelReason, forKey: .cancelReason)
        try c.encode(capacity, forKey: .capacity)
        try c.encode(minimum, forKey: .minimum)
        try c.encode(signedUp, forKey: .signedUp)
        try c.encode(waitlisted, forKey: .waitlisted)
        try c.encode(attended, forKey: .attended)
        try c.encode(walkIns, forKey: .walkIns)
        try c.encode(noShows, forKey: .noShows)
    }
}

extension Cancellation {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(eventId, forKey: .eventId)
        try c.encode(title, forKey: .title)
        try c.encode(startsAt, forKey: .startsAt)
        try c.encode(reason, forKey: .reason)
        try c.encode(signedUp, forKey: .signedUp)
        try c.encode(minimum, forKey: .minimum)
    }
}
