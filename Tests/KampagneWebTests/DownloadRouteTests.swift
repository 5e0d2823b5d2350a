import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Kampagne
@testable import KampagneWeb

/// The headers every file download carries (`FileDownload`): its type, a name the browser can
/// save under (RFC 6266, `filename*` for Danish letters), never cached, never sniffed.
func expectDownload(_ response: TestResponse, _ name: String, type: String, inline: Bool = false,
                    sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(response.status == .ok, "\(name): status", sourceLocation: sourceLocation)
    #expect(response.headers[.contentType] == type, "\(name): Content-Type", sourceLocation: sourceLocation)
    #expect(response.headers[.contentDisposition] == FileDownload.contentDisposition(inline ? .inline : .attachment, name: name),
            "\(name): Content-Disposition is \(response.headers[.contentDisposition] ?? "missing")", sourceLocation: sourceLocation)
    #expect(response.headers[.cacheControl] == "private, no-store", "\(name): Cache-Control", sourceLocation: sourceLocation)
    #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(name): nosniff", sourceLocation: sourceLocation)
}

@Suite struct DownloadRouteTests {
    @Test func theFileNameIsSafeAndKeepsItsDanishLetters() {
        #expect(FileDownload.contentDisposition(.attachment, name: "kontakter.csv") == "attachment; filename=\"kontakter.csv\"")
        #expect(FileDownload.contentDisposition(.attachment, name: "moede-3-opfølgning.csv")
            == "attachment; filename=\"moede-3-opfoelgning.csv\"; filename*=UTF-8''moede-3-opf%C3%B8lgning.csv")
        #expect(FileDownload.contentDisposition(.inline, name: "Århus rapport.html")
            == "inline; filename=\"Aarhus rapport.html\"; filename*=UTF-8''%C3%85rhus%20rapport.html")
        // A name from a record cannot end the quoted string, add a header or point into a folder.
        let hostile = FileDownload.contentDisposition(.attachment, name: "../../etc/\"x\";\r\nSet-Cookie: a=b.csv")
        #expect(!hostile.contains("\r") && !hostile.contains("\n") && !hostile.contains("/"))
        #expect(hostile.hasPrefix("attachment; filename=\"_x_;Set-Cookie: a=b.csv\"; filename*=UTF-8''%22x%22%3BSet-Cookie%3A%20a%3Db.csv"))
        #expect(FileDownload.contentDisposition(.attachment, name: "..") == "attachment; filename=\"fil\"")
    }

    /// Every download route in the staff area and the public calendar file, with the headers
    /// compared one by one (the import's rejects are checked in `AdminContactsRouteTests`,
    /// which runs an import through the browser's path).
    @Test func everyDownloadRouteSendsTheSameHeaders() async throws {
        let fixture = try WebFixture()
        _ = try StaffAccounts(store: fixture.store, cost: 4)
            .set(username: "admin@partnerskab.example", password: "hemmelig-kode-42", roles: [.admin])
        let file = fixture.folder.appendingPathComponent("k.csv").path
        try "E-mail;Navn;Kommune\nanna@kommune.example;Anna Holm;Vejle\n".write(toFile: file, atomically: true, encoding: .utf8)
        _ = try ContactImporter(store: fixture.store).run([file], options: ImportOptions())
        let anna = try ContactDirectory(store: fixture.store).show("anna@kommune.example").id
        let story = try #require(try Stories(store: fixture.store).list().first?.id)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 100)
        let photo = try StoryPhotos(store: fixture.store).add(story, data: Data(png), people: "", caption: "Køkkenet", credit: "")
        let meeting = "/admin/moeder/\(fixture.publicId)"
        let meetingId = try self.eventId(fixture)
        let period = "fra=2026-01-01&til=2026-12-31"
        let downloads: [(path: String, name: String, type: String, inline: Bool)] = [
            ("/admin/brugere.csv", "kampagne-brugere.csv", FileDownload.csv, false),
            ("/admin/log.csv", "kampagne-log.csv", FileDownload.csv, false),
            (meeting + "/tilmeldte.csv", "moede-\(meetingId)-tilmeldte.csv", FileDownload.csv, false),
            (meeting + "/opfoelgning.csv", "moede-\(meetingId)-opfølgning.csv", FileDownload.csv, false),
            ("/admin/kontakter.csv", "kontakter.csv", FileDownload.csv, false),
            ("/admin/kontakter/\(anna)/eksport", "indsigt-\(anna).json", FileDownload.json, false),
            ("/admin/historier.csv", "gode-historier.csv", FileDownload.csv, false),
            ("/admin/historier/\(story)/fotos/\(photo.photo.name)", photo.photo.name, "image/png", true),
            ("/admin/rapport/side?" + period, "rapport-2026-01-01-2026-12-31.html", FileDownload.html, true),
            ("/admin/rapport/tabeller/oversigt.csv?" + period, "2026-01-01-2026-12-31-oversigt.csv", FileDownload.csv, false),
            (fixture.sample(.calendar), "moede.ics", FileDownload.calendar, false),
        ]
        try await fixture.app.test(.router) { client in
            let cookie = try await AdminRouteTests().login(client, fixture, "admin@partnerskab.example")
            for download in downloads {
                let response = try await client.execute(uri: download.path, method: .get, headers: [.cookie: cookie])
                expectDownload(response, download.name, type: download.type, inline: download.inline)
            }
            // The PDF needs Chromium; without it the page says so (`withoutChromiumThePDFLinkSaysSoInDanish`).
            if ReportPDF().browser != nil {
                let pdf = try await client.execute(uri: "/admin/rapport/rapport.pdf?" + period, method: .get, headers: [.cookie: cookie])
                expectDownload(pdf, "rapport-2026-01-01-2026-12-31.pdf", type: FileDownload.pdf)
                #expect(Array(buffer: pdf.body).starts(with: Array("%PDF".utf8)))
            }
        }
    }

    func eventId(_ fixture: WebFixture) throws -> Int64 {
        try fixture.store.read { db in try Event.filter(Column("publicId") == fixture.publicId).fetchOne(db)?.id ?? 0 }
    }
}
