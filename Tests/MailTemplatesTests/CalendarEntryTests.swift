import Foundation
import Testing
@testable import MailTemplates

@Suite struct CalendarEntryTests {
    static func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute)) ?? .distantPast
    }

    func sample(start: Date = utc(2026, 12, 3, 8), end: Date = utc(2026, 12, 3, 10),
                summary: String = "Temamøde: Ærø, Åbenrå; og Østerbro",
                description: String = "Dagsorden:\n1. Velkomst, kaffe; præsentation\r\n2. Sti C:\\data",
                organizerName: String = "Partnerskabets sekretariat", cancelled: Bool = false) -> CalendarEntry {
        CalendarEntry(uid: "event-7f3a@partnerskab.example", sequence: 2, start: start, end: end, summary: summary,
                      description: description, location: "Odense Rådhus, Flakhaven 2", organizerName: organizerName,
                      organizerEmail: "sekretariat@partnerskab.example", attendeeName: "Søren Ærbøl",
                      attendeeEmail: "soeren@kommune.example", url: "https://partnerskab.example/m/7f3a",
                      stamp: Self.utc(2026, 11, 1, 12, 30), cancelled: cancelled)
    }

    /// Content lines with folding undone.
    func unfolded(_ text: String) -> [String] {
        text.replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "\r\n").filter { !$0.isEmpty }
    }

    /// The first line of a property, looked for in the VEVENT only (VTIMEZONE has a DTSTART of its own).
    func property(_ name: String, in text: String) -> String? {
        let lines = unfolded(text)
        let event = lines.drop { $0 != "BEGIN:VEVENT" }
        return (name == "METHOD" ? lines[...] : event).first { $0.hasPrefix(name + ":") || $0.hasPrefix(name + ";") }
    }

    @Test func winterTimeIsCET() {
        let text = sample().rendered(method: .request)
        #expect(property("DTSTART", in: text) == "DTSTART;TZID=Europe/Copenhagen:20261203T090000")
        #expect(property("DTEND", in: text) == "DTEND;TZID=Europe/Copenhagen:20261203T110000")
        #expect(property("DTSTAMP", in: text) == "DTSTAMP:20261101T123000Z")
    }

    @Test func summerTimeIsCEST() {
        let text = sample(start: Self.utc(2026, 6, 18, 8), end: Self.utc(2026, 6, 18, 9, 30)).rendered(method: .request)
        #expect(property("DTSTART", in: text) == "DTSTART;TZID=Europe/Copenhagen:20260618T100000")
        #expect(property("DTEND", in: text) == "DTEND;TZID=Europe/Copenhagen:20260618T113000")
    }

    @Test func switchToSummerTimeAtOneUTC() {
        let text = sample(start: Self.utc(2026, 3, 29, 0, 30), end: Self.utc(2026, 3, 29, 1, 30)).rendered(method: .request)
        #expect(property("DTSTART", in: text) == "DTSTART;TZID=Europe/Copenhagen:20260329T013000")
        #expect(property("DTEND", in: text) == "DTEND;TZID=Europe/Copenhagen:20260329T033000")
    }

    @Test func calendarAndTimeZone() {
        let lines = unfolded(sample().rendered(method: .request))
        #expect(Array(lines.prefix(5)) == ["BEGIN:VCALENDAR", "PRODID:-//Kampagne//Kampagne//DA", "VERSION:2.0",
                                           "CALSCALE:GREGORIAN", "METHOD:REQUEST"])
        #expect(lines.last == "END:VCALENDAR")
        #expect(lines.contains("TZID:Europe/Copenhagen"))
        for rule in ["RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
                     "TZNAME:CET", "TZNAME:CEST", "TZOFFSETTO:+0100", "TZOFFSETTO:+0200"] {
            #expect(lines.contains(rule))
        }
    }

    @Test func eventProperties() {
        let text = sample().rendered(method: .request)
        #expect(property("UID", in: text) == "UID:event-7f3a@partnerskab.example")
        #expect(property("SEQUENCE", in: text) == "SEQUENCE:2")
        #expect(property("ORGANIZER", in: text) == "ORGANIZER;CN=\"Partnerskabets sekretariat\":mailto:sekretariat@partnerskab.example")
        #expect(property("ATTENDEE", in: text)
            == "ATTENDEE;CN=\"Søren Ærbøl\";ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:soeren@kommune.example")
        #expect(property("URL", in: text) == "URL:https://partnerskab.example/m/7f3a")
        #expect(property("STATUS", in: text) == "STATUS:CONFIRMED")
        #expect(property("TRANSP", in: text) == "TRANSP:OPAQUE")
        #expect(sample().contentType(method: .request) == "text/calendar; charset=UTF-8; method=REQUEST")
    }

    @Test func optionalPropertiesLeftOut() {
        let entry = CalendarEntry(uid: "u@x.example", start: Self.utc(2026, 1, 5, 8), end: Self.utc(2026, 1, 5, 9),
                                  summary: "Møde", organizerName: "", organizerEmail: "s@x.example", stamp: Self.utc(2026, 1, 1, 0))
        let text = entry.rendered(method: .publish)
        for name in ["ATTENDEE", "URL", "DESCRIPTION", "LOCATION"] { #expect(property(name, in: text) == nil) }
        #expect(property("ORGANIZER", in: text) == "ORGANIZER:mailto:s@x.example")
    }

    @Test func textIsEscaped() {
        let text = sample().rendered(method: .request)
        #expect(property("SUMMARY", in: text) == "SUMMARY:Temamøde: Ærø\\, Åbenrå\\; og Østerbro")
        #expect(property("DESCRIPTION", in: text)
            == "DESCRIPTION:Dagsorden:\\n1. Velkomst\\, kaffe\\; præsentation\\n2. Sti C:\\\\data")
        #expect(property("LOCATION", in: text) == "LOCATION:Odense Rådhus\\, Flakhaven 2")
    }

    @Test(arguments: 0..<4)
    func longLinesFoldWithinLimitsAndUnfoldBack(_ shift: Int) {
        let description = String(repeating: "x", count: shift) + String(repeating: "Æbleøl på Østerbro og å-løb 🚲. ", count: 20)
        let text = sample(description: description).rendered(method: .request)
        let bytes = Array(text.utf8)
        var lines: [[UInt8]] = [[]]
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                lines.append([])
                index += 2
            } else {
                #expect(bytes[index] != 0x0D && bytes[index] != 0x0A, "only CRLF line ends")
                lines[lines.count - 1].append(bytes[index])
                index += 1
            }
        }
        #expect(lines.last == [], "ends with CRLF")
        #expect(lines.filter { $0.count > 75 }.isEmpty)
        #expect(lines.allSatisfy { String(validating: $0, as: UTF8.self) != nil }, "no line splits a UTF-8 sequence")
        #expect(lines.filter { $0.first == 0x20 }.count >= 10, "the description is folded")
        #expect(property("DESCRIPTION", in: text) == "DESCRIPTION:" + description.replacingOccurrences(of: ",", with: "\\,"))
    }

    @Test func lineBreaksAndControlsCannotInjectProperties() {
        let evil = "Møde\r\nATTENDEE:mailto:evil@x.test\nX-EVIL:1\r\u{2028}URL:x\u{0B}\u{85}\u{0}"
        var entry = sample(summary: evil, description: evil, organizerName: "Eva \"Boss\"\r\nATTENDEE:mailto:evil@x.test")
        entry.location = evil
        entry.attendeeName = evil
        entry.attendeeEmail = "soeren@kommune.example\r\nATTENDEE:mailto:evil@x.test"
        entry.uid = evil
        entry.url = "https://x.example/\r\nATTENDEE:mailto:evil@x.test"
        let text = entry.rendered(method: .request)
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains { $0 == "\r" || $0 == "\n" || $0 == "\u{2028}" })
        let names = unfolded(text).map { line in String(line.prefix { $0 != ":" && $0 != ";" }) }
        #expect(names == unfolded(sample().rendered(method: .request)).map { line in String(line.prefix { $0 != ":" && $0 != ";" }) })
        #expect(names.filter { $0 == "ATTENDEE" }.count == 1)
        #expect(property("ORGANIZER", in: text)
            == "ORGANIZER;CN=\"Eva Boss ATTENDEE:mailto:evil@x.test\":mailto:sekretariat@partnerskab.example")
        #expect(property("SUMMARY", in: text) == "SUMMARY:Møde\\nATTENDEE:mailto:evil@x.test\\nX-EVIL:1\\nURL:x")
    }

    @Test func cancellationKeepsTheUID() {
        let request = sample().rendered(method: .request)
        let cancel = sample().rendered(method: .cancel)
        #expect(property("METHOD", in: cancel) == "METHOD:CANCEL")
        #expect(property("STATUS", in: cancel) == "STATUS:CANCELLED")
        #expect(property("UID", in: cancel) == property("UID", in: request))
        #expect(property("STATUS", in: sample(cancelled: true).rendered(method: .request)) == "STATUS:CANCELLED")
        #expect(sample().contentType(method: .cancel) == "text/calendar; charset=UTF-8; method=CANCEL")
    }

    @Test func sameInputSameBytes() {
        #expect(Array(sample().rendered(method: .request).utf8) == Array(sample().rendered(method: .request).utf8))
    }
}
