import Foundation
import MailTemplates

/// One meeting's sign-ups in time, counted back from its sign-up deadline: the material the
/// forecast learns from (earlier meetings) and the curve it extends (the open meeting).
public struct SignupCurve: Codable, Sendable, Equatable {
    public var eventId: Int64
    public var title: String
    /// For each sign-up, the days between it and the deadline (0 on the deadline, negative
    /// after it): sign-ups made in advance, walk-ins and cancelled ones left out.
    public var daysBefore: [Double]

    public init(eventId: Int64, title: String, daysBefore: [Double]) {
        self.eventId = eventId
        self.title = title
        self.daysBefore = daysBefore.sorted(by: >)
    }

    /// The final count: every sign-up of a meeting that is over.
    public var final: Int { daysBefore.count }

    /// Sign-ups made at least `days` days before the deadline.
    public func count(atDaysBefore days: Double) -> Int {
        daysBefore.reduce(0) { $0 + ($1 >= days ? 1 : 0) }
    }
}

/// How likely an open meeting is to reach its minimum by the decision date.
public enum ForecastOutlook: String, Codable, Sendable {
    /// The minimum is reached already.
    case reached
    /// Even the low end of the range reaches it.
    case likely
    /// The expected count reaches it, the low end does not.
    case uncertain
    /// The expected count falls short.
    case doubtful
    /// Even the high end falls short.
    case unlikely
    /// No minimum to reach.
    case noMinimum = "no-minimum"

    public var danish: String {
        switch self {
        case .reached: return "minimum er nået"
        case .likely: return "når sandsynligvis minimum"
        case .uncertain: return "kan nå minimum, men det er usikkert"
        case .doubtful: return "når næppe minimum"
        case .unlikely: return "når efter al sandsynlighed ikke minimum"
        case .noMinimum: return "intet minimum"
        }
    }
}

/// A forecast of an open meeting's final sign-ups from the curves of earlier meetings of the
/// same series (or kind). Each earlier meeting says how much a count grew from this many days
/// before the deadline to the end; applied to today's count that gives one estimate per
/// meeting. The median is the forecast, the lowest and highest are the range. Pure: the same
/// curves give the same forecast. See docs/forecast.md.
public struct SignupForecast: Codable, Sendable, Equatable {
    /// Days from now to the deadline (0 when it is today or past).
    public var daysBeforeDeadline: Double
    /// Sign-ups so far.
    public var current: Int
    /// Final count: median of the estimates, and the lowest and highest.
    public var expected: Int
    public var low: Int
    public var high: Int
    /// The count expected by the decision date (the same method up to that day).
    public var atDecision: Int
    public var atDecisionLow: Int
    public var atDecisionHigh: Int
    public var minimum: Int?
    public var outlook: ForecastOutlook
    /// The earlier meetings the forecast learnt from (their ids).
    public var basis: [Int64]
    /// "serie" (same series) or "type" (same kind).
    public var basisKind: String
    /// One Danish sentence for the organiser.
    public var summary: String

    /// The fewest earlier meetings a forecast needs.
    public static let minimumBasis = 2

    /// One earlier meeting's estimate of the count `target` days before the deadline, from
    /// today's `current` at `now` days before: current grown by the ratio the earlier meeting
    /// showed between the two points. One is added on both sides, so that a meeting with no
    /// sign-ups yet (or an earlier meeting with none at this point) still gives an estimate.
    static func estimate(_ curve: SignupCurve, current: Int, now: Double, target: Double) -> Double {
        let then = Double(curve.count(atDaysBefore: now))
        let later = target <= -Double.greatestFiniteMagnitude ? Double(curve.final) : Double(curve.count(atDaysBefore: target))
        return max(Double(current), (Double(current) + 1) * (later + 1) / (then + 1) - 1)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// The forecast for a meeting with `current` sign-ups `daysBeforeDeadline` days before its
    /// deadline and its decision `decisionDaysBefore` days before it (nil: decided at the
    /// deadline), from `references`; nil with fewer than `minimumBasis` of them.
    public static func make(current: Int, daysBeforeDeadline: Double, decisionDaysBefore: Double?, minimum: Int?,
                            references: [SignupCurve], basisKind: String = "serie") -> SignupForecast? {
        guard references.count >= minimumBasis else { return nil }
        let now = max(0, daysBeforeDeadline)
        let finals = references.map { estimate($0, current: current, now: now, target: -.greatestFiniteMagnitude) }
        let decisionDay = decisionDaysBefore ?? 0
        let atDecision: [Double] = decisionDay >= now ? [Double(current)]
            : references.map { estimate($0, current: current, now: now, target: decisionDay) }
        let expected = Int(median(finals).rounded())
        let low = Int((finals.min() ?? 0).rounded())
        let high = Int((finals.max() ?? 0).rounded())
        let decided = Int(median(atDecision).rounded())
        let decidedLow = Int((atDecision.min() ?? 0).rounded())
        let decidedHigh = Int((atDecision.max() ?? 0).rounded())
        let outlook: ForecastOutlook
        if let minimum {
            if current >= minimum { outlook = .reached }
            else if decidedLow >= minimum { outlook = .likely }
            else if decided >= minimum { outlook = .uncertain }
            else if decidedHigh >= minimum { outlook = .doubtful }
            else { outlook = .unlikely }
        } else {
            outlook = .noMinimum
        }
        let basisText = basisKind == "serie" ? "møder i samme serie" : "møder af samme type"
        var summary = "Forventet \(DanishNumber.int(expected)) tilmeldte ved fristen (mellem \(DanishNumber.int(low)) og \(DanishNumber.int(high))), ud fra \(references.count) tidligere \(basisText)."
        if let minimum {
            summary += " Ved beslutningsdatoen ventes \(DanishNumber.int(decided)) (\(DanishNumber.int(decidedLow))–\(DanishNumber.int(decidedHigh))) af minimum \(DanishNumber.int(minimum)): mødet \(outlook.danish)."
        }
        return SignupForecast(daysBeforeDeadline: now, current: current, expected: expected, low: low, high: high,
                              atDecision: decided, atDecisionLow: decidedLow, atDecisionHigh: decidedHigh, minimum: minimum,
                              outlook: outlook, basis: references.map(\.eventId), basisKind: basisKind, summary: summary)
    }
}

/// The forecast as a chart: today's curve, the earlier meetings' curves carried on from
/// today's count (the fan), the range at the deadline, and the minimum. Inline SVG, no script.
public struct SignupForecastChart: Sendable {
    public var curve: SignupCurve
    public var forecast: SignupForecast
    public var references: [SignupCurve]
    public var capacity: Int?
    public var decisionDaysBefore: Double?

    public init(curve: SignupCurve, forecast: SignupForecast, references: [SignupCurve], capacity: Int?,
                decisionDaysBefore: Double?) {
        self.curve = curve
        self.forecast = forecast
        self.references = references
        self.capacity = capacity
        self.decisionDaysBefore = decisionDaysBefore
    }

    func f(_ value: Double) -> String { ReportCharts.f(value) }

    public var svg: String {
        let (width, height, left, right, top, bottom) = (640.0, 260.0, 44.0, 16.0, 14.0, 34.0)
        let plotW = width - left - right
        let plotH = height - top - bottom
        let earliest = (references.flatMap(\.daysBefore) + curve.daysBefore).max() ?? 30
        let span = min(120, max(14, ceil(max(earliest, forecast.daysBeforeDeadline) / 7) * 7))
        let tallest = [forecast.high, forecast.current, forecast.minimum ?? 0, capacity ?? 0].max() ?? 1
        let ceiling = Double(ReportCharts.niceMax(max(tallest, 5)))
        func x(_ days: Double) -> Double { left + plotW * (1 - min(max(days, 0), span) / span) }
        func y(_ count: Double) -> Double { top + plotH * (1 - min(count, ceiling) / ceiling) }
        var parts: [String] = []
        parts.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"forecast-chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"forecast-title\">")
        parts.append("<title id=\"forecast-title\">\(HTMLText.escape(forecast.summary))</title>")
        let ticks = ReportCharts.tickCount(Int(ceiling))
        for i in 0...ticks {
            let value = ceiling * Double(i) / Double(ticks)
            parts.append("<line x1=\"\(f(left))\" y1=\"\(f(y(value)))\" x2=\"\(f(width - right))\" y2=\"\(f(y(value)))\" stroke=\"#ddd\"/>")
            parts.append("<text x=\"\(f(left - 6))\" y=\"\(f(y(value) + 4))\" text-anchor=\"end\" font-size=\"11\">\(DanishNumber.int(Int(value)))</text>")
        }
        for week in stride(from: 0.0, through: span, by: 7) {
            parts.append("<text x=\"\(f(x(week)))\" y=\"\(f(height - bottom + 16))\" text-anchor=\"middle\" font-size=\"11\">\(week == 0 ? "frist" : "-\(Int(week))")</text>")
        }
        parts.append("<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 4))\" text-anchor=\"middle\" font-size=\"11\">dage før tilmeldingsfristen</text>")
        if let minimum = forecast.minimum {
            parts.append("<line class=\"minimum\" x1=\"\(f(left))\" y1=\"\(f(y(Double(minimum))))\" x2=\"\(f(width - right))\" y2=\"\(f(y(Double(minimum))))\" stroke=\"#b00020\" stroke-dasharray=\"6 4\"/>")
            parts.append("<text x=\"\(f(left + 4))\" y=\"\(f(y(Double(minimum)) - 4))\" font-size=\"11\" fill=\"#b00020\">minimum \(DanishNumber.int(minimum))</text>")
        }
        if let decision = decisionDaysBefore, decision >= 0, decision <= span {
            parts.append("<line x1=\"\(f(x(decision)))\" y1=\"\(f(top))\" x2=\"\(f(x(decision)))\" y2=\"\(f(top + plotH))\" stroke=\"#999\" stroke-dasharray=\"2 3\"/>")
            parts.append("<text x=\"\(f(x(decision) + 3))\" y=\"\(f(top + 10))\" font-size=\"10\" fill=\"#555\">beslutning</text>")
        }
        // The fan: each earlier meeting's growth from today's point, applied to today's count.
        let now = forecast.daysBeforeDeadline
        for reference in references {
            var points: [String] = []
            for day in stride(from: now, through: 0, by: -1) {
                let value = SignupForecast.estimate(reference, current: forecast.current, now: now, target: day)
                points.append("\(f(x(day))),\(f(y(value)))")
            }
            points.append("\(f(x(0))),\(f(y(SignupForecast.estimate(reference, current: forecast.current, now: now, target: -.greatestFiniteMagnitude))))")
            parts.append("<polyline class=\"reference\" fill=\"none\" stroke=\"#9bb7d4\" stroke-width=\"1.2\" points=\"\(points.joined(separator: " "))\"/>")
        }
        // Today's curve so far.
        var own: [String] = []
        for day in stride(from: span, through: now, by: -1) {
            own.append("\(f(x(day))),\(f(y(Double(curve.count(atDaysBefore: day)))))")
        }
        own.append("\(f(x(now))),\(f(y(Double(forecast.current))))")
        parts.append("<polyline class=\"current\" fill=\"none\" stroke=\"#1a4d80\" stroke-width=\"2.5\" points=\"\(own.joined(separator: " "))\"/>")
        // The range at the deadline, and the expected count.
        parts.append("<line class=\"range\" x1=\"\(f(x(0) - 4))\" y1=\"\(f(y(Double(forecast.low))))\" x2=\"\(f(x(0) - 4))\" y2=\"\(f(y(Double(forecast.high))))\" stroke=\"#1a4d80\" stroke-width=\"6\" stroke-opacity=\"0.35\"/>")
        parts.append("<circle class=\"expected\" cx=\"\(f(x(0) - 4))\" cy=\"\(f(y(Double(forecast.expected))))\" r=\"4\" fill=\"#1a4d80\"/>")
        parts.append("<text x=\"\(f(x(0) - 10))\" y=\"\(f(y(Double(forecast.expected)) - 6))\" text-anchor=\"end\" font-size=\"11\">ca. \(DanishNumber.int(forecast.expected))</text>")
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }
}
