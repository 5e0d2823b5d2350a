import Foundation

/// The report as the terminal shows it: short Danish sections with aligned tables.
public enum ReportText {
    /// "0,12 %", with " (for høj)" above the 0.3 % the big providers allow.
    static func complaintRate(_ counts: DeliveryCounts) -> String {
        let hundredths = Int((counts.complaintRate * 100).rounded())
        let digits = String(hundredths % 100)
        return "\(hundredths / 100),\(digits.count == 1 ? "0" + digits : digits) %" + (counts.complaintRateHigh ? " (for høj)" : "")
    }

    /// The report as text; `addActivities` says how to enter activities when there are none
    /// (the command line names its command, " (tilføj med `kampagne activity add`)").
    public static func lines(_ report: ActivityReport, addActivities: String = "") -> [String] {
        var out: [String] = []
        let n = report.newsletters
        let m = report.meetings
        let s = report.stories
        out.append("\(report.title) \(report.periodName)")
        out.append("")
        out.append("Oversigt")
        out += table(["Aktivitet", "Antal", "Rækkevidde"], report.overview.map { line in
            [line.activity, DanishNumber.int(line.count), line.reach.map { "\(DanishNumber.int($0)) \(line.reachMeaning)" } ?? ""]
        }, right: [1])

        out.append("")
        out.append("Nyhedsbreve og udsendelser")
        let c = n.circulation
        let cut = report.period.endsAfter(c.asOf)
        out.append("  Oplag (\(c.lists.isEmpty ? "ingen lister" : c.lists.joined(separator: ", "))): "
                   + "\(DanishNumber.int(c.atStart)) → \(DanishNumber.int(c.atEnd))\(cut ? " pr. " + DanishDate.numeric(c.asOf) : "") "
                   + "(\(DanishNumber.signed(c.change))\(c.changePercent.map { ", " + DanishNumber.change($0) } ?? ""))")
        out.append("  Udgaver udsendt: \(n.editionsSent); modtagere \(DanishNumber.int(n.newsletters.recipients)) (forskellige adresser pr. udgave), "
                   + "mails \(DanishNumber.int(n.newsletters.messages)): leveret \(DanishNumber.int(n.newsletters.delivered)), "
                   + "afvist \(DanishNumber.int(n.newsletters.bounced))"
                   + (n.newsletters.pending > 0 ? ", undervejs \(DanishNumber.int(n.newsletters.pending))" : ""))
        out.append("  Direkte udsendelser og invitationer: \(n.mailingsSent); modtagere \(DanishNumber.int(n.mailings.recipients)), "
                   + "mails leveret \(DanishNumber.int(n.mailings.delivered)), afvist \(DanishNumber.int(n.mailings.bounced))")
        out.append("  Afmeldt: \(DanishNumber.int(n.unsubscribed)); adresser afvist for altid: \(DanishNumber.int(n.hardBounces))")
        if !n.editions.isEmpty {
            out += table(["Nr.", "Emne", "Sendt", "Modtagere", "Mails", "Leveret", "Afvist", "Heraf senere", "Klager", "Klagerate"], n.editions.map {
                [$0.number, $0.subject, DanishDate.numeric($0.sentAt), DanishNumber.int($0.delivery.recipients),
                 DanishNumber.int($0.delivery.messages), DanishNumber.int($0.delivery.delivered), DanishNumber.int($0.delivery.bounced),
                 DanishNumber.int($0.delivery.lateBounced), DanishNumber.int($0.delivery.complaints), ReportText.complaintRate($0.delivery)]
            }, right: [3, 4, 5, 6, 7, 8, 9]).map { "  " + $0 }
        }
        if !n.lists.isEmpty {
            out.append("  Lister:")
            out += table(["Liste", "Start", cut ? "Pr. \(DanishDate.numeric(c.asOf))" : "Slut", "Ændring", "%"], n.lists.map {
                [$0.name, DanishNumber.int($0.atStart), DanishNumber.int($0.atEnd), DanishNumber.signed($0.change), DanishNumber.change($0.changePercent)]
            }, right: [1, 2, 3, 4]).map { "  " + $0 }
        }

        out.append("")
        out.append("Møder")
        let t = m.total
        out.append("  Planlagt \(t.planned): afholdt \(t.held), aflyst \(t.cancelled)\(t.upcoming > 0 ? ", kommende \(t.upcoming)" : "")")
        let walkIns = m.meetings.filter { $0.outcome == "held" }.map(\.walkIns).reduce(0, +)
        out.append("  Tilmeldte \(DanishNumber.int(t.signedUp)), mødt til afholdte møder \(DanishNumber.int(m.attendedAtHeld)) "
                   + "(heraf \(walkIns) uden tilmelding), udeblevet \(t.noShows) (\(ReportPage.noShowShare(t)))")
        out.append("  Kommuner nået: \(m.municipalities.count) af \(m.municipalitiesTotal); jobcentre nået: \(m.jobcentres.count) af \(m.municipalitiesTotal)")
        if !m.byKind.isEmpty {
            out += table(["Type/serie", "Planl.", "Afholdt", "Aflyst", "Tilmeldt", "Mødt", "Udeblevet %", "Kommuner", "Jobcentre"],
                         (m.byKind + m.bySeries).map {
                [$0.name, "\($0.planned)", "\($0.held)", "\($0.cancelled)", DanishNumber.int($0.signedUp), DanishNumber.int($0.attended),
                 ReportPage.noShowShare($0), "\($0.municipalitiesReached)", "\($0.jobcentresReached)"]
            }, right: [1, 2, 3, 4, 5, 6, 7, 8]).map { "  " + $0 }
        }
        for cancellation in m.cancellations {
            out.append("  Aflyst: \(cancellation.title) (\(DanishDate.numeric(cancellation.startsAt))): \(cancellation.reason)"
                       + " – \(cancellation.signedUp) tilmeldt\(cancellation.minimum.map { " af minimum \($0)" } ?? "")")
        }

        out.append("")
        out.append("Gode historier")
        out.append("  Skrevet \(s.drafted), godkendt \(s.approved), bragt \(DanishNumber.count(s.published, "gang", "gange")) "
                   + "(\(DanishNumber.count(s.storiesPublished, "historie", "historier")), hver højst én gang pr. kanal): "
                   + s.byChannel.map { "\($0.name) \($0.published)" }.joined(separator: ", "))
        if !s.byIndustry.isEmpty {
            out += table(["Branche", "Skrevet", "Godkendt", "Bragt"], s.byIndustry.map {
                [$0.name, "\($0.drafted)", "\($0.approved)", "\($0.published)"]
            }, right: [1, 2, 3]).map { "  " + $0 }
        }

        out.append("")
        out.append("Andre aktiviteter (indtastet)")
        if report.activities.activities.isEmpty {
            out.append("  Ingen i perioden\(addActivities).")
        } else {
            out += table(["Dato", "Aktivitet", "Titel", "Antal", "Partner"], report.activities.activities.map {
                [DanishDate.numeric(ReportPeriod.dayStart($0.date)), $0.kind.singularName, $0.title, $0.count.map(DanishNumber.int) ?? "", $0.partnerName]
            }, right: [3]).map { "  " + $0 }
        }

        if let grouped = report.grouped {
            out.append("")
            out.append("Fordelt på \(grouped.byName)")
            out += table(["", "Nyhedsbr.", "Udsend.", "Møder", "Aflyst", "Tilmeldt", "Mødt", "Historier", "Pjecer", "Presse", "Oplæg",
                          "Tilhørere", "Netværk", "Deltagere", "Web"],
                         (grouped.lines + [grouped.total]).map(groupCells), right: Array(1...14)).map { "  " + $0 }
        }
        return out
    }

    static func groupCells(_ g: GroupLine) -> [String] {
        [g.name] + [g.newslettersDelivered, g.mailingsDelivered, g.meetingsHeld, g.meetingsCancelled, g.signedUp, g.attended,
                    g.storiesPublished, g.leafletsHandedOut, g.pressArticles, g.talks, g.talkAudience, g.networkMeetings,
                    g.networkParticipants, g.websiteUpdates].map(DanishNumber.int)
    }

    static func table(_ headers: [String], _ rows: [[String]], right: [Int] = []) -> [String] {
        TextTable.lines(headers, rows, right: right)
    }
}
