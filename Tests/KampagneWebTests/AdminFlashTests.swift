import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Kampagne
@testable import KampagneWeb

/// The staff area's one flash mechanism (`AdminPages.flash`: the section's fixed texts, then
/// the shared ones) and its one "form expired" page (`AdminPages.expired`).
@Suite struct AdminFlashTests {
    /// `body` with a client signed in as an admin (who opens every section) and its cookie.
    func asAdmin(_ body: @escaping @Sendable (WebFixture, any TestClientProtocol, String) async throws -> Void) async throws {
        let fixture = try WebFixture()
        _ = try StaffAccounts(store: fixture.store, cost: 4)
            .set(username: "admin@partnerskab.example", password: "hemmelig-kode-42", roles: [.admin])
        try await fixture.app.test(.router) { client in
            try await body(fixture, client, try await AdminRouteTests().login(client, fixture, "admin@partnerskab.example"))
        }
    }

    @Test func eachSectionShowsItsOwnFlashAndNoOtherWords() async throws {
        try await asAdmin { fixture, client, cookie in
            func page(_ path: String) async throws -> String {
                text(try await client.execute(uri: path, method: .get, headers: [.cookie: cookie]))
            }
            let shown: [(String, String)] = [
                ("/admin/moeder?besked=oprettet", "Mødet er oprettet."),
                ("/admin/moeder/\(fixture.publicId)/overblik?besked=aflyst", "Mødet er aflyst, og de berørte får besked."),
                ("/admin/moeder/\(fixture.publicId)?besked=moedt", "Personen er tjekket ind."),
                ("/admin/historier?besked=historie-oprettet", "Historien er oprettet."),
                ("/admin/rapport?besked=aktivitet-gemt", "Aktiviteten er gemt."),
                ("/admin/brugere?besked=bruger-gemt", "Brugeren er gemt."),
                ("/admin/kontakter?besked=kontakt-gemt", "Kontakten er gemt."),
            ]
            for (path, flash) in shown {
                let html = try await page(path)
                #expect(html.contains("class=\"flash\"") && html.contains(flash), "\(path) shows «\(flash)»")
            }
            // Another section's key, or words of the link's own, show nothing.
            for path in ["/admin/rapport?besked=historie-oprettet", "/admin/historier?besked=%3Cb%3Ehej%3C/b%3E",
                         "/admin/moeder?besked=aktivitet-gemt"] {
                #expect(!(try await page(path)).contains("class=\"flash\""), "\(path) shows no flash")
            }
        }
    }

    @Test func everyExpiredFormGetsTheSamePage() async throws {
        try await asAdmin { fixture, client, cookie in
            var headers = formHeaders
            headers[.cookie] = cookie
            for path in ["/admin/brugere", "/admin/rapport/aktiviteter", "/admin/historier", "/admin/moeder/nyt",
                         "/admin/moeder/\(fixture.publicId)/aflys", "/admin/logout"] {
                let response = try await client.execute(uri: path, method: .post, headers: headers,
                                                        body: form(["csrf": "forkert", "reason": "x", "headline": "x"]))
                #expect(response.status == .forbidden, "\(path)")
                #expect(text(response).contains("Formularen er udløbet") && text(response).contains("Intet er gemt."), "\(path)")
            }
            #expect(try Stories(store: fixture.store).list().count == 1, "nothing was created")
        }
    }
}
