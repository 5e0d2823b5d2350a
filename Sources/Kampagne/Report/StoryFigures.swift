import Foundation
import GRDB

/// Good stories per industry: drafted, approved and published in the period.
public struct StoryIndustryLine: Codable, Sendable, Equatable {
    /// As tagged on the story; empty when untagged.
    public var industry: String
    public var name: String
    public var drafted: Int
    public var approved: Int
    public var published: Int
}

/// Stories published in one channel.
public struct StoryChannelLine: Codable, Sendable, Equatable {
    public var channel: StoryChannel
    public var name: String
    /// Distinct stories used in this channel in the period.
    public var published: Int
}

/// Good stories in a period, read from the stories' own records: drafted = stories created,
/// approved = distinct stories with an "approved" log entry, published = each story once per
/// channel it was used in (a press release, a newsletter article, a web text), by channel and
/// by industry. Using the same story in the same channel again (the press release written
/// three times) does not count again.
public struct StoryFigures: Codable, Sendable, Equatable {
    public var drafted: Int
    public var approved: Int
    /// Distinct (story, channel) pairs used in the period.
    public var published: Int
    /// Distinct stories used at least once.
    public var storiesPublished: Int
    public var byChannel: [StoryChannelLine]
    public var byIndustry: [StoryIndustryLine]
    /// Each story's first use per channel in the period, for the list in the report:
    /// `[{storyId, headline, industry, municipality, channel, usedAt}]`.
    public var uses: [StoryUse]

    public struct StoryUse: Codable, Sendable, Equatable {
        public var storyId: Int64
        public var headline: String
        public var industry: String
        public var municipality: String
        public var channel: StoryChannel
        public var channelName: String
        public var usedAt: Date
    }

    static func make(period: ReportPeriod, in db: Database) throws -> StoryFigures {
        let start = StoredDate.value(period.start)
        let end = StoredDate.value(period.end)
        let drafted = try Story.filter(Story.Columns.createdAt >= start && Story.Columns.createdAt < end).fetchAll(db)
        let approvedIds = Set(try StoryLogEntry
            .filter(StoryLogEntry.Columns.action == StoryAction.approved.rawValue
                    && StoryLogEntry.Columns.at >= start && StoryLogEntry.Columns.at < end)
            .fetchAll(db).map(\.storyId))
        let usages = firstUsePerChannel(try StoryUsage.made().filter(StoryUsage.Columns.usedAt >= start && StoryUsage.Columns.usedAt < end)
            .order(StoryUsage.Columns.usedAt, StoryUsage.Columns.id).fetchAll(db))
        let involved = Set(drafted.compactMap(\.id)).union(approvedIds).union(usages.map(\.storyId))
        let stories = Dictionary(uniqueKeysWithValues: try Story.filter(involved.contains(Story.Columns.id)).fetchAll(db)
            .map { ($0.id ?? 0, $0) })

        func industry(_ id: Int64) -> String { DanishText.singleLine(stories[id]?.industry ?? "") }
        var industries: [String: StoryIndustryLine] = [:]
        func bump(_ storyId: Int64, _ update: (inout StoryIndustryLine) -> Void) {
            let key = industry(storyId)
            var line = industries[DanishText.searchKey(key)]
                ?? StoryIndustryLine(industry: key, name: key.isEmpty ? "Uden branche" : key, drafted: 0, approved: 0, published: 0)
            update(&line)
            industries[DanishText.searchKey(key)] = line
        }
        drafted.forEach { story in bump(story.id ?? 0) { $0.drafted += 1 } }
        approvedIds.forEach { id in bump(id) { $0.approved += 1 } }
        usages.forEach { usage in bump(usage.storyId) { $0.published += 1 } }
        // Untagged stories last.
        let byIndustry = DanishText.sorted(industries.values.filter { !$0.industry.isEmpty }) { [$0.name] }
            + industries.values.filter(\.industry.isEmpty)

        return StoryFigures(
            drafted: drafted.count, approved: approvedIds.count, published: usages.count,
            storiesPublished: Set(usages.map(\.storyId)).count,
            byChannel: StoryChannel.allCases.map { channel in
                StoryChannelLine(channel: channel, name: channel.danish, published: usages.filter { $0.channel == channel }.count)
            },
            byIndustry: byIndustry,
            uses: usages.map { usage in
                StoryUse(storyId: usage.storyId, headline: stories[usage.storyId]?.headline ?? "", industry: industry(usage.storyId),
                         municipality: stories[usage.storyId]?.municipality ?? "", channel: usage.channel,
                         channelName: usage.channel.danish, usedAt: usage.usedAt)
            })
    }

    /// The first use of each story in each channel, in the order given.
    static func firstUsePerChannel(_ usages: [StoryUsage]) -> [StoryUsage] {
        var seen: Set<String> = []
        return usages.filter { seen.insert("\($0.storyId)/\($0.channel.rawValue)").inserted }
    }
}
