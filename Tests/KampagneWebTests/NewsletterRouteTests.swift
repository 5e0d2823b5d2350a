import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Kampagne
@testable import KampagneWeb

/// `/admin/nyhedsbreve` through the router: write, preview, check, count, confirm, send,
/// pause, and the public archive; each form with the session's token.
@Suite struct NewsletterRouteTests {
    /// The form token on `page` for the form posting to `action`.
    func token(_ page: String, _ action: String) throws -> String {
        let start = try #require(page.range(of: "action=\"\(action)\""), "a form posting to \(action)")
        let rest = page[start.upperBound...]
        let match = try #require(rest.firstMatch(of: /name="csrf" value="([^"]+)"/))
        return String(match.output.1)
    }

    func signedIn(_ client: some TestClientProtocol, _ fixture: WebFixture, role: StaffRole) async throws -> String {
        let username = "\(role.rawValue)@partnerskab.example"
        _ = try StaffAccounts(store: fixture.store, cost: 4).set(username: username, password: "hemmelig-kode-42", roles: [role])
        return try await AdminRouteTests().login(client, fixture, username)
    }

    @Test func theSecretariatWritesChecksCountsAndSendsAnEdition() async throws {
        let fixture = try WebFixture()
        try await fixture.app.test(.router) { client in
            let (get, post) = try await newsroom(fixture, client)
            let blank = try await get("/admin/nyhedsbreve/ny")
            #expect(blank.status == .ok && text(blank).contains("Skriv en emnelinje."), "the preview says what is missing")
            expectSecurityHeaders(blank, "editor")
            let csrf = try token(text(blank), "/admin/nyhedsbreve/ny")
            var fields = ["csrf": csrf, "emne": "Nyt om jobpakker", "nummer": "Nr. 15", "preheader": "Kort fortalt",
                          "tekst": "# Jobpakker virker\n\nTo ud af tre <b>kom</b> i job.\n", "handling": "artikel", "artikel": "Anden artikel"]
            // A helper button adds an article and shows it again, nothing saved.
            let added = try await post("/admin/nyhedsbreve/ny", fields)
            #expect(added.status == .ok && text(added).contains("# Anden artikel"))
            #expect(try await fixture.store.read { try EditionRecord.fetchCount($0) } == 1, "only the fixture's edition")
            // Bad text is named with its line and kept in the form.
            fields["handling"] = "gem"
            fields["tekst"] = "løs tekst før artiklen\n"
            let bad = try await post("/admin/nyhedsbreve/ny", fields)
            #expect(bad.status == .unprocessableContent && text(bad).contains("Artiklerne, linje 1: tekst før første artikel") && text(bad).contains("løs tekst før artiklen"))
            fields["tekst"] = "# Jobpakker virker\n\nTo ud af tre kom i job.\n"
            let saved = try await post("/admin/nyhedsbreve/ny", fields)
            #expect(saved.status == .seeOther)
            let location = try #require(saved.headers[.location])
            let idMatch = try #require(location.firstMatch(of: /udgave\/([0-9]+)/))
            let id = try #require(Int64(idMatch.output.1))
            #expect(try Editions(store: fixture.store).draft(id).source.contains("subject: Nyt om jobpakker"))
            let editor = try await get(location)
            #expect(text(editor).contains("Udgaven er gemt.") && text(editor).contains("srcdoc=\"&lt;!DOCTYPE html&gt;"))
            #expect(text(editor).contains("Se nyhedsbrevet i din browser: https://kampagne.example/nyhedsbrev/arkiv/\(id)"))

            // The script's live preview: the same renderer, as JSON, as a chosen contact.
            let previewPage = text(editor)
            let previewMatch = try #require(previewPage.firstMatch(of: /data-preview-csrf="([^"]+)"/))
            let previewCsrf = previewMatch.output.1
            let live = try await post("/admin/nyhedsbreve/forhaandsvisning", ["csrf": String(previewCsrf), "emne": "Nyt",
                                                                              "tekst": "# Live\n\nHej.\n", "modtager": "anna@x.example"])
            let answer = try JSONDecoder().decode([String: String].self, from: Data(buffer: live.body))
            #expect(answer["html"]?.contains("Kære Anna") == true && answer["text"]?.contains("Live") == true)
            let refused = try await post("/admin/nyhedsbreve/forhaandsvisning", ["csrf": "forkert", "tekst": "x"])
            #expect(refused.status == .forbidden)

            let check = try await get("/admin/nyhedsbreve/udgave/\(id)/kontrol")
            #expect(check.status == .ok && text(check).contains("Afmelding") == false && text(check).contains("Mailen fylder"))

            // The count before sending is the dry run of the queueing.
            let choose = try await get("/admin/nyhedsbreve/udgave/\(id)/send?liste=Nyhedsbrev&naar=nu")
            #expect(text(choose).contains("<strong id=\"audience-count\">2</strong> modtagere"))
            let confirm = try await get("/admin/nyhedsbreve/udgave/\(id)/send/bekraeft?liste=Nyhedsbrev&naar=nu")
            #expect(text(confirm).contains("<strong id=\"confirm-count\">2</strong>"))
            let sendCsrf = try token(text(confirm), "/admin/nyhedsbreve/udgave/\(id)/send")
            // A count that moved since the confirmation asks again, queues nothing.
            let moved = try await post("/admin/nyhedsbreve/udgave/\(id)/send", ["csrf": sendCsrf, "liste[]": "Nyhedsbrev", "naar": "nu",
                                                                                   "antal": "3"])
            #expect(moved.status == .ok && text(moved).contains("Antallet af modtagere har ændret sig"))
            #expect(try await fixture.store.read { try Campaign.filter(Column("editionId") == id).fetchCount($0) } == 0)
            let sent = try await post("/admin/nyhedsbreve/udgave/\(id)/send", ["csrf": sendCsrf, "liste[]": "Nyhedsbrev", "naar": "nu",
                                                                                  "antal": "2"])
            #expect(sent.status == .seeOther)
            let campaignPath = try #require(sent.headers[.location]?.split(separator: "?").first.map(String.init))
            let lastPart = try #require(campaignPath.split(separator: "/").last)
            let campaignId = try #require(Int64(lastPart))
            let progress = try await get(campaignPath + "/status.json")
            let decoded = try JSONSerialization.jsonObject(with: Data(buffer: progress.body))
            let status = try #require(decoded as? [String: Any])
            let figures = try #require(status["progress"] as? [String: Any])
            #expect(figures["total"] as? Int == 2 && figures["waiting"] as? Int == 2 && figures["finished"] as? Bool == false)
            // Pause, through the page's own form.
            let page = try await get(campaignPath)
            #expect(text(page).contains("http-equiv=\"refresh\"") && text(page).contains("anna@x.example"))
            let paused = try await post(campaignPath + "/pause", ["csrf": try token(text(page), campaignPath + "/pause")])
            #expect(paused.status == .seeOther)
            #expect(try Outbox(store: fixture.store).progress(campaign: campaignId).paused)
            let summary = try Dispatcher(store: fixture.store, configuration: fixture.site.delivery, composer: fixture.site.composer)
                .run(campaign: campaignId)
            #expect(summary.sent == 0, "a paused send sends nothing")
            let log = try await get("/admin/log")
            #expect(text(log).contains("newsletter.send") && text(log).contains("newsletter.pause"))
            // Not in the archive until it has gone out.
            #expect(try await client.execute(uri: "/nyhedsbrev/arkiv/\(id)", method: .get).status == .notFound)
        }
    }

    @Test func anOrganiserIsRefusedEveryNewsletterPage() async throws {
        let fixture = try WebFixture()
        try await fixture.app.test(.router) { client in
            let cookie = try await signedIn(client, fixture, role: .organiser)
            let id = fixture.archivedEditionId
            for path in ["/admin/nyhedsbreve", "/admin/nyhedsbreve/ny", "/admin/nyhedsbreve/udgave/\(id)", "/admin/nyhedsbreve/udgave/\(id)/kontrol",
                         "/admin/nyhedsbreve/udgave/\(id)/send?liste=Nyhedsbrev", "/admin/nyhedsbreve/udsendelse/1",
                         "/admin/nyhedsbreve/udsendelse/1/status.json", "/admin/nyhedsbreve/udsendelse/1/annuller"] {
                let response = try await client.execute(uri: path, method: .get, headers: [.cookie: cookie])
                #expect(response.status == .forbidden, "\(path)")
                #expect(!text(response).contains("laeser@kommune.example"))
            }
            let anonymous = try await client.execute(uri: "/admin/nyhedsbreve/udsendelse/1/status.json", method: .get)
            #expect(anonymous.status == .seeOther)
        }
    }

    @Test func theArchiveShowsSentEditionsWithoutPersonalData() async throws {
        let fixture = try WebFixture()
        try await fixture.app.test(.router) { client in
            let list = try await client.execute(uri: "/nyhedsbrev/arkiv", method: .get)
            #expect(list.status == .ok && text(list).contains("/nyhedsbrev/arkiv/\(fixture.archivedEditionId)"))
            let page = try await client.execute(uri: "/nyhedsbrev/arkiv/\(fixture.archivedEditionId)", method: .get)
            #expect(page.status == .ok && text(page).contains("Velkommen"))
            #expect(!text(page).contains("laeser@kommune.example") && !text(page).contains("/afmeld/"))
            #expect(try await client.execute(uri: "/nyhedsbrev/arkiv/999", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/nyhedsbrev/arkiv/x", method: .get).status == .notFound)
        }
    }

    /// A signed-in secretariat with GET and POST helpers, and two readers on "Nyhedsbrev".
    func newsroom(_ fixture: WebFixture, _ client: some TestClientProtocol) async throws
        -> (get: (String) async throws -> TestResponse, post: (String, [String: String]) async throws -> TestResponse) {
        let file = fixture.folder.appendingPathComponent("l.csv").path
        try "E-mail;Navn\nanna@x.example;Anna Ærø\nbo@x.example;Bo Øst\n".write(toFile: file, atomically: true, encoding: .utf8)
        var options = ImportOptions()
        options.lists = ["Nyhedsbrev"]
        _ = try ContactImporter(store: fixture.store).run([file], options: options)
        let cookie = try await signedIn(client, fixture, role: .secretariat)
        let get = { (uri: String) async throws -> TestResponse in try await client.execute(uri: uri, method: .get, headers: [.cookie: cookie]) }
        let post = { (uri: String, fields: [String: String]) async throws -> TestResponse in
            var headers = formHeaders
            headers[.cookie] = cookie
            return try await client.execute(uri: uri, method: .post, headers: headers, body: form(fields))
        }
        return (get, post)
    }

    @Test func aScheduledSendIsMovedAndCancelledFromItsPages() async throws {
        let fixture = try WebFixture()
        try await fixture.app.test(.router) { client in
            let (get, post) = try await newsroom(fixture, client)
            let edition = try Editions(store: fixture.store).create(source: "---\nsubject: Planlagt nyt\nnumber: 3\n---\n# A\n\nHej.\n",
                                                                    file: "web-udgave.md")
            let confirm = try await get("/admin/nyhedsbreve/udgave/\(edition)/send/bekraeft?liste=Nyhedsbrev&naar=senere&tid=04.02.2099%2010:00")
            #expect(text(confirm).contains("onsdag den 4. februar 2099 kl. 10.00"))
            let sendPath = "/admin/nyhedsbreve/udgave/\(edition)/send"
            let sent = try await post(sendPath, ["csrf": try token(text(confirm), sendPath), "liste[]": "Nyhedsbrev", "naar": "senere",
                                                 "tid": "04.02.2099 10:00", "antal": "2"])
            let location = try #require(sent.headers[.location])
            #expect(location.hasSuffix("?besked=planlagt"))
            let campaignPath = try #require(location.split(separator: "?").first.map(String.init))
            let campaignId = try #require(campaignPath.split(separator: "/").last.flatMap { Int64($0) })
            // The edition's page and the send's page show the planned time in Danish, with Flyt and Annullér.
            let editor = try await get("/admin/nyhedsbreve/udgave/\(edition)")
            #expect(text(editor).contains("onsdag den 4. februar 2099 kl. 10.00") && text(editor).contains(">Flyt</button>"))
            let page = try await get(campaignPath)
            #expect(text(page).contains("<strong class=\"planned-count\">2</strong> modtagere") && text(page).contains(campaignPath + "/annuller"))
            // A time that has passed is refused in Danish, the typed time kept; nothing moves.
            let movePath = campaignPath + "/flyt"
            let moveCsrf = try token(text(page), movePath)
            let past = try await post(movePath, ["csrf": moveCsrf, "tid": "01.01.2020 10:00"])
            #expect(past.status == .unprocessableContent && text(past).contains("er allerede passeret") && text(past).contains("value=\"01.01.2020 10:00\""))
            let nonsense = try await post(movePath, ["csrf": moveCsrf, "tid": "på fredag"])
            #expect(nonsense.status == .unprocessableContent && text(nonsense).contains("Skriv tidspunktet som"))
            let moved = try await post(movePath, ["csrf": moveCsrf, "tid": "05.03.2099 11:30"])
            #expect(moved.status == .seeOther)
            let after = try await get(campaignPath + "?besked=flyttet")
            #expect(text(after).contains("Udsendelsen er flyttet.") && text(after).contains("torsdag den 5. marts 2099 kl. 11.30"))
            #expect(text(after).contains("flyttet af secretariat@partnerskab.example"))
            // Annullér: a confirmation naming the count, then the rows go and the record stays.
            let ask = try await get(campaignPath + "/annuller")
            #expect(text(ask).contains("til 2 modtagere?") && text(ask).contains("Ja, annullér udsendelsen til 2 modtagere"))
            #expect(text(ask).contains("Tilbage uden at annullere"))
            #expect(text(try await get("/admin/nyhedsbreve")).contains("planlagt til torsdag den 5. marts 2099 kl. 11.30"))
            let cancelPath = campaignPath + "/annuller"
            #expect(try await post(cancelPath, ["csrf": "forkert"]).status == .forbidden)
            let cancelled = try await post(cancelPath, ["csrf": try token(text(ask), cancelPath)])
            #expect(cancelled.status == .seeOther)
            #expect(try await fixture.store.read { try OutboxRow.filter(Column("campaignId") == campaignId).fetchCount($0) } == 0)
            let gone = try await get(campaignPath + "?besked=annulleret")
            #expect(text(gone).contains("annulleret af secretariat@partnerskab.example") && !text(gone).contains(">Flyt</button>"))
            #expect(text(gone).contains("2 beskeder fjernet"))
            #expect(text(try await get("/admin/nyhedsbreve")).contains("annulleret"))
            let again = try await post(cancelPath, ["csrf": try token(text(ask), cancelPath)])
            #expect(again.status == .conflict && text(again).contains("blev annulleret"))
            let log = try await get("/admin/log")
            #expect(text(log).contains("newsletter.schedule") && text(log).contains("newsletter.unschedule"))
        }
    }

    @Test func aSendThatStartedIsNotMovedAndThePageSaysSo() async throws {
        let fixture = try WebFixture()
        try await fixture.app.test(.router) { client in
            let (get, post) = try await newsroom(fixture, client)
            let edition = try Editions(store: fixture.store).create(source: "---\nsubject: Snart\nnumber: 4\n---\n# A\n\nHej.\n",
                                                                    file: "web-udgave.md")
            let report = try Outbox(store: fixture.store).enqueue(kind: .newsletter, editionId: edition, audience: Audience(lists: ["Nyhedsbrev"]),
                                                                  senderDomain: "partnerskab.example", startAt: Date().addingTimeInterval(3_600))
            let path = "/admin/nyhedsbreve/udsendelse/\(report.campaignId)"
            let page = try await get(path)
            let moveCsrf = try token(text(page), path + "/flyt")
            let ask = try await get(path + "/annuller")
            let cancelCsrf = try token(text(ask), path + "/annuller")
            // The scheduler starts the send between the page and the click.
            try await fixture.store.write { db in try db.execute(sql: "UPDATE outbox SET nextAttemptAt = ?", arguments: [Date().addingTimeInterval(-1)]) }
            let summary = try Dispatcher(store: fixture.store, configuration: fixture.site.delivery, composer: fixture.site.composer)
                .run(campaign: report.campaignId)
            #expect(summary.sent == 2)
            let move = try await post(path + "/flyt", ["csrf": moveCsrf, "tid": "05.03.2099 11:30"])
            #expect(move.status == .conflict && text(move).contains("allerede gået i gang (2 af 2 sendt)"))
            let cancel = try await post(path + "/annuller", ["csrf": cancelCsrf])
            #expect(cancel.status == .conflict && text(cancel).contains("allerede gået i gang"))
            #expect(try Outbox(store: fixture.store).status(campaign: report.campaignId).first?.sent == 2, "nothing lost")
        }
    }

    @Test func theEditorSavesAnEditionOver64KBAndKeepsTextOverItsLimit() async throws {
        let fixture = try WebFixture()
        try await fixture.app.test(.router) { client in
            let (get, post) = try await newsroom(fixture, client)
            let blank = try await get("/admin/nyhedsbreve/ny")
            let csrf = try token(text(blank), "/admin/nyhedsbreve/ny")
            // About 100 KB of articles: over the 64 KB every other form keeps.
            let paragraph = "Jobcentret i Æbeltoft fortæller om et forløb, der virkede for både borgere og virksomheder.\n\n"
            let long = "# Lang artikel\n\n" + String(repeating: paragraph, count: 1_100)
            #expect(long.utf8.count > 100_000)
            let saved = try await post("/admin/nyhedsbreve/ny", ["csrf": csrf, "emne": "Langt nyt", "nummer": "5", "tekst": long, "handling": "gem"])
            #expect(saved.status == .seeOther)
            let id = try #require(saved.headers[.location]?.firstMatch(of: /udgave\/([0-9]+)/).flatMap { Int64($0.output.1) })
            #expect(try Editions(store: fixture.store).draft(id).source.contains(String(repeating: paragraph, count: 1_100)))
            // Over the editor's 1 MB: nothing saved, the size and the limit said, the text given back.
            let huge = "# Alt for lang\n\n" + String(repeating: paragraph, count: 8_000)
            let refused = try await post("/admin/nyhedsbreve/udgave/\(id)", ["csrf": try token(text(try await get("/admin/nyhedsbreve/udgave/\(id)")), "/admin/nyhedsbreve/udgave/\(id)"),
                                                                             "emne": "Langt nyt", "tekst": huge, "handling": "gem"])
            #expect(refused.status == .contentTooLarge)
            #expect(text(refused).contains("en udgave må fylde højst 1 MB") && text(refused).contains("Udgaven fylder"))
            #expect(text(refused).contains("# Alt for lang"), "what was typed is in the form again")
            #expect(try !Editions(store: fixture.store).draft(id).source.contains("Alt for lang"))
            // Other forms keep the small limit.
            let big = String(repeating: "x", count: 70 * 1024)
            let login = try await client.execute(uri: "/admin/login", method: .post, headers: formHeaders, body: form(["username": big, "password": "y"]))
            #expect(login.status != .seeOther && !text(login).contains("Du er logget ind"))
        }
    }
}
