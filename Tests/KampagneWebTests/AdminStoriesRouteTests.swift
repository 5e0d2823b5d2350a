import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Kampagne
@testable import KampagneWeb

private let urlencoded: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

private func encoded(_ fields: [(String, String)]) -> ByteBuffer {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return ByteBuffer(string: fields.map { key, value in
        "\(key.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
    }.joined(separator: "&"))
}

/// The CSRF token of the form posting to `action` on `page`.
private func csrf(in page: String, for action: String) -> String? {
    let escaped = action.replacingOccurrences(of: "&", with: "&amp;")
    guard let form = page.range(of: "action=\"\(escaped)\"") else { return nil }
    let rest = page[form.upperBound...]
    guard let field = rest.range(of: "name=\"csrf\" value=\"") else { return nil }
    return String(rest[field.upperBound...].prefix { $0 != "\"" })
}

private func bodyText(_ response: TestResponse) -> String { String(buffer: response.body) }

/// `/admin/historier` and `/admin/rapport` through the router with real logins: the case form,
/// its checks, consent, photos (multipart, type by content), versions, publishing, and the
/// report's page, downloads and hand-entered activities.
@Suite struct AdminStoriesRouteTests {
    func login(_ client: some TestClientProtocol, _ fixture: WebFixture, _ username: String) async throws -> String {
        let response = try await client.execute(uri: "/admin/login", method: .post, headers: urlencoded, body: encoded([
            ("csrf", fixture.csrf("/admin/login")), ("username", username), ("password", "hemmelig-kode-42"), ("naeste", "/admin"),
        ]))
        return try #require(response.headers[.setCookie]?.split(separator: ";").first.map(String.init))
    }

    func accounts(_ fixture: WebFixture) throws {
        let accounts = StaffAccounts(store: fixture.store, cost: 4)
        _ = try accounts.set(username: "raadgiver@partnerskab.example", password: "hemmelig-kode-42", roles: [.advisor])
        _ = try accounts.set(username: "sekretariat@partnerskab.example", password: "hemmelig-kode-42", roles: [.secretariat])
        _ = try accounts.set(username: "arrangoer@partnerskab.example", password: "hemmelig-kode-42", roles: [.organiser])
    }

    @Test func anAdvisorWritesACaseAndSeesTheChecksChange() async throws {
        let fixture = try WebFixture()
        try accounts(fixture)
        try await fixture.app.test(.router) { client in
            let cookie = try await login(client, fixture, "raadgiver@partnerskab.example")
            let list = try await client.execute(uri: "/admin/historier", method: .get, headers: [.cookie: cookie])
            let token = try #require(csrf(in: bodyText(list), for: "/admin/historier"))
            let created = try await client.execute(uri: "/admin/historier", method: .post, headers: urlencoded + [.cookie: cookie],
                                                   body: encoded([("csrf", token), ("headline", "Kok i Vejle")]))
            #expect(created.status == .seeOther)
            let path = try #require(created.headers[.location]?.split(separator: "?").first.map(String.init))
            let id = try #require(Int64(path.split(separator: "/").last ?? ""))
            let page = bodyText(try await client.execute(uri: path, method: .get, headers: [.cookie: cookie]))
            #expect(page.contains("data-code=\"company-motive-missing\""))
            let saveToken = try #require(csrf(in: page, for: path))

            var fields: [(String, String)] = [
                ("csrf", saveToken), ("headline", "Kok i Vejle"), ("lead", "Amina fik job i køkkenet."),
                ("core", "Amina fik fast job, fordi køkkenet manglede folk."),
                ("body", "Amina startede i praktik. Hun blev ansat efter tre måneder."),
                ("municipality", "Vejle"), ("jobcentre", "Jobcenter Vejle"), ("company", "Hotel Fjordlys"),
                ("person-1-name", "Amina Haddad"), ("person-1-role", "medarbejder"), ("person-1-title", "kok"), ("person-1-shown", "first-name"),
                ("quote-1-person", "Amina Haddad"), ("quote-1-text", "Jeg er glad for jobbet."),
            ]
            // "Tjek" shows the checks of the typed text and saves nothing.
            let checked = try await client.execute(uri: path, method: .post, headers: urlencoded + [.cookie: cookie],
                                                   body: encoded(fields + [("action", "check")]))
            #expect(checked.status == .ok)
            #expect(bodyText(checked).contains("data-code=\"company-motive-missing\""))
            #expect(bodyText(checked).contains("<mark class=\"long-word\""))
            #expect(try Stories(store: fixture.store).source(id).number == 1)

            fields += [("motive", "Køkkenet manglede hænder."), ("result", "En stabil kok."), ("action", "save")]
            let saved = try await client.execute(uri: path, method: .post, headers: urlencoded + [.cookie: cookie], body: encoded(fields))
            #expect(saved.status == .seeOther && saved.headers[.location]?.contains("historie-gemt") == true)
            let stored = try Stories(store: fixture.store).source(id)
            #expect(stored.number == 2)
            let draft = try StoryDraft(markdown: stored.source, file: "x")
            #expect(draft.company.motive == "Køkkenet manglede hænder." && draft.people.first?.shown == .firstName)
            let after = bodyText(try await client.execute(uri: path, method: .get, headers: [.cookie: cookie]))
            #expect(!after.contains("data-code=\"company-motive-missing\""))
            #expect(after.contains("data-code=\"person-without-consent\""))

            // Consent for Amina on every channel clears the consent gap.
            let consentToken = try #require(csrf(in: after, for: path + "/samtykke"))
            let consent = try await client.execute(uri: path + "/samtykke", method: .post, headers: urlencoded + [.cookie: cookie], body: encoded([
                ("csrf", consentToken), ("person", "Amina Haddad"), ("channel-newsletter", "on"), ("channel-press", "on"), ("channel-web", "on"),
                ("cover-name", "on"), ("cover-quotes", "on"), ("cover-employer", "on"), ("cover-photo", "on"),
                ("given", DanishDate.iso(Date())), ("how", "underskrevet blanket"),
            ]))
            #expect(consent.status == .seeOther)
            #expect(try Stories(store: fixture.store).show(id).consents.count == 1)

            // The side-by-side diff of version 1 and 2.
            let diff = bodyText(try await client.execute(uri: path + "/versioner?fra=1&til=2", method: .get, headers: [.cookie: cookie]))
            #expect(diff.contains("<ins>") && diff.contains("Virksomhedens udbytte"))

            // Audit: the save and the consent, by the advisor.
            let actions = try await fixture.store.read { db in
                try String.fetchAll(db, sql: "SELECT action FROM auditLog WHERE actor = ? ORDER BY id", arguments: ["raadgiver@partnerskab.example"])
            }
            #expect(actions.contains("story.create") && actions.contains("story.save") && actions.contains("story.consent")
                    && actions.contains("story.view"))
        }
    }

    @Test func photosAreCheckedByTheirBytesAndTheSecretariatOnlyReads() async throws {
        let fixture = try WebFixture()
        try accounts(fixture)
        let id = try Stories(store: fixture.store).create(headline: "Kok i Vejle")
        let path = "/admin/historier/\(id)"
        try await fixture.app.test(.router) { client in
            let cookie = try await login(client, fixture, "raadgiver@partnerskab.example")
            let page = bodyText(try await client.execute(uri: path, method: .get, headers: [.cookie: cookie]))
            let token = try #require(csrf(in: page, for: path + "/fotos"))
            func upload(_ bytes: [UInt8], name: String, type: String) async throws -> TestResponse {
                let boundary = "----kampagne\(UUID().uuidString)"
                var body = Data()
                for (field, value) in [("csrf", token), ("people", ""), ("caption", "I køkkenet"), ("credit", "Lise Foto")] {
                    body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"\r\n\r\n\(value)\r\n".utf8)
                }
                body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"\(name)\"\r\nContent-Type: \(type)\r\n\r\n".utf8)
                body += Data(bytes) + Data("\r\n--\(boundary)--\r\n".utf8)
                return try await client.execute(uri: path + "/fotos", method: .post,
                                                headers: [.cookie: cookie, .contentType: "multipart/form-data; boundary=\(boundary)"],
                                                body: ByteBuffer(bytes: body))
            }
            // An HTML file that says it is a JPEG is refused.
            let fake = try await upload(Array("<html><script>alert(1)</script>".utf8), name: "x.jpg", type: "image/jpeg")
            #expect(fake.status == .unprocessableContent && bodyText(fake).contains("ikke et JPEG-, PNG- eller WebP-billede"))
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 100)
            // Over the cap: refused with the limit named, nothing stored.
            let huge = try await upload(png + Array(repeating: 0, count: StoryPhotos.maxBytes), name: "stort.png", type: "image/png")
            #expect(huge.status == .contentTooLarge || huge.status == .unprocessableContent)
            #expect(bodyText(huge).contains("Fotoet er for stort"))
            #expect(try StoryPhotos(store: fixture.store).list(id).isEmpty)
            let good = try await upload(png, name: "koekken.png", type: "image/png")
            #expect(good.status == .seeOther)
            let served = try await client.execute(uri: path + "/fotos/foto-1.png", method: .get, headers: [.cookie: cookie])
            #expect(served.status == .ok && served.headers[.contentType] == "image/png" && Array(buffer: served.body) == png)
            let draft = try StoryDraft(markdown: try Stories(store: fixture.store).source(id).source, file: "x")
            #expect(draft.photos.first?.credit == "Lise Foto")

            // The secretariat reads the story but cannot change it.
            let secretariat = try await login(client, fixture, "sekretariat@partnerskab.example")
            let listed = bodyText(try await client.execute(uri: "/admin/historier?q=vejle&status=draft", method: .get, headers: [.cookie: secretariat]))
            #expect(listed.contains("Kok i Vejle") && listed.contains("1 af 2 historier"))
            let none = bodyText(try await client.execute(uri: "/admin/historier?status=approved", method: .get, headers: [.cookie: secretariat]))
            #expect(!none.contains("Kok i Vejle"))
            let csv = try await client.execute(uri: "/admin/historier.csv?q=kok", method: .get, headers: [.cookie: secretariat])
            #expect(Array(buffer: csv.body).starts(with: [0xEF, 0xBB, 0xBF]) && String(buffer: csv.body).contains("Kok i Vejle;kladde"))
            let read = bodyText(try await client.execute(uri: path, method: .get, headers: [.cookie: secretariat]))
            #expect(read.contains("Kok i Vejle") && !read.contains("id=\"save\""))
            let refused = try await client.execute(uri: path + "/samtykke", method: .post, headers: urlencoded + [.cookie: secretariat],
                                                   body: encoded([("csrf", "x"), ("person", "Amina")]))
            #expect(refused.status == .forbidden)
            // An organiser does not see stories at all.
            let organiser = try await login(client, fixture, "arrangoer@partnerskab.example")
            let refusedPhoto = try await client.execute(uri: path + "/fotos/foto-1.png", method: .get, headers: [.cookie: organiser])
            #expect(refusedPhoto.status == .forbidden)
        }
    }

    @Test func anApprovedStoryIsPreviewedAndPublished() async throws {
        let fixture = try WebFixture()
        try accounts(fixture)
        let stories = Stories(store: fixture.store)
        let id = try stories.importFile(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/historie-hotel-fjordlys.md").path)
        for person in ["Samira Haddad", "Jens Kragh", "Mette Vinther"] {
            _ = try stories.giveConsent(id, person: person, channels: StoryChannel.allCases, given: Date().addingTimeInterval(-86_400), how: "blanket")
        }
        let path = "/admin/historier/\(id)"
        try await fixture.app.test(.router) { client in
            let cookie = try await login(client, fixture, "raadgiver@partnerskab.example")
            // Not approved yet: the preview says what stops it, and offers no button.
            let before = bodyText(try await client.execute(uri: path + "/udgiv?form=press-release", method: .get, headers: [.cookie: cookie]))
            #expect(before.contains("id=\"blockers\"") && !before.contains("id=\"publish\""), "\(before.suffix(3000))")
            try stories.approve(id, by: "telefon")
            let preview = bodyText(try await client.execute(uri: path + "/udgiv?form=press-release", method: .get, headers: [.cookie: cookie]))
            #expect(preview.contains("id=\"publish\"") && preview.contains("Yderligere oplysninger"))
            let token = try #require(csrf(in: preview, for: path + "/udgiv"))
            let done = try await client.execute(uri: path + "/udgiv", method: .post, headers: urlencoded + [.cookie: cookie],
                                                body: encoded([("csrf", token), ("form", "press-release"), ("channel", "press")]))
            #expect(done.status == .ok && bodyText(done).contains("id=\"published\""))
            let usage = try #require(try stories.show(id).usages.first)
            #expect(usage.channel == .press && usage.target.contains("raadgiver@partnerskab.example"))

            // Withdrawing a consent asks first, naming how many uses will be flagged; then flags them.
            let storyPage = bodyText(try await client.execute(uri: path, method: .get, headers: [.cookie: cookie]))
            let withdrawToken = try #require(csrf(in: storyPage, for: path + "/samtykke/tilbage"))
            let ask = try await client.execute(uri: path + "/samtykke/tilbage", method: .post, headers: urlencoded + [.cookie: cookie],
                                               body: encoded([("csrf", withdrawToken), ("person", "Jens Kragh"), ("channel-press", "on"),
                                                              ("note", "ringede")]))
            #expect(ask.status == .ok && bodyText(ask).contains("1 sted, hvor historien er brugt"))
            #expect(try stories.show(id).usages.first?.flaggedAt == nil)
            let confirmToken = try #require(csrf(in: bodyText(ask), for: path + "/samtykke/tilbage"))
            let withdrawn = try await client.execute(uri: path + "/samtykke/tilbage", method: .post, headers: urlencoded + [.cookie: cookie],
                                                     body: encoded([("csrf", confirmToken), ("person", "Jens Kragh"), ("channel-press", "on"),
                                                                    ("note", "ringede"), ("confirm", "ja")]))
            #expect(withdrawn.status == .seeOther)
            #expect(try stories.show(id).usages.first?.flaggedAt != nil)
            let flagged = bodyText(try await client.execute(uri: path, method: .get, headers: [.cookie: cookie]))
            #expect(flagged.contains("Markeret") && flagged.contains("Samtykke trukket tilbage af Jens Kragh"))
        }
    }

    @Test func theReportPageDownloadsAndActivities() async throws {
        let fixture = try WebFixture()
        try accounts(fixture)
        try await fixture.app.test(.router) { client in
            let cookie = try await login(client, fixture, "sekretariat@partnerskab.example")
            let query = "fra=2026-01-01&til=2026-12-31&efter=partner"
            let page = bodyText(try await client.execute(uri: "/admin/rapport?" + query, method: .get, headers: [.cookie: cookie]))
            #expect(page.contains("id=\"report\"") && page.contains("Fordelt på partner") && page.contains("<svg"))
            let token = try #require(csrf(in: page, for: "/admin/rapport/aktiviteter?" + query))
            let added = try await client.execute(uri: "/admin/rapport/aktiviteter?" + query, method: .post, headers: urlencoded + [.cookie: cookie],
                                                 body: encoded([("csrf", token), ("kind", "talk"), ("date", "2026-04-02"),
                                                                ("title", "Oplæg på LO's integrationskonference"), ("count", "1.200"), ("partner", "LO")]))
            #expect(added.status == .seeOther)
            let listed = try ActivityLog(store: fixture.store).list()
            #expect(listed.count == 1 && listed.first?.count == 1200 && listed.first?.partner == "LO")
            // The same again is refused with the form's wording, and nothing is added.
            let again = try await client.execute(uri: "/admin/rapport/aktiviteter?" + query, method: .post, headers: urlencoded + [.cookie: cookie],
                                                 body: encoded([("csrf", token), ("kind", "talk"), ("date", "2026-04-02"),
                                                                ("title", "Oplæg på LO's integrationskonference"), ("partner", "LO")]))
            #expect(again.status == .unprocessableContent && bodyText(again).contains("Tæl den igen"))
            #expect(try ActivityLog(store: fixture.store).list().count == 1)

            let csv = try await client.execute(uri: "/admin/rapport/tabeller/oversigt.csv?" + query, method: .get, headers: [.cookie: cookie])
            #expect(csv.status == .ok && Array(buffer: csv.body).starts(with: [0xEF, 0xBB, 0xBF]))
            #expect(String(buffer: csv.body).contains("Aktivitet;Antal"))
            #expect(String(buffer: csv.body).contains("Oplæg på konferencer;1;1200"))
            let html = try await client.execute(uri: "/admin/rapport/side?" + query, method: .get, headers: [.cookie: cookie])
            #expect(html.status == .ok && String(buffer: html.body).hasPrefix("<!DOCTYPE html>"))
            let bad = try await client.execute(uri: "/admin/rapport?fra=2026-12-31&til=2026-01-01", method: .get, headers: [.cookie: cookie])
            #expect(bodyText(bad).contains("ligger efter slutdatoen") && !bodyText(bad).contains("id=\"report\""))

            // Remove it again.
            let after = bodyText(try await client.execute(uri: "/admin/rapport?" + query, method: .get, headers: [.cookie: cookie]))
            let activity = try #require(listed.first?.id)
            let removeToken = try #require(csrf(in: after, for: "/admin/rapport/aktiviteter/\(activity)/slet?" + query))
            let removed = try await client.execute(uri: "/admin/rapport/aktiviteter/\(activity)/slet?" + query, method: .post,
                                                   headers: urlencoded + [.cookie: cookie], body: encoded([("csrf", removeToken)]))
            #expect(removed.status == .seeOther)
            #expect(try ActivityLog(store: fixture.store).list().isEmpty)

            // An advisor reads the report but may not add to it.
            let advisor = try await login(client, fixture, "raadgiver@partnerskab.example")
            let read = bodyText(try await client.execute(uri: "/admin/rapport?" + query, method: .get, headers: [.cookie: advisor]))
            #expect(read.contains("id=\"report\"") && !read.contains("id=\"activity-form\""))
        }
    }

    @Test func withoutChromiumThePDFLinkSaysSoInDanish() async throws {
        let printer = ReportPDF(environment: ["PATH": "/nonexistent"])
        #expect(printer.browser == nil)
        #expect(throws: KampagneError.notFound(ReportPDF.missing)) { try printer.pdf("<html></html>") }
    }
}

private func + (a: HTTPFields, b: HTTPFields) -> HTTPFields {
    var fields = a
    fields.append(contentsOf: b)
    return fields
}
