import Foundation

/// Dates as Danish readers expect them, in Europe/Copenhagen time:
/// "torsdag den 19. august 2010 kl. 16.00".
public enum DanishDate {
    public static let timeZone = TimeZone(identifier: "Europe/Copenhagen") ?? .current

    private static let weekdays = ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"]
    private static let months = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
                                 "september", "oktober", "november", "december"]
    private static let shortMonths = ["jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.",
                                      "sep.", "okt.", "nov.", "dec."]

    /// The date's parts in Copenhagen time. Built by hand rather than with a DateFormatter:
    /// pages and messages format dates on every request, and a formatter is costly to make.
    private static func parts(_ date: Date) -> (year: Int, month: Int, day: Int, weekday: Int, hour: Int, minute: Int) {
        let c = Calendar.danish.dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: date)
        return (c.year ?? 1970, c.month ?? 1, c.day ?? 1, c.weekday ?? 1, c.hour ?? 0, c.minute ?? 0)
    }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// "torsdag den 19. august 2010 kl. 16.00"
    public static func long(_ date: Date) -> String {
        day(date) + " kl. " + time(date)
    }

    /// "19. aug. 2010 16.00"
    public static func short(_ date: Date) -> String {
        let p = parts(date)
        return "\(p.day). \(shortMonths[p.month - 1]) \(p.year) \(two(p.hour)).\(two(p.minute))"
    }

    /// "torsdag den 19. august 2010"
    public static func day(_ date: Date) -> String {
        "\(weekdays[parts(date).weekday - 1]) den " + self.date(date)
    }

    /// "19. august 2010"
    public static func date(_ date: Date) -> String {
        let p = parts(date)
        return "\(p.day). \(months[p.month - 1]) \(p.year)"
    }

    /// "19. aug." or, with the year, "19. aug. 10": for chart axes.
    public static func dayMonth(_ date: Date, withYear: Bool) -> String {
        let p = parts(date)
        return "\(p.day). \(shortMonths[p.month - 1])" + (withYear ? " \(two(p.year % 100))" : "")
    }

    /// "2010-08-19": the day as stored and as scripts read it.
    public static func iso(_ date: Date) -> String {
        let p = parts(date)
        return "\(p.year)-\(two(p.month))-\(two(p.day))"
    }

    /// "16.00"
    public static func time(_ date: Date) -> String {
        let p = parts(date)
        return "\(two(p.hour)).\(two(p.minute))"
    }

    /// "19.08.2010": for tables and printed lists.
    public static func numeric(_ date: Date) -> String {
        let p = parts(date)
        return "\(two(p.day)).\(two(p.month)).\(p.year)"
    }

    /// A meeting's time: "torsdag den 4. februar 2027 kl. 09.30–12.00", or both dates in full
    /// when it runs over several days.
    public static func span(_ start: Date, _ end: Date) -> String {
        if Calendar.danish.isDate(start, inSameDayAs: end) {
            return long(start) + "–" + time(end)
        }
        return long(start) + " til " + long(end)
    }

    /// Reads a local Copenhagen date or date and time as people type it in a file or on the
    /// command line: "2027-02-04", "2027-02-04 09:30", "2027-02-04T09.30", "4.2.2027 9:30".
    /// A date alone means `defaultTime` ("HH:mm"); seconds may follow the minutes ("09:30:15").
    public static func parse(_ text: String, defaultTime: String = "00:00") -> Date? {
        let trimmed = DanishText.singleLine(text).replacingOccurrences(of: "T", with: " ")
        let parts = trimmed.split(separator: " ", omittingEmptySubsequences: true)
        guard (1...2).contains(parts.count) else { return nil }
        let datePart = String(parts[0])
        var timePart = parts.count == 2 ? String(parts[1]) : defaultTime
        var second = 0
        let clock = timePart.split(whereSeparator: { $0 == ":" || $0 == "." })
        if clock.count == 3 {
            guard let seconds = Int(clock[2]), (0...59).contains(seconds) else { return nil }
            second = seconds
            timePart = clock[0] + ":" + clock[1]
        }
        var components = DateComponents()
        let iso = datePart.split(separator: "-")
        let dotted = datePart.split(separator: ".")
        if iso.count == 3, iso[0].count == 4 {
            components.year = Int(iso[0])
            components.month = Int(iso[1])
            components.day = Int(iso[2])
        } else if dotted.count == 3, dotted[2].count == 4 {
            components.day = Int(dotted[0])
            components.month = Int(dotted[1])
            components.year = Int(dotted[2])
        } else {
            return nil
        }
        guard let (hour, minute) = parseTime(timePart) else { return nil }
        components.hour = hour
        components.minute = minute
        components.second = second
        guard let year = components.year, let month = components.month, let day = components.day,
              (1...12).contains(month), (1...31).contains(day), (1900...2200).contains(year) else { return nil }
        guard let date = Calendar.danish.date(from: components),
              Calendar.danish.component(.day, from: date) == day else { return nil }
        return date
    }

    /// "9:30" or "09.30": hours and minutes, checked.
    /// An end given as a date: "2027-06-30" lasts through that whole day in Copenhagen (the
    /// instant returned is the next midnight, the first moment it no longer holds); with a
    /// time ("2027-06-30 12:00") it is that moment.
    public static func parseThrough(_ text: String) -> Date? {
        guard let date = parse(text, defaultTime: "00:00") else { return nil }
        let hasTime = DanishText.singleLine(text).replacingOccurrences(of: "T", with: " ").contains(" ")
        return hasTime ? date : Calendar.danish.date(byAdding: .day, value: 1, to: date)
    }

    public static func parseTime(_ text: String) -> (Int, Int)? {
        let pieces = text.split(whereSeparator: { $0 == ":" || $0 == "." })
        guard pieces.count == 2, let hour = Int(pieces[0]), let minute = Int(pieces[1]),
              (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        return (hour, minute)
    }
}
