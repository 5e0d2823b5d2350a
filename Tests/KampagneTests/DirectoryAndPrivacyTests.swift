import Foundation
import GRDB
import Testing
@testable import Kampagne

@Suite struct DirectoryTests {
    func seeded() throws -> Sandbox {
        let box = try Sandbox()
        let text = """
        E-mail;Navn;Kommune;Organisation;Titel
        a@x.example;Åse Aagaard;Odense;Jobcenter Odense;Jobcenterchef
        b@x.example;Bo Zachariassen;Vejle;Jobcenter Vejle;Jobcenterchef
        c@x.example;Clara Ærø;Aalborg;Jobcenter Aalborg;Jobcenterchef
        d@x.example;Dan Andersen;København;Bager Dan;Indehaver

        """
        try box.importing([box.file("a.csv", text)]) { $0.lists = ["Alle"] }
        _ = try ContactDirectory(store: box.store).update("d@x.example", { var c = ContactDirectory.Changes(); c.addRoles = ["virksomhed"]; return c }())
        for email in ["a@x.example", "b@x.example", "c@x.example"] {
            var changes = ContactDirectory.Changes()
            changes.addRoles = ["Jobcenterchef"]
            try ContactDirectory(store: box.store).update(email, changes)
        }
        return box
    }

    @Test func listsInDanishOrder() throws {
        let box = try seeded()
        #expect(box.contacts.map(\.lastName) == ["Andersen", "Zachariassen", "Ærø", "Aagaard"])
    }

    @Test func filtersByRoleRegionMunicipalityListAndSearch() throws {
        let box = try seeded()
        let directory = ContactDirectory(store: box.store)
        #expect(try directory.list(ContactFilter(roles: ["jobcenterchef"])).count == 3)
        #expect(try directory.list(ContactFilter(roles: ["JOBCENTERCHEF"], regions: ["Syddanmark"])).map(\.email) == ["b@x.example", "a@x.example"])
        #expect(try directory.list(ContactFilter(municipalities: ["Aalborg Kommune"])).map(\.email) == ["c@x.example"])
        #expect(try directory.list(ContactFilter(lists: ["alle"])).count == 4)
        #expect(try directory.list(ContactFilter(search: "aero")).map(\.email) == [], "æ is a letter, not a+e")
        #expect(try directory.list(ContactFilter(search: "ÆRØ")).map(\.email) == ["c@x.example"])
        #expect(try directory.list(ContactFilter(search: "bager")).map(\.email) == ["d@x.example"])
        #expect(try directory.list(ContactFilter(organisations: ["jobcenter vejle"])).map(\.email) == ["b@x.example"])
        #expect(throws: KampagneError.self) { try directory.list(ContactFilter(municipalities: ["Atlantis"])) }
        #expect(throws: KampagneError.self) { try directory.list(ContactFilter(lists: ["findes ikke"])) }
    }

    @Test func segmentsAreEvaluatedWhenUsed() throws {
        let box = try seeded()
        let segments = Segments(store: box.store)
        let id = try segments.create("Chefer i Syddanmark", filter: ContactFilter(roles: ["jobcenterchef"], regions: ["Region Syddanmark"]))
        #expect(id > 0)
        #expect(try segments.all().first?.members == 2)
        try box.importing([box.file("ny.csv", "E-mail;Kommune\nnew@x.example;Kolding\n")]) { $0.roles = ["jobcenterchef"] }
        #expect(try ContactDirectory(store: box.store).list(segment: "chefer i syddanmark").count == 3)
        #expect(throws: KampagneError.self) { try segments.create("Chefer i Syddanmark", filter: ContactFilter(roles: ["x"])) }
        #expect(throws: KampagneError.self) { try segments.create("tom", filter: ContactFilter()) }
    }

    @Test func updateValidatesAndRecords() throws {
        let box = try seeded()
        let directory = ContactDirectory(store: box.store)
        var changes = ContactDirectory.Changes()
        changes.municipality = "Århus"
        changes.setAttributes = ["Branche": "køkken"]
        changes.email = "Dan@Bager.example"
        let updated = try directory.update("d@x.example", changes)
        #expect(updated.municipality == "Aarhus")
        #expect(updated.email == "Dan@bager.example")
        #expect(updated.attributes["Branche"] == "køkken")
        var clash = ContactDirectory.Changes()
        clash.email = "a@x.example"
        #expect(throws: KampagneError.self) { try directory.update("dan@bager.example", clash) }
        var bad = ContactDirectory.Changes()
        bad.municipality = "Atlantis"
        #expect(throws: KampagneError.self) { try directory.update("dan@bager.example", bad) }
    }

    @Test func listsCreateAddRemoveDelete() throws {
        let box = try seeded()
        let lists = MailingLists(store: box.store)
        let id = try lists.create("Presse")
        #expect(id > 0)
        #expect(throws: KampagneError.self) { try lists.create("presse") }
        #expect(try lists.add(["a@x.example", "A@X.EXAMPLE", "b@x.example"], to: "Presse", consent: .consent, source: "test") == 2)
        #expect(try lists.show("Presse").members.map(\.email) == ["b@x.example", "a@x.example"])
        #expect(try lists.remove(["b@x.example"], from: "Presse") == 1)
        #expect(throws: KampagneError.self) { try lists.delete("Presse", force: false) }
        #expect(try lists.delete("Presse", force: true) == 1)
        #expect(box.contactCount == 4, "deleting a list keeps the contacts")
    }

    @Test func exportRoundTrips() throws {
        let box = try seeded()
        let data = ContactExport.csv(box.contacts, excel: true)
        let path = box.folder.appendingPathComponent("export.csv").path
        try data.write(to: URL(fileURLWithPath: path))
        let other = try Sandbox()
        let report = try other.importing([path])
        #expect(report.new == 4)
        #expect(report.files.first?.delimiter == ";")
        #expect(other.contacts.map(\.name) == box.contacts.map(\.name))
        #expect(other.contacts.map(\.roles) == box.contacts.map(\.roles))
        #expect(other.contacts.map(\.municipality) == box.contacts.map(\.municipality))
    }
}

@Suite struct PrivacyTests {
    @Test func unsubscribeIsGlobalAndIdempotent() throws {
        let box = try Sandbox()
        try box.importing([box.file("a.csv", "E-mail\na@x.example\n")])
        let privacy = PersonalData(store: box.store, settings: EventSettings())
        #expect(try privacy.unsubscribe("A@x.example", source: "test"))
        #expect(try !privacy.unsubscribe("a@x.example", source: "test"))
        #expect(box.contacts.first?.suppressed == true)
        let report = try box.importing([box.file("b.csv", "E-mail\na@x.example\n")])
        #expect(report.suppressed == 1)
    }

    @Test func eraseLeavesOnlyAHashAndBlocksReimport() throws {
        let box = try Sandbox()
        try box.importing([box.file("a.csv", "E-mail;Navn;Telefon\nhemmelig.person@x.example;Hemmelig Person;99887766\n")]) { $0.lists = ["L"] }
        try PersonalData(store: box.store, settings: EventSettings()).erase("Hemmelig.Person@x.example")
        #expect(box.contactCount == 0)
        try box.store.pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: box.store.path))
        #expect(bytes.range(of: Data("hemmelig".utf8)) == nil, "no trace of the address in the file")
        #expect(bytes.range(of: Data("99887766".utf8)) == nil)
        let report = try box.importing([box.file("b.csv", "E-mail;Navn\nHEMMELIG.PERSON@x.example;H P\n")])
        #expect(report.skippedErased == 1)
        #expect(report.new == 0)
        #expect(box.contactCount == 0)
        #expect(throws: KampagneError.self) { try PersonalData(store: box.store, settings: EventSettings()).export("hemmelig.person@x.example") }
    }

    @Test func exportPersonHasEverything() throws {
        let box = try Sandbox()
        try box.importing([box.file("a.csv", "E-mail;Navn;Branche\na@x.example;Anna Berg;pleje\n")]) { $0.lists = ["L"]; $0.roles = ["mentor"] }
        let export = try PersonalData(store: box.store, settings: EventSettings()).export("a@x.example")
        #expect(export.contact.name == "Anna Berg")
        #expect(export.contact.roles == ["mentor"])
        #expect(export.contact.attributes == ["Branche": "pleje"])
        #expect(export.memberships.map(\.list) == ["L"])
        #expect(export.sources.count == 1)
    }
}

@Suite struct StoreTests {
    @Test func walModeAndForeignKeys() throws {
        let box = try Sandbox()
        let (mode, fk) = try box.store.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"))
        }
        #expect(mode == "wal")
        #expect(fk == 1)
    }

    @Test func reopeningIsHarmless() throws {
        let box = try Sandbox()
        try box.importing([box.file("a.csv", "E-mail\na@x.example\n")])
        let again = try Store(path: box.store.path)
        #expect(try again.read { try Contact.fetchCount($0) } == 1)
    }

    @Test func firstSchemaFixtureOpens() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/schema-v1.sqlite")
        let box = try Sandbox()
        let copy = box.folder.appendingPathComponent("old.sqlite")
        try FileManager.default.copyItem(at: fixture, to: copy)
        let store = try Store(path: copy.path)
        let contacts = try ContactDirectory(store: store).list()
        #expect(contacts.count == 3)
        #expect(contacts.contains { $0.email == "jens.hansen@jobcenter-odense.example" && $0.municipality == "Odense" })
        #expect(try MailingLists(store: store).all().map(\.name) == ["Fixture-liste"])
    }
}
