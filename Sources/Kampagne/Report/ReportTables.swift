import Foundation

/// The report's tables as CSV files, one per table, for Excel or a script: UTF-8 with a byte
/// order mark and `;` (what Danish Excel opens directly), formulas neutralised
/// (`CSVWriter(excel: true)`), plain integers and decimal commas, ISO dates.
public enum ReportTables {
    /// File name → contents.
    public static func files(_ report: ActivityReport) -> [(name: String, data: Data)] {
        var files: [(String, Data)] = []
        func add(_ name: String, _ headers: [String], _ rows: [[String]]) {
            var writer = CSVWriter(excel: true)
            writer.row(headers)
            rows.forEach { writer.row($0) }
            files.append((name, writer.data))
        }
        func int(_ value: Int?) -> String { value.map(String.init) ?? "" }
        func percent(_ value: Double?) -> String { value.map(DanishNumber.decimal) ?? "" }
        func day(_ date: Date) -> String { ReportPeriod.dayKey(date) }
        let n = report.newsletters
        let m = report.meetings

        add("oversigt.csv", ["Aktivitet", "Antal", "Rækkevidde", "Rækkevidde er"], report.overview.map {
            [$0.activity, int($0.count), int($0.reach), $0.reachMeaning]
        })
        add("nyhedsbreve.csv", ["Nr.", "Emne", "Sendt", "Udsendelser", "Modtagere", "Mails", "Leverede mails", "Afviste mails",
                                "Mails undervejs"], n.editions.map {
            [$0.number, $0.subject, day($0.sentAt), int($0.sendings), int($0.delivery.recipients), int($0.delivery.messages),
             int($0.delivery.delivered), int($0.delivery.bounced), int($0.delivery.pending)]
        })
        add("udsendelser.csv", ["Udsendelse", "Type", "Sendt", "Modtagere", "Mails", "Leverede mails", "Afviste mails", "Mails undervejs"],
            n.mailingLines.map {
            [$0.name, $0.kindName, day($0.sentAt), int($0.delivery.recipients), int($0.delivery.messages), int($0.delivery.delivered),
             int($0.delivery.bounced), int($0.delivery.pending)]
        })
        // "Ved slut" is the last day, or the day the report was made for a period not yet over.
        let endDay = day(report.period.endDay(asOf: n.circulation.asOf))
        add("lister.csv", ["Liste", "Ved start", "Ved slut", "Slutdato", "Ændring", "Ændring %"], n.lists.map {
            [$0.name, int($0.atStart), int($0.atEnd), endDay, int($0.change), percent($0.changePercent)]
        })
        add("oplag.csv", ["Dato", "Oplag"], n.circulation.points.enumerated().map { index, point in
            // The last point is the end of the period (shown as its last day) or the moment the report was made.
            [index == n.circulation.points.count - 1 ? endDay : day(point.at), int(point.size)]
        })
        add("moeder.csv", ["Id", "Dato", "Møde", "Type", "Serie", "Partner", "Status", "Begrundelse", "Pladser", "Minimum",
                           "Tilmeldt", "Venteliste", "Mødt", "Heraf uden tilmelding", "Udeblevet"], m.meetings.map {
            [int(Int($0.eventId)), day($0.startsAt), $0.title, $0.kindName, $0.series ?? "", $0.partner.map { Partner.name(ofKey: $0) } ?? "",
             $0.outcomeName, $0.cancelReason ?? "", int($0.capacity), int($0.minimum), int($0.signedUp), int($0.waitlisted),
             int($0.attended), int($0.walkIns), int($0.noShows)]
        })
        let groupHeaders = ["Gruppe", "Navn", "Planlagt", "Afholdt", "Aflyst", "Kommende", "Tilmeldt", "Mødt", "Uden tilmelding",
                            "Udeblevet", "Udeblevet %", "Kommuner nået", "Jobcentre nået"]
        func groupRow(_ kind: String, _ g: MeetingGroup) -> [String] {
            [kind, g.name, int(g.planned), int(g.held), int(g.cancelled), int(g.upcoming), int(g.signedUp), int(g.attended),
             int(g.walkIns), int(g.noShows), g.held == 0 ? "" : percent(g.noShowRate * 100), int(g.municipalitiesReached),
             int(g.jobcentresReached)]
        }
        add("moedegrupper.csv", groupHeaders, [groupRow("I alt", m.total)] + m.byKind.map { groupRow("Type", $0) }
            + m.bySeries.map { groupRow("Serie", $0) })
        add("daekning.csv", ["Region", "Kommuner", "Kommuner nået", "Jobcentre nået"], m.byRegion.map {
            [$0.region, int($0.municipalities), int($0.municipalitiesReached), int($0.jobcentresReached)]
        })
        if let sources = report.signUpSources {
            add("tilmeldinger-kilde.csv", ["Kilde", "Gruppe", "Navn", "Tilmeldte"], sources.sources.map {
                [$0.key, $0.group, $0.name, int($0.count)]
            })
        }
        add("historier.csv", ["Branche", "Skrevet", "Godkendt", "Bragt"], report.stories.byIndustry.map {
            [$0.name, int($0.drafted), int($0.approved), int($0.published)]
        })
        add("historier-brugt.csv", ["Dato", "Historie", "Branche", "Kommune", "Kanal"], report.stories.uses.map {
            [day($0.usedAt), $0.headline, $0.industry, $0.municipality, $0.channelName]
        })
        add("aktiviteter.csv", ["Id", "Dato", "Aktivitet", "Titel", "Antal", "Partner", "Note"], report.activities.activities.map {
            [int(Int($0.id)), $0.date, $0.kind.singularName, $0.title, int($0.count), $0.partnerName, $0.note]
        })
        if let grouped = report.grouped {
            add("fordeling-\(grouped.by.rawValue).csv",
                [grouped.byName.capitalized, "Nyhedsbreve leveret", "Udsendelser leveret", "Møder afholdt", "Møder aflyst", "Tilmeldte",
                 "Fremmødte", "Historier bragt", "Pjecer uddelt", "Presseartikler", "Oplæg", "Tilhørere", "Netværksmøder",
                 "Netværksdeltagere", "Hjemmesideopdateringer"],
                (grouped.lines + [grouped.total]).map { g in
                    [g.name] + [g.newslettersDelivered, g.mailingsDelivered, g.meetingsHeld, g.meetingsCancelled, g.signedUp, g.attended,
                                g.storiesPublished, g.leafletsHandedOut, g.pressArticles, g.talks, g.talkAudience, g.networkMeetings,
                                g.networkParticipants, g.websiteUpdates].map(int)
                })
        }
        return files
    }

    /// Writes every table into `directory` (created if needed); returns the paths written.
    public static func write(_ report: ActivityReport, to directory: String) throws(KampagneError) -> [String] {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw .io("\(directory) findes og er ikke en mappe")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .io("Kan ikke oprette mappen \(directory): \(error.localizedDescription)")
        }
        var written: [String] = []
        for file in files(report) {
            let path = (directory as NSString).appendingPathComponent(file.name)
            do {
                try file.data.write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw .io("Kan ikke skrive \(path): \(error.localizedDescription)")
            }
            written.append(path)
        }
        return written
    }
}
