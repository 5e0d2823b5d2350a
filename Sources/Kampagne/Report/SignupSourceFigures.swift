import Foundation
import GRDB

/// Sign-ups per source for the meetings that start in a period: which newsletter edition,
/// which invitation, the public page, the door. The report's `signUpSources` table.
public struct SignupSourceFigures: Codable, Sendable, Equatable {
    /// Per source (`nyhedsbrev-12`, `invitation-34`, `side`, ...), most first.
    public var sources: [SourceCount]
    /// Per kind of source (`nyhedsbrev`, `invitation`, `venteliste`, `side`, `doer`, `cli`, `andet`), most first.
    public var groups: [SourceCount]
    /// Sign-ups counted (not cancelled, walk-ins included).
    public var total: Int

    static func make(period: ReportPeriod, in db: Database) throws -> SignupSourceFigures {
        let events = Event.filter(Event.Columns.startsAt >= StoredDate.value(period.start)
            && Event.Columns.startsAt < StoredDate.value(period.end)).select(Event.Columns.id)
        let tally = try Events.sourceTally(Registration.filter(events.contains(Registration.Columns.eventId)), in: db)
        var groups: [String: SourceCount] = [:]
        for (source, count) in tally {
            groups[source.group, default: SourceCount(key: source.group, group: source.group, name: source.groupName, count: 0)].count += count
        }
        return SignupSourceFigures(
            sources: Events.sourceCounts(tally),
            groups: groups.values.sorted { ($0.count, $1.key) > ($1.count, $0.key) },
            total: tally.values.reduce(0, +))
    }
}
