import Foundation
import MailTemplates

/// The report's charts as inline SVG: no script, no external file, sized in a viewBox so they
/// scale to the page and print sharply. Every text from the database is escaped.
enum ReportCharts {
    static let ink = "#1f2d3a"
    static let accent = "#1d5f8a"
    static let light = "#d6e4ee"
    static let warn = "#b5462f"
    static let grid = "#d9dde1"

    static func esc(_ text: String) -> String { HTMLText.escape(text) }

    /// "maj 2027" / "3. maj" style label for a sample point.
    static func label(_ date: Date, daily: Bool) -> String { DanishDate.dayMonth(date, withYear: !daily) }

    /// A "nice" upper bound for an axis: the smallest of 1, 2, 2.5 or 5 times a power of ten
    /// (or the next power of ten) at or above `value`; 2.5 only from 25 up, so the bound stays whole.
    static func niceMax(_ value: Int) -> Int {
        guard value > 0 else { return 10 }
        var power = 1
        while power * 10 <= value { power *= 10 }
        let candidates = [power, 2 * power] + (power >= 10 ? [power / 2 * 5] : []) + [5 * power, 10 * power]
        return candidates.first { $0 >= value } ?? 10 * power
    }

    /// How many equal whole-number steps an axis up to `ceiling` gets: 4 or 5 (fewer for tiny
    /// axes), each step itself a nice number (2,500 gets five steps of 500, not four of 625).
    static func tickCount(_ ceiling: Int) -> Int {
        [4, 5, 2, 1].first { ceiling % $0 == 0 && ceiling / $0 >= 1 && niceMax(ceiling / $0) == ceiling / $0 } ?? 1
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    /// The circulation over the period as steps (each size holds until the next point) with
    /// dots and values at the start and at the end, or at the day the report was made when the
    /// period has not ended yet: the line stops there and is labelled "pr. <dato>".
    static func growth(_ circulation: Circulation, period: ReportPeriod) -> String {
        let width = 680.0, height = 250.0
        let left = 56.0, right = 24.0, top = 20.0, bottom = 40.0
        let plotW = width - left - right, plotH = height - top - bottom
        let points = circulation.points
        let cut = period.endsAfter(circulation.asOf)
        let ceiling = niceMax(max(points.map(\.size).max() ?? 0, 1))
        let span = max(period.end.timeIntervalSince(period.start), 1)
        func x(_ date: Date) -> Double { left + plotW * min(max(date.timeIntervalSince(period.start), 0), span) / span }
        func y(_ size: Int) -> Double { top + plotH * (1 - Double(size) / Double(ceiling)) }
        let endText = cut ? "pr. \(DanishDate.numeric(circulation.asOf))" : "ved slut"
        var svg = """
        <svg class="chart" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="growth-title" xmlns="http://www.w3.org/2000/svg">
        <title id="growth-title">Oplag fra \(DanishNumber.int(circulation.atStart)) ved start til \(DanishNumber.int(circulation.atEnd)) \(endText)</title>

        """
        let ticks = tickCount(ceiling)
        for step in 0...ticks {
            let value = ceiling * step / ticks
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(y(value)))\" x2=\"\(f(width - right))\" y2=\"\(f(y(value)))\" stroke=\"\(grid)\" stroke-width=\"1\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y(value) + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"\(ink)\">\(DanishNumber.int(value))</text>\n"
        }
        // Month, week or day labels along the whole period, from its regular samples.
        let daily = (Calendar.danish.dateComponents([.day], from: period.start, to: period.end).day ?? 0) <= 31
        let samples = period.samplePoints.dropLast()
        let labelEvery = max(1, Int((Double(samples.count) / 8).rounded(.up)))
        for (index, at) in samples.enumerated() where index % labelEvery == 0 {
            svg += "<text x=\"\(f(x(at)))\" y=\"\(f(height - bottom + 16))\" text-anchor=\"middle\" font-size=\"11\" fill=\"\(ink)\">\(esc(label(at, daily: daily)))</text>\n"
        }
        svg += "<text x=\"\(f(width - right))\" y=\"\(f(height - bottom + 30))\" text-anchor=\"end\" font-size=\"11\" fill=\"\(ink)\">\(esc("slut " + label(period.lastDay, daily: true)))</text>\n"
        var steps: [String] = []
        for (index, point) in points.enumerated() {
            if index > 0 { steps.append("\(f(x(point.at))),\(f(y(points[index - 1].size)))") }
            steps.append("\(f(x(point.at))),\(f(y(point.size)))")
        }
        let path = steps.joined(separator: " ")
        let area = "\(f(x(points.first?.at ?? period.start))),\(f(y(0))) " + path + " \(f(x(points.last?.at ?? period.end))),\(f(y(0)))"
        svg += "<polygon points=\"\(area)\" fill=\"\(light)\" opacity=\"0.7\"/>\n"
        svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(accent)\" stroke-width=\"2.5\" stroke-linejoin=\"round\"/>\n"
        if cut, let last = points.last {
            // Today: the rest of the period has not happened yet.
            svg += "<line x1=\"\(f(x(last.at)))\" y1=\"\(f(top))\" x2=\"\(f(x(last.at)))\" y2=\"\(f(y(0)))\" stroke=\"\(ink)\" stroke-dasharray=\"4 3\"/>"
            svg += "<text x=\"\(f(x(last.at) + 4))\" y=\"\(f(top + 10))\" font-size=\"10.5\" fill=\"\(ink)\">\(esc(endText))</text>\n"
        }
        if let first = points.first, let last = points.last {
            let lastAnchor = x(last.at) > width - right - 60 ? ("end", -6.0) : ("start", 6.0)
            for (point, anchor, dx) in [(first, "start", 6.0), (last, lastAnchor.0, lastAnchor.1)] {
                svg += "<circle cx=\"\(f(x(point.at)))\" cy=\"\(f(y(point.size)))\" r=\"4\" fill=\"\(accent)\"/>"
                svg += "<text x=\"\(f(x(point.at) + dx))\" y=\"\(f(y(point.size) - 9))\" text-anchor=\"\(anchor)\" font-size=\"13\" font-weight=\"bold\" fill=\"\(ink)\">\(DanishNumber.int(point.size))</text>\n"
            }
        }
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(y(0)))\" x2=\"\(f(width - right))\" y2=\"\(f(y(0)))\" stroke=\"\(ink)\" stroke-width=\"1\"/>\n"
        return svg + "</svg>"
    }

    /// The sign-ups chart's scale: large enough for every capacity, sign-up count, minimum and
    /// attendance (walk-ins can bring more people than there were seats).
    static func signUpScale(_ meetings: [MeetingLine]) -> Int {
        niceMax(max(meetings.map { max($0.capacity ?? 0, $0.signedUp, $0.minimum ?? 0, $0.attended) }.max() ?? 0, 1))
    }

    /// One row per meeting: seats taken against capacity, with the minimum marked; cancelled
    /// meetings in red with their sign-ups when they were cancelled.
    static func signUps(_ meetings: [MeetingLine]) -> String {
        let rowH = 30.0, labelW = 230.0, width = 680.0, right = 110.0, top = 26.0
        let height = top + rowH * Double(meetings.count) + 16
        let scaleMax = signUpScale(meetings)
        let plotW = width - labelW - right
        func x(_ value: Int) -> Double { labelW + plotW * Double(value) / Double(scaleMax) }
        var svg = """
        <svg class="chart" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="signups-title" xmlns="http://www.w3.org/2000/svg">
        <title id="signups-title">Tilmeldte mod pladser pr. møde</title>

        """
        let ticks = tickCount(scaleMax)
        for step in 0...ticks {
            let value = scaleMax * step / ticks
            svg += "<line x1=\"\(f(x(value)))\" y1=\"\(f(top - 4))\" x2=\"\(f(x(value)))\" y2=\"\(f(height - 14))\" stroke=\"\(grid)\"/>"
            svg += "<text x=\"\(f(x(value)))\" y=\"\(f(top - 10))\" text-anchor=\"middle\" font-size=\"10\" fill=\"\(ink)\">\(DanishNumber.int(value))</text>\n"
        }
        for (index, meeting) in meetings.enumerated() {
            let rowY = top + rowH * Double(index)
            let title = meeting.title.count > 34 ? String(meeting.title.prefix(33)) + "…" : meeting.title
            let cancelled = meeting.outcome == "cancelled"
            svg += "<text x=\"0\" y=\"\(f(rowY + 12))\" font-size=\"11\" fill=\"\(ink)\">\(esc(title))</text>"
            svg += "<text x=\"0\" y=\"\(f(rowY + 24))\" font-size=\"9.5\" fill=\"#5b6670\">\(esc(DanishDate.numeric(meeting.startsAt) + " · " + meeting.kindName + (cancelled ? " · aflyst" : "")))</text>\n"
            if let capacity = meeting.capacity {
                svg += "<rect x=\"\(f(labelW))\" y=\"\(f(rowY + 4))\" width=\"\(f(x(capacity) - labelW))\" height=\"18\" fill=\"none\" stroke=\"#8a96a0\" stroke-dasharray=\"3 2\"/>"
            }
            svg += "<rect x=\"\(f(labelW))\" y=\"\(f(rowY + 6))\" width=\"\(f(max(x(meeting.signedUp) - labelW, meeting.signedUp > 0 ? 1.5 : 0)))\" height=\"14\" fill=\"\(cancelled ? warn : accent)\"/>"
            if meeting.attended > 0 && !cancelled {
                svg += "<rect x=\"\(f(labelW))\" y=\"\(f(rowY + 10))\" width=\"\(f(x(meeting.attended) - labelW))\" height=\"6\" fill=\"#9fd0a8\"/>"
            }
            if let minimum = meeting.minimum {
                svg += "<line x1=\"\(f(x(minimum)))\" y1=\"\(f(rowY + 1))\" x2=\"\(f(x(minimum)))\" y2=\"\(f(rowY + 25))\" stroke=\"\(ink)\" stroke-width=\"2\"/>"
            }
            let figure = "\(meeting.signedUp)" + (meeting.capacity.map { "/\($0)" } ?? "")
                + (meeting.attended > 0 && !cancelled ? " · \(meeting.attended) mødt" : "")
            svg += "<text x=\"\(f(width - 4))\" y=\"\(f(rowY + 17))\" text-anchor=\"end\" font-size=\"11\" fill=\"\(ink)\">\(figure)</text>\n"
        }
        return svg + "</svg>"
    }

    /// Per region: the share of its municipalities reached and of its jobcentres reached.
    static func coverage(_ regions: [RegionCoverage]) -> String {
        let rowH = 40.0, labelW = 150.0, width = 680.0, right = 110.0, top = 8.0
        let height = top + rowH * Double(regions.count) + 4
        let plotW = width - labelW - right
        var svg = """
        <svg class="chart" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="coverage-title" xmlns="http://www.w3.org/2000/svg">
        <title id="coverage-title">Kommuner og jobcentre nået pr. region</title>

        """
        for (index, region) in regions.enumerated() {
            let rowY = top + rowH * Double(index)
            let total = max(region.municipalities, 1)
            svg += "<text x=\"0\" y=\"\(f(rowY + 20))\" font-size=\"12\" fill=\"\(ink)\">\(esc(region.region))</text>"
            for (offset, reached, colour, word) in [(0.0, region.municipalitiesReached, accent, "kommuner"),
                                                   (15.0, region.jobcentresReached, "#6aa3c8", "jobcentre")] {
                let barY = rowY + 6 + offset
                svg += "<rect x=\"\(f(labelW))\" y=\"\(f(barY))\" width=\"\(f(plotW))\" height=\"12\" fill=\"#eef2f5\"/>"
                svg += "<rect x=\"\(f(labelW))\" y=\"\(f(barY))\" width=\"\(f(plotW * Double(reached) / Double(total)))\" height=\"12\" fill=\"\(colour)\"/>"
                svg += "<text x=\"\(f(labelW + plotW + 6))\" y=\"\(f(barY + 10))\" font-size=\"10.5\" fill=\"\(ink)\">\(reached) af \(region.municipalities) \(word)</text>\n"
            }
        }
        return svg + "</svg>"
    }
}
