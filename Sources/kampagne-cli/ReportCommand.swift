import ArgumentParser
import Foundation
import Kampagne

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Aktivitetsrapport for en periode: nyhedsbreve, møder, gode historier og andre aktiviteter.",
        discussion: """
        Tallene beregnes fra databasen. --html skriver én selvstændig side (kan udskrives), \
        --csv en mappe med én CSV-fil pr. tabel, --json alle tal med faste nøgler (docs/cli.md). \
        Se docs/report.md for, hvordan hvert tal er talt.
        """)

    @OptionGroup var store: StoreOptions
    @Option(help: "Første dag, fx 2027-01-01.") var from: String
    @Option(help: "Sidste dag (medregnet), fx 2027-06-30.") var to: String
    @Option(help: "Fordel oversigten på partner, municipality (kommune) eller region.") var by: String?
    @Option(help: "Skriv rapporten som HTML til FIL.") var html: String?
    @Option(help: "Skriv tabellerne som CSV-filer i MAPPE.") var csv: String?
    @Option(help: "Skriv rapporten som PDF til FIL (kræver Chromium).") var pdf: String?
    @Flag(help: "Skriv tallene som JSON.") var json = false

    func run() throws {
        let period = try ReportPeriod(from: from, to: to)
        let grouping = try by.map { (text: String) throws(KampagneError) in try ReportGrouping(parsing: text) }
        let (store, config) = try self.store.open()
        let report = try ActivityReports(store: store, settings: EventSettings(config: config)).make(period, by: grouping)
        if html != nil || pdf != nil {
            let templates = try PrintTemplates.load(config: config, configPath: self.store.workspace.configPath)
            let page = try ReportPage.html(report, templates: templates)
            if let html { try Output.write(Data(page.utf8), to: html) }
            if let pdf { try Output.write(try ReportPDF().pdf(page), to: pdf) }
        }
        let written = try csv.map { (directory: String) throws(KampagneError) in try ReportTables.write(report, to: directory) } ?? []
        if json { return try Output.json(report) }
        ReportText.lines(report, addActivities: " (tilføj med `kampagne activity add`)").forEach { print($0) }
        if let html { Output.note("Rapporten er skrevet til \(html)") }
        if let pdf { Output.note("PDF-filen er skrevet til \(pdf)") }
        if let csv { Output.note("\(written.count) CSV-filer er skrevet til \(csv)") }
    }
}
