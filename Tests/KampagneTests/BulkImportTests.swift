import Foundation
import GRDB
import Testing
@testable import Kampagne

/// A big import that builds its indexes after its rows (`DeferredIndexes`) leaves exactly what
/// an import through the indexes leaves: the same rows in every table, the same report and
/// rejected rows, the same schema and query plans, and indexes that agree with their tables.
@Suite struct BulkImportTests {
    /// `rows` generated contacts with what an import meets: Danish letters, a repeated address
    /// in other case, a bad address, an unknown municipality, an extra column, two roles, a
    /// blank row; addresses 0...2 are also in the small file imported first.
    static func bigFile(rows: Int) -> String {
        let first = ["Søren", "Åse", "Ebbe", "Zoë", "Mads", "Ulla", "Kim", "Éva"]
        let last = ["Ærbøl", "Aagaard", "Østergaard", "Hansen", "Zacho", "Åberg", "Dahl", "Müller"]
        let municipalities = ["Vejle", "Århus", "Aabenraa", "Ærø", "Sorø", "Ingen By", "", "København"]
        var text = "Fornavn;Efternavn;E-mail;Kommune;Rolle;Organisation;Branche\n"
        for i in 0..<rows {
            let m = municipalities[i % municipalities.count]
            var email = "person\(i)@firma\(i % 37).example"
            if i == 17 { email = "PERSON3@FIRMA3.example" }  // the same person as row 3
            if i == 23 { email = "ikke-en-adresse" }
            if i == 29 { text += ";;;;;;\n"; continue }
            let role = i % 5 == 0 ? "Jobkonsulent, LBR-medlem" : "Sagsbehandler"
            text += "\(first[i % first.count]);\(last[(i / 8) % last.count]);\(email);\(m);\(role);Jobcenter \(m);\(i % 3 == 0 ? "køkken" : "")\n"
        }
        return text
    }

    /// Imports the same files into a new sandbox with `policy`, after the same small import
    /// and the same suppression.
    static func imported(_ policy: DeferredIndexes.Policy, rows: Int) throws -> (Sandbox, ImportReport, String) {
        let box = try Sandbox()
        _ = try box.importing([box.file("first.csv", "E-mail;Navn;Telefon\nperson0@firma0.example;Gammel Navn;1234\nperson2@firma2.example;Anden;\nandet@x.example;Tredje;\n")]) {
            $0.lists = ["Bench"]
        }
        try box.store.write { db in _ = try SuppressionList.add("person5@firma5.example", reason: .unsubscribed, source: "test", in: db) }
        var importer = ContactImporter(store: box.store)
        importer.indexes = policy
        var options = ImportOptions()
        options.lists = ["Bench", "Ny liste"]
        options.roles = ["Importeret"]
        options.rejectsPath = box.folder.appendingPathComponent("afviste.csv").path
        var report = try importer.run([box.file("big.csv", bigFile(rows: rows))], options: options)
        report.rejectsFile = nil
        let rejects = try String(contentsOfFile: box.folder.appendingPathComponent("afviste.csv").path, encoding: .utf8)
        return (box, report, rejects)
    }

    /// Every row of the tables an import writes, times left out (each run has its own `now`).
    static func tables(_ db: Database) throws -> [String: [[String]]] {
        let queries = [
            "contact": "SELECT id, email, emailKey, firstName, lastName, organisation, title, municipality, phone, attributes, sortKey, searchText, suppressed, organisationKey, municipalityKey, createdAt = updatedAt FROM contact ORDER BY id",
            "contactRole": "SELECT * FROM contactRole ORDER BY contactId, roleKey",
            "listMembership": "SELECT mailingListId, contactId, consentBasis, source FROM listMembership ORDER BY mailingListId, contactId",
            "contactSource": "SELECT * FROM contactSource ORDER BY contactId, dataSourceId",
            "dataSource": "SELECT id, description, file FROM dataSource ORDER BY id",
            "mailingList": "SELECT id, name, nameKey, description FROM mailingList ORDER BY id",
        ]
        return try queries.mapValues { sql in
            try Row.fetchAll(db, sql: sql).map { row in row.databaseValues.map { $0.isNull ? "NULL" : $0.description } }
        }
    }

    static func schema(_ db: Database) throws -> [[String]] {
        try Row.fetchAll(db, sql: "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema ORDER BY type, name").map {
            [$0[0], $0[1], $0[2], $0[3]]
        }
    }

    /// The query plans of the contact table's request kinds (`ContactKeysTests`).
    static func plans(_ db: Database) throws -> [[String]] {
        let kinds: [(ContactFilter, ContactSort, Bool)] = [
            (ContactFilter(), .name, false), (ContactFilter(), .name, true),
            (ContactFilter(municipalities: ["Vejle"]), .name, false), (ContactFilter(regions: ["Region Syddanmark"]), .name, false),
            (ContactFilter(), .organisation, false), (ContactFilter(), .organisation, true), (ContactFilter(), .municipality, false),
            (ContactFilter(suppressed: true), .name, false), (ContactFilter(suppressed: false), .name, false),
            (ContactFilter(), .email, false), (ContactFilter(roles: ["sagsbehandler"]), .name, false),
            (ContactFilter(lists: ["Ny liste"]), .name, false),
        ]
        var plans: [[String]] = []
        for (filter, sort, descending) in kinds {
            let resolved = try filter.resolved(in: db)
            for request in [resolved.request().select(Column("id")).order(sql: ContactListing.order(sort, descending: descending)).limit(50),
                            resolved.request().select(sql: "COUNT(*)")] {
                let statement = try request.makePreparedRequest(db).statement
                plans.append(try String.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + statement.sql, arguments: statement.arguments,
                                                 adapter: SuffixRowAdapter(fromIndex: 3)))
            }
        }
        return plans
    }

    @Test func buildingTheIndexesAfterTheRowsLeavesWhatTheIndexesWouldHave() throws {
        let (through, throughReport, throughRejects) = try Self.imported(.never, rows: 1_200)
        let (after, afterReport, afterRejects) = try Self.imported(.always, rows: 1_200)
        #expect(afterReport == throughReport)
        // 1,200 rows: one blank, one bad address, one repeated address, two known before.
        #expect(afterReport.new == 1_195 && afterReport.updated == 2 && afterReport.rejected == 1 && afterReport.duplicateRows == 1)
        #expect(afterRejects == throughRejects && afterRejects.contains("ikke-en-adresse"))
        let fresh = try Sandbox()
        let freshSchema = try fresh.store.read(Self.schema)
        try through.store.read { a in
            try after.store.read { b in
                #expect(try Self.tables(b) == (try Self.tables(a)))
                #expect(try Self.schema(b) == (try Self.schema(a)))
                #expect(try Self.schema(b) == freshSchema)
                #expect(try Self.plans(b) == (try Self.plans(a)))
                // The SQLite linked here reports "NULL value in contactRole.role" for rows of
                // that WITHOUT ROWID table made through the indexes too (never NULL; the
                // `sqlite3` shell finds the same files "ok"): the two files must agree, and
                // nothing else may be reported.
                let integrity = try String.fetchAll(b, sql: "PRAGMA integrity_check")
                #expect(integrity == (try String.fetchAll(a, sql: "PRAGMA integrity_check")))
                #expect(integrity.allSatisfy { $0 == "ok" || $0 == "NULL value in contactRole.role" }, "\(integrity.prefix(5))")
                #expect(try Int.fetchOne(b, sql: "SELECT count(*) FROM contactRole WHERE role IS NULL") == 0)
                // Each index holds what its table says, in the same order as the other file's.
                for index in try DeferredIndexes.current(b) where index.name.hasPrefix("contact_") {
                    let sql = "SELECT id FROM contact INDEXED BY \(index.name) " + (index.name == "contact_suppressed" ? "WHERE suppressed = 1 " : "WHERE true ")
                        + "ORDER BY " + ["contact_sortKey": "sortKey, id", "contact_organisationKey": "organisationKey, sortKey, id",
                                         "contact_municipalityKey": "municipalityKey, sortKey, id", "contact_suppressed": "sortKey, id"][index.name, default: "id"]
                    #expect(try Int64.fetchAll(b, sql: sql) == (try Int64.fetchAll(a, sql: sql)), "\(index.name)")
                }
            }
        }
    }

    @Test func aRefusedImportKeepsItsIndexes() throws {
        let box = try Sandbox()
        let before = try box.store.read(Self.schema)
        var importer = ContactImporter(store: box.store)
        importer.indexes = .always
        #expect(throws: KampagneError.self) {
            try importer.run([box.file("big.csv", Self.bigFile(rows: 50))], options: ImportOptions())
        }
        #expect(box.contactCount == 0)
        #expect(try box.store.read(Self.schema) == before)
        #expect(try box.store.read { try DeferredIndexes.current($0).count }
            == before.filter { $0[0] == "index" && !$0[3].isEmpty && DeferredIndexes.tables.contains($0[2]) }.count)
    }

    @Test func theRuleTakesBigImportsIntoSmallTables() {
        #expect(DeferredIndexes.applies(newRows: 100_000, existing: 0))
        #expect(DeferredIndexes.applies(newRows: 100_000, existing: 100_000))
        #expect(!DeferredIndexes.applies(newRows: 100_000, existing: 100_001))
        #expect(!DeferredIndexes.applies(newRows: 4_999, existing: 0))
        let lines = ImportInput(name: "a.csv", data: Data("E-mail\r\na@x.example\r\nb@x.example\r\n".utf8))
        let classic = ImportInput(name: "b.csv", data: Data("E-mail\ra@x.example\r".utf8))
        #expect(ContactImporter.estimatedRows([lines, classic]) == 5)
    }

    /// The indexes this import takes away are every secondary index of its tables: one added
    /// by a later migration is taken and built again too, and none of the constraints.
    @Test func theDeferredIndexesAreTheSecondaryOnes() throws {
        let box = try Sandbox()
        let names = try box.store.read { try DeferredIndexes.current($0).map(\.name) }
        #expect(Set(names).isSuperset(of: ["contact_sortKey", "contact_organisationKey", "contact_municipalityKey",
                                            "contact_suppressed", "contactRole_roleKey"]))
        #expect(!names.contains { $0.hasPrefix("sqlite_autoindex") })
    }
}
