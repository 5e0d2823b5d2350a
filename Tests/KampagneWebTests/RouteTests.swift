import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Kampagne
@testable import KampagneWeb

private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A real database in a temporary folder, a meeting with a sign-up, a pending subscription and
/// a story out for review: something behind every public path.
final class WebFixture: Sendable {
    let folder: URL
    let store: Store
    let site: Site
    let publicId: String
    let registrationId: Int64
    let outboxRowId: Int64
    let subscriptionId: Int64
    let reviewId: Int64
    /// An edition sent to one reader, so its archive page is public.
    let archivedEditionId: Int64

    init(postsPerMinute: Int = 1000) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kampagne-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try Store(path: folder.appendingPathComponent("kampagne.sqlite").path)
        var config = KampagneConfig()
        config.templates = .init(path: repository.appendingPathComponent("Templates").path)
        config.maildir = .init(path: folder.appendingPathComponent("maildir").path)
        var web = KampagneConfig.Web()
        web.baseURL = "https://kampagne.example"
        web.postsPerMinute = postsPerMinute
        config.web = web
        // SpamAssassin takes half a minute to start; its check has a test of its own.
        config.newsletter = KampagneConfig.Newsletter(linkDomains: ["example.org"], subjectMax: nil, spamassassin: "/findes/ikke")
        let delivery = try DeliveryConfiguration(config: config, configPath: folder.appendingPathComponent("kampagne.toml").path)
        site = try Site(store: store, config: config, delivery: delivery)

        let start = Date().addingTimeInterval(20 * 86_400)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = DanishDate.timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        let file = folder.appendingPathComponent("moede.md").path
        try """
        ---
        type: temamøde
        titel: Temamøde om jobpakker
        start: \(formatter.string(from: start))
        slut: \(formatter.string(from: start.addingTimeInterval(7200)))
        sted: Jobcenter Vejle
        pladser: 5
        spørgsmål: kost | Ønsker til maden? | valg: ingen, vegetar
        ---
        Vi mødes om **jobpakker**.
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let eventId = try Events(store: store, settings: site.settings).create(file: file)
        publicId = try store.read { db in try Event.fetchOne(db, key: eventId)?.publicId ?? "" }
        var signUp = SignUp(email: "eva@kommune.example")
        signUp.setName("Eva Ørsted")
        registrationId = try Registrations(store: store, settings: site.settings).register(eventId, signUp).registrationId
        outboxRowId = try store.read { db in try OutboxRow.fetchOne(db)?.id ?? 0 }
        _ = try MailingLists(store: store).create("Nyhedsbrev")
        subscriptionId = try Subscriptions(store: store).request(
            email: "ny@kommune.example", name: "Ny Læser", organisation: "", municipality: "", list: "Nyhedsbrev",
            wording: "Ja tak", sourcePage: "https://kampagne.example/nyhedsbrev", senderDomain: "partnerskab.example")
        let stories = Stories(store: store)
        let story = try stories.importFile(repository.appendingPathComponent("examples/historie-hotel-fjordlys.md").path)
        reviewId = try StoryReviews(store: store, senderDomain: "partnerskab.example")
            .request(story, to: ["jens@fjordlys.example"]).first?.reviewId ?? 0
        archivedEditionId = try Editions(store: store).create(source: "---\nsubject: Nr. 1\nnumber: Nr. 1\n---\n# Velkommen\n\nHej.\n",
                                                              file: "udgave.md")
        let sent = try Outbox(store: store).enqueue(kind: .newsletter, editionId: archivedEditionId,
                                                    audience: Audience(addresses: ["laeser@kommune.example"]), senderDomain: "partnerskab.example")
        _ = try Dispatcher(store: store, configuration: delivery, composer: site.composer).run(campaign: sent.campaignId)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func token(_ scope: LinkToken.Scope, _ subject: Int64) -> String {
        LinkToken(scope: scope, subject: subject).encoded(with: site.links.secret)
    }

    /// A path that leads somewhere real for each public path.
    func sample(_ path: PublicPath) -> String {
        switch path {
        case .meeting: path.path(publicId)
        case .subscribe: path.path()
        case .cancelRegistration, .acceptOffer, .declineOffer, .calendar:
            path.path(token(path.scope ?? .calendar, registrationId))
        case .unsubscribe: path.path(token(.unsubscribe, outboxRowId))
        case .confirmSubscription: path.path(token(.subscription, subscriptionId))
        case .storyReview: path.path(token(.review, reviewId))
        case .archive: path.path()
        case .archivedEdition: path.path(String(archivedEditionId))
        }
    }

    var app: some ApplicationProtocol { Application(router: buildRouter(site)) }

    func csrf(_ path: String) -> String { site.forms.make(for: path) }
}

func form(_ fields: [String: String]) -> ByteBuffer {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    let text = fields.sorted { $0.key < $1.key }.map { key, value in
        "\(key.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
    }.joined(separator: "&")
    return ByteBuffer(string: text)
}

let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

func expectSecurityHeaders(_ response: TestResponse, _ what: String) {
    #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true, "\(what): CSP")
    #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(what): nosniff")
    #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(what): X-Frame-Options")
    #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer", "\(what): Referrer-Policy")
    // The public address is https: HSTS on everything.
    #expect(response.headers[.strictTransportSecurity] == "max-age=31536000", "\(what): HSTS")
}

func text(_ response: TestResponse) -> String { String(buffer: response.body) }

@Suite struct PublicPathTests {
    @Test func everyPublicPathHasARouteForGET() async throws {
        let fixture = try WebFixture()
        try await fixture.app.test(.router) { client in
            for path in PublicPath.allCases {
                let response = try await client.execute(uri: fixture.sample(path), method: .get)
                #expect(response.status == .ok, "\(path.route) answers \(response.status)")
                expectSecurityHeaders(response, path.route)
            }
        }
    }

    @Test func everyPostablePublicPathRefusesAPostWithoutItsFormToken() async throws {
        let fixture = try WebFixture()
        try await fixture.app.test(.router) { client in
            // The calendar file and the archive are read-only pages.
            for path in PublicPath.allCases where ![.calendar, .archive, .archivedEdition].contains(path) {
                let response = try await client.execute(uri: fixture.sample(path), method: .post, headers: formHeaders,
                                                        body: form(["name": "Eva", "email": "eva@kommune.example"]))
                #expect(response.status == .forbidden, "\(path.route) without csrf: \(response.status)")
                expectSecurityHeaders(response, "POST " + path.route)
            }
        }
    }

    @Test func mailedLinksUseThePublicPaths() {
        #expect(PublicPath.meeting.url(base: "https://k.example", "ab12") == "https://k.example/moede/ab12")
        #expect(PublicPath.cancelRegistration.path("t") == "/tilmelding/afmeld/t")
        #expect(PublicPath.subscribe.path("ignored") == "/nyhedsbrev")
        #expect(PublicPath.meeting.parameter == "id" && PublicPath.storyReview.parameter == "token")
        #expect(PublicPath.subscribe.parameter == nil)
    }
}

@Suite struct RouteTests {
    @Test func errorsAndHEADCarryTheSecurityHeaders() async throws {
        let fixture = try WebFixture()
        try await fixture.app.test(.router) { client in
            let missing = try await client.execute(uri: "/findes-ikke", method: .get)
            #expect(missing.status == .notFound)
            #expect(text(missing).contains("Siden findes ikke"))
            expectSecurityHeaders(missing, "404")
            let head = try await client.execute(uri: PublicPath.meeting.path(fixture.publicId), method: .head)
            #expect(head.status == .ok)
            #expect(head.body.readableBytes == 0)
            expectSecurityHeaders(head, "HEAD")
            let headMissing = try await client.execute(uri: "/findes-ikke", method: .head)
            #expect(headMissing.status == .notFound)
            expectSecurityHeaders(headMissing, "HEAD 404")
            let wrongMethod = try await client.execute(uri: "/", method: .delete)
            expectSecurityHeaders(wrongMethod, "DELETE")
            let huge = try await client.execute(uri: PublicPath.subscribe.path(), method: .post, headers: formHeaders,
                                                body: ByteBuffer(string: "email=" + String(repeating: "a", count: 100_000)))
            #expect(huge.status == .contentTooLarge)
            expectSecurityHeaders(huge, "413")
        }
    }

    @Test func homeAndScript() async throws {
        let fixture = try WebFixture()
        try await fixture.app.test(.router) { client in
            let home = try await client.execute(uri: "/", method: .get)
            #expect(home.status == .ok)
            expectSecurityHeaders(home, "/")
            let script = try await client.execute(uri: "/static/indtjek.js", method: .get)
            #expect(script.status == .ok && text(script).contains("data-search"))
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            expectSecurityHeaders(script, "script")
        }
    }

    @Test func meetingPageAndSignUp() async throws {
        let fixture = try WebFixture()
        let path = PublicPath.meeting.path(fixture.publicId)
        try await fixture.app.test(.router) { client in
            let page = try await client.execute(uri: path, method: .get)
            #expect(page.status == .ok)
            #expect(text(page).contains("Temamøde om jobpakker") && text(page).contains("<strong>jobpakker</strong>"))
            let unknown = try await client.execute(uri: PublicPath.meeting.path("ukendt"), method: .get)
            #expect(unknown.status == .notFound)
            let done = try await client.execute(uri: path, method: .post, headers: formHeaders, body: form([
                "csrf": fixture.csrf(path), "name": "Anne Holm", "email": "anne@kommune.example",
                "organisation": "Jobcenter Vejle", "municipality": "Vejle", "q-kost": "vegetar",
            ]))
            #expect(done.status == .ok && text(done).contains("Tak for din tilmelding"))
            expectSecurityHeaders(done, "sign-up")
        }
        let answers = try await fixture.store.read { db in
            try Registration.fetchAll(db).map(\.answers)
        }
        #expect(answers.contains(["kost": "vegetar"]))
    }

    @Test func signUpShowsFieldErrorsNextToTheirFieldsAndKeepsWhatWasTyped() async throws {
        let fixture = try WebFixture()
        let path = PublicPath.meeting.path(fixture.publicId)
        try await fixture.app.test(.router) { client in
            let response = try await client.execute(uri: path, method: .post, headers: formHeaders, body: form([
                "csrf": fixture.csrf(path), "name": "Ulla\r\nBcc: x@y.example", "email": "ikke-en-adresse",
                "organisation": String(repeating: "o", count: InputLimits.organisation + 1), "municipality": "Atlantis",
                "q-kost": "pizza",
            ]))
            #expect(response.status == .unprocessableContent)
            let page = text(response)
            #expect(page.contains("Det ligner ikke en e-mailadresse"))
            #expect(page.contains("Vælg en kommune fra listen") && page.contains("Vælg et af svarene"))
            #expect(page.contains(InputLimits.tooLong(InputLimits.organisation)))
            // What was typed stays in the form, on one line.
            #expect(page.contains("value=\"ikke-en-adresse\"") && page.contains("value=\"Ulla Bcc: x@y.example\""))
        }
    }

    @Test func personalLinksAndTheCalendar() async throws {
        let fixture = try WebFixture()
        let cancel = fixture.sample(.cancelRegistration)
        try await fixture.app.test(.router) { client in
            let page = try await client.execute(uri: cancel, method: .get)
            #expect(page.status == .ok && text(page).contains("Afmeld tilmelding"))
            // A link of another scope is not this one.
            let wrong = try await client.execute(uri: PublicPath.cancelRegistration.path(fixture.token(.calendar, fixture.registrationId)), method: .get)
            #expect(wrong.status == .notFound)
            let calendar = try await client.execute(uri: fixture.sample(.calendar), method: .get)
            #expect(calendar.status == .ok && text(calendar).contains("BEGIN:VCALENDAR"))
            #expect(calendar.headers[.contentType] == "text/calendar; charset=utf-8")
            expectSecurityHeaders(calendar, "calendar")
            let done = try await client.execute(uri: cancel, method: .post, headers: formHeaders, body: form(["csrf": fixture.csrf(cancel)]))
            #expect(done.status == .ok && text(done).contains("Du er afmeldt"))
        }
        let status = try await fixture.store.read { db in try Registration.fetchOne(db, key: fixture.registrationId)?.status }
        #expect(status == .cancelled)
    }

    @Test func unsubscribeByFormAndByOneClick() async throws {
        let fixture = try WebFixture()
        let path = fixture.sample(.unsubscribe)
        try await fixture.app.test(.router) { client in
            let page = try await client.execute(uri: path, method: .get)
            #expect(page.status == .ok && text(page).contains("eva@kommune.example"))
            let oneClick = try await client.execute(uri: path, method: .post, headers: formHeaders, body: ByteBuffer(string: "List-Unsubscribe=One-Click"))
            #expect(oneClick.status == .ok && text(oneClick) == "Afmeldt\n")
            expectSecurityHeaders(oneClick, "one-click")
        }
        let suppressed = try await fixture.store.read { db in try SuppressionList(db: db).contains("eva@kommune.example") }
        #expect(suppressed)
    }

    @Test func newsletterSubscribeAndConfirm() async throws {
        let fixture = try WebFixture()
        try await fixture.app.test(.router) { client in
            let page = try await client.execute(uri: PublicPath.subscribe.path(), method: .get)
            #expect(page.status == .ok && text(page).contains("Nyhedsbrev"))
            let bad = try await client.execute(uri: PublicPath.subscribe.path(), method: .post, headers: formHeaders, body: form([
                "csrf": fixture.csrf(PublicPath.subscribe.path()), "email": "ikke en adresse", "name": "Karl",
            ]))
            #expect(bad.status == .unprocessableContent && text(bad).contains("value=\"Karl\""))
            let ok = try await client.execute(uri: PublicPath.subscribe.path(), method: .post, headers: formHeaders, body: form([
                "csrf": fixture.csrf(PublicPath.subscribe.path()), "email": "karl@kommune.example", "name": "Karl Nielsen",
            ]))
            #expect(ok.status == .ok && text(ok).contains("Tjek din mail"))
            let confirm = fixture.sample(.confirmSubscription)
            let button = try await client.execute(uri: confirm, method: .get)
            #expect(button.status == .ok && text(button).contains("Bekræft tilmeldingen"))
            let done = try await client.execute(uri: confirm, method: .post, headers: formHeaders, body: form(["csrf": fixture.csrf(confirm)]))
            #expect(done.status == .ok && text(done).contains("står nu på listen"))
        }
    }

    @Test func storyReviewPageAndAnswer() async throws {
        let fixture = try WebFixture()
        let path = fixture.sample(.storyReview)
        try await fixture.app.test(.router) { client in
            let page = try await client.execute(uri: path, method: .get)
            #expect(page.status == .ok && text(page).contains("Fjordlys"))
            #expect(page.headers[.cacheControl] == "private, no-store")
            let answer = try await client.execute(uri: path, method: .post, headers: formHeaders, body: form([
                "csrf": fixture.csrf(path), "action": "comment", "comment": "Ret citatet, tak.",
            ]))
            #expect(answer.status == .ok && text(answer).contains("Din kommentar er sendt"))
        }
    }

    @Test func staffPagesNeedALoginAndOldOrganiserLinksMove() async throws {
        let fixture = try WebFixture()
        try await fixture.app.test(.router) { client in
            let old = try await client.execute(uri: "/arrangor", method: .get)
            #expect(old.status == .permanentRedirect && old.headers[.location] == "/admin/moeder")
            expectSecurityHeaders(old, "/arrangor")
            let oldDoor = try await client.execute(uri: "/arrangor/moede/\(fixture.publicId)", method: .get)
            #expect(oldDoor.status == .permanentRedirect && oldDoor.headers[.location] == "/admin/moeder/\(fixture.publicId)")
            for path in ["/admin", "/admin/moeder", "/admin/moeder/\(fixture.publicId)", "/admin/log", "/admin/brugere"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .seeOther, "\(path) without a login")
                #expect(response.headers[.location]?.hasPrefix("/admin/login") == true, "\(path) goes to the login page")
                expectSecurityHeaders(response, path)
            }
            // A bookmarked page comes back with its query after the login.
            let bookmarked = try await client.execute(uri: "/admin/rapport?fra=2027-01-01&til=2027-06-30", method: .get)
            #expect(bookmarked.headers[.location] == "/admin/login?naeste=/admin/rapport%3Ffra%3D2027-01-01%26til%3D2027-06-30")
            let login = try await client.execute(uri: "/admin/login", method: .get)
            #expect(login.status == .ok && text(login).contains("csrf"))
            let forged = try await client.execute(uri: "/admin/login", method: .post, headers: formHeaders,
                                                  body: form(["username": "sara", "password": "forkert"]))
            #expect(forged.status == .forbidden, "a login without the form's token")
            let wrong = try await client.execute(uri: "/admin/login", method: .post, headers: formHeaders,
                                                 body: form(["csrf": fixture.csrf("/admin/login"), "username": "sara@partnerskab.example",
                                                             "password": "forkert"]))
            #expect(wrong.status == .unauthorized && text(wrong).contains("Forkert brugernavn eller adgangskode"))
            for post in ["/admin/moeder/\(fixture.publicId)/indtjek", "/admin/moeder/\(fixture.publicId)/ved-doeren"] {
                let response = try await client.execute(uri: post, method: .post, headers: formHeaders, body: form(["registration": "1"]))
                #expect(response.status == .seeOther && response.headers[.location]?.hasPrefix("/admin/login") == true,
                        "\(post) without a login")
            }
        }
    }

    @Test func postsAreRateLimitedPerClient() async throws {
        let fixture = try WebFixture(postsPerMinute: 3)
        try await fixture.app.test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<5 {
                let response = try await client.execute(uri: PublicPath.subscribe.path(), method: .post, headers: formHeaders,
                                                        body: form(["email": "a@b.example"]))
                statuses.append(response.status)
            }
            #expect(statuses.prefix(3).allSatisfy { $0 == .forbidden })
            #expect(statuses.suffix(2).allSatisfy { $0 == .tooManyRequests })
        }
    }

    /// A sign-up POST checks the rate limit and the form's token before it reads the meeting:
    /// a forged form to a meeting that does not exist is refused as forged (403), not looked up
    /// (404), and a flood to unknown meetings is counted like one to a real meeting.
    @Test func signUpChecksTheRateLimitAndTheTokenBeforeTheMeeting() async throws {
        let fixture = try WebFixture(postsPerMinute: 3)
        let unknown = PublicPath.meeting.path("findes-ikke")
        try await fixture.app.test(.router) { client in
            let forged = try await client.execute(uri: unknown, method: .post, headers: formHeaders,
                                                  body: form(["name": "Eva", "email": "eva@kommune.example"]))
            #expect(forged.status == .forbidden)
            // A token made for this path (as its page would have shown) reaches the lookup: 404.
            let signed = try await client.execute(uri: unknown, method: .post, headers: formHeaders,
                                                  body: form(["csrf": fixture.csrf(unknown), "name": "Eva", "email": "eva@kommune.example"]))
            #expect(signed.status == .notFound)
            _ = try await client.execute(uri: unknown, method: .post, headers: formHeaders, body: form(["name": "Eva"]))
            // The fourth POST of the minute is over the limit, whichever meeting it names.
            let real = PublicPath.meeting.path(fixture.publicId)
            let limited = try await client.execute(uri: real, method: .post, headers: formHeaders, body: form([
                "csrf": fixture.csrf(real), "name": "Anne Holm", "email": "anne@kommune.example",
            ]))
            #expect(limited.status == .tooManyRequests)
        }
    }

    @Test func aBodyThatIsNotAFormIsA400WithHeaders() async throws {
        let fixture = try WebFixture()
        let path = PublicPath.meeting.path(fixture.publicId)
        try await fixture.app.test(.router) { client in
            let response = try await client.execute(uri: path, method: .post, headers: formHeaders, body: ByteBuffer(string: "a[=%zz&&=="))
            #expect(response.status == .badRequest)
            expectSecurityHeaders(response, "400")
        }
    }
}

@Suite struct SchedulerTests {
    @Test func aTickRecordsItsTime() async throws {
        let fixture = try WebFixture()
        var config = KampagneConfig()
        config.templates = .init(path: repository.appendingPathComponent("Templates").path)
        config.maildir = .init(path: fixture.folder.appendingPathComponent("maildir").path)
        let delivery = try DeliveryConfiguration(config: config, configPath: fixture.folder.appendingPathComponent("kampagne.toml").path)
        let scheduler = try Scheduler(store: fixture.store, configuration: delivery, settings: fixture.site.settings)
        let before = Date().addingTimeInterval(-1)
        await scheduler.tick(Scheduler.CurrentRun())
        let at = try #require(try RunMarker.scheduler.lastRun(in: fixture.store))
        #expect(at >= before)
        // The tick sent what was queued (the confirmation, the subscription mail, the review request).
        let waiting = try await fixture.store.read { db in
            try OutboxRow.filter(Column("state") == OutboxState.queued.rawValue).fetchCount(db)
        }
        #expect(waiting == 0)
    }
}

/// The staff area through the router: a real login per role, and the sections each role may
/// open or is refused, as STAFF-AREA.md's table says.
@Suite struct AdminRouteTests {
    func login(_ client: some TestClientProtocol, _ fixture: WebFixture, _ username: String) async throws -> String {
        let response = try await client.execute(uri: "/admin/login", method: .post, headers: formHeaders, body: form([
            "csrf": fixture.csrf("/admin/login"), "username": username, "password": "hemmelig-kode-42", "naeste": "/admin",
        ]))
        #expect(response.status == .seeOther, "login as \(username)")
        let cookie = try #require(response.headers[.setCookie]?.split(separator: ";").first.map(String.init))
        #expect(response.headers[.setCookie]?.contains("HttpOnly") == true && response.headers[.setCookie]?.contains("SameSite") == true)
        return cookie
    }

    @Test func eachRoleOpensItsSectionsAndIsRefusedTheRest() async throws {
        let fixture = try WebFixture()
        let accounts = StaffAccounts(store: fixture.store, cost: 4)
        for (name, role) in [("admin", StaffRole.admin), ("sekretariat", .secretariat), ("arrangoer", .organiser), ("raadgiver", .advisor)] {
            _ = try accounts.set(username: "\(name)@partnerskab.example", password: "hemmelig-kode-42", roles: [role])
        }
        // From the staff area's table: Y (read or write) or - (a 403 page without the data).
        let table: [(String, [String: Bool])] = [
            ("admin", ["/admin/kontakter": true, "/admin/moeder": true, "/admin/historier": true, "/admin/brugere": true]),
            ("sekretariat", ["/admin/kontakter": true, "/admin/nyhedsbreve": true, "/admin/moeder": true, "/admin/brugere": false]),
            ("arrangoer", ["/admin/moeder": true, "/admin/kontakter": false, "/admin/nyhedsbreve": false, "/admin/historier": false,
                           "/admin/brugere": false]),
            ("raadgiver", ["/admin/historier": true, "/admin/rapport": true, "/admin/kontakter": false, "/admin/moeder": false]),
        ]
        try await fixture.app.test(.router) { client in
            for (name, sections) in table {
                let cookie = try await login(client, fixture, "\(name)@partnerskab.example")
                for (path, allowed) in sections {
                    let response = try await client.execute(uri: path, method: .get, headers: [.cookie: cookie])
                    expectSecurityHeaders(response, path)
                    if allowed {
                        #expect(response.status == .ok, "\(name) opens \(path)")
                    } else {
                        #expect(response.status == .forbidden, "\(name) is refused \(path)")
                        #expect(!text(response).contains("eva@kommune.example") && !text(response).contains("ny@kommune.example"),
                                "\(name): the refusal of \(path) shows no personal data")
                    }
                }
            }
            // A tampered cookie is no session.
            let cookie = try await login(client, fixture, "admin@partnerskab.example")
            let tampered = String(cookie.dropLast()) + (cookie.hasSuffix("A") ? "B" : "A")
            let refused = try await client.execute(uri: "/admin/brugere", method: .get, headers: [.cookie: tampered])
            #expect(refused.status == .seeOther && refused.headers[.location]?.hasPrefix("/admin/login") == true)
        }
    }
}
