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

    static let groupNames = ["nyhedsbrev": "Nyhedsbreve", "invitation": "Invitationer", "venteliste": "Venteliste fra tidligere møde",
                             "side": "Mødesiden", "doer": "Ved døren", "cli": "Arrangøren", "andet": "Andre mærkede links"]

    static func make(period: ReportPeriod, in db: Database) throws -> SignupSourceFigures {
        let events = Event.filter(Event.Columns.startsAt >= StoredDate.value(period.start)
            && Event.Columns.startsAt < StoredDate.value(period.end)).select(Event.Columns.id)
        let sources = try Events.sourceCounts(Registration.filter(events.contains(Registration.Columns.eventId)), in: db)
        var groups: [String: Int] = [:]
        for source in sources { groups[source.group, default: 0] += source.count }
        return SignupSourceFigures(
            sources: sources,
            groups: groups.map { SourceCount(key: $0.key, group: $0.key, name: groupNames[$0.key] ?? $0.key, count: $0.value) }
                .sorted { ($0.count, $1.key) > ($1.count, $0.key) },
            total: sources.reduce(0) { $0 + $1.count })
    }
}
