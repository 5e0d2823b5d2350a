import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Kampagne
@testable import KampagneWeb

/// Upload imports are stored jobs: a new router (a restarted server) shows a job as it was,
/// takes over one a gone process left running, and finishes it; `status.json` feeds the page's
/// script.
@Suite struct AdminImportJobsRouteTests {
    @Test func aRestartedServerShowsTheJobAndFinishesTheOneLeftRunning() async throws {
        let office = try AdminContactsRouteTests.Office()
        let before = try ContactDirectory(store: office.fixture.store).list().count
        let csv = "E-mail;Navn;Kommune\nny1@x.example;Ny Et;Vejle\nny2@x.example;Ny To;Odense\nikke-en-adresse;Ib;Vejle\n"
        let job: String = try await office.fixture.app.test(.router) { client in
            let staff = try await office.login(client, "sekretariat")
            let form = String(buffer: try await client.execute(uri: "/admin/kontakter/import", method: .get, headers: staff).body)
            let csrf = AdminContactsRouteTests.token(form, action: "/admin/kontakter/import")
            var headers = staff
            headers[.contentType] = "text/csv"
            let token = csrf.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? csrf
            let upload = try await client.execute(uri: "/admin/kontakter/import?fil=nye.csv&liste=Nye&csrf=" + token, method: .post,
                                                  headers: headers, body: ByteBuffer(string: csv))
            #expect(upload.status == .seeOther)
            let job = try #require(upload.headers[.location])
            var state = ""
            for _ in 0..<100 where state != "previewed" {
                let status = try await client.execute(uri: job + "/status.json", method: .get, headers: staff)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(status.body.readableBytesView)) as? [String: Any])
                state = json["state"] as? String ?? ""
                if state == "previewed" { #expect(json["recordsTotal"] as? Int == 3) }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(state == "previewed")
            return job
        }
        // The server dies in the middle of applying it: the job is left running by a process
        // that no longer exists.
        let id = String(job.split(separator: "/").last ?? "")
        let queue = ImportQueue(store: office.fixture.store)
        try queue.start(id, goodOnly: true, runner: ImportQueue.Runner())
        try await office.fixture.store.write { db in
            try db.execute(sql: "UPDATE importJob SET runnerPid = 999999, runnerToken = 'gone' WHERE id = ?", arguments: [id])
        }
        // A new router is a restarted server: it takes the job over by itself.
        try await office.fixture.app.test(.router) { client in
            let staff = try await office.login(client, "sekretariat")
            var page = ""
            for _ in 0..<100 where !page.contains("Importen er gemt") {
                page = String(buffer: try await client.execute(uri: job, method: .get, headers: staff).body)
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(page.contains("2 nye, 0 opdateret, 0 uændrede, 1 afvist"))
            let form = String(buffer: try await client.execute(uri: "/admin/kontakter/import", method: .get, headers: staff).body)
            #expect(form.contains("nye.csv") && form.contains("færdig"), "the form lists the job")
            let rejects = try await client.execute(uri: job + "/afviste.csv", method: .get, headers: staff)
            #expect(String(buffer: rejects.body).contains("ikke-en-adresse;Ib;Vejle"))
        }
        #expect(try ContactDirectory(store: office.fixture.store).list().count == before + 2)
        #expect(try await queue.job(id)?.state == .done)
    }
}
