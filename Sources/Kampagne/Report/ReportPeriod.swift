import Foundation

/// The days a report covers: from the start of `--from` to the end of `--to`, both whole
/// calendar days in Copenhagen time (a half-year is 2027-01-01 to 2027-06-30).
public struct ReportPeriod: Sendable, Equatable, Codable {
    /// "yyyy-MM-dd", the first day.
    public let from: String
    /// "yyyy-MM-dd", the last day (included).
    public let to: String
    /// The first instant of `from`.
    public let start: Date
    /// The first instant after `to`: timestamps in the period are `start <= t < end`.
    public let end: Date

    /// Longest period a report may cover; a typo like 20270 should not make a 18,000-year chart.
    static let maxDays = 3_700

    /// Reads the first and last day ("2027-01-01" or "1.1.2027"); errors name the field (`from`, `to`).
    /// `limited: false` lifts the length limit, for listing with only one end given.
    public init(from fromText: String, to toText: String, limited: Bool = true) throws(KampagneError) {
        let fromDay = try Self.day(fromText, field: "from")
        let toDay = try Self.day(toText, field: "to")
        guard fromDay <= toDay else {
            throw .field("from", "\(DanishDate.numeric(fromDay)) ligger efter slutdatoen \(DanishDate.numeric(toDay))")
        }
        guard let end = Calendar.danish.date(byAdding: .day, value: 1, to: toDay) else {
            throw .field("to", "'\(toText)' kan ikke bruges som slutdato")
        }
        let days = Calendar.danish.dateComponents([.day], from: fromDay, to: end).day ?? 0
        guard days <= Self.maxDays || !limited else {
            throw .invalidInput("Perioden er for lang (\(days) dage; højst \(Self.maxDays), omkring ti år)")
        }
        self.from = Self.dayKey(fromDay)
        self.to = Self.dayKey(toDay)
        start = fromDay
        self.end = end
    }

    /// A local day from the command line, checked.
    static func day(_ text: String, field: String) throws(KampagneError) -> Date {
        let clean = DanishText.singleLine(text)
        guard clean.count <= 40, !clean.contains(" "), let date = DanishDate.parse(clean) else {
            let shown = clean.count > 40 ? String(clean.prefix(40)) + "…" : clean
            throw .field(field, "'\(shown)' er ikke en dato (skriv fx 2027-01-01 eller 1.1.2027)")
        }
        return date
    }

    /// "yyyy-MM-dd" of `date` in Copenhagen.
    public static func dayKey(_ date: Date) -> String { DanishDate.iso(date) }

    public func contains(_ date: Date) -> Bool { date >= start && date < end }

    /// The last day as a date (its first instant), for headings.
    public var lastDay: Date { Calendar.danish.date(byAdding: .day, value: -1, to: end) ?? start }

    /// "1. januar 2027 – 30. juni 2027"; one date for a one-day period.
    public var danish: String { from == to ? DanishDate.date(start) : DanishDate.date(start) + " – " + DanishDate.date(lastDay) }

    /// Whether figures "at the end" were taken at `asOf` before the period ended (the period
    /// reaches into the future).
    public func endsAfter(_ asOf: Date) -> Bool { asOf < end }

    /// The day end figures are given for: the last day, or `asOf`'s day for a period not yet over.
    public func endDay(asOf: Date) -> Date { endsAfter(asOf) ? asOf : lastDay }

    /// Moments at which to sample a figure over the period for a chart: the start, then each
    /// day (up to a month), each Monday (up to four months) or each first of the month, then
    /// the end. Between 2 and about 130 points.
    public var samplePoints: [Date] {
        let calendar = Calendar.danish
        let days = calendar.dateComponents([.day], from: start, to: end).day ?? 0
        var points = [start]
        var cursor = start
        while true {
            let next: Date?
            if days <= 31 {
                next = calendar.date(byAdding: .day, value: 1, to: cursor)
            } else if days <= 122 {
                next = calendar.nextDate(after: cursor, matching: DateComponents(weekday: 2), matchingPolicy: .nextTime)
            } else {
                next = calendar.nextDate(after: cursor, matching: DateComponents(day: 1), matchingPolicy: .nextTime)
            }
            guard let next, next < end else { break }
            points.append(next)
            cursor = next
        }
        points.append(end)
        return points
    }
}

extension ReportPeriod {
    /// The first instant of a stored "yyyy-MM-dd" day (the epoch for a malformed one).
    public static func dayStart(_ day: String) -> Date {
        DanishDate.parse(day) ?? Date(timeIntervalSince1970: 0)
    }
}
