import Foundation
import MailTemplates

/// The report as one self-contained Danish HTML page: inline CSS (screen and A4 print),
/// inline SVG charts, no scripts and nothing fetched. The page is the template
/// `print/rapport.html.mustache` (tables: `rapport-tabel.html`, a section's tables, charts and
/// notes: `rapport-dele.html`); this type turns the report into its values, and Mustache
/// escapes every one of them.
public enum ReportPage {
    public static func html(_ report: ActivityReport, templates: TemplateSet) throws(KampagneError) -> String {
        var context: [String: Any] = [
            "pageTitle": "\(report.title) \(report.periodName)", "reportTitle": report.title, "periodName": report.periodName,
            "generated": DanishDate.long(report.generatedAt), "withActivities": !report.activities.activities.isEmpty,
            "cards": keyFigures(report),
            "overviewTable": table(["Aktivitet", "Antal", "Rækkevidde"], report.overview.map { line in
                [line.activity, DanishNumber.int(line.count), line.reach.map { "\(DanishNumber.int($0)) \(line.reachMeaning)" } ?? "–"]
            }, numeric: [1, 2]),
            "newsletters": opening(newsletterSection(report)), "meetings": opening(meetingSection(report)),
            "stories": opening(storySection(report.stories)), "activities": opening(activitySection(report.activities)),
            "circulationNote": circulationNote(report.newsletters.circulation, period: report.period),
        ]
        if let grouped = report.grouped { context["grouped"] = groupedSection(grouped) }
        do {
            return try templates.render("rapport.html", context)
        } catch {
            throw .config(error.description)
        }
    }

    /// The footer's sentence on what the circulation counts.
    static func circulationNote(_ c: Circulation, period: ReportPeriod) -> String {
        let lists = c.lists.isEmpty ? "Der er ingen lister endnu, så oplaget er 0."
            : "Oplaget er antal personer på \(DanishNumber.noun(c.lists.count, "listen", "listerne")) \(c.lists.joined(separator: ", ")), "
                + "som kunne modtage nyhedsbrevet på dagen (afmeldte og afviste adresser er trukket fra)."
        return lists + (period.endsAfter(c.asOf) ? " Perioden er ikke slut: slutstørrelserne er pr. \(DanishDate.numeric(c.asOf))." : "")
    }

    /// "Ved slut", or "Pr. 12.05.2026" when the period has not ended yet.
    static func endHeading(_ asOf: Date, period: ReportPeriod) -> String {
        period.endsAfter(asOf) ? "Pr. \(DanishDate.numeric(asOf))" : "Ved slut"
    }

    /// A no-show rate, or "–" for a group with no meeting held (nothing to be absent from).
    static func noShowShare(_ g: MeetingGroup) -> String { g.held == 0 ? "–" : DanishNumber.share(g.noShowRate) }

    /// A table's values for `rapport-tabel.html`. Columns in `numeric` are right-aligned.
    static func table(_ headers: [String], _ rows: [[String]], numeric: Set<Int> = [], total: [String]? = nil,
                      caption: String? = nil, wide: Bool = false, grouped: Bool = false) -> [String: Any] {
        func cells(_ row: [String]) -> [[String: Any]] {
            row.enumerated().map { index, cell in ["text": cell, "num": numeric.contains(index)] }
        }
        // Short tables stay on one printed page with their caption.
        var classes = rows.count <= 15 ? ["keep"] : []
        if wide { classes.append("wide") }
        if grouped { classes.append("grouped") }
        var table: [String: Any] = ["isTable": true, "isFigure": false, "isNote": false,
                                    "tableHeaders": cells(headers), "tableRows": rows.map { ["cells": cells($0)] }]
        if !classes.isEmpty { table["tableClasses"] = classes.joined(separator: " ") }
        if let caption { table["tableCaption"] = caption }
        if let total { table["tableTotal"] = ["cells": cells(total)] }
        return table
    }

    /// A section's values with its first table, chart or note moved to `opening`: the template
    /// keeps the heading, the intro and that first part in one `div.opening` that is not split
    /// across pages, so a heading and its intro never stay at the bottom of a page while their
    /// table starts on the next (Chromium does not honour `break-after: avoid` on the heading alone).
    static func opening(_ section: [String: Any]) -> [String: Any] {
        var section = section
        let parts = section["parts"] as? [[String: Any]] ?? []
        section["opening"] = ["parts": Array(parts.prefix(1))]
        section["parts"] = Array(parts.dropFirst())
        return section
    }

    static func figure(_ svg: String, caption: String) -> [String: Any] {
        ["isTable": false, "isFigure": true, "isNote": false, "svg": svg, "figureCaption": caption]
    }

    static func note(_ text: String, class name: String = "note") -> [String: Any] {
        ["isTable": false, "isFigure": false, "isNote": true, "noteText": text, "noteClass": name]
    }

    static func keyFigures(_ report: ActivityReport) -> [[String: String]] {
        let c = report.newsletters.circulation
        let m = report.meetings
        let stories = report.stories.storiesPublished
        let uses = report.stories.published
        let cut = report.period.endsAfter(c.asOf)
        let cards: [(String, String, String)] = [
            ("Oplag", "\(DanishNumber.int(c.atStart)) → \(DanishNumber.int(c.atEnd))",
             DanishNumber.signed(c.change) + (c.changePercent.map { " (" + DanishNumber.change($0) + ")" } ?? "")
                + (cut ? " pr. \(DanishDate.numeric(c.asOf))" : " i perioden")),
            ("Nyhedsbreve", DanishNumber.int(report.newsletters.editionsSent),
             DanishNumber.count(report.newsletters.newsletters.recipients, "modtager", "modtagere")),
            ("Møder afholdt", DanishNumber.int(m.total.held),
             "\(m.total.cancelled) aflyst · \(DanishNumber.count(m.attendedAtHeld, "deltager", "deltagere"))"),
            ("Kommuner nået", "\(m.municipalities.count) af \(m.municipalitiesTotal)", DanishNumber.count(m.jobcentres.count, "jobcenter", "jobcentre")),
            ("Gode historier bragt", DanishNumber.int(stories), "bragt " + DanishNumber.count(uses, "gang", "gange") + " (én pr. kanal)"),
        ]
        return cards.map { label, value, note in ["label": label, "value": value, "cardNote": note] }
    }

    static func groupedSection(_ grouped: GroupedOverview) -> [String: Any] {
        let note = grouped.by == .partner
            ? "Nyhedsbreve og udsendelser er partnerskabets fælles. Møder og aktiviteter tælles hos den partner, de er registreret med; gode historier hos kommunen, de handler om."
            : "Modtagere, tilmeldte og fremmødte tælles efter deres kommune; et møde tælles hos hver \(grouped.by == .region ? "region" : "kommune"), der havde fremmødte, og et møde, ingen kom til, står ikke i nogen række. Rækkerne kan derfor give mere eller mindre end i alt."
        func numbers(_ line: GroupLine, _ values: (GroupLine) -> [Int]) -> [String] { [line.name] + values(line).map(DanishNumber.int) }
        let mailAndMeetings: (GroupLine) -> [Int] = {
            [$0.newslettersDelivered, $0.mailingsDelivered, $0.meetingsHeld, $0.meetingsCancelled, $0.signedUp, $0.attended]
        }
        let other: (GroupLine) -> [Int] = {
            [$0.storiesPublished, $0.leafletsHandedOut, $0.pressArticles, $0.talks, $0.talkAudience, $0.networkMeetings,
             $0.networkParticipants, $0.websiteUpdates]
        }
        let name = grouped.by == .partner ? "Partner" : (grouped.by == .region ? "Region" : "Kommune")
        // Soft hyphens (U+00AD) let the long headers of these wide tables break where Danish breaks them.
        let tables = [
            table([name, "Nyheds\u{AD}breve leveret", "Udsendelser leveret", "Møder afholdt", "Møder aflyst", "Tilmeldte", "Frem\u{AD}mødte"],
                  grouped.lines.map { numbers($0, mailAndMeetings) }, numeric: Set(1...6), total: numbers(grouped.total, mailAndMeetings),
                  caption: "Udsendelser og møder", wide: true, grouped: true),
            table([name, "Historier bragt", "Pjecer uddelt", "Presse\u{AD}artikler", "Oplæg", "Til\u{AD}hørere", "Netværks\u{AD}møder",
                   "Del\u{AD}tagere", "Web"],
                  grouped.lines.map { numbers($0, other) }, numeric: Set(1...8), total: numbers(grouped.total, other),
                  caption: "Gode historier og andre aktiviteter", wide: true, grouped: true),
        ]
        return ["byName": grouped.byName, "groupNote": note, "openingTable": tables.prefix(1).map { $0 },
                "groupTables": Array(tables.dropFirst())]
    }

    static func newsletterSection(_ report: ActivityReport) -> [String: Any] {
        let n = report.newsletters
        let c = n.circulation
        let cut = report.period.endsAfter(c.asOf)
        var lead: [String: Any] = [
            "atStart": DanishNumber.int(c.atStart), "atEnd": DanishNumber.int(c.atEnd),
            "change": DanishNumber.signed(c.change) + (c.changePercent.map { ", " + DanishNumber.change($0) } ?? ""),
            "editions": DanishNumber.count(n.editionsSent, "udgave", "udgaver"),
            "recipients": DanishNumber.count(n.newsletters.recipients, "modtager", "modtagere"),
            "delivered": DanishNumber.count(n.newsletters.delivered, "mail", "mails"), "bounced": DanishNumber.int(n.newsletters.bounced),
            "unsubscribed": DanishNumber.int(n.unsubscribed), "hardBounces": DanishNumber.count(n.hardBounces, "adresse", "adresser"),
            "pronoun": DanishNumber.noun(n.hardBounces, "den", "de"),
        ]
        if cut { lead["asOf"] = DanishDate.numeric(c.asOf) }
        var parts: [[String: Any]] = []
        let lists = c.lists.isEmpty ? "listerne" : c.lists.joined(separator: ", ")
        if c.points.allSatisfy({ $0.size == 0 }) {
            parts.append(note("Ingen data: ingen på \(lists) kunne modtage nyhedsbrevet i perioden, så der er ingen oplagskurve.", class: "note nodata"))
        } else {
            parts.append(figure(ReportCharts.growth(c, period: report.period),
                                caption: "Oplag over perioden (personer på \(lists), der kunne modtage nyhedsbrevet)"
                                    + (cut ? "; perioden er ikke slut, kurven stopper pr. \(DanishDate.numeric(c.asOf))" : "")))
        }
        if !n.editions.isEmpty {
            parts.append(table(["Nr.", "Emne", "Sendt", "Modtagere", "Mails", "Leveret", "Afvist", "Klager", "Undervejs"], n.editions.map {
                [$0.number, $0.subject, DanishDate.numeric($0.sentAt), DanishNumber.int($0.delivery.recipients),
                 DanishNumber.int($0.delivery.messages), DanishNumber.int($0.delivery.delivered), DanishNumber.int($0.delivery.bounced),
                 DanishNumber.int($0.delivery.complaints) + " (" + ReportText.complaintRate($0.delivery) + ")",
                 DanishNumber.int($0.delivery.pending)]
            }, numeric: [3, 4, 5, 6, 7, 8], caption: "Nyhedsbreve (modtagere = forskellige adresser; mails, leveret og afvist tæller mails; klager over 0,3 % er for mange)"))
        }
        if !n.mailingLines.isEmpty {
            parts.append(table(["Udsendelse", "Type", "Sendt", "Modtagere", "Leveret", "Afvist"], n.mailingLines.map {
                [$0.name, $0.kindName, DanishDate.numeric($0.sentAt), DanishNumber.int($0.delivery.recipients),
                 DanishNumber.int($0.delivery.delivered), DanishNumber.int($0.delivery.bounced)]
            }, numeric: [3, 4, 5], caption: "Direkte udsendelser og mødeinvitationer"))
        }
        if !n.lists.isEmpty {
            parts.append(table(["Liste", "Ved start", endHeading(c.asOf, period: report.period), "Ændring", "Ændring %"], n.lists.map {
                [$0.name, DanishNumber.int($0.atStart), DanishNumber.int($0.atEnd), DanishNumber.signed($0.change), DanishNumber.change($0.changePercent)]
            }, numeric: [1, 2, 3, 4], caption: "Listernes størrelse (modtagelige personer)"))
        }
        lead["parts"] = parts
        return lead
    }

    static func meetingSection(_ report: ActivityReport) -> [String: Any] {
        let m = report.meetings
        let t = m.total
        let held = m.meetings.filter { $0.outcome == "held" }
        let walkIns = held.map(\.walkIns).reduce(0, +)
        var lead: [String: Any] = [
            "planned": DanishNumber.count(t.planned, "møde", "møder"), "held": String(t.held), "cancelled": String(t.cancelled),
            "signedUp": DanishNumber.int(t.signedUp), "attended": DanishNumber.int(m.attendedAtHeld), "walkIns": String(walkIns),
            "noShows": String(t.noShows), "noShowShare": noShowShare(t), "reached": String(m.municipalities.count),
            "municipalitiesTotal": String(m.municipalitiesTotal), "jobcentres": DanishNumber.count(m.jobcentres.count, "jobcenter", "jobcentre"),
        ]
        if t.upcoming > 0 { lead["upcoming"] = String(t.upcoming) }
        var parts: [[String: Any]] = []
        if !m.meetings.isEmpty {
            // At most 24 meetings per chart, so that no chart is taller than a printed page.
            let chunks = stride(from: 0, to: m.meetings.count, by: 24).map { Array(m.meetings[$0..<min($0 + 24, m.meetings.count)]) }
            for (index, chunk) in chunks.enumerated() {
                parts.append(figure(ReportCharts.signUps(chunk),
                                    caption: "Tilmeldte mod pladser pr. møde\(chunks.count > 1 ? " (\(index + 1) af \(chunks.count))" : ""). "
                                        + "Stiplet ramme: pladser; lodret streg: minimum; grøn: fremmødte (også uden tilmelding); rød: aflyst. "
                                        + "Tallet til højre: tilmeldte/pladser og fremmødte."))
            }
            parts.append(table(["Dato", "Møde", "Type", "Serie", "Status", "Pladser", "Til\u{AD}meldt", "Mødt", "Ude\u{AD}blevne"], m.meetings.map {
                [DanishDate.numeric($0.startsAt), $0.title, $0.kindName, $0.series ?? "", $0.outcomeName,
                 $0.capacity.map(String.init) ?? "–", "\($0.signedUp)", "\($0.attended)", "\($0.noShows)"]
            }, numeric: [5, 6, 7, 8], caption: "Møderne", wide: true))
        }
        let groupHeaders = ["", "Planlagt", "Afholdt", "Aflyst", "Tilmeldt", "Mødt", "Udeblevet %", "Kommuner", "Jobcentre"]
        func groupRow(_ g: MeetingGroup) -> [String] {
            [g.name, "\(g.planned)", "\(g.held)", "\(g.cancelled)", DanishNumber.int(g.signedUp), DanishNumber.int(g.attended),
             noShowShare(g), "\(g.municipalitiesReached)", "\(g.jobcentresReached)"]
        }
        if !m.byKind.isEmpty {
            parts.append(table(groupHeaders, m.byKind.map(groupRow), numeric: Set(1...8), total: groupRow(m.total), caption: "Pr. mødetype"))
        }
        if !m.bySeries.isEmpty {
            parts.append(table(groupHeaders, m.bySeries.map(groupRow), numeric: Set(1...8), caption: "Pr. serie"))
        }
        if !m.cancellations.isEmpty {
            parts.append(table(["Dato", "Møde", "Tilmeldt", "Minimum", "Begrundelse"], m.cancellations.map {
                [DanishDate.numeric($0.startsAt), $0.title, "\($0.signedUp)", $0.minimum.map(String.init) ?? "–", $0.reason]
            }, numeric: [2, 3], caption: "Aflyste møder"))
        }
        if let sources = report.signUpSources, sources.total > 0 {
            parts.append(table(["Hvorfra", "Tilmeldte"], sources.groups.map { [$0.name, DanishNumber.int($0.count)] },
                               numeric: [1], total: ["I alt", DanishNumber.int(sources.total)], caption: "Tilmeldinger pr. kilde"))
        }
        if m.meetings.isEmpty {
            parts.append(note("Ingen data: ingen møder i perioden, så der er ingen dækning at vise.", class: "note nodata"))
        } else {
            parts.append(figure(ReportCharts.coverage(m.byRegion), caption: "Dækning pr. region: kommuner og jobcentre med fremmødte"))
        }
        if !m.municipalities.isEmpty { lead["reachedList"] = m.municipalities.joined(separator: ", ") }
        lead["parts"] = parts
        return lead
    }

    static func storySection(_ s: StoryFigures) -> [String: Any] {
        var parts: [[String: Any]] = []
        if !s.byIndustry.isEmpty {
            parts.append(table(["Branche", "Skrevet", "Godkendt", "Bragt"], s.byIndustry.map {
                [$0.name, "\($0.drafted)", "\($0.approved)", "\($0.published)"]
            }, numeric: [1, 2, 3], caption: "Pr. branche"))
        }
        if !s.uses.isEmpty {
            parts.append(table(["Dato", "Historie", "Branche", "Kommune", "Kanal"], s.uses.map {
                [DanishDate.numeric($0.usedAt), $0.headline, $0.industry, $0.municipality, $0.channelName]
            }, caption: "Hvor historierne blev bragt"))
        }
        return ["drafted": DanishNumber.count(s.drafted, "god historie", "gode historier"), "approved": String(s.approved),
                "published": DanishNumber.count(s.published, "gang", "gange"),
                "distinct": DanishNumber.count(s.storiesPublished, "historie", "forskellige historier"),
                "byChannel": s.byChannel.map { "\($0.name) \($0.published)" }.joined(separator: ", "), "parts": parts]
    }

    static func activitySection(_ a: ActivityFigures) -> [String: Any] {
        var parts = [table(["Aktivitet", "Antal", "I alt"], a.byKind.map {
            [$0.name, "\($0.activities)", $0.total > 0 ? "\(DanishNumber.int($0.total)) \($0.countMeaning)" : "–"]
        }, numeric: [1, 2])]
        if !a.activities.isEmpty {
            parts.append(table(["Dato", "Aktivitet", "Titel", "Antal", "Partner"], a.activities.map {
                [DanishDate.numeric(ReportPeriod.dayStart($0.date)), $0.kind.singularName, $0.title, $0.count.map(DanishNumber.int) ?? "", $0.partnerName]
            }, numeric: [3], caption: "Aktiviteterne"))
        } else {
            parts.append(note("Ingen indtastede aktiviteter i perioden."))
        }
        return ["parts": parts]
    }
}

extension ReportPage {
    /// What is inside the printable page's `<main>`: the report to show inside another page
    /// (the staff area), with its charts; nil when the template has no `<main>`.
    public static func content(of page: String) -> String? {
        guard let open = page.range(of: "<main>"), let close = page.range(of: "</main>", options: .backwards),
              open.upperBound <= close.lowerBound else { return nil }
        return String(page[open.upperBound..<close.lowerBound])
    }
}
