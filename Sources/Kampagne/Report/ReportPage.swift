import Foundation
import MailTemplates

/// The report as one self-contained Danish HTML page: inline CSS (screen and A4 print),
/// inline SVG charts, no scripts and nothing fetched. Every value from the database is escaped.
public enum ReportPage {
    public static func html(_ report: ActivityReport) -> String {
        let n = report.newsletters
        let title = "\(report.title) \(report.periodName)"
        var body: [String] = []
        body.append("""
        <header>
        <p class="kicker">Partnerskabets kommunikation</p>
        <h1>\(esc(report.title))</h1>
        <p class="period">\(esc(report.periodName))</p>
        <p class="meta">Udarbejdet \(esc(DanishDate.long(report.generatedAt))) af Kampagne ud fra databasens egne registreringer\
        \(report.activities.activities.isEmpty ? "" : " og de indtastede aktiviteter").</p>
        </header>
        """)
        body.append(keyFigures(report))
        body.append(section("Oversigt over kommunikationsaktiviteter", id: "oversigt", [
            table(["Aktivitet", "Antal", "Rækkevidde"], report.overview.map { line in
                [line.activity, DanishNumber.int(line.count), line.reach.map { "\(DanishNumber.int($0)) \(line.reachMeaning)" } ?? "–"]
            }, numeric: [1, 2]),
        ]))
        if let grouped = report.grouped { body.append(groupedSection(grouped)) }
        body.append(newsletterSection(report))
        body.append(meetingSection(report))
        body.append(storySection(report.stories))
        body.append(activitySection(report.activities))
        body.append("""
        <footer>
        <h2>Sådan er tallene talt</h2>
        <ul>
        <li>En udsendelse hører til perioden, når den er lagt i udbakken i perioden. Leveret = modtaget af modtagerens \
        mailserver; afvist = endeligt afvist. Testudsendelser og mødebeskeder (bekræftelser, påmindelser) er ikke med.</li>
        <li>Modtagere er forskellige adresser: sendes en udgave flere gange, tæller hver modtager én gang. Leveret og \
        afvist tæller mails.</li>
        <li>\(esc(circulationNote(n.circulation, period: report.period)))</li>
        <li>Et møde hører til perioden, når det begynder i perioden. Tilmeldte er dem, der havde en plads (ikke venteliste). \
        Fremmødte og udeblevne regnes kun for afholdte møder. En kommune er nået, når mindst én derfra mødte op; dens \
        jobcenter, når den fremmødte arbejder i jobcentret.</li>
        <li>Gode historier: skrevet = oprettet i perioden; godkendt = godkendt i perioden; bragt = hver historie én gang \
        for hver kanal (pressemeddelelse, nyhedsbrev, web), den er brugt i i perioden.</li>
        </ul>
        </footer>
        """)
        return """
        <!DOCTYPE html>
        <html lang="da">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(esc(title))</title>
        <style>
        \(css)
        </style>
        </head>
        <body>
        <main>
        \(body.joined(separator: "\n"))
        </main>
        </body>
        </html>

        """
    }

    static func esc(_ text: String) -> String { HTMLText.escape(text) }

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

    static func section(_ heading: String, id: String, _ parts: [String]) -> String {
        "<section id=\"\(id)\">\n<h2>\(esc(heading))</h2>\n\(parts.joined(separator: "\n"))\n</section>"
    }

    /// A table; cells are escaped here. Columns in `numeric` are right-aligned.
    static func table(_ headers: [String], _ rows: [[String]], numeric: Set<Int> = [], total: [String]? = nil,
                      caption: String? = nil, wide: Bool = false, grouped: Bool = false) -> String {
        func cells(_ row: [String], tag: String) -> String {
            row.enumerated().map { index, cell in
                "<\(tag)\(numeric.contains(index) ? " class=\"num\"" : "")>\(esc(cell))</\(tag)>"
            }.joined()
        }
        // Short tables stay on one printed page with their caption.
        var classes = rows.count <= 15 ? ["keep"] : []
        if wide { classes.append("wide") }
        if grouped { classes.append("grouped") }
        var html = classes.isEmpty ? "<table>" : "<table class=\"\(classes.joined(separator: " "))\">"
        if let caption { html += "<caption>\(esc(caption))</caption>" }
        html += "<thead><tr>\(cells(headers, tag: "th"))</tr></thead><tbody>\n"
        html += rows.map { "<tr>\(cells($0, tag: "td"))</tr>" }.joined(separator: "\n")
        html += "</tbody>"
        if let total { html += "<tfoot><tr>\(cells(total, tag: "td"))</tr></tfoot>" }
        return html + "</table>"
    }

    static func figure(_ svg: String, caption: String) -> String {
        "<figure>\(svg)<figcaption>\(esc(caption))</figcaption></figure>"
    }

    static func keyFigures(_ report: ActivityReport) -> String {
        let c = report.newsletters.circulation
        let m = report.meetings
        let stories = report.stories.published
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
            ("Gode historier", DanishNumber.int(stories), DanishNumber.noun(stories, "gang bragt", "gange bragt")),
        ]
        return "<div class=\"cards\">" + cards.map { label, value, note in
            "<div class=\"card\"><div class=\"label\">\(esc(label))</div><div class=\"value\">\(esc(value))</div><div class=\"note\">\(esc(note))</div></div>"
        }.joined() + "</div>"
    }

    static func groupedSection(_ grouped: GroupedOverview) -> String {
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
        return "<section id=\"fordeling\">\n<h2>Fordelt på \(esc(grouped.byName))</h2>\n<p class=\"note\">\(esc(note))</p>\n"
            // Soft hyphens (U+00AD) let the long headers of these wide tables break where Danish breaks them.
            + table([name, "Nyheds\u{AD}breve leveret", "Udsendelser leveret", "Møder afholdt", "Møder aflyst", "Tilmeldte", "Frem\u{AD}mødte"],
                    grouped.lines.map { numbers($0, mailAndMeetings) }, numeric: Set(1...6), total: numbers(grouped.total, mailAndMeetings),
                    caption: "Udsendelser og møder", wide: true, grouped: true)
            + "\n"
            + table([name, "Historier bragt", "Pjecer uddelt", "Presse\u{AD}artikler", "Oplæg", "Til\u{AD}hørere", "Netværks\u{AD}møder",
                     "Del\u{AD}tagere", "Web"],
                    grouped.lines.map { numbers($0, other) }, numeric: Set(1...8), total: numbers(grouped.total, other),
                    caption: "Gode historier og andre aktiviteter", wide: true, grouped: true)
            + "\n</section>"
    }

    static func newsletterSection(_ report: ActivityReport) -> String {
        let n = report.newsletters
        let c = n.circulation
        let cut = report.period.endsAfter(c.asOf)
        var parts: [String] = []
        parts.append("""
        <p class="lead">Oplaget gik fra <strong>\(DanishNumber.int(c.atStart))</strong> til <strong>\(DanishNumber.int(c.atEnd))</strong> \
        modtagere\(cut ? " pr. " + DanishDate.numeric(c.asOf) : "") \
        (\(esc(DanishNumber.signed(c.change) + (c.changePercent.map { ", " + DanishNumber.change($0) } ?? "")))). \
        \(DanishNumber.count(n.editionsSent, "udgave", "udgaver")) af nyhedsbrevet blev sendt til \
        \(DanishNumber.count(n.newsletters.recipients, "modtager", "modtagere")) (hver udgave tæller hver adresse én gang); \
        \(DanishNumber.count(n.newsletters.delivered, "mail", "mails")) blev leveret og \(DanishNumber.int(n.newsletters.bounced)) afvist. \
        \(DanishNumber.int(n.unsubscribed)) afmeldte sig i perioden, og \
        \(DanishNumber.count(n.hardBounces, "adresse", "adresser")) blev spærret, fordi \(DanishNumber.noun(n.hardBounces, "den", "de")) \
        ikke findes.</p>
        """)
        let lists = c.lists.isEmpty ? "listerne" : c.lists.joined(separator: ", ")
        if c.points.allSatisfy({ $0.size == 0 }) {
            parts.append("<p class=\"note nodata\">Ingen data: ingen på \(esc(lists)) kunne modtage nyhedsbrevet i perioden, så der er ingen oplagskurve.</p>")
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
        return section("Nyhedsbreve og udsendelser", id: "nyhedsbreve", parts)
    }

    static func meetingSection(_ report: ActivityReport) -> String {
        let m = report.meetings
        let t = m.total
        let held = m.meetings.filter { $0.outcome == "held" }
        let walkIns = held.map(\.walkIns).reduce(0, +)
        var parts: [String] = []
        parts.append("""
        <p class="lead">\(DanishNumber.count(t.planned, "møde", "møder")) var planlagt i perioden: <strong>\(t.held) afholdt</strong>, \
        \(t.cancelled) aflyst\(t.upcoming > 0 ? " og \(t.upcoming) endnu ikke afholdt" : ""). \(DanishNumber.int(t.signedUp)) var tilmeldt, \
        \(DanishNumber.int(m.attendedAtHeld)) mødte op til de afholdte møder (heraf \(walkIns) uden tilmelding), og \(t.noShows) udeblev \
        (\(esc(noShowShare(t))) af pladserne ved afholdte møder). Møderne nåede \
        <strong>\(m.municipalities.count) af landets \(m.municipalitiesTotal) kommuner</strong> og \
        \(DanishNumber.count(m.jobcentres.count, "jobcenter", "jobcentre")).</p>
        """)
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
        if m.meetings.isEmpty {
            parts.append("<p class=\"note nodata\">Ingen data: ingen møder i perioden, så der er ingen dækning at vise.</p>")
        } else {
            parts.append(figure(ReportCharts.coverage(m.byRegion), caption: "Dækning pr. region: kommuner og jobcentre med fremmødte"))
        }
        if !m.municipalities.isEmpty {
            parts.append("<p class=\"small\"><strong>Kommuner med fremmødte:</strong> \(esc(m.municipalities.joined(separator: ", "))).</p>")
        }
        return section("Møder", id: "moeder", parts)
    }

    static func storySection(_ s: StoryFigures) -> String {
        var parts = ["""
        <p class="lead">\(DanishNumber.count(s.drafted, "god historie", "gode historier")) blev skrevet, \(s.approved) godkendt, og \
        historierne blev bragt <strong>\(DanishNumber.count(s.published, "gang", "gange"))</strong> \
        (\(DanishNumber.count(s.storiesPublished, "historie", "forskellige historier")), hver højst én gang pr. kanal): \
        \(esc(s.byChannel.map { "\($0.name) \($0.published)" }.joined(separator: ", "))).</p>
        """]
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
        return section("Gode historier", id: "historier", parts)
    }

    static func activitySection(_ a: ActivityFigures) -> String {
        var parts = [table(["Aktivitet", "Antal", "I alt"], a.byKind.map {
            [$0.name, "\($0.activities)", $0.total > 0 ? "\(DanishNumber.int($0.total)) \($0.countMeaning)" : "–"]
        }, numeric: [1, 2])]
        if !a.activities.isEmpty {
            parts.append(table(["Dato", "Aktivitet", "Titel", "Antal", "Partner"], a.activities.map {
                [DanishDate.numeric(ReportPeriod.dayStart($0.date)), $0.kind.singularName, $0.title, $0.count.map(DanishNumber.int) ?? "", $0.partnerName]
            }, numeric: [3], caption: "Aktiviteterne"))
        } else {
            parts.append("<p class=\"note\">Ingen indtastede aktiviteter i perioden.</p>")
        }
        return section("Andre aktiviteter", id: "aktiviteter", parts)
    }

    static let css = """
    :root { --ink: #1f2d3a; --muted: #5b6670; --accent: #1d5f8a; --line: #d9dde1; --soft: #f3f6f8; }
    * { box-sizing: border-box; }
    body { margin: 0; font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: var(--ink); background: #fff;
           font-size: 10.5pt; line-height: 1.45; }
    main { max-width: 190mm; margin: 0 auto; padding: 12mm 0 16mm; }
    header { border-bottom: 3px solid var(--accent); margin-bottom: 6mm; padding-bottom: 3mm; }
    .kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 8.5pt; color: var(--accent); margin: 0; }
    h1 { font-size: 22pt; margin: 1mm 0 0; }
    .period { font-size: 13pt; margin: 0 0 2mm; }
    .meta, .note, .small, figcaption { color: var(--muted); font-size: 8.5pt; }
    h2 { font-size: 14pt; color: var(--accent); margin: 8mm 0 3mm; border-bottom: 1px solid var(--line); padding-bottom: 1mm;
         break-after: avoid; page-break-after: avoid; }
    .lead { margin: 0 0 3mm; }
    .cards { display: flex; flex-wrap: wrap; gap: 3mm; margin: 0 0 4mm; break-inside: avoid; }
    .card { flex: 1 1 30mm; background: var(--soft); border-left: 4px solid var(--accent); padding: 2.5mm 3mm; }
    .card .label { font-size: 8.5pt; color: var(--muted); }
    .card .value { font-size: 15pt; font-weight: bold; white-space: nowrap; }
    .card .note { font-size: 8.5pt; }
    table { width: 100%; border-collapse: collapse; margin: 2mm 0 5mm; font-size: 9pt; }
    caption { text-align: left; font-weight: bold; padding: 0 0 1.5mm; }
    th, td { text-align: left; padding: 1.3mm 2mm; border-bottom: 1px solid var(--line); vertical-align: top; }
    th { background: var(--soft); font-weight: bold; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    /* Many narrow figures: headers wrap so the table fits the column. */
    table.wide { font-size: 8.5pt; }
    table.wide th { white-space: normal; hyphens: manual; }
    table.wide th, table.wide td { padding: 1.3mm 1.2mm; }
    table.grouped { table-layout: fixed; }
    table.grouped th:first-child, table.grouped td:first-child { width: 22%; }
    caption, thead { break-after: avoid; page-break-after: avoid; }
    table.keep { break-inside: avoid; page-break-inside: avoid; }
    tfoot td { font-weight: bold; border-top: 2px solid var(--ink); }
    thead { display: table-header-group; }
    tr { break-inside: avoid; page-break-inside: avoid; }
    figure { margin: 2mm 0 5mm; break-inside: avoid; page-break-inside: avoid; }
    p.note + table, p.lead + figure { break-before: avoid; page-break-before: avoid; }
    svg.chart { width: 100%; height: auto; display: block; }
    footer { margin-top: 8mm; break-inside: avoid; }
    footer h2 { font-size: 11pt; }
    footer ul { color: var(--muted); font-size: 8.5pt; padding-left: 5mm; }
    @page { size: A4; margin: 14mm 12mm 16mm; }
    @media print {
      body { font-size: 9.5pt; }
      main { max-width: none; padding: 0; }
      .card { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
      th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
      /* Newsletters and meetings each start a page: the steering group reads them as chapters. */
      section#nyhedsbreve, section#moeder { break-before: page; page-break-before: always; }
      section#nyhedsbreve h2, section#moeder h2 { margin-top: 0; }
      h2 { margin-top: 6mm; }
    }
    @media screen and (max-width: 200mm) { main { padding: 6mm 4mm; } }
    """
}
