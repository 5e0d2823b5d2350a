import Foundation
import GRDB
import MailTemplates

/// Reach within one region: how many of its municipalities (and their jobcentres) came.
public struct RegionCoverage: Codable, Sendable, Equatable {
    public var region: String
    public var municipalitiesReached: Int
    public var jobcentresReached: Int
    public var municipalities: Int
}

/// One meeting's line in a series' attendance.
public struct EventAttendanceLine: Codable, Sendable, Equatable {
    public var eventId: Int64
    public var title: String
    public var startsAt: Date
    public var status: EventStatus
    public var signedUp: Int
    public var attended: Int
    public var noShows: Int
    public var walkIns: Int
}

/// Who came to a meeting (or a whole series), and how much of the country that covers.
public struct AttendanceReport: Codable, Sendable {
    public var title: String
    public var events: [EventAttendanceLine]
    /// People who signed up in advance (`Registration.signedUp`): not walk-ins.
    public var signedUp: Int
    public var attended: Int
    public var walkIns: Int
    public var noShows: Int
    /// No-shows out of those who had a seat, 0–1.
    public var noShowRate: Double
    public var cancelled: Int
    /// Municipalities with at least one participant who came, in Danish order.
    public var municipalities: [String]
    /// Municipalities whose jobcentre had at least one participant who came.
    public var jobcentres: [String]
    public var municipalitiesTotal: Int
    public var byRegion: [RegionCoverage]
    /// Those who had a seat and did not come: for the follow-up mailing with the material.
    public var absent: [Participant]
}

/// Attendance and coverage, counted from the registrations.
public struct Attendance: Sendable {
    let store: Store
    let settings: EventSettings

    public init(store: Store, settings: EventSettings) {
        self.store = store
        self.settings = settings
    }

    public func event(_ id: Int64) throws(KampagneError) -> AttendanceReport {
        try store.read { db in
            let event = try Events.find(id, in: db)
            return try report(title: event.title, events: [event], in: db)
        }
    }

    /// The whole series, counting each municipality and jobcentre once however often it came.
    public func series(_ name: String) throws(KampagneError) -> AttendanceReport {
        try store.read { db in
            let events = try Event.filter(Event.Columns.series.collating(.nocase) == DanishText.singleLine(name))
                .order(Event.Columns.startsAt).fetchAll(db)
            guard let first = events.first else { throw KampagneError.notFound("Ingen møder i serien '\(name)'") }
            return try report(title: first.series ?? name, events: events, in: db)
        }
    }

    func report(title: String, events: [Event], in db: Database) throws -> AttendanceReport {
        let registrations = Registrations(store: store, settings: settings)
        var lines: [EventAttendanceLine] = []
        var everyone: [Participant] = []
        var absent: [Participant] = []
        for event in events {
            let people = try registrations.participants(of: event, in: db)
            everyone += people.filter { $0.status == .attended }
            // A cancelled meeting had nobody to miss it.
            let held = event.status == .planned
            let missing = held ? people.filter { $0.status == .noShow || ($0.status == .registered && event.endsAt < Date()) } : []
            absent += missing
            lines.append(EventAttendanceLine(
                eventId: event.id ?? 0, title: event.title, startsAt: event.startsAt, status: event.status,
                signedUp: held ? people.filter { Registration.signedUp($0.status, walkIn: $0.walkIn) }.count : 0,
                attended: people.filter { $0.status == .attended }.count,
                noShows: missing.count,
                walkIns: people.filter { $0.walkIn && $0.status == .attended }.count))
        }
        let roleHolders = Set(try Int64.fetchAll(db, sql: """
            SELECT registrationId FROM (SELECT r.id AS registrationId, cr.roleKey FROM registration r
            JOIN contactRole cr ON cr.contactId = r.contactId) WHERE roleKey LIKE '%jobcenter%' OR roleKey LIKE '%jobkonsulent%'
            """))
        var municipalities: Set<String> = []
        var jobcentres: Set<String> = []
        for person in everyone {
            let organisation = DanishText.searchKey(person.organisation)
            let municipality = Municipality.named(person.municipality)?.name ?? Municipality.of(organisation: person.organisation)?.name
            let isJobcentre = organisation.contains("jobcenter") || roleHolders.contains(person.registrationId)
            guard let municipality else { continue }
            municipalities.insert(municipality)
            if isJobcentre { jobcentres.insert(municipality) }
        }
        let byRegion = Region.allCases.map { region -> RegionCoverage in
            let names = Set(Municipality.names(in: region))
            return RegionCoverage(region: region.name, municipalitiesReached: municipalities.intersection(names).count,
                                  jobcentresReached: jobcentres.intersection(names).count, municipalities: names.count)
        }
        let signedUp = lines.map(\.signedUp).reduce(0, +)
        let noShows = lines.map(\.noShows).reduce(0, +)
        // The rate counts only meetings that are over: a seat at a coming meeting is no no-show yet.
        let now = Date()
        let held = zip(lines, events).filter { $0.1.endsAt < now && $0.1.status == .planned }.map(\.0)
        let heldSeats = held.map(\.signedUp).reduce(0, +)
        let cancelled = try Registration.filter(events.compactMap(\.id).contains(Registration.Columns.eventId)
            && Registration.Columns.status == RegistrationStatus.cancelled.rawValue).fetchCount(db)
        return AttendanceReport(
            title: title, events: lines, signedUp: signedUp, attended: lines.map(\.attended).reduce(0, +),
            walkIns: lines.map(\.walkIns).reduce(0, +), noShows: noShows,
            noShowRate: heldSeats > 0 ? Double(held.map(\.noShows).reduce(0, +)) / Double(heldSeats) : 0, cancelled: cancelled,
            municipalities: DanishText.sorted(Array(municipalities)) { [$0] },
            jobcentres: DanishText.sorted(Array(jobcentres)) { [$0] },
            municipalitiesTotal: Municipality.all.count, byRegion: byRegion,
            absent: DanishText.sorted(absent) { [$0.name, $0.email] })
    }
}

/// Printable and spreadsheet forms of a meeting's participants.
public enum ParticipantSheets {
    /// Participants with their answers, one column per question, for Excel or a script.
    public static func csv(_ people: [Participant], questions: [EventQuestion], excel: Bool) -> Data {
        var writer = CSVWriter(excel: excel)
        writer.row(["Navn", "E-mail", "Organisation", "Kommune", "Region", "Roller", "Status", "Venteliste nr.",
                    "Ved døren", "Tilmeldt", "Mødt"] + questions.map(\.label))
        for p in people {
            writer.row([p.name, p.email, p.organisation, p.municipality, p.region, p.roles.joined(separator: ", "),
                        p.statusName, p.position.map(String.init) ?? "", p.walkIn ? "ja" : "",
                        DanishDate.short(p.signedUpAt), p.attendedAt.map(DanishDate.short) ?? ""]
                       + questions.map { p.answers[$0.key] ?? "" })
        }
        return writer.data
    }

    /// The door list: one self-contained HTML page, A4, Danish order, a column to sign;
    /// rendered from `print/deltagerliste.html.mustache` in `templates`.
    public static func doorList(_ event: EventOverview, people: [Participant], templates: TemplateSet,
                                blankRows: Int = 8, now: Date = Date()) throws(KampagneError) -> String {
        let expected = people.filter(\.status.holdsSeat)
        let rows = expected.enumerated().map { index, p -> [String: Any] in
            ["number": String(index + 1), "name": p.name.isEmpty ? p.email : p.name, "organisation": p.organisation,
             "municipality": p.municipality]
        }
        let blank = (0..<blankRows).map { index -> [String: Any] in ["number": String(expected.count + index + 1)] }
        var context: [String: Any] = [
            "title": event.title, "kindName": event.kindName, "when": event.when, "people": rows, "blank": blank,
            "expected": String(expected.count), "printed": DanishDate.short(now),
        ]
        let place = [event.venue, event.address].filter { !$0.isEmpty }.joined(separator: ", ")
        if !place.isEmpty { context["place"] = place }
        if let capacity = event.capacity { context["capacity"] = String(capacity) }
        do {
            return try templates.render("deltagerliste.html", context)
        } catch {
            throw .config(error.description)
        }
    }

    static func html(_ text: String) -> String { HTMLText.escape(text) }
}
