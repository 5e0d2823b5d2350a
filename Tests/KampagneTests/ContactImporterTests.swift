import Foundation
import GRDB
import Testing
@testable import Kampagne

@Suite struct ContactImporterTests {
    @Test func importsExcelSemicolonWindows1252() throws {
        let box = try Sandbox()
        let path = box.file("chefer.csv", "Navn;E-mail;Jobcenter;Kommune;Titel;Telefon\r\nSøren Ærbøl;Soren@JC.example;Jobcenter Århus;Århus;Jobcenterchef;11 22 33 44\r\n",
                            encoding: .windowsCP1252)
        let report = try box.importing([path]) { $0.roles = ["jobcenterchef"]; $0.lists = ["Chefer"] }
        #expect(report.new == 1)
        #expect(report.files.first?.encoding == "windows-1252")
        #expect(report.listsCreated == ["Chefer"])
        let contact = try #require(box.contacts.first)
        #expect(contact.firstName == "Søren")
        #expect(contact.lastName == "Ærbøl")
        #expect(contact.email == "Soren@jc.example")
        #expect(contact.organisation == "Jobcenter Århus")
        #expect(contact.municipality == "Aarhus")
        #expect(contact.region == "Region Midtjylland")
        #expect(contact.title == "Jobcenterchef")
        #expect(contact.phone == "11 22 33 44")
        #expect(contact.roles == ["jobcenterchef"])
        #expect(contact.lists == ["Chefer"])
    }

    @Test(arguments: [
        "E-mail,Fornavn,Efternavn", "Email,First name,Last name", "MAIL,FORNAVN,EFTERNAVN",
        "E-mailadresse,Fornavn,Efternavn", "e-mail,fornavn,efternavn",
    ])
    func headerVariants(_ header: String) throws {
        let box = try Sandbox()
        try box.importing([box.file("a.csv", "\(header)\nkim@x.example,Kim,Larsen\n")])
        #expect(box.contacts.map(\.name) == ["Kim Larsen"])
    }

    @Test func unknownColumnsAreKeptAsAttributes() throws {
        let box = try Sandbox()
        try box.importing([box.file("a.csv", "Mail;Virksomhed;Branche;Jobpakke\nk@x.example;Bager Ib;køkken;Køkkenpakken\n")])
        let contact = try #require(box.contacts.first)
        #expect(contact.organisation == "Bager Ib")
        #expect(contact.attributes == ["Branche": "køkken", "Jobpakke": "Køkkenpakken"])
    }

    @Test func existingContactIsUpdatedNeverDuplicated() throws {
        let box = try Sandbox()
        try box.importing([box.file("a.csv", "E-mail;Navn;Kommune\njens@x.example;Jens Hansen;Odense\n")]) { $0.lists = ["A"] }
        let second = box.file("b.csv", "E-mail;Navn;Telefon\nJENS@X.EXAMPLE;Jens Peter Hansen;12345678\n")
        let report = try box.importing([second]) { $0.lists = ["B"] }
        #expect(report.new == 0)
        #expect(report.updated == 1)
        #expect(box.contactCount == 1)
        let contact = try #require(box.contacts.first)
        #expect(contact.firstName == "Jens Peter")
        #expect(contact.municipality == "Odense", "a field the second file lacks is kept")
        #expect(contact.phone == "12345678")
        #expect(contact.lists == ["A", "B"], "list memberships add up")
        let again = try box.importing([second]) { $0.lists = ["B"] }
        #expect(again.unchanged == 1)
        #expect(again.updated == 0)
    }

    @Test func oneBadRowAndNothingIsWritten() throws {
        let box = try Sandbox()
        let path = box.file("a.csv", "Navn;E-mail\nA;a@x.example\nB;b@\nC;c@x.example\n")
        #expect {
            try box.importing([path]) { $0.lists = ["Ny"] }
        } throws: { error in
            guard case .importRejected(let report)? = error as? KampagneError else { return false }
            let issue = report.errors.first
            return report.errors.count == 1 && issue?.line == 3 && issue?.column == "E-mail" && issue?.file == "a.csv"
        }
        #expect(box.contactCount == 0)
        #expect(try MailingLists(store: box.store).all().isEmpty, "not even the list is created")
    }

    @Test func allFilesOrNone() throws {
        let box = try Sandbox()
        let good = box.file("good.csv", "E-mail\na@x.example\n")
        let bad = box.file("bad.csv", "E-mail\nikke-en-adresse\n")
        #expect(throws: KampagneError.self) { try box.importing([good, bad]) }
        #expect(box.contactCount == 0)
    }

    @Test func rejectsFileTakesTheBadRows() throws {
        let box = try Sandbox()
        let path = box.file("a.csv", "Navn;E-mail\nA;a@x.example\nB;b@\nC;c@x.example\n")
        let rejects = box.folder.appendingPathComponent("afviste.csv").path
        let report = try box.importing([path]) { $0.rejectsPath = rejects }
        #expect(report.new == 2)
        #expect(report.rejected == 1)
        #expect(box.contactCount == 2)
        let rows = try records(try Data(contentsOf: URL(fileURLWithPath: rejects)))
        #expect(rows.count == 2)
        #expect(rows[0].fields == ["Fil", "Linje", "Fejl", "Navn", "E-mail"])
        #expect(rows[1].fields[0...1] == ["a.csv", "3"])
        #expect(rows[1].fields[2].contains("domænet"))
        #expect(rows[1].fields[3...4] == ["B", "b@"])
    }

    @Test func dryRunReportsAndWritesNothing() throws {
        let box = try Sandbox()
        try box.importing([box.file("a.csv", "E-mail;Navn\nold@x.example;Old\n")])
        let path = box.file("b.csv", "E-mail;Navn\nold@x.example;Older\nnew@x.example;New\nbad;Bad\n")
        let report = try box.importing([path]) { $0.dryRun = true; $0.lists = ["L"] }
        #expect(report.dryRun)
        #expect(!report.applied)
        #expect((report.new, report.updated, report.rejected) == (1, 1, 1))
        #expect(box.contacts.map(\.name) == ["Old"])
        #expect(try MailingLists(store: box.store).all().isEmpty)
    }

    @Test func duplicateRowsCollapse() throws {
        let box = try Sandbox()
        var text = "E-mail;Navn\n"
        for i in 0..<10_000 { text += (i.isMultiple(of: 2) ? "dup@x.example" : "DUP@x.example") + ";Dupont \(i % 3)\n" }
        let report = try box.importing([box.file("dups.csv", text)])
        #expect(report.rows == 10_000)
        #expect(report.new == 1)
        #expect(report.duplicateRows == 9_999)
        #expect(box.contactCount == 1)
    }

    @Test func crlfInANameNeverSurvives() throws {
        let box = try Sandbox()
        try box.importing([box.file("a.csv", "E-mail,Navn\nx@x.example,\"Eva\r\nBcc: evil@x.example\"\n")])
        let contact = try #require(box.contacts.first)
        #expect(!contact.name.contains("\r") && !contact.name.contains("\n"))
        #expect(contact.name == "Eva Bcc: evil@x.example")
    }

    @Test func hugeFieldIsRejectedWithItsSize() throws {
        let box = try Sandbox()
        let huge = String(repeating: "x", count: 1_048_576)
        let path = box.file("a.csv", "E-mail;Navn\na@x.example;\(huge)\n")
        #expect {
            try box.importing([path])
        } throws: { error in
            (error as? KampagneError)?.message.contains("for langt (1.048.576 tegn") == true
        }
        #expect(box.contactCount == 0)
    }

    @Test func notCSVAtAll() throws {
        let box = try Sandbox()
        let png = box.file("billede.csv", bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D])
        #expect { try box.importing([png]) } throws: { ($0 as? KampagneError)?.message.contains("NUL") == true }
        let json = box.file("data.csv", "{\"contacts\": [{\"email\": \"a@x.example\"}]}\n")
        #expect { try box.importing([json]) } throws: {
            ($0 as? KampagneError)?.message.contains("ingen kolonne med e-mailadresser") == true
        }
    }

    @Test func emptyAndHeaderOnlyFiles() throws {
        let box = try Sandbox()
        #expect { try box.importing([box.file("tom.csv", "")]) } throws: {
            ($0 as? KampagneError)?.message == "tom.csv: filen er tom"
        }
        let report = try box.importing([box.file("header.csv", "E-mail;Navn\r\n")])
        #expect(report.rows == 0)
        #expect(report.warnings.first?.message.contains("kun overskrifter") == true)
    }

    @Test func missingFileIsNamed() throws {
        let box = try Sandbox()
        #expect { try box.importing(["/nonexistent/x.csv"]) } throws: {
            ($0 as? KampagneError)?.message == "Filen findes ikke: /nonexistent/x.csv"
        }
    }

    @Test func tooManyFieldsNamesTheRow() throws {
        let box = try Sandbox()
        #expect {
            try box.importing([box.file("a.csv", "E-mail;Navn\na@x.example;A;ekstra\n")])
        } throws: { error in
            guard case .importRejected(let report)? = error as? KampagneError else { return false }
            return report.errors.first?.message == "rækken har 3 felter, men overskriften har 2"
        }
    }

    @Test func unknownMunicipalityIsAWarningAndKept() throws {
        let box = try Sandbox()
        let report = try box.importing([box.file("a.csv", "E-mail;Kommune\na@x.example;Nordpolen\n")])
        #expect(report.warnings.count == 1)
        let contact = try #require(box.contacts.first)
        #expect(contact.municipality == nil)
        #expect(contact.attributes["Kommune"] == "Nordpolen")
    }

    @Test func sourceAndConsentAreRecorded() throws {
        let box = try Sandbox()
        try box.importing([box.file("lbr.csv", "E-mail\na@x.example\n")]) {
            $0.lists = ["LBR"]; $0.source = "LBR-sekretariatet"; $0.consent = .consent
        }
        let export = try PersonalData(store: box.store, settings: EventSettings()).export("a@x.example")
        #expect(export.sources.first?.source == "LBR-sekretariatet")
        #expect(export.sources.first?.file == "lbr.csv")
        #expect(export.sources.first?.line == 2)
        #expect(export.memberships.first?.list == "LBR")
        #expect(export.memberships.first?.consentBasis == .consent)
    }
}

@Suite struct ImportDefectTests {
    @Test func rowsOfBareDelimitersAreEmptyRowsSkippedAndCounted() throws {
        let box = try Sandbox()
        let path = box.file("excel.csv", "E-mail;Navn;Kommune;Titel\r\nkim@x.example;Kim Larsen;Odense;Chef\r\n;;;\r\n;;;;;\r\n ; ;;\r\nbo@x.example;Bo Ek;Vejle;Chef\r\n")
        let report = try box.importing([path])
        #expect(report.new == 2)
        #expect(report.rejected == 0)
        #expect(report.emptyRows == 3)
        #expect(report.rows == 2)
        #expect(report.files.first?.emptyRows == 3)
        #expect(report.danishSummary.contains("Tomme rækker sprunget over: 3"))
        let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        #expect(json.contains("\"emptyRows\":3"))
    }

    @Test func unterminatedQuoteNamesTheFileOnceAndDoesNotClaimTheFileIsEmpty() throws {
        let box = try Sandbox()
        let path = box.file("citat.csv", "E-mail;Navn\n\"kim@x.example;Kim\n")
        #expect {
            try box.importing([path])
        } throws: { error in
            guard case .importRejected(let report) = error as? KampagneError else { return false }
            let text = (error as? KampagneError)?.message ?? ""
            return text.components(separatedBy: "citat.csv").count == 2
                && text.contains("citat.csv:2: kolonne 1: et felt i anførselstegn slutter aldrig")
                && !text.contains("kun overskrifter")
                && report.warnings.allSatisfy { !$0.message.contains("kun overskrifter") }
        }
    }
}
