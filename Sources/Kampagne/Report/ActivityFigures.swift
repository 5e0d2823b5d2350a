import Foundation

/// Hand-entered activities of one kind in the period.
public struct ActivityKindLine: Codable, Sendable, Equatable {
    public var kind: ActivityKind
    public var name: String
    /// How many were entered.
    public var activities: Int
    /// The sum of their counts (leaflets handed out, listeners, participants); entries without a count add nothing.
    public var total: Int
    /// What `total` counts, in Danish ("uddelt", "tilhørere", …).
    public var countMeaning: String
}

/// The hand-entered activities in a period, per kind and one by one.
public struct ActivityFigures: Codable, Sendable, Equatable {
    public var byKind: [ActivityKindLine]
    public var activities: [ActivityView]

    init(_ activities: [ActivityView]) {
        self.activities = activities
        byKind = ActivityKind.allCases.map { kind in
            let ofKind = activities.filter { $0.kind == kind }
            return ActivityKindLine(kind: kind, name: kind.danish, activities: ofKind.count,
                                    total: ofKind.compactMap(\.count).reduce(0, +), countMeaning: kind.countMeaning)
        }
    }

    func line(_ kind: ActivityKind) -> ActivityKindLine {
        byKind.first { $0.kind == kind }
            ?? ActivityKindLine(kind: kind, name: kind.danish, activities: 0, total: 0, countMeaning: kind.countMeaning)
    }
}
