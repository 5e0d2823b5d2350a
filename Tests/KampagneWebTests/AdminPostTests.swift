import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Kampagne
@testable import KampagneWeb

/// The staff area's POST routes through the router: status, redirect, and what they leave in
/// the database and the audit trail (the browser tests only see pages).
@Suite struct AdminPostTests {
    static let password = "hemmelig-kode-42"

    /// A fixture with one account per given role (bcrypt cost 4: fast, same code path).
    func fixture(_ accounts: [(String, StaffRole)]) throws -> WebFixture {
        let fixture = try WebFixture()
        let staff = StaffAccounts(store: fixture.store, cost: 4)
        for (name, role) in accounts { _ = try staff.set(username: name, password: Self.password, roles: [role]) }
        return fixture
    }

    func audit(_ fixture: WebFixture) throws -> [AuditEntry] {
        try fixture.store.read { db in try AuditEntry.order(Column("id")).fetchAll(db) }
    }

    func loginPost(_ client: some TestClientProtocol, _ fixture: WebFixture, _ username: String, _ password: String) async throws -> TestResponse {
        try await client.execute(uri: "/admin/login", method: .post, headers: formHeaders, body: form([
            "csrf": fixture.csrf("/admin/login"), "username": username, "password": password, "naeste": "/admin/moeder",
        ]))
    }

    /// A staff form's token: bound to the session id (the cookie's first part) and the form's path.
    func token(_ fixture: WebFixture, _ cookie: String, _ path: String) -> String {
        let session = cookie.split(separator: "=", maxSplits: 1).last.map { String($0.split(separator: ".").first ?? "") } ?? ""
        return fixture.site.forms.make(for: session + "|" + path)
    }

    @Test func loginsSucceedFailAndBackOffAndTheFailuresAreAudited() async throws {
        let fixture = try fixture([("asta@partnerskab.example", .advisor), ("ole@partnerskab.example", .organiser)])
        try await fixture.app.test(.router) { client in
            for _ in 0..<4 {
                let wrong = try await loginPost(client, fixture, "asta@partnerskab.example", "forkert-kode-123")
                #expect(wrong.status == .unauthorized && wrong.headers[.setCookie] == nil)
            }
            let unknown = try await loginPost(client, fixture, "hvem-er-jeg@kommune.example", "forkert-kode-123")
            #expect(unknown.status == .unauthorized && text(unknown).contains("Forkert brugernavn eller adgangskode"))
            let fifth = try await loginPost(client, fixture, "asta@partnerskab.example", "forkert-kode-123")
            #expect(fifth.status == .tooManyRequests && text(fifth).contains("For mange forkerte forsøg på denne konto"))
            let locked = try await loginPost(client, fixture, "asta@partnerskab.example", Self.password)
            #expect(locked.status == .tooManyRequests && locked.headers[.setCookie] == nil, "the right password waits too")
            let ok = try await loginPost(client, fixture, "ole@partnerskab.example", Self.password)
            #expect(ok.status == .seeOther && ok.headers[.location] == "/admin/moeder")
            #expect(ok.headers[.setCookie]?.hasPrefix(StaffGate.cookieName + "=") == true)
        }
        let rows = try audit(fixture)
        let asta = rows.filter { $0.object == "account:asta@partnerskab.example" }.map(\.action)
        #expect(asta == ["login.failed", "login.failed", "login.failed", "login.failed", "login.locked", "login.locked"])
        #expect(rows.filter { $0.action == "login.failed" }.allSatisfy { !$0.client.isEmpty })
        // A name that is no account: logged as an unknown attempt, without the name typed.
        let stranger = rows.filter { $0.actor == AdminPages.unknownActor }
        #expect(stranger.map(\.action) == ["login.failed"] && stranger.first?.object == "")
        #expect(rows.map(\.object) == rows.map(\.object).filter { $0.isEmpty || $0.hasPrefix("account:") })
        #expect(rows.last.map { ($0.actor, $0.action) } ?? ("", "") == ("ole@partnerskab.example", "login"))
        // Neither the password nor the unknown name is anywhere in the log.
        let everything = rows.map { [$0.actor, $0.action, $0.object, $0.summary, $0.client].joined(separator: " ") }.joined(separator: "\n")
        #expect(!everything.contains("forkert-kode") && !everything.contains(Self.password) && !everything.contains("hvem-er-jeg"))
    }

    @Test func anAdminAddsChangesResetsAndRemovesAccountsWithTheFormToken() async throws {
        let fixture = try fixture([("ada@partnerskab.example", .admin), ("ole@partnerskab.example", .organiser)])
        let accounts = StaffAccounts(store: fixture.store)
        try await fixture.app.test(.router) { client in
            let login = try await loginPost(client, fixture, "ada@partnerskab.example", Self.password)
            let cookie = try #require(login.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            func post(_ path: String, _ fields: [String: String], token: String? = nil) async throws -> TestResponse {
                var fields = fields
                fields["csrf"] = token ?? self.token(fixture, cookie, path)
                return try await client.execute(uri: path, method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                                                body: form(fields))
            }
            // Without the session's token nothing happens.
            let forged = try await post("/admin/brugere", ["username": "ny@partnerskab.example", "role-advisor": "on",
                                                           "password": Self.password], token: fixture.csrf("/admin/brugere"))
            #expect(forged.status == .forbidden)
            #expect(try accounts.find(username: "ny@partnerskab.example") == nil)

            let added = try await post("/admin/brugere", ["username": "Ny@Partnerskab.example", "role-advisor": "on", "password": Self.password])
            #expect(added.status == .seeOther && added.headers[.location] == "/admin/brugere?besked=bruger-gemt")
            let new = try #require(try accounts.find(username: "ny@partnerskab.example"))
            let id = try #require(new.id)
            #expect(try await accounts.find(id: id)?.1 == [.advisor])
            let again = try await post("/admin/brugere", ["username": "ny@partnerskab.example", "role-admin": "on", "password": Self.password])
            #expect(again.status == .unprocessableContent && text(again).contains("Der findes allerede en bruger med det navn"))
            #expect(try await accounts.find(id: id)?.1 == [.advisor], "adding an existing name changes nothing")

            let roles = try await post("/admin/brugere/\(id)/roller", ["role-secretariat": "on", "role-organiser": "on"])
            #expect(roles.status == .seeOther && roles.headers[.location] == "/admin/brugere?besked=roller-gemt")
            #expect(try await accounts.find(id: id)?.1 == [.secretariat, .organiser])

            let reset = try await post("/admin/brugere/\(id)/nulstil", [:])
            #expect(reset.status == .ok && text(reset).contains("Den nye adgangskode til ny@partnerskab.example er:"))
            #expect(try await accounts.find(id: id).map { $0.0.sessionVersion } == new.sessionVersion + 1, "every session of the account ends")

            let missing = try await post("/admin/brugere/999999/slet", [:])
            #expect(missing.status == .notFound)
            let removed = try await post("/admin/brugere/\(id)/slet", [:])
            #expect(removed.status == .seeOther && removed.headers[.location] == "/admin/brugere?besked=bruger-slettet")
            #expect(try await accounts.find(id: id) == nil)
        }
        let rows = try audit(fixture).filter { $0.object == "account:ny@partnerskab.example" }
        #expect(rows.map(\.action) == ["users.add", "users.role", "users.reset-password", "users.remove"])
        #expect(rows.allSatisfy { $0.actor == "ada@partnerskab.example" })
        #expect(rows[1].summary == "roller: organiser, secretariat" || rows[1].summary == "roller: secretariat, organiser")
    }

    @Test func theUsersListSortsByLinkAndDownloadsAsAuditedCSV() async throws {
        let fixture = try fixture([("ada@partnerskab.example", .admin), ("åse@partnerskab.example", .advisor),
                                   ("zara@partnerskab.example", .organiser), ("ærlig@partnerskab.example", .secretariat)])
        try await fixture.app.test(.router) { client in
            let login = try await loginPost(client, fixture, "ada@partnerskab.example", Self.password)
            let cookie = try #require(login.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            func order(_ page: String) -> [String] {
                ["ada@", "zara@", "ærlig@", "åse@"].sorted { (page.range(of: "<td>" + $0)?.lowerBound ?? page.endIndex) < (page.range(of: "<td>" + $1)?.lowerBound ?? page.endIndex) }
            }
            let plain = text(try await client.execute(uri: "/admin/brugere", method: .get, headers: [.cookie: cookie]))
            #expect(order(plain) == ["ada@", "zara@", "ærlig@", "åse@"], "Danish order: æ and å after z")
            #expect(plain.contains(#"aria-sort="ascending"><a class="sort" href="/admin/brugere?sort=username&amp;retning=faldende">Brugernavn"#))
            let down = text(try await client.execute(uri: "/admin/brugere?sort=username&retning=faldende", method: .get, headers: [.cookie: cookie]))
            #expect(order(down) == ["åse@", "ærlig@", "zara@", "ada@"])
            #expect(down.contains(#"aria-sort="descending""#) && down.contains("/admin/brugere.csv?sort=username&amp;retning=faldende"))
            let odd = try await client.execute(uri: "/admin/brugere?sort=passwordHash&retning=op", method: .get, headers: [.cookie: cookie])
            #expect(odd.status == .ok && order(text(odd)) == ["ada@", "zara@", "ærlig@", "åse@"], "an unknown column is the default order")

            let csv = try await client.execute(uri: "/admin/brugere.csv?sort=username&retning=faldende", method: .get, headers: [.cookie: cookie])
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
            let bytes = Array(buffer: csv.body)
            #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]), "a byte order mark for Excel")
            let lines = String(decoding: bytes.dropFirst(3), as: UTF8.self).split(separator: "\r\n").map(String.init)
            #expect(lines.first == "Brugernavn;Roller;Oprettet;Sidst logget ind;Låst til")
            #expect(lines.dropFirst().map { String($0.prefix { $0 != "@" }) } == ["åse", "ærlig", "zara", "ada"])
            #expect(!lines.joined().contains("$2"), "never a password hash")
        }
        let export = try audit(fixture).filter { $0.action == "users.export" }
        #expect(export.map(\.actor) == ["ada@partnerskab.example"] && export.first?.summary == "4 konti")
    }

    @Test func theLogSortsByColumnInDanishOrderAcrossPages() async throws {
        let fixture = try fixture([("ada@partnerskab.example", .admin)])
        for actor in ["åse@x.example", "zara@x.example", "bo@x.example", "ærø@x.example"] {
            try await fixture.store.write { db in _ = try AuditLog.record(actor: actor, action: "contacts.show", object: "", summary: "", client: "cli", in: db) }
        }
        let sorted = try AuditLog(store: fixture.store).query(AuditQuery(actor: nil, limit: 2, offset: 0, sort: .actor, descending: false))
        #expect(sorted.entries.map(\.actor) == ["bo@x.example", "zara@x.example"] && sorted.total == 4)
        let last = try AuditLog(store: fixture.store).query(AuditQuery(limit: 2, offset: 0, sort: .actor, descending: true))
        #expect(last.entries.map(\.actor) == ["åse@x.example", "ærø@x.example"])
        try await fixture.app.test(.router) { client in
            let login = try await loginPost(client, fixture, "ada@partnerskab.example", Self.password)
            let cookie = try #require(login.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            let page = text(try await client.execute(uri: "/admin/log?sort=actor&retning=stigende&hvem=", method: .get, headers: [.cookie: cookie]))
            #expect(page.contains(#"aria-sort="ascending"><a class="sort" href="/admin/log?sort=actor&amp;retning=faldende">Hvem"#))
            let positions = ["ada@", "bo@", "zara@", "ærø@", "åse@"].map { page.range(of: "<td>" + $0)?.lowerBound }
            #expect(positions.allSatisfy { $0 != nil } && positions == positions.sorted { ($0 ?? page.endIndex) < ($1 ?? page.endIndex) })
            #expect(page.contains("/admin/log.csv?sort=actor&amp;retning=stigende"), "the CSV keeps the order")
        }
    }

    @Test func theDoorChecksInWithTheTokenAndLogsIt() async throws {
        let fixture = try fixture([("ole@partnerskab.example", .organiser), ("sif@partnerskab.example", .secretariat)])
        // A meeting in an hour: the door is open.
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = DanishDate.timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        let start = Date().addingTimeInterval(3600)
        let file = fixture.folder.appendingPathComponent("snart.md").path
        try "---\ntype: temamøde\ntitel: Snart\nstart: \(formatter.string(from: start))\nslut: \(formatter.string(from: start.addingTimeInterval(7200)))\nsted: Vejle\n---\nSnart.\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let eventId = try Events(store: fixture.store, settings: fixture.site.settings).create(file: file)
        let publicId = try await fixture.store.read { db in try Event.fetchOne(db, key: eventId)?.publicId ?? "" }
        var signUp = SignUp(email: "bo@kommune.example")
        signUp.setName("Bo Ærø")
        let registration = try Registrations(store: fixture.store, settings: fixture.site.settings).register(eventId, signUp).registrationId
        @Sendable func status() throws -> RegistrationStatus? {
            try fixture.store.read { db in try Registration.fetchOne(db, key: registration)?.status }
        }
        let path = "/admin/moeder/\(publicId)/indtjek"
        try await fixture.app.test(.router) { client in
            func post(_ username: String, token: ((String) -> String)? = nil) async throws -> TestResponse {
                let login = try await loginPost(client, fixture, username, Self.password)
                let cookie = try #require(login.headers[.setCookie]?.split(separator: ";").first.map(String.init))
                return try await client.execute(uri: path, method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                                                body: form(["csrf": token?(cookie) ?? self.token(fixture, cookie, path), "registration": String(registration)]))
            }
            let forged = try await post("ole@partnerskab.example") { _ in fixture.csrf(path) }
            #expect(try status() == .registered && forged.status == .forbidden)
            let reader = try await post("sif@partnerskab.example")
            #expect(try status() == .registered && reader.status == .forbidden, "the secretariat reads the door list, no more")
            let done = try await post("ole@partnerskab.example")
            #expect(done.status == .seeOther && done.headers[.location] == "/admin/moeder/\(publicId)?besked=moedt")
            #expect(try status() == .attended)
        }
        let rows = try audit(fixture).filter { $0.action == "event.checkin" }
        #expect(rows.map(\.actor) == ["ole@partnerskab.example"] && rows.first?.object == "event:\(eventId)")
    }
}
