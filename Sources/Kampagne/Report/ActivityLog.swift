import Foundation
import GRDB

/// An activity as `activity list` and the report show it.
public struct ActivityView: Codable, Sendable, Equatable {
    public var id: Int64
    public var kind: ActivityKind
    public var kindName: String
    /// "yyyy-MM-dd".
    public var date: String
    public var title: String
    public var count: Int?
    /// `DA`, `LO`, `KL`, a municipality, or null.
    public var partner: String?
    /// The partner's Danish name, or "Fælles (sekretariatet)".
    public var partnerName: String
    public var note: String

    init(_ activity: Activity) {
        id = activity.id ?? 0
        kind = activity.kind
        kindName = activity.kind.danish
        date = activity.day
        title = activity.title
        count = activity.count
        partner = activity.partner
        partnerName = Partner.name(ofKey: activity.partner)
        note = activity.note
    }
}

/// What `activity add` asks for, as typed; `ActivityLog.add` checks every field.
public struct ActivityInput: Sendable {
    public var kind: String
    public var date: String
    public var title: String
    public var count: String?
    public var partner: String?
    public var note: String?
    /// Store it even when the same activity (kind, date, title, partner) is already there (`--again`).
    public var again: Bool
    /// Accept a date before 2000 or more than a year ahead (`--force`).
    public var force: Bool

    public init(kind: String, date: String, title: String, count: String? = nil, partner: String? = nil, note: String? = nil,
                again: Bool = false, force: Bool = false) {
        self.kind = kind
        self.date = date
        self.title = title
        self.count = count
        self.partner = partner
        self.note = note
        self.again = again
        self.force = force
    }
}

/// The hand-entered activities: leaflets handed out, press articles, talks at other people's
/// conferences, network meetings and website updates, which the report counts beside what
/// Kampagne records itself.
public struct ActivityLog: Sendable {
    let store: Store

    public init(store: Store) { self.store = store }

    static let maxTitle = 300
    static let maxNote = 2_000
    /// More than a million leaflets or listeners is a typo, not an activity.
    static let maxCount = 1_000_000

    /// The earliest day an activity may have unless confirmed.
    static let earliestDay = "2000-01-01"

    /// Checks `input` and stores it; returns the new id. Errors name the option. The same
    /// activity (kind, date, title and partner) entered twice is refused unless `input.again`.
    public func add(_ input: ActivityInput, now: Date = Date()) throws(KampagneError) -> Int64 {
        var activity = try Self.validate(input, now: now)
        return try store.write { db in
            if !input.again, let existing = try Self.same(as: activity, in: db) {
                throw KampagneError.unconfirmed(
                    "Aktiviteten findes allerede som nr. \(existing.id ?? 0) (\(existing.kind.singular) "
                    + "\(DanishDate.numeric(ReportPeriod.dayStart(existing.day))): \(existing.title))", confirmation: "again")
            }
            try activity.insert(db)
            return activity.id ?? 0
        }
    }

    /// A stored activity with the same kind, day, title and partner.
    static func same(as activity: Activity, in db: Database) throws -> Activity? {
        // `== nil` is written IS NULL, so an activity without a partner matches one without.
        try Activity.filter(Activity.Columns.kind == activity.kind.rawValue && Activity.Columns.day == activity.day
                            && Activity.Columns.title == activity.title && Activity.Columns.partner == activity.partner)
            .fetchOne(db)
    }

    static func validate(_ input: ActivityInput, now: Date) throws(KampagneError) -> Activity {
        let kind = try ActivityKind(parsing: input.kind)
        let day = try ReportPeriod.day(input.date, field: "date")
        if !input.force {
            let dayKey = ReportPeriod.dayKey(day)
            if dayKey < earliestDay {
                throw .field("date", "\(DanishDate.numeric(day)) ligger før år 2000; er årstallet skrevet forkert?", confirmable: true)
            }
            if let limit = Calendar.danish.date(byAdding: .year, value: 1, to: now), day > limit {
                throw .field("date", "\(DanishDate.numeric(day)) ligger mere end et år ude i fremtiden; er årstallet skrevet forkert?",
                             confirmable: true)
            }
        }
        if input.title.contains("\n") || input.title.contains("\r") {
            throw .field("title", "titlen skal være én linje (uden linjeskift)")
        }
        let title = DanishText.singleLine(input.title)
        guard !title.isEmpty else { throw .field("title", "titlen må ikke være tom") }
        guard title.count <= maxTitle else { throw .field("title", "højst \(maxTitle) tegn (fik \(title.count))") }
        var count: Int?
        if let text = input.count.map(DanishText.singleLine), !text.isEmpty {
            // "1.500" is how a Dane writes fifteen hundred; "1.5" is not a count.
            let grouped = text.wholeMatch(of: /[0-9]{1,3}(\.[0-9]{3})+/) != nil
            guard let value = Int(grouped ? text.replacingOccurrences(of: ".", with: "") : text) else {
                let shown = text.count > 20 ? String(text.prefix(20)) + "…" : text
                throw .field("count", "'\(shown)' er ikke et helt tal")
            }
            guard value >= 0 else { throw .field("count", "må ikke være negativ (fik \(value))") }
            guard value <= maxCount else {
                throw .field("count", "\(DanishNumber.int(value)) er urimeligt stort (højst \(DanishNumber.int(maxCount)))")
            }
            count = value
        }
        var partner: String?
        if let text = input.partner, !DanishText.singleLine(text).isEmpty {
            partner = try Partner(parsing: text).key
        }
        let note = DanishText.trimmed(input.note ?? "")
        guard note.count <= maxNote else { throw .field("note", "højst \(maxNote) tegn (fik \(note.count))") }
        return Activity(id: nil, kind: kind, day: ReportPeriod.dayKey(day), title: title, count: count,
                        partner: partner, note: DanishText.singleLine(note), createdAt: now)
    }

    /// Activities in `period` (all when nil), optionally of one kind, by date then title.
    public func list(period: ReportPeriod? = nil, kind: String? = nil) throws(KampagneError) -> [ActivityView] {
        let kind = try kind.map { (text: String) throws(KampagneError) in try ActivityKind(parsing: text) }
        return try store.read { db in try Self.fetch(period: period, kind: kind, in: db) }
    }

    static func fetch(period: ReportPeriod?, kind: ActivityKind?, in db: Database) throws -> [ActivityView] {
        var request = Activity.all()
        if let period { request = request.filter(Activity.Columns.day >= period.from && Activity.Columns.day <= period.to) }
        if let kind { request = request.filter(Activity.Columns.kind == kind.rawValue) }
        let found = try request.order(Activity.Columns.day, Activity.Columns.id).fetchAll(db)
        return found.map(ActivityView.init)
    }

    /// What `activity remove` says: "Aktivitet 3 (oplæg 05.03.2026: Oplæg på messen) er slettet."
    public static func removedNote(_ removed: ActivityView) -> String {
        "Aktivitet \(removed.id) (\(removed.kind.singular) \(DanishDate.numeric(ReportPeriod.dayStart(removed.date))): "
            + "\(removed.title)) er slettet."
    }

    /// Removes one activity; returns what was removed.
    @discardableResult
    public func remove(_ id: Int64) throws(KampagneError) -> ActivityView {
        try store.write { db in
            guard let activity = try Activity.fetchOne(db, key: id) else {
                throw KampagneError.unknown(.activity, id)
            }
            try activity.delete(db)
            return ActivityView(activity)
        }
    }
}

// `count` and `partner` are written as null rather than left out.
extension ActivityView {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(kindName, forKey: .kindName)
        try c.encode(date, forKey: .date)
        try c.encode(title, forKey: .title)
        try c.encode(count, forKey: .count)
        try c.encode(partner, forKey: .partner)
        try c.encode(partnerName, forKey: .partnerName)
        try c.encode(note, forKey: .note)
    }
}
