import Foundation
import GRDB
import MailTemplates
import Synchronization
import Testing
@testable import Kampagne

private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A sandbox that sends to a Maildir folder, with three readers on a list.
private struct Newsroom {
    let sandbox: Sandbox
    let delivery: DeliveryConfiguration
    let composer: MessageComposer
    var store: Store { sandbox.store }

    init(templates: String = repository.appendingPathComponent("Templates").path) throws {
        sandbox = try Sandbox()
        var config = KampagneConfig()
        config.templates = .init(path: templates)
        config.maildir = .init(path: sandbox.folder.appendingPathComponent("maildir").path)
        var web = KampagneConfig.Web()
        web.baseURL = "https://kampagne.example"
        config.web = web
        delivery = try DeliveryConfiguration(config: config, configPath: sandbox.folder.appendingPathComponent("kampagne.toml").path,
                                             environment: [:])
        composer = try MessageComposer(configuration: delivery, store: sandbox.store)
        try sandbox.importing([sandbox.file("l.csv", "E-mail;Navn\nanna@x.example;Anna Ærø\nbo@x.example;Bo Øst\ncarl@x.example;Carl Å\n")]) {
            $0.lists = ["Nyhedsbrev"]
        }
    }

    func dispatch(_ campaign: Int64? = nil) throws -> DispatchSummary {
        try Dispatcher(store: store, configuration: delivery, composer: composer).run(campaign: campaign)
    }

    func edition(_ body: String = "# Velkommen\n\nTekst.\n", subject: String = "Nyt fra partnerskabet") throws -> Int64 {
        try Editions(store: store).create(source: "---\nsubject: \(subject)\nnumber: Nr. 1\n---\n\(body)", file: "web-udgave.md")
    }

    func send(_ edition: Int64, startAt: Date? = nil) throws -> EnqueueReport {
        try Outbox(store: store).enqueue(kind: .newsletter, editionId: edition, audience: Audience(lists: ["Nyhedsbrev"]),
                                         senderDomain: "partnerskab.example", startAt: startAt)
    }
}

@Suite struct NewsletterAdminTests {
    /// The browser's preview and the sent message tag a meeting link the same way
    /// (`?kilde=nyhedsbrev-1`): both go through `MessageComposer.renderer(for:editionId:)`.
    @Test func thePreviewLinksAreTheSentLinks() throws {
        let room = try Newsroom()
        let id = try room.edition("# Møde\n\nTilmeld dig på https://kampagne.example/moede/ab12cd, eller [her](https://kampagne.example/moede/ab12cd#tid).\n")
        func links(_ text: String) -> [String] {
            let pattern = try? NSRegularExpression(pattern: "https://kampagne\\.example/moede/[^\\s\"<>),]+")
            return (pattern?.matches(in: text, range: NSRange(text.startIndex..., in: text)) ?? [])
                .compactMap { Range($0.range, in: text).map { String(text[$0]) } }
        }
        let preview = try NewsletterPreview.render(edition: id, contact: nil, store: room.store, composer: room.composer)
        let edited = try NewsletterPreview.render(source: try Editions(store: room.store).draft(id).source, editionId: id, contact: nil,
                                                  store: room.store, composer: room.composer)
        let sent = try room.send(id)
        let message = try room.store.read { db in
            let campaign = try #require(try Campaign.fetchOne(db, key: sent.campaignId))
            let row = try #require(try OutboxRow.filter(Column("campaignId") == sent.campaignId).fetchOne(db))
            return try room.composer.message(for: row, campaign: campaign, renderer: try room.composer.renderer(for: campaign, in: db),
                                             date: Date())
        }
        let expected = ["https://kampagne.example/moede/ab12cd?kilde=nyhedsbrev-1",
                        "https://kampagne.example/moede/ab12cd?kilde=nyhedsbrev-1#tid"]
        #expect(Set(links(message.text)) == Set(expected))
        #expect(Set(links(preview.text)) == Set(links(message.text)))
        #expect(Set(links(preview.html)) == Set(links(message.html ?? "")) && !links(preview.html).isEmpty)
        #expect(Set(links(edited.html)) == Set(links(message.html ?? "")), "the editor's live preview too")
    }

    @Test func theEditorSavesThroughTheFileImportAndKeepsTheStoryLines() throws {
        let room = try Newsroom()
        let story = try approvedExample(room.sandbox)
        let editions = Editions(store: room.store)
        let draft = "---\nsubject: Nr. 2\nnumber: 2\n---\n# Velkommen\n\nTekst.\n\n@historie \(story)\n"
        let id = try editions.create(source: draft, file: "web-udgave.md")
        #expect(try editions.draft(id).source == draft, "the editor gets the @historie line back, not the expanded text")
        let stored = try room.store.read { db in try #require(try EditionRecord.fetchOne(db, key: id)) }
        #expect(stored.source.contains("# Køkkenet") || stored.source.split(separator: "\n").filter { $0.hasPrefix("# ") }.count == 2)
        #expect(try room.store.read { try StoryUsage.filter(Column("editionId") == id).fetchCount($0) } == 1)
        // Changing it records the story use anew, not twice.
        try editions.update(id, source: draft.replacingOccurrences(of: "Tekst.", with: "Ny tekst."))
        #expect(try editions.draft(id).source.contains("Ny tekst."))
        #expect(try room.store.read { try StoryUsage.filter(Column("editionId") == id).fetchCount($0) } == 1)
        // A bad line is named by its line in the text as typed.
        #expect(throws: KampagneError.invalidInput("web-udgave.md:5: tekst før første artikel; begynd artiklen med '# Overskrift'")) {
            try editions.create(source: "---\nsubject: X\nnumber: 1\n---\nløs tekst\n", file: "web-udgave.md")
        }
        // Once sent it stays as it went out.
        _ = try room.send(id)
        #expect(try editions.draft(id).sent)
        #expect(throws: KampagneError.self) { try editions.update(id, source: draft) }
        #expect(try editions.includableStories().map(\.id) == [story])
    }

    @Test func thePreviewOfUnsavedTextIsTheSendPathsMessage() throws {
        let room = try Newsroom()
        let id = try room.edition()
        let source = try Editions(store: room.store).draft(id).source
        let stored = try NewsletterPreview.render(edition: id, contact: "anna@x.example", store: room.store, composer: room.composer)
        let typed = try NewsletterPreview.render(source: source, editionId: id, contact: "anna@x.example", store: room.store,
                                                 composer: room.composer)
        #expect(stored.html == typed.html && stored.text == typed.text)
        #expect(typed.html.contains("Kære Anna") && typed.text.contains("Se nyhedsbrevet i din browser: https://kampagne.example/nyhedsbrev/arkiv/\(id)"))
        #expect(typed.html.contains("href=\"https://kampagne.example/nyhedsbrev/arkiv/\(id)\""))
        // The message actually sent carries the same link.
        _ = try room.send(id)
        #expect(try room.dispatch().sent == 3)
        let files = try FileManager.default.subpathsOfDirectory(atPath: room.sandbox.folder.appendingPathComponent("maildir").path)
            .filter { $0.hasPrefix("new/") }
        let mail = try String(contentsOfFile: room.sandbox.folder.appendingPathComponent("maildir/" + files[0]).path, encoding: .utf8)
        #expect(mail.contains("https://kampagne.example/nyhedsbrev/arkiv/\(id)"))
        #expect(throws: KampagneError.self) {
            try NewsletterPreview.render(source: "---\nsubject: X\n---\n", contact: nil, store: room.store, composer: room.composer)
        }
    }

    @Test func preflightFindsBrokenLinksMissingAltTextALongSubjectAndTheSize() throws {
        let room = try Newsroom()
        let body = """
        # Velkommen

        Se [mødet](https://kampagne.example/moede/findes-ikke), [siden](https://kampagne.example/gammel-side),
        [STAR](https://star.example/job), [ukendt](https://ukendt.example/x), [tom]() og [skriv](mailto:ikke-en-adresse).

        ![](https://star.example/billede.png)
        """
        let id = try room.edition(body, subject: String(repeating: "Lang emnelinje ", count: 5))
        var settings = PreflightSettings(baseURL: "https://kampagne.example", linkDomains: ["star.example"])
        settings.spamAssassin = "/findes/ikke/spamassassin"
        let report = try Preflight(settings: settings).check(edition: id, store: room.store, composer: room.composer)
        func messages(_ check: String, _ severity: PreflightFinding.Severity) -> [String] {
            report.findings.filter { $0.check == check && $0.severity == severity }.map(\.message)
        }
        let linkErrors = messages("links", .error)
        #expect(linkErrors.contains { $0.contains("/moede/findes-ikke") && $0.contains("møde, der ikke findes") })
        #expect(linkErrors.contains { $0.contains("/gammel-side") && $0.contains("side, der ikke findes") })
        #expect(linkErrors.contains { $0.contains("mailto:ikke-en-adresse") })
        #expect(!linkErrors.contains { $0.contains("star.example") }, "an allowed domain is fine")
        #expect(!linkErrors.contains { $0.contains("/afmeld/") || $0.contains("/nyhedsbrev/arkiv/") }, "our own links are served paths")
        #expect(messages("links", .warning).contains { $0.contains("ukendt.example") && $0.contains("link_domains") })
        #expect(messages("images", .warning).contains { $0.contains("billede.png") && $0.contains("alternativ tekst") })
        #expect(messages("subject", .warning).first?.contains("74 tegn") == true)
        #expect(messages("size", .info).first?.contains("KB") == true)
        #expect(messages("spam", .info).first?.contains("sprunget over") == true)
        #expect(report.findings.allSatisfy { $0.check != "unsubscribe" }, "the bundled templates have the footer")
        #expect(!report.passed)
        // A fine edition passes.
        let fine = try Preflight(settings: settings).check(edition: try room.edition(), store: room.store, composer: room.composer)
        #expect(fine.passed && fine.findings.filter { $0.severity != .info }.isEmpty)
    }

    @Test func preflightMissesNoUnsubscribeFooter() throws {
        let sandbox = try Sandbox()
        let templates = sandbox.folder.appendingPathComponent("skabeloner")
        try FileManager.default.copyItem(at: repository.appendingPathComponent("Templates"), to: templates)
        for name in ["nyhedsbrev.html.mustache", "nyhedsbrev.txt.mustache"] {
            let path = templates.appendingPathComponent(name).path
            let text = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
                .filter { !$0.contains("unsubscribeURL") }.joined(separator: "\n")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let room = try Newsroom(templates: templates.path)
        var settings = PreflightSettings(baseURL: "https://kampagne.example")
        settings.spamAssassin = "/findes/ikke"
        let report = try Preflight(settings: settings).check(edition: try room.edition(), store: room.store, composer: room.composer)
        #expect(report.findings.filter { $0.check == "unsubscribe" && $0.severity == .error }.count == 2)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/spamassassin")))
    func spamAssassinScoresWithLocalRules() throws {
        let room = try Newsroom()
        let report = try Preflight(settings: PreflightSettings(baseURL: "https://kampagne.example"))
            .check(edition: try room.edition(), store: room.store, composer: room.composer)
        let score = try #require(report.spamScore)
        #expect(score < 5 && report.spamThreshold == 5)
        #expect(report.findings.contains { $0.check == "spam" && $0.message.contains("SpamAssassin (lokale regler)") })
    }

    @Test func spamAssassinsAnswerIsRead() {
        #expect(SpamCheck.parse("X-Spam-Status: No, score=1.3 required=5.0 tests=MSGID_SHORT\n") == .scored(1.3, threshold: 5))
        #expect(SpamCheck.parse("Subject: x\r\nX-Spam-Status: Yes, score=7.5 required=5.0 tests=A,\r\n\tB\r\n\r\n") == .scored(7.5, threshold: 5))
        #expect(SpamCheck.parse("Subject: x\n") == .unavailable("SpamAssassin svarede ikke med en score"))
        #expect(SpamCheck(program: "/findes/ikke").score(Data()) == .unavailable("/findes/ikke findes ikke"))
    }

    @Test func aPausedSendSendsNothingUntilResumed() throws {
        let room = try Newsroom()
        let report = try room.send(try room.edition())
        let outbox = Outbox(store: room.store)
        try outbox.pause(campaign: report.campaignId)
        #expect(try outbox.progress(campaign: report.campaignId).paused)
        let paused = try room.dispatch()
        #expect(paused.sent == 0 && paused.remaining == 0, "a paused send is not due")
        #expect(try outbox.status(campaign: report.campaignId).first?.queued == 3, "nothing changed state")
        try outbox.resume(campaign: report.campaignId)
        #expect(try room.dispatch().sent == 3)
        let progress = try outbox.progress(campaign: report.campaignId)
        #expect(progress.finished && progress.sent == 3 && progress.perMinute != nil && progress.etaSeconds == nil)
        #expect(SendProgressText.line(progress).hasPrefix("3 af 3 sendt"))
        #expect(throws: KampagneError.self) { try outbox.pause(campaign: 999) }
    }

    @Test func aPauseDuringARunHoldsFromTheNextMessage() throws {
        let room = try Newsroom()
        let report = try room.send(try room.edition())
        let outbox = Outbox(store: room.store)
        let dispatcher = Dispatcher(store: room.store, configuration: room.delivery, composer: room.composer)
        let summary = try dispatcher.run(campaign: report.campaignId) { progress in
            if progress.sent == 1 { try? outbox.pause(campaign: report.campaignId) }
        }
        let status = try #require(try outbox.status(campaign: report.campaignId).first)
        #expect(summary.sent < 3 && status.sent == summary.sent && status.queued == 3 - summary.sent && status.sending == 0)
        try outbox.resume(campaign: report.campaignId)
        #expect(try room.dispatch().sent == 3 - summary.sent)
        let files = try FileManager.default.subpathsOfDirectory(atPath: room.sandbox.folder.appendingPathComponent("maildir").path)
            .filter { $0.hasPrefix("new/") }
        #expect(files.count == 3, "each reader once")
    }

    @Test func aScheduledSendWaitsForItsTime() throws {
        let room = try Newsroom()
        let at = Date().addingTimeInterval(3_600)
        let report = try room.send(try room.edition(), startAt: at)
        #expect(try room.dispatch().sent == 0)
        let progress = try Outbox(store: room.store).progress(campaign: report.campaignId)
        #expect(progress.scheduledAt.map { abs($0.timeIntervalSince(at)) < 1 } == true && progress.waiting == 3)
        #expect(SendProgressText.state(progress).hasPrefix("planlagt til"))
        try room.store.write { db in try db.execute(sql: "UPDATE outbox SET nextAttemptAt = ?", arguments: [Date().addingTimeInterval(-1)]) }
        #expect(try room.dispatch().sent == 3)
    }

    @Test func theDryRunCountIsWhatIsQueuedAndTheLogHasTheReplies() throws {
        let room = try Newsroom()
        let id = try room.edition()
        _ = try PersonalData(store: room.store, settings: EventSettings()).unsubscribe("bo@x.example", source: "test")
        let outbox = Outbox(store: room.store)
        let counted = try outbox.enqueue(kind: .newsletter, editionId: id, audience: Audience(lists: ["Nyhedsbrev"]),
                                         senderDomain: "partnerskab.example", dryRun: true)
        let report = try room.send(id)
        #expect(counted.queued == 2 && report.queued == counted.queued && counted.suppressed == 1)
        _ = try room.dispatch()
        _ = try PersonalData(store: room.store, settings: EventSettings()).unsubscribe("carl@x.example", source: "test")
        let lines = try outbox.recipients(campaign: report.campaignId)
        #expect(lines.map(\.email) == ["anna@x.example", "carl@x.example"] && lines.allSatisfy { $0.state == .sent })
        #expect(lines.first { $0.email == "carl@x.example" }?.suppressedSince == .unsubscribed)
        #expect(lines.first { $0.email == "anna@x.example" }?.suppressedSince == nil)
        #expect(try outbox.unsubscribedCount(campaign: report.campaignId) == 1, "counted in SQL")
        // A page of the log reads its own rows' suppressions only: the second page is Carl alone.
        #expect(try outbox.recipients(campaign: report.campaignId, limit: 1, offset: 1).map(\.suppressedSince) == [.unsubscribed])
        #expect(try outbox.recipients(campaign: report.campaignId, limit: 1, offset: 0).map(\.suppressedSince) == [nil])
        #expect(try outbox.recipients(campaign: report.campaignId, state: .failed).isEmpty)
    }

    @Test func theArchiveHoldsSentEditionsOnly() throws {
        let room = try Newsroom()
        let sent = try room.edition("# Sendt artikel\n\nHej.\n")
        let draft = try room.edition("# Kladde\n\nIkke endnu.\n")
        _ = try Outbox(store: room.store).enqueue(kind: .test, editionId: draft, audience: Audience(addresses: ["t@x.example"]),
                                                  senderDomain: "partnerskab.example")
        _ = try room.send(sent)
        let archive = EditionArchive(store: room.store)
        #expect(try archive.sent().isEmpty, "queued is not sent")
        _ = try room.dispatch()
        #expect(try archive.sent().map(\.id) == [sent])
        #expect(try archive.page(sent)?.edition.articles.first?.title == "Sendt artikel")
        #expect(try archive.page(draft) == nil, "a test send does not publish")
    }

    // MARK: Moving and cancelling a scheduled send (v19-schedule)

    fileprivate func maildirCount(_ room: Newsroom) throws -> Int {
        let folder = room.sandbox.folder.appendingPathComponent("maildir").path
        guard FileManager.default.fileExists(atPath: folder) else { return 0 }
        return try FileManager.default.subpathsOfDirectory(atPath: folder).filter { $0.hasPrefix("new/") && $0.count > 4 }.count
    }

    @Test func aScheduledSendIsMovedAndCancelledAndTheRecordKeepsItAll() throws {
        let room = try Newsroom()
        let edition = try room.edition()
        let first = Date().addingTimeInterval(3_600)
        let report = try Outbox(store: room.store).enqueue(kind: .newsletter, editionId: edition, audience: Audience(lists: ["Nyhedsbrev"]),
                                                           senderDomain: "partnerskab.example", startAt: first, scheduledBy: "sif@partnerskab.example")
        let outbox = Outbox(store: room.store)
        let id = report.campaignId
        #expect(try outbox.progress(campaign: id).waitingToStart)
        #expect(try outbox.planned(edition: edition).map(\.campaignId) == [id])
        // Moved: every row is due at the new time, and only then.
        let later = Date().addingTimeInterval(7_200)
        let moved = try outbox.reschedule(campaign: id, to: later, by: "sif@partnerskab.example")
        #expect(moved.change.messages == 3 && moved.change.action == .moved)
        let due = try room.store.read { db in try Date.fetchAll(db, sql: "SELECT DISTINCT nextAttemptAt FROM outbox WHERE campaignId = ?", arguments: [id]) }
        #expect(due.count == 1 && due.allSatisfy { abs($0.timeIntervalSince(later)) < 1 })
        #expect(try outbox.progress(campaign: id).scheduledAt.map { abs($0.timeIntervalSince(later)) < 1 } == true)
        // A time that has passed is refused in Danish, and nothing moves.
        do {
            _ = try outbox.reschedule(campaign: id, to: Date().addingTimeInterval(-60), by: "sif@partnerskab.example")
            Issue.record("a past time was accepted")
        } catch {
            guard case .fields(let fields) = error else { Issue.record("\(error)"); return }
            #expect(fields.first?.field == "at" && fields.first?.message.contains("allerede passeret") == true)
        }
        #expect(try room.dispatch().sent == 0, "not due before its time")
        // Cancelled: the unsent rows go, nothing is sent, the campaign and its record stay.
        let cancelled = try outbox.cancelSchedule(campaign: id, by: "bo@partnerskab.example")
        #expect(cancelled.change.messages == 3)
        #expect(try room.store.read { db in try OutboxRow.filter(Column("campaignId") == id).fetchCount(db) } == 0)
        try room.store.write { db in try db.execute(sql: "UPDATE outbox SET nextAttemptAt = ?", arguments: [Date().addingTimeInterval(-1)]) }
        #expect(try room.dispatch().sent == 0)
        #expect(try maildirCount(room) == 0)
        let progress = try outbox.progress(campaign: id)
        #expect(progress.cancelledBy == "bo@partnerskab.example" && progress.cancelledAt != nil && !progress.waitingToStart)
        #expect(SendProgressText.state(progress).hasPrefix("annulleret") && progress.scheduledAt == nil)
        let history = try outbox.scheduleHistory(campaign: id)
        #expect(history.map(\.action) == [.scheduled, .moved, .cancelled])
        #expect(history.map(\.actor) == ["sif@partnerskab.example", "sif@partnerskab.example", "bo@partnerskab.example"])
        #expect(history[2].danish.contains("annulleret af bo@partnerskab.example") && history[2].danish.contains("3 beskeder fjernet"))
        #expect(try outbox.status(campaign: id).first?.cancelledAt != nil)
        #expect(try outbox.planned(edition: edition).isEmpty)
        // Cancelling again, or moving a cancelled send, is refused.
        #expect(throws: KampagneError.self) { try outbox.cancelSchedule(campaign: id, by: "x") }
        #expect(throws: KampagneError.self) { try outbox.reschedule(campaign: id, to: later, by: "x") }
        // The edition was not sent to anyone: a new send reaches all three.
        #expect(try room.send(edition).queued == 3)
    }

    @Test func aTimeMayCarrySeconds() throws {
        let minute = try #require(DanishDate.parse("04.02.2027 10:00"))
        #expect(DanishDate.parse("04.02.2027 10:00:30") == minute.addingTimeInterval(30))
        #expect(DanishDate.parse("2027-02-04T10.00.05") == minute.addingTimeInterval(5))
        #expect(DanishDate.parse("04.02.2027 10:00:60") == nil && DanishDate.parse("04.02.2027 10:00:x") == nil)
    }

    @Test func aSendThatStartedCanNoLongerBeMovedOrCancelled() throws {
        let room = try Newsroom()
        let report = try room.send(try room.edition())
        let outbox = Outbox(store: room.store)
        let id = report.campaignId
        let refusals = Mutex<[String]>([])
        let dispatcher = Dispatcher(store: room.store, configuration: room.delivery, composer: room.composer)
        let summary = try dispatcher.run(campaign: id) { progress in
            guard progress.sent == 1 else { return }
            for attempt in [{ try outbox.cancelSchedule(campaign: id, by: "x") },
                            { try outbox.reschedule(campaign: id, to: Date().addingTimeInterval(600), by: "x") }] {
                do { _ = try attempt() } catch { refusals.withLock { $0.append(KampagneError.wrap(error).message) } }
            }
        }
        let delivered = try maildirCount(room)
        #expect(summary.sent == 3 && delivered == 3, "the send went on, each once")
        let messages = refusals.withLock { $0 }
        #expect(messages.count == 2 && messages.allSatisfy { $0.contains("allerede gået i gang") })
        #expect(try outbox.scheduleHistory(campaign: id).isEmpty)
    }

    @Test func aCancelRacingTheSchedulersStartIsEitherACancelOrASend() throws {
        // The time has come; the dispatcher and a cancel start together. One transaction each:
        // either the cancel won and nothing is sent, or the send had started and the cancel is refused.
        for _ in 0..<4 {
            let room = try Newsroom()
            let report = try room.send(try room.edition(), startAt: Date().addingTimeInterval(3_600))
            try room.store.write { db in try db.execute(sql: "UPDATE outbox SET nextAttemptAt = ?", arguments: [Date().addingTimeInterval(-1)]) }
            let outbox = Outbox(store: room.store)
            let outcome = Mutex<(sent: Int, won: Bool)>((-1, false))
            let dispatcher = Dispatcher(store: room.store, configuration: room.delivery, composer: room.composer)
            DispatchQueue.concurrentPerform(iterations: 2) { side in
                if side == 0 {
                    let sent = (try? dispatcher.run(campaign: report.campaignId).sent) ?? -1
                    outcome.withLock { $0.sent = sent }
                } else {
                    let won = (try? outbox.cancelSchedule(campaign: report.campaignId, by: "x")) != nil
                    outcome.withLock { $0.won = won }
                }
            }
            let (count, won) = outcome.withLock { $0 }
            #expect(try maildirCount(room) == count, "what the run counted arrived")
            #expect(won ? count == 0 : count == 3, "cancelled: nothing sent; refused: all three sent (cancel won: \(won), sent \(count))")
        }
    }
}
