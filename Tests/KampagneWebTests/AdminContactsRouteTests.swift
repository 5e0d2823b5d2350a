import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Kampagne
@testable import KampagneWeb

/// `/admin/kontakter` through the router: who may open it, the forms' tokens, and what each
/// action changes in the database and the audit trail.
@Suite struct AdminContactsRouteTests {
    static let urlEncoded: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    static func body(_ fields: [String: String]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return ByteBuffer(string: fields.map { "\($0.key.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")="
            + ($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "") }.joined(separator: "&"))
    }

    /// The CSRF token of the form that posts to `action` on `page`.
    static func token(_ page: String, action: String) -> String {
        guard let form = page.range(of: "action=\"\(action)\""),
              let field = page.range(of: "name=\"csrf\" value=\"", range: form.upperBound..<page.endIndex),
              let end = page[field.upperBound...].firstIndex(of: "\"") else { return "" }
        return String(page[field.upperBound..<end])
    }

    struct Office {
        let fixture: WebFixture
        let anna: Int64

        init() throws {
            fixture = try WebFixture()
            let accounts = StaffAccounts(store: fixture.store, cost: 4)
            _ = try accounts.set(username: "sekretariat@partnerskab.example", password: "hemmelig-kode-42", roles: [.secretariat])
            _ = try accounts.set(username: "arrangoer@partnerskab.example", password: "hemmelig-kode-42", roles: [.organiser])
            let file = fixture.folder.appendingPathComponent("k.csv").path
            try "E-mail;Navn;Kommune;Organisation\nanna@kommune.example;Anna Holm;Vejle;Jobcenter Vejle\nbo@firma.example;Bo Æbelø;Odense;Bo's VVS\n"
                .write(toFile: file, atomically: true, encoding: .utf8)
            _ = try ContactImporter(store: fixture.store).run([file], options: ImportOptions())
            anna = try ContactDirectory(store: fixture.store).show("anna@kommune.example").id
        }

        func login(_ client: some TestClientProtocol, _ who: String) async throws -> HTTPFields {
            let response = try await client.execute(uri: "/admin/login", method: .post, headers: AdminContactsRouteTests.urlEncoded,
                                                    body: AdminContactsRouteTests.body([
                "csrf": fixture.csrf("/admin/login"), "username": who + "@partnerskab.example", "password": "hemmelig-kode-42",
            ]))
            let cookie = try #require(response.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            return [.cookie: cookie]
        }

        func audit(_ action: String) throws -> [AuditEntry] {
            try fixture.store.read { db in try AuditEntry.filter(Column("action") == action).fetchAll(db) }
        }
    }

    @Test func onlyTheSecretariatAndAdminsOpenContacts() async throws {
        let office = try Office()
        try await office.fixture.app.test(.router) { client in
            let organiser = try await office.login(client, "arrangoer")
            for path in ["/admin/kontakter", "/admin/kontakter/\(office.anna)", "/admin/kontakter/import", "/admin/kontakter/lister",
                         "/admin/kontakter/segment?kommune=Vejle", "/admin/kontakter.csv", "/admin/kontakter/\(office.anna)/eksport"] {
                let response = try await client.execute(uri: path, method: .get, headers: organiser)
                #expect(response.status == .forbidden, "organiser is refused \(path)")
                #expect(!String(buffer: response.body).contains("anna@kommune.example"))
            }
            let erase = try await client.execute(uri: "/admin/kontakter/\(office.anna)/slet", method: .post,
                                                 headers: organiser.merging(Self.urlEncoded), body: Self.body(["csrf": "x"]))
            #expect(erase.status == .forbidden)
            let anonymous = try await client.execute(uri: "/admin/kontakter/\(office.anna)", method: .get)
            #expect(anonymous.status == .seeOther)
        }
        #expect(try ContactDirectory(store: office.fixture.store).show("anna@kommune.example").id == office.anna)
    }

    @Test func theTableFiltersSortsAndIsAudited() async throws {
        let office = try Office()
        try await office.fixture.app.test(.router) { client in
            let staff = try await office.login(client, "sekretariat")
            let all = String(buffer: try await client.execute(uri: "/admin/kontakter?sorter=navn&retning=ned", method: .get, headers: staff).body)
            #expect(all.contains("aria-sort=\"descending\""))
            // Descending by last name: Æbelø (after z) before Holm.
            let bo = try #require(all.range(of: "bo@firma.example")), anna = try #require(all.range(of: "anna@kommune.example"))
            #expect(bo.lowerBound < anna.lowerBound)
            let vejle = String(buffer: try await client.execute(uri: "/admin/kontakter?kommune=Vejle", method: .get, headers: staff).body)
            #expect(vejle.contains("anna@kommune.example") && !vejle.contains("bo@firma.example"))
            let wrong = try await client.execute(uri: "/admin/kontakter?kommune=Vejlee", method: .get, headers: staff)
            #expect(wrong.status == .unprocessableContent && String(buffer: wrong.body).contains("Ukendt kommune"))
            let csv = try await client.execute(uri: "/admin/kontakter.csv?kommune=Odense", method: .get, headers: staff)
            let bytes = Array(csv.body.readableBytesView)
            #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
            let csvText = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            #expect(csvText.hasPrefix("Fornavn;Efternavn;E-mail") && csvText.contains("bo@firma.example") && !csvText.contains("anna@"))
        }
        #expect(try office.audit("contacts.view").count >= 2)
        #expect(try office.audit("contacts.export").first?.summary.contains("1 kontakter") == true)
    }

    @Test func aPersonsPageIsAuditedAndItsEditShowsErrorsByTheField() async throws {
        let office = try Office()
        let path = "/admin/kontakter/\(office.anna)"
        try await office.fixture.app.test(.router) { client in
            let staff = try await office.login(client, "sekretariat")
            let page = String(buffer: try await client.execute(uri: path, method: .get, headers: staff).body)
            #expect(page.contains("Anna Holm") && page.contains("Historik"))
            let csrf = Self.token(page, action: path)
            let forged = try await client.execute(uri: path, method: .post, headers: staff.merging(Self.urlEncoded),
                                                  body: Self.body(["csrf": "forkert", "firstName": "Hacket"]))
            #expect(forged.status == .forbidden)
            let bad = try await client.execute(uri: path, method: .post, headers: staff.merging(Self.urlEncoded), body: Self.body([
                "csrf": csrf, "email": "anna@kommune.example", "firstName": "Annie", "lastName": "Holm", "municipality": "Vejlee",
            ]))
            let badText = String(buffer: bad.body)
            #expect(bad.status == .unprocessableContent)
            #expect(badText.contains("id=\"e-municipality\"") && badText.contains("Ukendt kommune"))
            #expect(badText.contains("value=\"Annie\""), "the form keeps what was typed")
            let good = try await client.execute(uri: path, method: .post, headers: staff.merging(Self.urlEncoded), body: Self.body([
                "csrf": csrf, "email": "anna@kommune.example", "firstName": "Annie", "lastName": "Holm", "municipality": "Kolding",
                "roles": "jobcenterchef",
            ]))
            #expect(good.status == .seeOther)
            let again = String(buffer: try await client.execute(uri: path, method: .get, headers: staff).body)
            #expect(again.contains("contacts.update") && again.contains("contacts.show"), "the person's own history")
            let export = try await client.execute(uri: path + "/eksport", method: .get, headers: staff)
            #expect(export.headers[.contentDisposition]?.contains("attachment") == true)
            #expect(String(buffer: export.body).contains("\"email\" : \"anna@kommune.example\""))
        }
        let anna = try ContactDirectory(store: office.fixture.store).show("anna@kommune.example")
        #expect(anna.firstName == "Annie" && anna.municipality == "Kolding" && anna.roles == ["jobcenterchef"])
        #expect(try office.audit("contacts.show").allSatisfy { $0.object == "contact:anna@kommune.example" })
        #expect(try office.audit("contacts.export-person").count == 1)
    }

    @Test func erasingAsksFirstAndThenErases() async throws {
        let office = try Office()
        let path = "/admin/kontakter/\(office.anna)/slet"
        try await office.fixture.app.test(.router) { client in
            let staff = try await office.login(client, "sekretariat")
            let question = String(buffer: try await client.execute(uri: path, method: .get, headers: staff).body)
            #expect(question.contains("Det kan ikke fortrydes"))
            let erased = try await client.execute(uri: path, method: .post, headers: staff.merging(Self.urlEncoded),
                                                  body: Self.body(["csrf": Self.token(question, action: path)]))
            #expect(erased.status == .seeOther)
            let gone = try await client.execute(uri: "/admin/kontakter/\(office.anna)", method: .get, headers: staff)
            #expect(gone.status == .notFound)
        }
        #expect(throws: KampagneError.self) { try ContactDirectory(store: office.fixture.store).show("anna@kommune.example") }
        let suppressed = try await office.fixture.store.read { db in try SuppressionList(db: db).reason(for: "anna@kommune.example") }
        #expect(suppressed == .erased)
    }

    @Test func anUploadIsPreviewedThenItsGoodRowsImportedAndTheRejectsDownloaded() async throws {
        let office = try Office()
        try await office.fixture.app.test(.router) { client in
            let staff = try await office.login(client, "sekretariat")
            let form = String(buffer: try await client.execute(uri: "/admin/kontakter/import", method: .get, headers: staff).body)
            let csrf = Self.token(form, action: "/admin/kontakter/import")
            let csv = try #require("E-mail;Navn;Kommune\r\nsoes@x.example;Søs Ærbøl;Århus\r\nikke-en-adresse;Ib;Vejle\r\n".data(using: .windowsCP1252))
            let boundary = "----kampagne42"
            var multipart = Data()
            func part(_ name: String, _ value: String) {
                multipart += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
            }
            part("csrf", csrf)
            part("liste", "Nyhedsbrev")
            part("grundlag", "consent")
            part("ordlyd", "Ja tak til nyhedsbrevet")
            part("tidspunkt", "03.03.2026")
            multipart += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"fil\"; filename=\"chefer.csv\"\r\nContent-Type: text/csv\r\n\r\n".utf8)
            multipart += csv + Data("\r\n--\(boundary)--\r\n".utf8)
            let upload = try await client.execute(uri: "/admin/kontakter/import", method: .post,
                                                  headers: staff.merging([.contentType: "multipart/form-data; boundary=\(boundary)"]),
                                                  body: ByteBuffer(bytes: multipart))
            #expect(upload.status == .seeOther)
            let job = try #require(upload.headers[.location])
            #expect(job.hasPrefix("/admin/kontakter/import/"))
            func settled(_ word: String) async throws -> String {
                for _ in 0..<100 {
                    let page = String(buffer: try await client.execute(uri: job, method: .get, headers: staff).body)
                    if page.contains(word) { return page }
                    try await Task.sleep(for: .milliseconds(50))
                }
                return ""
            }
            let preview = try await settled("Intet er gemt endnu")
            #expect(preview.contains("windows-1252") && preview.contains("soes@x.example") && preview.contains("Aarhus"))
            #expect(preview.contains("<td>3</td><td>E-mail</td>"), "the error names line and column")
            #expect(try ContactDirectory(store: office.fixture.store).list().count == 3, "nothing written before the choice")
            let apply = try await client.execute(uri: job + "/anvend", method: .post, headers: staff.merging(Self.urlEncoded),
                                                 body: Self.body(["csrf": Self.token(preview, action: job + "/anvend"), "mode": "gode"]))
            #expect(apply.status == .seeOther)
            let done = try await settled("Importen er gemt")
            #expect(done.contains("afviste.csv"))
            let rejects = try await client.execute(uri: job + "/afviste.csv", method: .get, headers: staff)
            expectDownload(rejects, "afviste.csv", type: FileDownload.csv)
            let bytes = Array(rejects.body.readableBytesView)
            #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]) && String(decoding: bytes, as: UTF8.self).contains("ikke-en-adresse"))
            // Someone else's job is not theirs to see.
            let other = try await office.login(client, "arrangoer")
            #expect(try await client.execute(uri: job, method: .get, headers: other).status == .forbidden)
        }
        let søs = try ContactDirectory(store: office.fixture.store).show("soes@x.example")
        #expect(søs.lists == ["Nyhedsbrev"])
        let export = try PersonalData(store: office.fixture.store, settings: office.fixture.site.settings).export("soes@x.example")
        #expect(export.sources.last?.consent?.wording == "Ja tak til nyhedsbrevet")
        #expect(try office.audit("contacts.import").count == 1)
    }

    @Test func aSegmentIsCountedLiveAndSaved() async throws {
        let office = try Office()
        try await office.fixture.app.test(.router) { client in
            let staff = try await office.login(client, "sekretariat")
            let page = String(buffer: try await client.execute(uri: "/admin/kontakter/segment?region=Region+Syddanmark", method: .get,
                                                               headers: staff).body)
            #expect(page.contains("id=\"segment-count\">2<"))
            let save = try await client.execute(uri: "/admin/kontakter/segment", method: .post, headers: staff.merging(Self.urlEncoded),
                                                body: Self.body(["csrf": Self.token(page, action: "/admin/kontakter/segment"),
                                                                 "name": "Syd", "region": "Region Syddanmark"]))
            #expect(save.status == .seeOther)
            let lists = String(buffer: try await client.execute(uri: "/admin/kontakter/lister", method: .get, headers: staff).body)
            let create = try await client.execute(uri: "/admin/kontakter/lister", method: .post, headers: staff.merging(Self.urlEncoded),
                                                  body: Self.body(["csrf": Self.token(lists, action: "/admin/kontakter/lister"), "name": "Chefer"]))
            #expect(create.status == .seeOther)
        }
        #expect(try Segments(store: office.fixture.store).all().map(\.members) == [2])
        #expect(try MailingLists(store: office.fixture.store).all().map(\.name).contains("Chefer"))
    }
}

private extension HTTPFields {
    func merging(_ other: HTTPFields) -> HTTPFields {
        var copy = self
        copy.append(contentsOf: other)
        return copy
    }
}
