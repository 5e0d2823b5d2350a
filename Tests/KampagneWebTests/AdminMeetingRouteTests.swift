import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Kampagne
@testable import KampagneWeb

/// `/admin/moeder` beyond the door, through the router with a real login: the form, a
/// meeting's page, invite with the count first, cancel naming the count, the files, and the
/// public page's `kilde` reaching the registration.
@Suite struct AdminMeetingRouteTests {
    /// The form token on `page`'s form posting to `action`.
    func csrf(_ page: TestResponse, action: String) throws -> String {
        let html = text(page)
        let form = try #require(html.range(of: "action=\"\(action)\""), "a form posting to \(action)")
        let rest = html[form.upperBound...]
        let start = try #require(rest.range(of: "name=\"csrf\" value=\""))
        return String(rest[start.upperBound...].prefix { $0 != "\"" })
    }

    func staffFixture() throws -> WebFixture {
        let fixture = try WebFixture()
        let accounts = StaffAccounts(store: fixture.store, cost: 4)
        _ = try accounts.set(username: "arrangoer@partnerskab.example", password: "hemmelig-kode-42", roles: [.organiser])
        _ = try accounts.set(username: "sekretariat@partnerskab.example", password: "hemmelig-kode-42", roles: [.secretariat])
        return fixture
    }

    func eventId(_ fixture: WebFixture, _ publicId: String) throws -> Int64 {
        try fixture.store.read { db in try Event.filter(Column("publicId") == publicId).fetchOne(db)?.id ?? 0 }
    }

    @Test func organiserCreatesAMeetingWithFieldErrorsAndPreview() async throws {
        let fixture = try staffFixture()
        try await fixture.app.test(.router) { client in
            let cookie = try await AdminRouteTests().login(client, fixture, "arrangoer@partnerskab.example")
            let page = try await client.execute(uri: "/admin/moeder/nyt", method: .get, headers: [.cookie: cookie])
            #expect(page.status == .ok && text(page).contains("Nyt møde"))
            let token = try csrf(page, action: "/admin/moeder/nyt")
            var fields = ["csrf": token, "kind": "fyraftensmøde", "title": "", "start": "2027-05-04T16:00", "end": "18:00",
                          "capacity": "mange", "minimum": "10", "description": "Om **jobpakker**.", "handling": "gem"]
            var headers: HTTPFields = formHeaders
            headers[.cookie] = cookie
            let refused = try await client.execute(uri: "/admin/moeder/nyt", method: .post, headers: headers, body: form(fields))
            #expect(refused.status == .unprocessableContent)
            #expect(text(refused).contains("id=\"err-title\"") && text(refused).contains("id=\"err-capacity\""))
            #expect(text(refused).contains("Om **jobpakker**."), "the form keeps what was typed")
            fields["title"] = "Fyraftensmøde i Kolding"
            fields["capacity"] = "30"
            fields["handling"] = "vis"
            let preview = try await client.execute(uri: "/admin/moeder/nyt", method: .post, headers: headers, body: form(fields))
            #expect(preview.status == .ok && text(preview).contains("<strong>jobpakker</strong>"))
            #expect(try await fixture.store.read { db in try Event.fetchCount(db) } == 1, "a preview saves nothing")
            fields["handling"] = "gem"
            let saved = try await client.execute(uri: "/admin/moeder/nyt", method: .post, headers: headers, body: form(fields))
            #expect(saved.status == .seeOther)
            let location = try #require(saved.headers[.location])
            #expect(location.hasSuffix("/overblik?besked=oprettet"))
            let shown = try await client.execute(uri: location, method: .get, headers: [.cookie: cookie])
            #expect(shown.status == .ok && text(shown).contains("Fyraftensmøde i Kolding") && text(shown).contains("Mødet er oprettet."))
            let audit = try await fixture.store.read { db in try String.fetchAll(db, sql: "SELECT action FROM auditLog") }
            #expect(audit.contains("event.create") && audit.contains("event.participants.view"))
            // Edit: the form comes back filled in, and saves through `Events.update`.
            let publicId = String(location.dropFirst("/admin/moeder/".count).prefix { $0 != "/" })
            let edit = try await client.execute(uri: "/admin/moeder/\(publicId)/ret", method: .get, headers: [.cookie: cookie])
            #expect(text(edit).contains("value=\"Fyraftensmøde i Kolding\"") && text(edit).contains("value=\"2027-05-04T16:00\""))
            fields["csrf"] = try csrf(edit, action: "/admin/moeder/\(publicId)/ret")
            fields["capacity"] = "35"
            let updated = try await client.execute(uri: "/admin/moeder/\(publicId)/ret", method: .post, headers: headers, body: form(fields))
            #expect(updated.status == .seeOther)
            #expect(try Events(store: fixture.store, settings: fixture.site.settings).show(try eventId(fixture, publicId)).capacity == 35)
        }
    }

    @Test func inviteCountsFirstAndCancelNamesTheCount() async throws {
        let fixture = try staffFixture()
        try await fixture.store.write { db in
            for email in ["a@kommune.example", "b@kommune.example"] {
                var contact = Contact(address: try EmailAddress(parsing: email), firstName: "", lastName: "", organisation: "",
                                      municipality: nil, at: Date())
                try contact.insert(db)
            }
        }
        _ = try MailingLists(store: fixture.store).create("Inviterede")
        _ = try MailingLists(store: fixture.store).add(["a@kommune.example", "b@kommune.example", "eva@kommune.example"],
                                                       to: "Inviterede", consent: .legitimateInterest, source: "test")
        let base = "/admin/moeder/\(fixture.publicId)"
        let id = try eventId(fixture, fixture.publicId)
        try await fixture.app.test(.router) { client in
            let cookie = try await AdminRouteTests().login(client, fixture, "arrangoer@partnerskab.example")
            var headers: HTTPFields = formHeaders
            headers[.cookie] = cookie
            let page = try await client.execute(uri: base + "/inviter", method: .get, headers: [.cookie: cookie])
            let counted = try await client.execute(uri: base + "/inviter", method: .post, headers: headers, body: form([
                "csrf": try csrf(page, action: base + "/inviter"), "trin": "tael", "lists": "Inviterede",
            ]))
            #expect(counted.status == .ok)
            #expect(text(counted).contains("Invitationen sendes til 2 personer (1 er allerede tilmeldt"))
            let invitations = { try fixture.store.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox o JOIN campaign c ON c.id = o.campaignId WHERE c.kind = 'invitation'") ?? 0
            } }
            #expect(try invitations() == 0, "counting queues nothing")
            let sent = try await client.execute(uri: base + "/inviter", method: .post, headers: headers, body: form([
                "csrf": try csrf(counted, action: base + "/inviter"), "trin": "send", "lists": "Inviterede",
            ]))
            #expect(sent.status == .seeOther && sent.headers[.location]?.hasSuffix("besked=inviteret") == true)
            #expect(try invitations() == 2)

            let cancelPage = try await client.execute(uri: base + "/aflys", method: .get, headers: [.cookie: cookie])
            #expect(text(cancelPage).contains("Aflysningen sendes til 1 person"))
            let token = try csrf(cancelPage, action: base + "/aflys")
            let noReason = try await client.execute(uri: base + "/aflys", method: .post, headers: headers, body: form(["csrf": token, "reason": " "]))
            #expect(noReason.status == .unprocessableContent && text(noReason).contains("Skriv en begrundelse"))
            let cancelled = try await client.execute(uri: base + "/aflys", method: .post, headers: headers,
                                                     body: form(["csrf": token, "reason": "For få tilmeldte"]))
            #expect(cancelled.status == .seeOther)
            #expect(try Events(store: fixture.store, settings: fixture.site.settings).show(id).status == .cancelled)
        }
    }

    @Test func secretariatReadsButCannotChange() async throws {
        let fixture = try staffFixture()
        let base = "/admin/moeder/\(fixture.publicId)"
        try await fixture.app.test(.router) { client in
            let cookie = try await AdminRouteTests().login(client, fixture, "sekretariat@partnerskab.example")
            let page = try await client.execute(uri: base + "/overblik", method: .get, headers: [.cookie: cookie])
            #expect(page.status == .ok && text(page).contains("Eva Ørsted") && !text(page).contains(base + "/aflys"))
            for path in ["/aflys", "/inviter", "/besked", "/ret"] {
                let response = try await client.execute(uri: base + path, method: .get, headers: [.cookie: cookie])
                #expect(response.status == .forbidden, "secretariat GET \(path)")
            }
            var headers: HTTPFields = formHeaders
            headers[.cookie] = cookie
            let post = try await client.execute(uri: base + "/aflys", method: .post, headers: headers, body: form(["reason": "x"]))
            #expect(post.status == .forbidden)
            let list = try await client.execute(uri: base + "/deltagerliste", method: .get, headers: [.cookie: cookie])
            #expect(list.status == .ok && text(list).contains("Deltagerliste") && text(list).contains("Eva Ørsted"))
            let csv = try await client.execute(uri: base + "/tilmeldte.csv", method: .get, headers: [.cookie: cookie])
            #expect(csv.status == .ok && Array(csv.body.readableBytesView.prefix(3)) == [0xEF, 0xBB, 0xBF])
            #expect(text(csv).contains("Eva Ørsted"))
        }
    }

    @Test func aTaggedLinkRecordsItsSource() async throws {
        let fixture = try staffFixture()
        let path = PublicPath.meeting.path(fixture.publicId)
        try await fixture.app.test(.router) { client in
            let plain = try await client.execute(uri: path, method: .get)
            #expect(plain.status == .ok && !text(plain).contains("name=\"kilde\"") && !text(plain).contains("MARKER"))
            let renders = fixture.site.meetingPages.renders
            let tagged = try await client.execute(uri: path + "?kilde=nyhedsbrev-12", method: .get)
            #expect(text(tagged).contains("<input type=\"hidden\" name=\"kilde\" value=\"nyhedsbrev-12\">"))
            let hostile = try await client.execute(uri: path + "?kilde=%3Cscript%3E", method: .get)
            #expect(hostile.status == .ok && !text(hostile).contains("name=\"kilde\"") && !text(hostile).contains("<script>"))
            let other = try await client.execute(uri: path + "?kilde=plakat-aarhus", method: .get)
            #expect(text(other).contains("name=\"kilde\" value=\"plakat-aarhus\"") && !text(other).contains("nyhedsbrev-12"))
            #expect(fixture.site.meetingPages.renders == renders, "tagged views are served from the cached page")
            // The same page but for the splice: the tag and the token are all that differ.
            func spliced(_ response: TestResponse) throws -> String {
                try text(response).replacingOccurrences(of: self.csrf(response, action: path), with: "")
                    .replacingOccurrences(of: "<input type=\"hidden\" name=\"kilde\" value=\"nyhedsbrev-12\">", with: "")
            }
            #expect(try spliced(tagged) == spliced(plain))
            let csrf = try csrf(tagged, action: path)
            let signUp = try await client.execute(uri: path, method: .post, headers: formHeaders, body: form([
                "csrf": csrf, "name": "Nina Nyhed", "email": "nina@kommune.example", "kilde": "nyhedsbrev-12",
            ]))
            #expect(signUp.status == .ok)
            let origin = try await fixture.store.read { db in
                try String.fetchOne(db, sql: """
                    SELECT r.origin FROM registration r JOIN contact c ON c.id = r.contactId WHERE c.emailKey = 'nina@kommune.example'
                    """)
            }
            #expect(origin == "nyhedsbrev-12")
            let cookie = try await AdminRouteTests().login(client, fixture, "arrangoer@partnerskab.example")
            let page = try await client.execute(uri: "/admin/moeder/\(fixture.publicId)/overblik", method: .get, headers: [.cookie: cookie])
            #expect(text(page).contains("data-key=\"nyhedsbrev-12\""))
        }
    }
}
