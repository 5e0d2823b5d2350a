import Foundation
import GRDB

/// A meeting's sign-up forecast with what it was made from: for `events show`, its `--json`,
/// and the chart on the meeting's page.
public struct MeetingForecast: Codable, Sendable {
    public var forecast: SignupForecast
    /// The open meeting's own curve.
    public var curve: SignupCurve
    /// The earlier meetings' curves.
    public var references: [SignupCurve]
    public var capacity: Int?
    public var decisionDaysBefore: Double?

    /// The chart as inline SVG.
    public var svg: String {
        SignupForecastChart(curve: curve, forecast: forecast, references: references, capacity: capacity,
                            decisionDaysBefore: decisionDaysBefore).svg
    }
}

extension Events {
    /// The most earlier meetings a forecast learns from (the newest).
    static let forecastBasisLimit = 12

    /// The forecast for an open meeting (planned, deadline not passed) from earlier held
    /// meetings of the same series, or of the same kind when the series has fewer than two;
    /// nil when there are too few earlier meetings or the meeting is not open.
    public func forecast(_ id: Int64, now: Date = Date()) throws(KampagneError) -> MeetingForecast? {
        try store.read { db in try Self.forecast(try Self.find(id, in: db), now: now, in: db) }
    }

    static func deadline(of event: Event) -> Date { event.signupDeadline ?? event.startsAt }

    /// The sign-ups of `event` as days before its deadline: made in advance (no walk-ins), not cancelled.
    static func curve(of event: Event, in db: Database) throws -> SignupCurve {
        let deadline = deadline(of: event)
        let times = try Date.fetchAll(db, Registration
            .select(Column("createdAt"))
            .filter(Registration.Columns.eventId == event.id && Column("walkIn") == false
                && Registration.Columns.status != RegistrationStatus.cancelled.rawValue))
        return SignupCurve(eventId: event.id ?? 0, title: event.title,
                           daysBefore: times.map { deadline.timeIntervalSince($0) / 86_400 })
    }

    static func forecast(_ event: Event, now: Date, in db: Database) throws -> MeetingForecast? {
        let deadline = deadline(of: event)
        guard event.status == .planned, now < deadline else { return nil }
        // Earlier meetings that were held (a cancelled one's curve stops short of its end).
        let held = Event.filter(Event.Columns.status == EventStatus.planned.rawValue && Column("endsAt") < now
            && Event.Columns.id != event.id).order(Event.Columns.startsAt.desc)
        var basis: [Event] = []
        var kind = "serie"
        if let series = event.series {
            basis = try held.filter(Event.Columns.series.collating(.nocase) == series).limit(forecastBasisLimit).fetchAll(db)
        }
        if basis.count < SignupForecast.minimumBasis {
            basis = try held.filter(Column("kind") == event.kind.rawValue).limit(forecastBasisLimit).fetchAll(db)
            kind = "type"
        }
        let references = try basis.map { try curve(of: $0, in: db) }
        let own = try curve(of: event, in: db)
        let daysBefore = deadline.timeIntervalSince(now) / 86_400
        let decision = event.decisionDate.map { deadline.timeIntervalSince($0) / 86_400 }
        guard let forecast = SignupForecast.make(current: own.final, daysBeforeDeadline: daysBefore,
                                                 decisionDaysBefore: decision, minimum: event.minimum,
                                                 references: references, basisKind: kind) else { return nil }
        return MeetingForecast(forecast: forecast, curve: own, references: references, capacity: event.capacity,
                               decisionDaysBefore: decision)
    }
}
