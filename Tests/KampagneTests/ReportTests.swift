import Foundation
import GRDB
import Testing
@testable import Kampagne

/// A fictional first half of 2026 whose right answers are known, built through the library's
/// own APIs and records with set dates. 2026 is in the past, so the test never ages.
final class HalfYear {
    let box: Sandbox
    var store: Store { box.store }
    let period: ReportPeriod
    var meetings: [String: Int64] = [:]

    static func day(_ text: String, _ time: String = "12:00") -> Date {
        DanishDate.parse("\(text) \(time)") ?? Date(timeIntervalSince1970: 0)
    }

    init() throws {
        box = try Sandbox()
        period = try ReportPeriod(from: "2026-01-01", to: "2026-06-30")
        try buildLists()
        try buildMail()
        try buildMeetings()
        try buildStories()
        try buildActivities()
    }

    /// The newsletter list grows from 2,700 reachable people to 3,700 (+37 %): 2,710 joined
    /// before the period (10 unsubscribed before it), 1,020 joined in it, 15 unsubscribed and
    /// 5 bounced for good in it, 30 joined after it. Two early members are removed today,
    /// after the period: they still count on both days. A second list is not the newsletter's.
    func buildLists() throws {
        try store.write { db in
            let secret = try InstallationSecret.load(db)
            var newsletter = MailingList(id: nil, name: "Nyhedsbrev", nameKey: MailingList.key("Nyhedsbrev"), description: "",
                                         createdAt: Self.day("2025-01-01"))
            try newsletter.insert(db)
            var chefs = MailingList(id: nil, name: "Jobcenterchefer", nameKey: MailingList.key("Jobcenterchefer"), description: "",
                                    createdAt: Self.day("2025-01-01"))
            try chefs.insert(db)
            func member(_ index: Int, joined: Date, list: MailingList) throws -> String {
                let email = "laeser\(index)@nyhedsbrev.example"
                var contact = Contact(id: nil, email: email, emailKey: email, firstName: "Læser", lastName: "\(index)",
                                      organisation: "", title: "", municipality: nil, phone: "", attributes: [:],
                                      createdAt: joined, updatedAt: joined)
                try contact.insert(db)
                try ListMembership(mailingListId: list.id ?? 0, contactId: contact.id ?? 0, consentBasis: .consent,
                                   consentAt: joined, source: "test").insert(db)
                return email
            }
            func suppress(_ email: String, _ reason: SuppressionReason, _ at: Date) throws {
                try Suppression(emailHash: secret.mac(email.lowercased()), reason: reason, source: "test", createdAt: at).insert(db)
            }
            var index = 0
            for _ in 0..<2_710 {
                let email = try member(index, joined: Self.day("2025-09-01"), list: newsletter)
                if index < 10 { try suppress(email, .unsubscribed, Self.day("2025-12-01")) }
                else if index < 25 { try suppress(email, .unsubscribed, Self.day("2026-02-15")) }
                else if index < 30 { try suppress(email, .hardBounce, Self.day("2026-05-01")) }
                index += 1
            }
            for _ in 0..<1_020 { _ = try member(index, joined: Self.day("2026-03-10"), list: newsletter); index += 1 }
            for _ in 0..<30 { _ = try member(index, joined: Self.day("2026-08-01"), list: newsletter); index += 1 }
            for _ in 0..<50 { _ = try member(index, joined: Self.day("2025-09-01"), list: chefs); index += 1 }
        }
        _ = try MailingLists(store: store).remove(["laeser100@nyhedsbrev.example", "laeser101@nyhedsbrev.example"], from: "Nyhedsbrev")
    }

    /// Editions nr. 14–16 in the period (16 sent twice), nr. 13 before it; a direct mailing
    /// (an edition without a number), an invitation, a test send and meeting notices.
    func buildMail() throws {
        try store.write { db in
            func edition(_ number: String, _ subject: String) throws -> Int64 {
                var record = EditionRecord(id: nil, subject: subject, number: number, file: "nr.md", source: "", createdAt: Self.day("2025-12-01"))
                try record.insert(db)
                return record.id ?? 0
            }
            func campaign(_ kind: CampaignKind, edition: Int64?, name: String, at: String, states: [OutboxState],
                          municipality: String = "") throws {
                var campaign = Campaign(id: nil, kind: kind, editionId: edition, eventId: nil, name: name,
                                        audience: Audience(lists: ["Nyhedsbrev"]), suppressed: 0, duplicates: 0,
                                        createdAt: Self.day(at, "09:00"))
                try campaign.insert(db)
                for (i, state) in states.enumerated() {
                    let email = "modtager\(i)@post.example"
                    var row = OutboxRow(id: nil, campaignId: campaign.id ?? 0, contactId: nil, email: email, emailKey: email,
                                        recipient: RecipientSnapshot(firstName: "", lastName: "", organisation: "", municipality: municipality),
                                        state: state, attempts: 1, nextAttemptAt: campaign.createdAt,
                                        sentAt: state == .sent ? campaign.createdAt : nil, messageID: "<\(UUID())@test.example>",
                                        createdAt: campaign.createdAt)
                    try row.insert(db)
                }
            }
            let sent = OutboxState.sent
            let nr13 = try edition("13", "Nyt nr. 13")
            let nr14 = try edition("14", "Nyt nr. 14")
            let nr15 = try edition("15", "Nyt nr. 15")
            let nr16 = try edition("16", "Nyt nr. 16")
            let direct = try edition("", "Kampagne til sprogcentre")
            try campaign(.newsletter, edition: nr13, name: "Nyt nr. 13", at: "2025-12-10", states: Array(repeating: sent, count: 7))
            try campaign(.newsletter, edition: nr14, name: "Nyt nr. 14", at: "2026-02-02",
                         states: Array(repeating: sent, count: 9) + [.failed], municipality: "Vejle")
            try campaign(.newsletter, edition: nr15, name: "Nyt nr. 15", at: "2026-04-06",
                         states: Array(repeating: sent, count: 10) + [.failed, .deferred])
            try campaign(.newsletter, edition: nr16, name: "Nyt nr. 16", at: "2026-06-01", states: Array(repeating: sent, count: 5))
            try campaign(.newsletter, edition: nr16, name: "Nyt nr. 16", at: "2026-06-03", states: Array(repeating: sent, count: 3))
            try campaign(.newsletter, edition: direct, name: "Kampagne til sprogcentre", at: "2026-03-01",
                         states: Array(repeating: sent, count: 4))
            try campaign(.invitation, edition: nil, name: "Invitation: Temamøde", at: "2026-01-10",
                         states: Array(repeating: sent, count: 5) + [.failed])
            try campaign(.test, edition: nr14, name: "Test", at: "2026-02-01", states: [sent])
            try campaign(.eventNotice, edition: nil, name: "Mødebeskeder", at: "2026-02-03", states: [sent, sent])
        }
    }

    func meetingFile(kind: String, title: String, day: String, series: String?, partner: String?, capacity: Int, minimum: Int) -> String {
        """
        ---
        type: \(kind)
        titel: \(title)
        start: \(day) 14:00
        slut: 16:00
        pladser: \(capacity)
        minimum: \(minimum)
        \(series.map { "serie: \($0)" } ?? "")
        \(partner.map { "partner: \($0)" } ?? "")
        ---
        Et møde.
        """
    }

    /// Eight meetings in the period (six held, two cancelled), one before and one after.
    func buildMeetings() throws {
        let events = Events(store: store, settings: EventSettings())
        func create(_ key: String, _ kind: String, _ title: String, _ day: String, series: String?, partner: String?,
                    capacity: Int = 30, minimum: Int = 8) throws {
            let draft = try EventDraft(markdown: meetingFile(kind: kind, title: title, day: day, series: series, partner: partner,
                                                             capacity: capacity, minimum: minimum), file: "\(key).md")
            meetings[key] = try events.create(draft)
        }
        let theme = "Temamøder 2026", afterWork = "Fyraftensmøder 2026"
        try create("T0", "temamøde", "Temamøde før perioden", "2025-12-04", series: theme, partner: "KL")
        try create("T1", "temamøde", "Temamøde i Vejle", "2026-02-05", series: theme, partner: "KL", capacity: 40, minimum: 15)
        try create("T2", "temamøde", "Temamøde i Odense", "2026-03-12", series: theme, partner: "Kommunernes Landsforening", minimum: 10)
        try create("T3", "temamøde", "Temamøde i København", "2026-05-07", series: theme, partner: "DA")
        try create("F1", "fyraftensmøde", "Fyraftensmøde i Vejle", "2026-02-19", series: afterWork, partner: "LO", capacity: 25)
        try create("F2", "fyraftensmøde", "Fyraftensmøde i Viborg", "2026-03-19", series: afterWork, partner: "LO", capacity: 25)
        try create("F3", "fyraftensmøde", "Fyraftensmøde i Skive", "2026-04-16", series: afterWork, partner: "lo", capacity: 25)
        try create("F4", "fyraftensmøde", "Fyraftensmøde i Aarhus", "2026-06-11", series: afterWork, partner: nil, capacity: 25)
        try create("K1", "kursus", "Kursus for jobpakkeambassadører <1> & co", "2026-04-23", series: nil, partner: nil, capacity: 20, minimum: 0)
        try create("T9", "temamøde", "Temamøde efter perioden", "2026-07-02", series: theme, partner: "KL")

        try store.write { db in
            func sign(_ key: String, _ status: RegistrationStatus, _ municipality: String, jobcentre: Bool, walkIn: Bool = false) throws {
                let start = try Event.fetchOne(db, key: self.meetings[key] ?? 0)?.startsAt ?? Date()
                let organisation = jobcentre ? "Jobcenter \(municipality)" : "\(municipality) Kommune"
                var registration = Registration(
                    id: nil, eventId: self.meetings[key] ?? 0, contactId: nil, status: status, walkIn: walkIn,
                    source: walkIn ? .walkIn : .commandLine, organisation: organisation, municipality: municipality, answers: [:],
                    queuedAt: start.addingTimeInterval(-86_400 * 10), offerExpiresAt: nil,
                    attendedAt: status == .attended ? start : nil, cancelReason: nil, revision: 0,
                    createdAt: start.addingTimeInterval(-86_400 * 10), updatedAt: start)
                try registration.insert(db)
            }
            try sign("T0", .attended, "Gentofte", jobcentre: true)
            for m in ["Vejle", "Kolding", "Odense"] { try sign("T1", .attended, m, jobcentre: true) }
            try sign("T1", .attended, "Fredericia", jobcentre: false)
            try sign("T1", .noShow, "Aarhus", jobcentre: true)
            try sign("T1", .attended, "Horsens", jobcentre: false, walkIn: true)
            try sign("T1", .waitlisted, "Esbjerg", jobcentre: true)
            try sign("T1", .cancelled, "Vejen", jobcentre: true)
            for m in ["Odense", "Svendborg", "Aalborg"] { try sign("T2", .attended, m, jobcentre: true) }
            try sign("T2", .registered, "Randers", jobcentre: true)
            try sign("T3", .attended, "København", jobcentre: true)
            try sign("T3", .attended, "Roskilde", jobcentre: false)
            try sign("F1", .attended, "Vejle", jobcentre: false)
            try sign("F1", .attended, "Herning", jobcentre: false)
            try sign("F1", .noShow, "Holstebro", jobcentre: false)
            for m in ["Viborg", "Skive"] { try sign("F2", .registered, m, jobcentre: false) }
            for m in ["Skive", "Lemvig", "Struer"] { try sign("F3", .registered, m, jobcentre: false) }
            for m in ["Aarhus", "Silkeborg"] { try sign("F4", .attended, m, jobcentre: false) }
            for m in ["Odense", "Vejle"] { try sign("K1", .attended, m, jobcentre: true) }
            try sign("T9", .registered, "Gentofte", jobcentre: true)
        }
        _ = try events.cancel(meetings["F2"] ?? 0, reason: "For få tilmeldte")
        _ = try events.cancel(meetings["F3"] ?? 0, reason: "Oplægsholderen blev syg")
    }

    /// Six stories: four drafted, three approved and four uses in the period.
    func buildStories() throws {
        try store.write { db in
            func story(_ headline: String, industry: String, municipality: String, created: String) throws -> Int64 {
                var story = Story(id: nil, status: .draft, headline: headline, industry: industry, jobPackage: "",
                                  municipality: municipality, company: "", currentVersion: 1, approvedVersion: nil, statusNote: nil,
                                  createdAt: Self.day(created), updatedAt: Self.day(created))
                try story.insert(db)
                return story.id ?? 0
            }
            func approve(_ id: Int64, _ at: String) throws {
                var entry = StoryLogEntry(id: nil, storyId: id, version: 1, action: .approved, actor: "kommunikationsrådgiver",
                                          text: "", at: Self.day(at))
                try entry.insert(db)
            }
            func use(_ id: Int64, _ channel: StoryChannel, _ at: String) throws {
                var usage = StoryUsage(id: nil, storyId: id, version: 1, channel: channel, form: .article, target: "",
                                       usedAt: Self.day(at), flaggedAt: nil, flagNote: nil)
                try usage.insert(db)
            }
            let s1 = try story("Fra jobpakke til fast job i rengøringen", industry: "Rengøring", municipality: "Vejle", created: "2026-01-20")
            try approve(s1, "2026-02-10")
            try use(s1, .newsletter, "2026-02-20")
            try use(s1, .press, "2026-03-01")
            // The same press release written again: still one story in the press channel.
            try use(s1, .press, "2026-03-04")
            let s2 = try story("Køkkenet der fandt sin kok", industry: "Køkken", municipality: "Odense", created: "2026-02-05")
            try approve(s2, "2026-03-15")
            try use(s2, .web, "2026-03-20")
            _ = try story("Rengøring med mentor", industry: "rengøring", municipality: "", created: "2026-05-02")
            let s4 = try story("Lageret i Kolding", industry: "Lager", municipality: "", created: "2025-11-10")
            try approve(s4, "2026-01-15")
            try use(s4, .press, "2026-01-25")
            let s5 = try story("Uden branche endnu", industry: "", municipality: "", created: "2026-06-20")
            try approve(s5, "2026-07-02")
            let s6 = try story("Gammel historie", industry: "Lager", municipality: "", created: "2025-10-01")
            try approve(s6, "2025-10-20")
            try use(s6, .newsletter, "2025-11-01")
        }
    }

    func buildActivities() throws {
        let log = ActivityLog(store: store)
        let entries: [ActivityInput] = [
            ActivityInput(kind: "leaflet", date: "2026-02-01", title: "Pjece om jobpakker", count: "500", partner: "KL"),
            ActivityInput(kind: "pjece", date: "10.4.2026", title: "=HYPERLINK(\"http://x.example\") <pjece>", count: "250", partner: "DA"),
            ActivityInput(kind: "talk", date: "2026-03-05", title: "Oplæg på LO's integrationskonference", count: "120", partner: "LO"),
            ActivityInput(kind: "oplæg", date: "2026-05-20", title: "Oplæg på en messe", count: "80"),
            ActivityInput(kind: "press-article", date: "2026-03-02", title: "Artikel i den lokale avis", partner: "Vejle Kommune"),
            ActivityInput(kind: "network-meeting", date: "2026-04-02", title: "Mentornetværk", count: "14"),
            ActivityInput(kind: "website", date: "2026-01-15", title: "Ny side om jobpakker"),
            ActivityInput(kind: "leaflet", date: "2025-12-15", title: "Før perioden", count: "999"),
            ActivityInput(kind: "talk", date: "2026-07-01", title: "Efter perioden", count: "40"),
        ]
        for entry in entries { _ = try log.add(entry) }
    }

    func report(by grouping: ReportGrouping? = nil, now: Date = Date()) throws -> ActivityReport {
        try ActivityReports(store: store, settings: EventSettings()).make(period, by: grouping, now: now)
    }
}

@Suite(.serialized) struct ReportTests {
    @Test func newsletterFiguresAndListGrowth() throws {
        let year = try HalfYear()
        let n = try year.report().newsletters
        #expect(n.circulation.lists == ["Nyhedsbrev"])
        #expect(n.circulation.atStart == 2_700)
        #expect(n.circulation.atEnd == 3_700)
        #expect(n.circulation.change == 1_000)
        #expect(n.circulation.changePercent == 37.0)
        #expect(n.circulation.asOf == year.period.end)
        // Monthly points (1 Jan, 1 Feb … 1 Jun), the end of each day the size changed
        // (15 Feb, 10 Mar, 1 May) and the end: each size holds until the next point.
        #expect(n.circulation.points.map(\.size) == [2_700, 2_700, 2_685, 2_685, 3_705, 3_705, 3_705, 3_700, 3_700, 3_700])
        #expect(n.circulation.points.map { ReportPeriod.dayKey($0.at) } == [
            "2026-01-01", "2026-02-01", "2026-02-16", "2026-03-01", "2026-03-11", "2026-04-01", "2026-05-01", "2026-05-02",
            "2026-06-01", "2026-07-01"])
        #expect(n.editionsSent == 3)
        #expect(n.editions.map(\.number) == ["14", "15", "16"])
        #expect(n.editions.last?.sendings == 2)
        // Nr. 16 went to five addresses, then again to three of them: five people, eight mails.
        #expect(n.editions.last?.delivery == DeliveryCounts(recipients: 5, messages: 8, delivered: 8, bounced: 0, pending: 0))
        #expect(n.newsletters == DeliveryCounts(recipients: 27, messages: 30, delivered: 27, bounced: 2, pending: 1))
        #expect(n.mailingsSent == 2)
        #expect(n.mailingLines.map(\.kind) == ["invitation", "direct"])
        #expect(n.mailings == DeliveryCounts(recipients: 10, messages: 10, delivered: 9, bounced: 1, pending: 0))
        #expect(n.notices.delivered == 2)
        #expect(n.unsubscribed == 15)
        #expect(n.hardBounces == 5)
        let lists = Dictionary(uniqueKeysWithValues: n.lists.map { ($0.name, $0) })
        #expect(lists["Nyhedsbrev"]?.atEnd == 3_700)
        #expect(lists["Jobcenterchefer"]?.atStart == 50)
        #expect(lists["Jobcenterchefer"]?.changePercent == 0)
    }

    @Test func meetingFigures() throws {
        let year = try HalfYear()
        let m = try year.report().meetings
        #expect(m.total.planned == 8)
        #expect(m.total.held == 6)
        #expect(m.total.cancelled == 2)
        #expect(m.total.upcoming == 0)
        #expect(m.total.signedUp == 18)
        #expect(m.total.attended == 16)
        #expect(m.total.walkIns == 1)
        #expect(m.total.noShows == 3)
        #expect(m.total.noShowRate == 0.167)
        #expect(m.municipalitiesTotal == 98)
        #expect(m.municipalities == ["Aalborg", "Aarhus", "Fredericia", "Herning", "Horsens", "Kolding", "København", "Odense",
                                     "Roskilde", "Silkeborg", "Svendborg", "Vejle"].sorted { DanishText.compare($0, $1) == .orderedAscending })
        #expect(m.municipalities.count == 12)
        #expect(m.jobcentres.count == 6)
        let regions = Dictionary(uniqueKeysWithValues: m.byRegion.map { ($0.region, $0) })
        #expect(regions["Region Syddanmark"]?.municipalitiesReached == 5)
        #expect(regions["Region Syddanmark"]?.jobcentresReached == 4)
        #expect(regions["Region Midtjylland"]?.municipalitiesReached == 4)
        #expect(regions["Region Midtjylland"]?.jobcentresReached == 0)
        #expect(regions["Region Sjælland"]?.municipalitiesReached == 1)
        #expect(regions["Region Sjælland"]?.jobcentresReached == 0)

        let kinds = Dictionary(uniqueKeysWithValues: m.byKind.map { ($0.key, $0) })
        #expect(m.byKind.map(\.key) == ["theme-meeting", "after-work-meeting", "course"])
        #expect(kinds["theme-meeting"]?.held == 3)
        #expect(kinds["theme-meeting"]?.signedUp == 11)
        #expect(kinds["theme-meeting"]?.attended == 10)
        #expect(kinds["theme-meeting"]?.noShows == 2)
        #expect(kinds["theme-meeting"]?.municipalitiesReached == 9)
        #expect(kinds["theme-meeting"]?.jobcentresReached == 6)
        #expect(kinds["after-work-meeting"]?.planned == 4)
        #expect(kinds["after-work-meeting"]?.held == 2)
        #expect(kinds["after-work-meeting"]?.cancelled == 2)
        #expect(kinds["after-work-meeting"]?.signedUp == 5)
        #expect(kinds["after-work-meeting"]?.noShowRate == 0.2)
        #expect(kinds["course"]?.attended == 2)
        #expect(m.bySeries.map(\.name) == ["Fyraftensmøder 2026", "Temamøder 2026", "Uden serie"])
        #expect(m.bySeries.first?.cancelled == 2)

        #expect(m.cancellations.map(\.reason) == ["For få tilmeldte", "Oplægsholderen blev syg"])
        #expect(m.cancellations.map(\.signedUp) == [2, 3])
        #expect(m.cancellations.first?.minimum == 8)
        let t1 = m.meetings.first { $0.title == "Temamøde i Vejle" }
        #expect(t1?.partner == "KL")
        #expect(t1?.signedUp == 5)
        #expect(t1?.waitlisted == 1)
        #expect(t1?.capacity == 40)
        #expect(m.meetings.first { $0.title == "Temamøde i Odense" }?.partner == "KL")
    }

    @Test func storyFigures() throws {
        let s = try HalfYear().report().stories
        #expect(s.drafted == 4)
        #expect(s.approved == 3)
        // Five uses, but the press release of story 1 was written twice: four story-channel pairs.
        #expect(s.published == 4)
        #expect(s.uses.count == 4)
        #expect(s.storiesPublished == 3)
        #expect(s.byChannel.map(\.published) == [1, 2, 1])
        #expect(s.byIndustry.map(\.name) == ["Køkken", "Lager", "Rengøring", "Uden branche"])
        #expect(s.byIndustry.map(\.drafted) == [1, 0, 2, 1])
        #expect(s.byIndustry.map(\.approved) == [1, 1, 1, 0])
        #expect(s.byIndustry.map(\.published) == [1, 1, 2, 0])
    }

    @Test func handEnteredActivitiesAndOverview() throws {
        let report = try HalfYear().report()
        let a = report.activities
        #expect(a.activities.count == 7)
        #expect(a.activities.first?.date == "2026-01-15")
        let kinds = Dictionary(uniqueKeysWithValues: a.byKind.map { ($0.kind, $0) })
        #expect(kinds[.leaflet]?.activities == 2)
        #expect(kinds[.leaflet]?.total == 750)
        #expect(kinds[.talk]?.total == 200)
        #expect(kinds[.networkMeeting]?.total == 14)
        #expect(kinds[.pressArticle]?.activities == 1)
        #expect(kinds[.website]?.activities == 1)
        #expect(a.activities.first { $0.kind == .pressArticle }?.partner == "Vejle")
        let overview = Dictionary(uniqueKeysWithValues: report.overview.map { ($0.key, $0) })
        #expect(overview["newsletters"]?.count == 3)
        #expect(overview["newsletters"]?.reach == 27)
        #expect(overview["meetings-held"]?.reach == 16)
        #expect(overview["meetings-cancelled"]?.count == 2)
        #expect(overview["talk"]?.reach == 200)
        // Distinct stories, with the story–channel uses beside them (not added up as stories).
        #expect(overview["stories"]?.count == 3)
        #expect(overview["stories"]?.reach == 4)
    }

    @Test func groupedByPartner() throws {
        let grouped = try #require(try HalfYear().report(by: .partner).grouped)
        #expect(grouped.lines.map(\.name) == ["DA", "LO", "KL", "Odense Kommune", "Vejle Kommune", "Fælles (sekretariatet)"])
        let lines = Dictionary(uniqueKeysWithValues: grouped.lines.map { ($0.name, $0) })
        #expect(lines["DA"]?.meetingsHeld == 1)
        #expect(lines["DA"]?.leafletsHandedOut == 250)
        #expect(lines["LO"]?.meetingsHeld == 1)
        #expect(lines["LO"]?.meetingsCancelled == 2)
        #expect(lines["LO"]?.signedUp == 3)
        #expect(lines["LO"]?.talkAudience == 120)
        #expect(lines["KL"]?.meetingsHeld == 2)
        #expect(lines["KL"]?.signedUp == 9)
        #expect(lines["KL"]?.attended == 8)
        #expect(lines["Vejle Kommune"]?.storiesPublished == 2)
        #expect(grouped.total.storiesPublished == 4)
        #expect(lines["Vejle Kommune"]?.pressArticles == 1)
        #expect(lines["Odense Kommune"]?.storiesPublished == 1)
        let shared = lines["Fælles (sekretariatet)"]
        #expect(shared?.newslettersDelivered == 27)
        #expect(shared?.mailingsDelivered == 9)
        #expect(shared?.meetingsHeld == 2)
        #expect(shared?.attended == 4)
        #expect(shared?.networkParticipants == 14)
        #expect(grouped.total.meetingsHeld == 6)
        #expect(grouped.total.attended == 16)
        #expect(grouped.total.leafletsHandedOut == 750)
    }

    @Test func groupedByRegionAndMunicipality() throws {
        let year = try HalfYear()
        let regions = try #require(try year.report(by: .region).grouped)
        #expect(regions.lines.map(\.name).last == "Uden region")
        let south = try #require(regions.lines.first { $0.name == "Region Syddanmark" })
        #expect(south.attended == 9)
        #expect(south.meetingsHeld == 4)
        #expect(south.newslettersDelivered == 9)
        #expect(south.storiesPublished == 3)
        #expect(south.pressArticles == 1)
        #expect(regions.lines.first { $0.name == "Uden region" }?.newslettersDelivered == 18)
        let midt = try #require(regions.lines.first { $0.name == "Region Midtjylland" })
        #expect(midt.meetingsCancelled == 2)
        #expect(midt.signedUp == 6)

        let municipalities = try #require(try year.report(by: .municipality).grouped)
        let vejle = try #require(municipalities.lines.first { $0.name == "Vejle" })
        #expect(vejle.attended == 3)
        #expect(vejle.meetingsHeld == 3)
        #expect(vejle.newslettersDelivered == 9)
        #expect(municipalities.lines.last?.name == "Uden kommune")
    }

    @Test func pageTablesAndTextShowTheFiguresEscaped() throws {
        let report = try HalfYear().report(by: .partner)
        let html = try ReportPage.html(report, templates: printTemplates())
        // For looking at: KAMPAGNE_ARTIFACTS=test-artifacts swift test --filter ReportTests
        if let folder = ProcessInfo.processInfo.environment["KAMPAGNE_ARTIFACTS"] {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(html.utf8).write(to: URL(fileURLWithPath: folder).appendingPathComponent("report-half-year.html"))
        }
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<html lang=\"da\">"))
        #expect(html.contains("1. januar 2026 – 30. juni 2026"))
        #expect(html.contains("Oplaget gik fra <strong>2.700</strong> til <strong>3.700</strong>"))
        #expect(html.contains("+37,0 %"))
        #expect(html.contains("12 af landets 98 kommuner"))
        #expect(html.contains("<svg"))
        #expect(html.contains("@page { size: A4"))
        #expect(html.contains("Kursus for jobpakkeambassadører &lt;1&gt; &amp; co"))
        #expect(!html.contains("<pjece>"))
        #expect(!html.contains("<1>"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("http://") || !html.contains("src=\"http"))

        let files = Dictionary(uniqueKeysWithValues: ReportTables.files(report).map { ($0.name, $0.data) })
        let activities = try #require(files["aktiviteter.csv"])
        #expect(activities.starts(with: [0xEF, 0xBB, 0xBF]))
        let text = String(decoding: activities, as: UTF8.self)
        #expect(text.contains("'=HYPERLINK"))
        #expect(files["fordeling-partner.csv"] != nil)
        #expect(String(decoding: files["lister.csv"] ?? Data(), as: UTF8.self).contains("Nyhedsbrev;2700;3700;2026-06-30;1000;37,0"))
        // One row per activity: the singular kind name, not the plural heading.
        #expect(text.contains(";Pjece;Pjece om jobpakker;500;KL;"))
        #expect(text.contains(";Hjemmesideopdatering;Ny side om jobpakker;"))
        #expect(!text.contains("Pjecer uddelt"))
        let nyhedsbreve = String(decoding: files["nyhedsbreve.csv"] ?? Data(), as: UTF8.self)
        #expect(nyhedsbreve.contains("16;Nyt nr. 16;2026-06-01;2;5;8;8;0;0"))

        let lines = ReportText.lines(report).joined(separator: "\n")
        #expect(lines.contains("Oplag (Nyhedsbrev): 2.700 → 3.700 (+1.000, +37,0 %)"))
        #expect(lines.contains("Aflyst: Fyraftensmøde i Viborg (19.03.2026): For få tilmeldte – 2 tilmeldt af minimum 8"))
        // The terminal's grouped table shows network participants, as HTML and CSV do.
        #expect(lines.contains("Deltagere"))
        #expect(lines.contains("Udeblevet %"))
    }

    /// At 15:00 on 11 June the after-work meeting in Aarhus (14–16) is still going on: its two
    /// participants have come, but it is not held yet, so they are not counted as participants
    /// of held meetings; and the circulation ends today, labelled as such.
    @Test func attendanceOnlyAtHeldMeetingsAndEndFiguresAsOfToday() throws {
        let year = try HalfYear()
        let now = HalfYear.day("2026-06-11", "15:00")
        let report = try year.report(by: .partner, now: now)
        let overview = Dictionary(uniqueKeysWithValues: report.overview.map { ($0.key, $0) })
        #expect(overview["meetings-held"]?.count == 5)
        #expect(overview["meetings-held"]?.reach == 14)
        #expect(report.meetings.attendedAtHeld == 14)
        let grouped = try #require(report.grouped)
        #expect(grouped.total.attended == 14)
        #expect(grouped.lines.first { $0.name == "Fælles (sekretariatet)" }?.attended == 2)
        let places = try #require(try year.report(by: .municipality, now: now).grouped)
        let silkeborg = places.lines.first { $0.name == "Silkeborg" }
        #expect(silkeborg?.attended == 0)
        #expect(silkeborg?.meetingsHeld == 0)
        #expect(silkeborg?.signedUp == 1)

        let c = report.newsletters.circulation
        #expect(c.asOf == now)
        #expect(c.points.last?.at == now)
        #expect(c.atEnd == 3_700)
        #expect(report.newsletters.lists.allSatisfy { $0.asOf == now })
        let html = try ReportPage.html(report, templates: printTemplates())
        #expect(html.contains("pr. 11.06.2026"))
        #expect(html.contains("<th class=\"num\">Pr. 11.06.2026</th>"))
        #expect(html.contains("5 afholdt"))
        #expect(ReportText.lines(report).contains { $0.contains("2.700 → 3.700 pr. 11.06.2026") })
        let files = Dictionary(uniqueKeysWithValues: ReportTables.files(report).map { ($0.name, $0.data) })
        #expect(String(decoding: files["oplag.csv"] ?? Data(), as: UTF8.self).hasSuffix("2026-06-11;3700\r\n"))
    }

    @Test func groupedNoteAndTableLabels() throws {
        let report = try HalfYear().report(by: .municipality)
        let html = try ReportPage.html(report, templates: printTemplates())
        #expect(html.contains("ingen kom til, står ikke i nogen række. Rækkerne kan derfor give mere eller mindre end i alt."))
        #expect(html.contains("wide grouped\"><caption>Udsendelser og møder</caption>"))
        #expect(html.contains("<th class=\"num\">Udeblevet %</th>"))
        #expect(html.contains("<th class=\"num\">Ude\u{AD}blevne</th>"))
        #expect(html.contains("caption, thead { break-after: avoid"))
        #expect(html.contains("table.wide th { white-space: normal"))
        #expect(html.contains("<th class=\"num\">Netværks\u{AD}møder</th>"))
        #expect(html.contains("3 mødt"))
    }
}

@Suite struct ReportPresentationTests {
    func line(capacity: Int?, signedUp: Int, attended: Int, outcome: String = "held") -> MeetingLine {
        MeetingLine(eventId: 1, title: "Møde", kind: .themeMeeting, kindName: "Temamøde", series: nil, partner: nil,
                    startsAt: HalfYear.day("2026-03-01"), outcome: outcome, outcomeName: outcome, cancelReason: nil,
                    capacity: capacity, minimum: 1, signedUp: signedUp, waitlisted: 0, attended: attended, walkIns: max(0, attended - signedUp),
                    noShows: 0)
    }

    @Test func signUpChartScalesToWhatCame() {
        // Eight came (six without signing up) to a meeting with two seats.
        let meetings = [line(capacity: 2, signedUp: 2, attended: 8)]
        #expect(ReportCharts.signUpScale(meetings) == 10)
        let svg = ReportCharts.signUps(meetings)
        #expect(svg.contains("2/2 · 8 mødt"))
        // Every bar ends inside the picture.
        for match in svg.matches(of: /<rect x="([0-9.]+)" y="[0-9.]+" width="([0-9.]+)"/) {
            let x: Double = Double(match.1) ?? 0
            let width: Double = Double(match.2) ?? 0
            let plotEnd: Double = 570.01
            #expect(x + width <= plotEnd)
        }
    }

    @Test func axisBoundsAreOneTwoTwoAndAHalfOrFive() {
        #expect([0, 1, 3, 10, 11, 21, 26, 2_100, 2_600, 3_700, 9_999].map(ReportCharts.niceMax)
                == [10, 1, 5, 10, 20, 25, 50, 2_500, 5_000, 5_000, 10_000])
        #expect(ReportCharts.tickCount(2_500) == 5)
    }

    @Test func circulationIsDrawnAsSteps() throws {
        let period = try ReportPeriod(from: "2026-01-01", to: "2026-06-30")
        let points = [SizePoint(at: period.start, size: 100), SizePoint(at: HalfYear.day("2026-03-11", "00:00"), size: 300),
                      SizePoint(at: period.end, size: 300)]
        let circulation = Circulation(lists: ["L"], atStart: 100, atEnd: 300, asOf: period.end, change: 200, changePercent: 200,
                                      points: points)
        let svg = ReportCharts.growth(circulation, period: period)
        let polyline = try #require(svg.firstMatch(of: /<polyline points="([^"]+)"/))
        let coordinates = polyline.1.split(separator: " ").map { $0.split(separator: ",").compactMap { Double($0) } }
        #expect(coordinates.count == 5)
        for (a, b) in zip(coordinates, coordinates.dropFirst()) {
            #expect(a[0] == b[0] || a[1] == b[1], "every segment is level or upright")
        }
        #expect(svg.contains("ved slut"))
        #expect(!svg.contains(">pr. "))
    }

    @Test func emptyReportSaysThereIsNoData() throws {
        let box = try Sandbox()
        let report = try ActivityReports(store: box.store, settings: EventSettings()).make(try ReportPeriod(from: "2026-12-31", to: "2026-12-31"),
                                                                now: HalfYear.day("2027-01-05"))
        #expect(report.periodName == "31. december 2026")
        let html = try ReportPage.html(report, templates: printTemplates())
        #expect(!html.contains("<svg"))
        #expect(html.contains("Ingen data: ingen på listerne kunne modtage nyhedsbrevet"))
        #expect(html.contains("Ingen data: ingen møder i perioden"))
        #expect(html.contains("Der er ingen lister endnu"))
        #expect(!html.contains(" , som"))
        #expect(html.contains("0 møder var planlagt"))
        #expect(html.contains("<td class=\"num\">–</td>") || !html.contains("0,0 %"))
    }

    @Test func singularAndPluralOnThePage() throws {
        var report = try HalfYear().report()
        report.stories.drafted = 1
        report.stories.published = 1
        report.stories.storiesPublished = 1
        report.newsletters.hardBounces = 1
        report.newsletters.editionsSent = 1
        report.newsletters.newsletters.recipients = 1
        report.newsletters.newsletters.delivered = 1
        report.meetings.total.planned = 1
        report.meetings.jobcentres = ["Vejle"]
        let html = try ReportPage.html(report, templates: printTemplates())
        for text in ["1 god historie blev skrevet", "bragt <strong>1 gang</strong>", "(1 historie,", "1 adresse blev spærret, fordi den",
                     "1 jobcenter.", "1 møde var planlagt", "1 udgave af nyhedsbrevet blev sendt til 1 modtager", "1 mail blev leveret",
                     ">1 jobcenter<", ">bragt 1 gang (én pr. kanal)<"] {
            #expect(html.contains(text), "\(text)")
        }
        for wrong in ["1 gode historier", "1 gange", "1 møder", "1 adresser", "1 jobcentre", "1 udgaver", "1 modtagere"] {
            #expect(html.firstMatch(of: try Regex("[^0-9.]" + wrong)) == nil, "\(wrong)")
        }
        #expect(DanishNumber.count(1_200, "møde", "møder") == "1.200 møder")
        #expect(DanishNumber.count(0, "møde", "møder") == "0 møder")
    }

    @Test func groupWithoutHeldMeetingsHasNoRate() throws {
        let group = MeetingGroup(key: "", name: "Aflyste", planned: 1, held: 0, upcoming: 0, cancelled: 1, signedUp: 3, attended: 0,
                                 walkIns: 0, noShows: 0, noShowRate: 0, municipalitiesReached: 0, jobcentresReached: 0)
        #expect(ReportPage.noShowShare(group) == "–")
        var held = group
        held.held = 1
        #expect(ReportPage.noShowShare(held) == "0,0 %")
    }
}

@Suite struct ActivityInputTests {
    func log() throws -> (Sandbox, ActivityLog) {
        let box = try Sandbox()
        return (box, ActivityLog(store: box.store))
    }

    func message(_ input: ActivityInput) throws -> String {
        let (_, log) = try log()
        do {
            _ = try log.add(input)
            return ""
        } catch {
            // As a form or the command line shows it: the field, then the message.
            guard case .fields(let fields) = error else { return error.message }
            return fields.map { "\($0.field): \($0.message)" }.joined(separator: "\n")
        }
    }

    @Test func hostileInputIsRefusedWithTheField() throws {
        #expect(try message(ActivityInput(kind: "leaflet", date: "2026-02-30", title: "x")).hasPrefix("date:"))
        #expect(try message(ActivityInput(kind: "leaflet", date: "i går", title: "x")).hasPrefix("date:"))
        #expect(try message(ActivityInput(kind: "fest", date: "2026-02-01", title: "x")).hasPrefix("kind:"))
        #expect(try message(ActivityInput(kind: "talk", date: "2026-02-01", title: "x", count: "-5")).contains("negativ"))
        #expect(try message(ActivityInput(kind: "talk", date: "2026-02-01", title: "x", count: "1.5")).hasPrefix("count:"))
        #expect(try message(ActivityInput(kind: "talk", date: "2026-02-01", title: "x", count: "99999999999999999999")).hasPrefix("count:"))
        #expect(try message(ActivityInput(kind: "talk", date: "2026-02-01", title: "Oplæg\r\nBcc: x@y.example")).hasPrefix("title:"))
        #expect(try message(ActivityInput(kind: "talk", date: "2026-02-01", title: String(repeating: "x", count: 301))).hasPrefix("title:"))
        #expect(try message(ActivityInput(kind: "talk", date: "2026-02-01", title: "   ")).hasPrefix("title:"))
        #expect(try message(ActivityInput(kind: "talk", date: "2026-02-01", title: "x", partner: "Atlantis")).hasPrefix("partner:"))
        #expect(try message(ActivityInput(kind: "talk", date: "2026-02-01", title: "x", note: String(repeating: "y", count: 3_000))).hasPrefix("note:"))
    }

    @Test func sameActivityTwiceNeedsAgain() throws {
        let (box, log) = try log()
        defer { withExtendedLifetime(box) {} }
        let input = ActivityInput(kind: "talk", date: "2026-03-05", title: "Oplæg på messen", count: "80", partner: "LO")
        let first = try log.add(input)
        #expect(throws: KampagneError.unconfirmed("Aktiviteten findes allerede som nr. \(first) (oplæg 05.03.2026: Oplæg på messen)",
                                                  confirmation: "again")) {
            try log.add(input)
        }
        // Another partner, or no partner, is another activity.
        _ = try log.add(ActivityInput(kind: "talk", date: "2026-03-05", title: "Oplæg på messen", count: "80"))
        #expect(throws: KampagneError.self) { try log.add(ActivityInput(kind: "talk", date: "2026-03-05", title: "Oplæg på messen")) }
        var again = input
        again.again = true
        _ = try log.add(again)
        #expect(try log.list().count == 3)
    }

    @Test func unlikelyDatesNeedForce() throws {
        let now = HalfYear.day("2026-11-23")
        #expect(try message(ActivityInput(kind: "leaflet", date: "1999-12-31", title: "x")).hasPrefix("date: 31.12.1999 ligger før år 2000"))
        let (box, log) = try log()
        defer { withExtendedLifetime(box) {} }
        #expect(throws: KampagneError.field("date", "24.11.2027 ligger mere end et år ude i fremtiden; er årstallet skrevet forkert?",
                                            confirmable: true)) {
            try log.add(ActivityInput(kind: "leaflet", date: "2027-11-24", title: "x"), now: now)
        }
        _ = try log.add(ActivityInput(kind: "leaflet", date: "2027-11-23", title: "x"), now: now)
        _ = try log.add(ActivityInput(kind: "leaflet", date: "1999-12-31", title: "x", force: true), now: now)
        #expect(try message(ActivityInput(kind: "talk", date: "2026-02-01", title: "x", count: "2000000"))
                == "count: 2.000.000 er urimeligt stort (højst 1.000.000)")
    }

    @Test func wordsForOneActivity() throws {
        #expect(ActivityKind.website.singularName == "Hjemmesideopdatering")
        let (box, log) = try log()
        defer { withExtendedLifetime(box) {} }
        let id = try log.add(ActivityInput(kind: "oplæg", date: "2026-03-05", title: "Oplæg på messen"))
        #expect(ActivityLog.removedNote(try log.remove(id)) == "Aktivitet \(id) (oplæg 05.03.2026: Oplæg på messen) er slettet.")
    }

    @Test func journalRecordsDecode() throws {
        let box = try Sandbox()
        try box.store.write { db in
            try Suppression(emailHash: "h", reason: .unsubscribed, source: "t", createdAt: HalfYear.day("2026-01-01")).insert(db)
            try db.execute(sql: "DELETE FROM suppression")
            let ended = try SuppressionEnded.fetchAll(db)
            #expect(ended.map(\.reason) == [.unsubscribed])
            #expect(ended.first?.since == HalfYear.day("2026-01-01"))
        }
        let history = try box.store.read { try ListHistory(db: $0) }
        #expect(history.suppressions(.unsubscribed, in: try ReportPeriod(from: "2026-01-01", to: "2026-01-31")) == 1)
    }

    @Test func addListAndRemove() throws {
        let (box, log) = try log()
        defer { withExtendedLifetime(box) {} }
        let id = try log.add(ActivityInput(kind: "pjecer", date: "1.3.2026", title: "Pjecer på messen", count: "1.500", partner: "jobcenter vejle"))
        _ = try log.add(ActivityInput(kind: "hjemmeside", date: "2026-03-02", title: "Ny side"))
        let all = try log.list()
        #expect(all.count == 2)
        #expect(all.first?.count == 1_500)
        #expect(all.first?.partner == "Vejle")
        #expect(all.first?.partnerName == "Vejle Kommune")
        #expect(try log.list(kind: "website").count == 1)
        #expect(try log.list(period: ReportPeriod(from: "2026-03-02", to: "2026-03-02")).count == 1)
        #expect(try log.remove(id).title == "Pjecer på messen")
        #expect(try log.list().count == 1)
        #expect(throws: KampagneError.self) { try log.remove(id) }
    }

    @Test func periodIsChecked() throws {
        #expect(throws: KampagneError.field("from", "01.07.2026 ligger efter slutdatoen 30.06.2026")) {
            try ReportPeriod(from: "2026-07-01", to: "2026-06-30")
        }
        #expect(throws: KampagneError.self) { try ReportPeriod(from: "2026-13-01", to: "2026-12-31") }
        #expect(throws: KampagneError.self) { try ReportPeriod(from: "1900-01-01", to: "2100-01-01") }
        let day = try ReportPeriod(from: "2026-03-29", to: "2026-03-29")
        // The day summer time begins has 23 hours.
        #expect(day.end.timeIntervalSince(day.start) == 23 * 3600)
        #expect(try ReportGrouping(parsing: "kommune") == .municipality)
        #expect(throws: KampagneError.self) { try ReportGrouping(parsing: "farve") }
        #expect(try Partner(parsing: "Dansk Arbejdsgiverforening").key == "DA")
        #expect(try Partner(parsing: "Københavns Kommune").name == "Københavns Kommune")
    }

    @Test func listJournalKeepsEndedMemberships() throws {
        let box = try Sandbox()
        try box.store.write { db in
            var list = MailingList(id: nil, name: "L", nameKey: "l", description: "", createdAt: Date())
            try list.insert(db)
            var contact = Contact(id: nil, email: "a@b.example", emailKey: "a@b.example", firstName: "", lastName: "", organisation: "",
                                  title: "", municipality: nil, phone: "", attributes: [:], createdAt: Date(), updatedAt: Date())
            try contact.insert(db)
            try ListMembership(mailingListId: list.id ?? 0, contactId: contact.id ?? 0, consentBasis: .consent,
                               consentAt: Date(timeIntervalSinceNow: -86_400 * 30), source: "t").insert(db)
        }
        let before = Date(timeIntervalSinceNow: -86_400)
        try PersonalData(store: box.store, settings: EventSettings()).erase("a@b.example")
        let history = try box.store.read { try ListHistory(db: $0) }
        #expect(history.reach(of: [1], at: before) == 1)
        #expect(history.reach(of: [1], at: Date(timeIntervalSinceNow: 60)) == 0)
    }
}

@Suite struct DanishSortEdgeTests {
    /// A story industry or partner in fullwidth letters must sort, not crash the report.
    @Test func highScalarsSortWithoutTrapping() {
        let sorted = DanishText.sorted(["Ｂ", "\u{FFFF}", "a"]) { [$0] }
        #expect(sorted.first == "a")
        #expect(sorted.count == 3)
    }
}

@Suite struct MeetingPartnerTests {
    @Test func partnerFromFileAndUpdate() throws {
        let box = try Sandbox()
        let events = Events(store: box.store, settings: EventSettings())
        let start = Date().addingTimeInterval(30 * 86_400)
        let id = try events.create(try EventDraft(markdown: meetingFile(start: start, extra: "partner: Jobcenter Vejle"), file: "m.md"))
        #expect(try events.show(id).partner == "Vejle")
        var changes = Events.Changes()
        changes.partner = "Kommunernes Landsforening"
        _ = try events.update(id, changes)
        #expect(try events.show(id).partner == "KL")
        changes.partner = "Atlantis"
        #expect(throws: KampagneError.field("partner", "ukendt partner 'Atlantis': brug DA, LO, KL eller en af de 98 kommuner")) {
            try events.update(id, changes)
        }
        changes.partner = ""
        _ = try events.update(id, changes)
        #expect(try events.show(id).partner == nil)
        #expect(throws: KampagneError.self) {
            try EventDraft(markdown: meetingFile(start: start, extra: "partner: Atlantis"), file: "m.md")
        }
    }
}
