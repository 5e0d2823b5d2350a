import Foundation
import GRDB
import Testing
@testable import Kampagne

/// The library calls behind `/admin/kontakter`: the paged, sorted table with its filters, the
/// import preview (upload bytes, mapping, sample rows), consent evidence, list and segment
/// changes, and field errors on an edit.
@Suite struct ContactsAdminTests {
    func filled() throws -> Sandbox {
        let box = try Sandbox()
        let csv = """
        E-mail;Fornavn;Efternavn;Organisation;Kommune
        aase@x.example;Aase;Østergaard;Jobcenter Vejle;Vejle
        bo@x.example;Bo;Zacho;Bager Bo;Odense
        eva@x.example;Eva;Ærø;Jobcenter Vejle;Vejle
        kim@x.example;Kim;Andersen;Kims VVS;Aarhus
        lis@x.example;Lis;Åberg;Lis' Blomster;Odense

        """
        try box.importing([box.file("a.csv", csv)]) { $0.lists = ["Nyhedsbrev"]; $0.consent = .consent }
        return box
    }

    @Test func pagesAreInDanishOrderAndCounted() throws {
        let box = try filled()
        let directory = ContactDirectory(store: box.store)
        let first = try directory.page(ContactQuery(page: 1, pageSize: 2))
        let second = try directory.page(ContactQuery(page: 2, pageSize: 2))
        let third = try directory.page(ContactQuery(page: 3, pageSize: 2))
        #expect(first.total == 5 && first.pages == 3)
        // æ, ø, å after z.
        #expect((first.contacts + second.contacts + third.contacts).map(\.lastName) == ["Andersen", "Zacho", "Ærø", "Østergaard", "Åberg"])
        #expect(try directory.page(ContactQuery(page: 99, pageSize: 2)).page == 3, "a page past the end is the last")
        // A search (one pass: every match's id, sliced) pages, counts and orders as an indexed filter.
        let searched = try (1...4).map { try directory.page(ContactQuery(filter: ContactFilter(search: "example"), page: $0, pageSize: 2)) }
        #expect(searched.map(\.total) == [5, 5, 5, 5] && searched.map(\.pages) == [3, 3, 3, 3] && searched[3].page == 3)
        #expect(searched.prefix(3).flatMap(\.contacts).map(\.lastName) == ["Andersen", "Zacho", "Ærø", "Østergaard", "Åberg"])
        let searchedDown = try directory.page(ContactQuery(filter: ContactFilter(search: "example"), sort: .email, descending: true, pageSize: 2))
        #expect(searchedDown.contacts.map(\.email) == ["lis@x.example", "kim@x.example"])
        let byEmailDown = try directory.page(ContactQuery(sort: .email, descending: true, pageSize: 2))
        #expect(byEmailDown.contacts.map(\.email) == ["lis@x.example", "kim@x.example"])
    }

    @Test func theSortKeysByteOrderIsTheDanishOrder() {
        let names = ["Åberg", "aabye", "Abel", "Zacho", "Ærø", "Øster", "ørsted", "Andersen", "andersen", "Ab", "Éclair", "Eclair", "Ea"]
        let bySortKey = names.sorted { DanishText.sortKey([$0]).utf8.lexicographicallyPrecedes(DanishText.sortKey([$1]).utf8) }
        let byCollation = names.sorted { DanishText.collationOrder($0, $1) == .orderedAscending }
        #expect(bySortKey == byCollation)
        // Part by part: the last name decides before the first name.
        #expect(DanishText.sortKey(["Ab", "Zoe"]) < DanishText.sortKey(["Abc", "Anna"]))
    }

    @Test func filtersBySearchConsentAndSuppression() throws {
        let box = try filled()
        try box.importing([box.file("b.csv", "E-mail;Navn\nny@x.example;Ny Person\n")])
        let directory = ContactDirectory(store: box.store)
        #expect(try directory.page(ContactQuery(filter: ContactFilter(search: "jobcenter vejle"))).contacts.map(\.email)
            == ["eva@x.example", "aase@x.example"])
        #expect(try directory.page(ContactQuery(filter: ContactFilter(consent: .consent))).total == 5)
        #expect(try directory.page(ContactQuery(filter: ContactFilter(consent: .legitimateInterest))).total == 0)
        try PersonalData(store: box.store, settings: EventSettings()).unsubscribe("bo@x.example", source: "test")
        #expect(try directory.page(ContactQuery(filter: ContactFilter(suppressed: true))).contacts.map(\.email) == ["bo@x.example"])
        #expect(try directory.page(ContactQuery(filter: ContactFilter(suppressed: false))).total == 5)
        #expect(try directory.page(ContactQuery(filter: ContactFilter(regions: ["Region Syddanmark"]))).total == 4)
    }

    @Test func aPreviewOfUploadedBytesWritesNothingAndShowsTheRows() throws {
        let box = try Sandbox()
        let text = "Mailadr.;Navn;Kommune;Afdeling\r\nsoeren@x.example;Søren Ærbøl;Århus;Køkken\r\nikke-en-adresse;Ib Ny;Vejle;Lager\r\n"
        let data = try #require(text.data(using: .windowsCP1252))
        var options = ImportOptions()
        options.dryRun = true
        options.sampleSize = 5
        let importer = ContactImporter(store: box.store)
        // No column is recognised as the address: the preview still shows the columns.
        let blind = try importer.run([ImportInput(name: "chefer.csv", data: data)], options: options)
        #expect(blind.files.first?.columns.map(\.header) == ["Mailadr.", "Navn", "Kommune", "Afdeling"])
        #expect(blind.errors.first?.message.contains("ingen kolonne med e-mailadresser") == true)
        options.columns = ["mailadr.": "email", "Afdeling": "ignorer"]
        let report = try importer.run([ImportInput(name: "chefer.csv", data: data)], options: options)
        #expect(report.files.first?.encoding == "windows-1252" && report.files.first?.delimiter == ";")
        #expect(report.files.first?.columns.map(\.field) == ["email", "navn", "kommune", "ignorer"])
        #expect(report.sample.map(\.email) == ["soeren@x.example"])
        #expect(report.sample.first?.lastName == "Ærbøl" && report.sample.first?.municipality == "Aarhus")
        #expect(report.sample.first?.attributes.isEmpty == true, "an ignored column is not kept")
        #expect(report.errors.map { "\($0.line ?? 0):\($0.column ?? "")" } == ["3:Mailadr."])
        #expect(report.dryRun && box.contactCount == 0)
        #expect(throws: KampagneError.self) {
            var wrong = options
            wrong.columns = ["Navn": "skostørrelse"]
            try importer.run([ImportInput(name: "chefer.csv", data: data)], options: wrong)
        }
    }

    @Test func consentEvidenceIsStoredWithTheSourceAndExported() throws {
        let box = try Sandbox()
        let told = try #require(DanishDate.parse("03.03.2026"))
        let report = try box.importing([box.file("t.csv", "E-mail;Navn\nanna@x.example;Anna Holm\n")]) {
            $0.lists = ["Nyhedsbrev"]
            $0.consent = .consent
            $0.consentEvidence = ConsentEvidence(wording: "Ja tak, send mig nyhedsbrevet om jobpakker", by: "LBR-sekretariatet",
                                                 toldAt: told, evidence: "tilmeldingsark, sag 2026-118")
        }
        #expect(report.warnings.isEmpty)
        let export = try PersonalData(store: box.store, settings: EventSettings()).export("anna@x.example")
        let consent = try #require(export.sources.first?.consent)
        #expect(consent.wording == "Ja tak, send mig nyhedsbrevet om jobpakker" && consent.by == "LBR-sekretariatet")
        #expect(consent.toldAt == told && consent.evidence == "tilmeldingsark, sag 2026-118")
        // Consent without its wording is imported, with a warning that says what is missing.
        let bare = try box.importing([box.file("u.csv", "E-mail\nbo@x.example\n")]) { $0.lists = ["Nyhedsbrev"]; $0.consent = .consent }
        #expect(bare.warnings.contains { $0.message.contains("samtykke uden ordlyd") })
        #expect(throws: KampagneError.fields([FieldError("consentWording", "Skriv, hvad personerne fik at vide (ordlyden).")])) {
            try ConsentEvidence(wording: "  ").validated()
        }
    }

    @Test func listsAreRenamedAndSegmentsChanged() throws {
        let box = try filled()
        let lists = MailingLists(store: box.store)
        try lists.rename("nyhedsbrev", to: "Nyhedsbrevet")
        #expect(try lists.all().map(\.name) == ["Nyhedsbrevet"])
        _ = try lists.create("Chefer")
        #expect(throws: KampagneError.field("name", "Listen 'chefer' findes allerede")) { try lists.rename("Nyhedsbrevet", to: "chefer") }
        let segments = Segments(store: box.store)
        _ = try segments.create("Syd", filter: ContactFilter(regions: ["Syddanmark"]))
        #expect(try segments.count(ContactFilter(municipalities: ["Vejle"])) == 2)
        try segments.update("Syd", filter: ContactFilter(municipalities: ["Vejle"]), newName: "Vejle")
        let saved = try #require(try segments.all().first)
        #expect(saved.name == "Vejle" && saved.members == 2 && saved.filter.municipalities == ["Vejle"])
    }

    @Test func anEditNamesEachWrongField() throws {
        let box = try filled()
        var changes = ContactDirectory.Changes()
        changes.municipality = "Vejlee"
        changes.phone = String(repeating: "1", count: 80)
        changes.email = "bo@x.example"
        do throws(KampagneError) {
            try ContactDirectory(store: box.store).update("kim@x.example", changes)
            Issue.record("the edit should be refused")
        } catch .fields(let errors) {
            #expect(Set(errors.map(\.field)) == ["municipality", "phone", "email"])
            #expect(errors.first { $0.field == "municipality" }?.message.contains("Vejle") == true, "suggests the near name")
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(try ContactDirectory(store: box.store).show("kim@x.example").municipality == "Aarhus", "nothing saved")
    }
}
