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
        <li>Oplaget er antal personer på listerne \(esc(n.circulation.lists.joined(separator: ", "))), som kunne modtage \
        nyhedsbrevet på dagen (afmeldte og afviste adresser er trukket fra).</li>
        <li>Et møde hører til perioden, når det begynder i perioden. Tilmeldte er dem, der havde en plads (ikke venteliste). \
        Udeblevne regnes kun for afholdte møder. En kommune er nået, når mindst én derfra mødte op; dens jobcenter, når \
        den fremmødte arbejder i jobcentret.</li>
        <li>Gode historier: skrevet = oprettet i perioden; godkendt = godkendt i perioden; bragt = hver gang en historie \
        er brugt i en kanal (pressemeddelelse, nyhedsbrev, web).</li>
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

    static func section(_ heading: String, id: String, _ parts: [String]) -> String {
        "<section id=\"\(id)\">\n<h2>\(esc(heading))</h2>\n\(parts.joined(separator: "\n"))\n</section>"
    }

    /// A table; cells are escaped here. Columns in `numeric` are right-aligned.
    static func table(_ headers: [String], _ rows: [[String]], numeric: Set<Int> = [], total: [String]? = nil,
                      caption: String? = nil) -> String {
        func cells(_ row: [String], tag: String) -> String {
            row.enumerated().map { index, cell in
                "<\(tag)\(numeric.contains(index) ? " class=\"num\"" : "")>\(esc(cell))</\(tag)>"
            }.joined()
        }
        var html = "<table>"
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
        let cards: [(String, String, String)] = [
            ("Oplag", "\(DanishNumber.int(c.atStart)) → \(DanishNumber.int(c.atEnd))",
             DanishNumber.signed(c.change) + (c.changePercent.map { " (" + DanishNumber.change($0) + ")" } ?? "") + " i perioden"),
            ("Nyhedsbreve", DanishNumber.int(report.newsletters.editionsSent), "\(DanishNumber.int(report.newsletters.newsletters.delivered)) leveret"),
            ("Møder afholdt", DanishNumber.int(m.total.held), "\(m.total.cancelled) aflyst · \(DanishNumber.int(m.total.attended)) deltagere"),
            ("Kommuner nået", "\(m.municipalities.count) af \(m.municipalitiesTotal)", "\(m.jobcentres.count) jobcentre"),
            ("Gode historier", DanishNumber.int(report.stories.published), "gange bragt"),
        ]
        return "<div class=\"cards\">" + cards.map { label, value, note in
            "<div class=\"card\"><div class=\"label\">\(esc(label))</div><div class=\"value\">\(esc(value))</div><div class=\"note\">\(esc(note))</div></div>"
        }.joined() + "</div>"
    }

    static func groupedSection(_ grouped: GroupedOverview) -> String {
        let note = grouped.by == .partner
            ? "Nyhedsbreve og udsendelser er partnerskabets fælles. Møder og aktiviteter tælles hos den partner, de er registreret med; gode historier hos kommunen, de handler om."
            : "Modtagere, tilmeldte og fremmødte tælles efter deres kommune; et møde tælles hos hver \(grouped.by == .region ? "region" : "kommune"), der havde fremmødte, så rækkerne kan give mere end i alt."
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
            + table([name, "Nyhedsbreve leveret", "Udsendelser leveret", "Møder afholdt", "Møder aflyst", "Tilmeldte", "Fremmødte"],
                    grouped.lines.map { numbers($0, mailAndMeetings) }, numeric: Set(1...6), total: numbers(grouped.total, mailAndMeetings),
                    caption: "Udsendelser og møder")
            + "\n"
            + table([name, "Historier bragt", "Pjecer uddelt", "Presseartikler", "Oplæg", "Tilhørere", "Netværksmøder", "Deltagere", "Web"],
                    grouped.lines.map { numbers($0, other) }, numeric: Set(1...8), total: numbers(grouped.total, other),
                    caption: "Gode historier og andre aktiviteter")
            + "\n</section>"
    }

    static func newsletterSection(_ report: ActivityReport) -> String {
        let n = report.newsletters
        let c = n.circulation
        var parts: [String] = []
        parts.append("""
        <p class="lead">Oplaget gik fra <strong>\(DanishNumber.int(c.atStart))</strong> til <strong>\(DanishNumber.int(c.atEnd))</strong> \
        modtagere (\(esc(DanishNumber.signed(c.change) + (c.changePercent.map { ", " + DanishNumber.change($0) } ?? "")))). \
        \(n.editionsSent) \(n.editionsSent == 1 ? "udgave" : "udgaver") af nyhedsbrevet blev sendt til \
        \(DanishNumber.int(n.newsletters.recipients)) modtagere; \(DanishNumber.int(n.newsletters.delivered)) blev leveret og \
        \(DanishNumber.int(n.newsletters.bounced)) afvist. \(DanishNumber.int(n.unsubscribed)) afmeldte sig i perioden, og \
        \(DanishNumber.int(n.hardBounces)) adresser blev spærret, fordi de ikke findes.</p>
        """)
        parts.append(figure(ReportCharts.growth(c, period: report.period),
                            caption: "Oplag over perioden (personer på \(c.lists.isEmpty ? "listerne" : c.lists.joined(separator: ", ")), der kunne modtage nyhedsbrevet)"))
        if !n.editions.isEmpty {
            parts.append(table(["Nr.", "Emne", "Sendt", "Modtagere", "Leveret", "Afvist", "Undervejs"], n.editions.map {
                [$0.number, $0.subject, DanishDate.numeric($0.sentAt), DanishNumber.int($0.delivery.recipients),
                 DanishNumber.int($0.delivery.delivered), DanishNumber.int($0.delivery.bounced), DanishNumber.int($0.delivery.pending)]
            }, numeric: [3, 4, 5, 6], caption: "Nyhedsbreve"))
        }
        if !n.mailingLines.isEmpty {
            parts.append(table(["Udsendelse", "Type", "Sendt", "Modtagere", "Leveret", "Afvist"], n.mailingLines.map {
                [$0.name, $0.kindName, DanishDate.numeric($0.sentAt), DanishNumber.int($0.delivery.recipients),
                 DanishNumber.int($0.delivery.delivered), DanishNumber.int($0.delivery.bounced)]
            }, numeric: [3, 4, 5], caption: "Direkte udsendelser og mødeinvitationer"))
        }
        if !n.lists.isEmpty {
            parts.append(table(["Liste", "Ved start", "Ved slut", "Ændring", "Ændring %"], n.lists.map {
                [$0.name, DanishNumber.int($0.atStart), DanishNumber.int($0.atEnd), DanishNumber.signed($0.change), DanishNumber.change($0.changePercent)]
            }, numeric: [1, 2, 3, 4], caption: "Listernes størrelse (modtagelige personer)"))
        }
        return section("Nyhedsbreve og udsendelser", id: "nyhedsbreve", parts)
    }

    static func meetingSection(_ report: ActivityReport) -> String {
        let m = report.meetings
        let t = m.total
        var parts: [String] = []
        parts.append("""
        <p class="lead">\(t.planned) møder var planlagt i perioden: <strong>\(t.held) afholdt</strong>, \(t.cancelled) aflyst\
        \(t.upcoming > 0 ? " og \(t.upcoming) endnu ikke afholdt" : ""). \(DanishNumber.int(t.signedUp)) var tilmeldt, \
        \(DanishNumber.int(t.attended)) mødte op (heraf \(t.walkIns) uden tilmelding), og \(t.noShows) udeblev \
        (\(esc(DanishNumber.share(t.noShowRate))) af pladserne ved afholdte møder). Møderne nåede \
        <strong>\(m.municipalities.count) af landets \(m.municipalitiesTotal) kommuner</strong> og \(m.jobcentres.count) jobcentre.</p>
        """)
        if !m.meetings.isEmpty {
            // At most 24 meetings per chart, so that no chart is taller than a printed page.
            let chunks = stride(from: 0, to: m.meetings.count, by: 24).map { Array(m.meetings[$0..<min($0 + 24, m.meetings.count)]) }
            for (index, chunk) in chunks.enumerated() {
                parts.append(figure(ReportCharts.signUps(chunk),
                                    caption: "Tilmeldte mod pladser pr. møde\(chunks.count > 1 ? " (\(index + 1) af \(chunks.count))" : ""). "
                                        + "Stiplet ramme: pladser; lodret streg: minimum; grøn: fremmødte; rød: aflyst."))
            }
            parts.append(table(["Dato", "Møde", "Type", "Serie", "Status", "Pladser", "Tilmeldt", "Mødt", "Udeblevet"], m.meetings.map {
                [DanishDate.numeric($0.startsAt), $0.title, $0.kindName, $0.series ?? "", $0.outcomeName,
                 $0.capacity.map(String.init) ?? "–", "\($0.signedUp)", "\($0.attended)", "\($0.noShows)"]
            }, numeric: [5, 6, 7, 8], caption: "Møderne"))
        }
        let groupHeaders = ["", "Planlagt", "Afholdt", "Aflyst", "Tilmeldt", "Mødt", "Udeblevet", "Kommuner", "Jobcentre"]
        func groupRow(_ g: MeetingGroup) -> [String] {
            [g.name, "\(g.planned)", "\(g.held)", "\(g.cancelled)", DanishNumber.int(g.signedUp), DanishNumber.int(g.attended),
             DanishNumber.share(g.noShowRate), "\(g.municipalitiesReached)", "\(g.jobcentresReached)"]
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
        parts.append(figure(ReportCharts.coverage(m.byRegion), caption: "Dækning pr. region: kommuner og jobcentre med fremmødte"))
        if !m.municipalities.isEmpty {
            parts.append("<p class=\"small\"><strong>Kommuner med fremmødte:</strong> \(esc(m.municipalities.joined(separator: ", "))).</p>")
        }
        return section("Møder", id: "moeder", parts)
    }

    static func storySection(_ s: StoryFigures) -> String {
        var parts = ["""
        <p class="lead">\(s.drafted) gode historier blev skrevet, \(s.approved) godkendt, og historierne blev bragt \
        <strong>\(s.published) gange</strong> (\(s.storiesPublished) forskellige historier): \
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
    tfoot td { font-weight: bold; border-top: 2px solid var(--ink); }
    thead { display: table-header-group; }
    tr { break-inside: avoid; page-break-inside: avoid; }
    figure { margin: 2mm 0 5mm; break-inside: avoid; page-break-inside: avoid; }
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
