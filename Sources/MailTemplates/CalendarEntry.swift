import Foundation

/// One meeting as a calendar entry (RFC 5545 VEVENT), for the .ics attached to confirmations,
/// change notices and cancellations.
public struct CalendarEntry: Sendable, Equatable {
    /// The iTIP method (RFC 5546): PUBLISH for a plain entry, REQUEST for a (changed) meeting, CANCEL to withdraw it.
    public enum Method: String, Sendable { case publish = "PUBLISH", request = "REQUEST", cancel = "CANCEL" }

    /// Stable per event, e.g. "event-<publicId>@domain": clients match changes and cancellations on it.
    public var uid: String
    /// Raised on each change, so clients replace the entry they hold.
    public var sequence: Int
    public var start: Date
    public var end: Date
    public var summary: String
    /// Plain text; may contain newlines, commas, semicolons, æøå.
    public var description: String
    public var location: String
    public var organizerName: String
    public var organizerEmail: String
    /// The participant, when known.
    public var attendeeName: String?
    public var attendeeEmail: String?
    public var url: String?
    /// DTSTAMP: passed in, so rendering stays deterministic.
    public var stamp: Date
    public var cancelled: Bool

    public init(uid: String, sequence: Int = 0, start: Date, end: Date, summary: String, description: String = "",
                location: String = "", organizerName: String, organizerEmail: String, attendeeName: String? = nil,
                attendeeEmail: String? = nil, url: String? = nil, stamp: Date, cancelled: Bool = false) {
        self.uid = uid
        self.sequence = sequence
        self.start = start
        self.end = end
        self.summary = summary
        self.description = description
        self.location = location
        self.organizerName = organizerName
        self.organizerEmail = organizerEmail
        self.attendeeName = attendeeName
        self.attendeeEmail = attendeeEmail
        self.url = url
        self.stamp = stamp
        self.cancelled = cancelled
    }

    /// The whole VCALENDAR text, CRLF line ends, lines folded at 75 octets (never inside a UTF-8 sequence).
    public func rendered(method: Method) -> String {
        var lines = [
            "BEGIN:VCALENDAR",
            "PRODID:-//Kampagne//Kampagne//DA",
            "VERSION:2.0",
            "CALSCALE:GREGORIAN",
            "METHOD:\(method.rawValue)",
        ]
        lines += Self.copenhagenTimeZone
        lines += [
            "BEGIN:VEVENT",
            "UID:\(Self.text(uid))",
            "SEQUENCE:\(max(0, sequence))",
            "DTSTAMP:\(Self.utc(stamp))",
            "DTSTART;TZID=\(Self.tzid):\(Self.local(start))",
            "DTEND;TZID=\(Self.tzid):\(Self.local(end))",
            "SUMMARY:\(Self.text(summary))",
        ]
        if !description.isEmpty { lines.append("DESCRIPTION:\(Self.text(description))") }
        if !location.isEmpty { lines.append("LOCATION:\(Self.text(location))") }
        lines.append("ORGANIZER\(Self.cn(organizerName)):mailto:\(Self.uri(organizerEmail))")
        if let attendeeEmail, !Self.uri(attendeeEmail).isEmpty {
            lines.append("ATTENDEE\(Self.cn(attendeeName ?? ""));ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE"
                         + ":mailto:\(Self.uri(attendeeEmail))")
        }
        if let url, !Self.uri(url).isEmpty { lines.append("URL:\(Self.uri(url))") }
        lines += [
            "STATUS:\(cancelled || method == .cancel ? "CANCELLED" : "CONFIRMED")",
            "TRANSP:OPAQUE",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
        return lines.map { Self.fold($0) + "\r\n" }.joined()
    }

    /// Content-Type for the attachment: "text/calendar; charset=UTF-8; method=REQUEST".
    public func contentType(method: Method) -> String {
        "text/calendar; charset=UTF-8; method=\(method.rawValue)"
    }

    // MARK: - Time

    static let tzid = "Europe/Copenhagen"

    /// The EU rule Denmark follows; must agree with the zone `local(_:)` converts with.
    static let copenhagenTimeZone = [
        "BEGIN:VTIMEZONE",
        "TZID:\(tzid)",
        "BEGIN:DAYLIGHT",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "TZNAME:CEST",
        "DTSTART:19700329T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "TZNAME:CET",
        "DTSTART:19701025T030000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]

    /// Foundation ships the tz database, so the fixed-offset fallback is only there to avoid a crash path.
    private static let copenhagen = calendar(TimeZone(identifier: tzid) ?? TimeZone(secondsFromGMT: 3600) ?? .gmt)
    private static let universal = calendar(.gmt)

    private static func calendar(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    static func local(_ date: Date) -> String { stamp(date, in: copenhagen) }
    static func utc(_ date: Date) -> String { stamp(date, in: universal) + "Z" }

    /// `YYYYMMDDTHHMMSS` in the calendar's zone, seconds truncated.
    private static func stamp(_ date: Date, in calendar: Calendar) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ value: Int?, _ width: Int) -> String {
            let digits = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return pad(c.year, 4) + pad(c.month, 2) + pad(c.day, 2) + "T" + pad(c.hour, 2) + pad(c.minute, 2) + pad(c.second, 2)
    }

    // MARK: - Values

    /// TEXT per RFC 5545 3.3.11: backslash, semicolon and comma escaped, line breaks as `\n`, CR and other
    /// control characters dropped, so nothing in a value can start a new content line.
    static func text(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\u{2028}", "\u{2029}": out += "\\n"
            case "\t": out += "\t"
            default:
                if scalar.properties.generalCategory != .control { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// `;CN="…"` with the name made one line and stripped of quotes and control characters, or nothing for no name.
    static func cn(_ name: String) -> String {
        let clean = HeaderText.clean(name).replacingOccurrences(of: "\"", with: "")
        return clean.isEmpty ? "" : ";CN=\"\(clean)\""
    }

    /// An address or URL as a URI value: no whitespace or control characters, which have no place in one.
    static func uri(_ value: String) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.filter {
            !$0.properties.isWhitespace && $0.properties.generalCategory != .control
        }))
    }

    /// Folds a content line at 75 octets with CRLF + space, only between Unicode scalars (RFC 5545 3.1).
    static func fold(_ line: String) -> String {
        var out = ""
        var octets = 0
        for scalar in line.unicodeScalars {
            let size = UTF8.width(scalar)
            if octets + size > 75 {
                out += "\r\n "
                octets = 1
            }
            out.unicodeScalars.append(scalar)
            octets += size
        }
        return out
    }
}
