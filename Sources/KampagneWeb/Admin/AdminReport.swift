import Foundation
import HTTPTypes
import Hummingbird
import Kampagne

/// `/admin/rapport`: the activity report for a chosen period and grouping on the page, with
/// its charts; the printable HTML, a PDF (headless Chromium, where installed) and the CSV
/// tables to download; and the hand-entered activities, added and removed in a form through
/// the same `ActivityLog` calls as `kampagne activity add/remove`. The secretariat and
/// administrators change activities; organisers and advisors read.
struct AdminReport: Sendable {
    let site: Site
    var admin: AdminPages { AdminPages(site: site) }
    var gate: StaffGate { StaffGate(site: site) }

    static let flashes: [String: String] = [
        "aktivitet-gemt": "Aktiviteten er gemt.",
        "aktivitet-slettet": "Aktiviteten er slettet.",
    ]

    /// The period and grouping a request asks for (`fra`, `til`, `efter`), the current half-year
    /// by default; errors keyed by field.
    struct Choice: Sendable {
        var from: String
        var to: String
        var by: String
        var period: ReportPeriod?
        var grouping: ReportGrouping?
        var errors: [String: String] = [:]

        init(_ request: Request) {
            let query = request.uri.queryParameters
            let half = try? ReportPeriod.halfYear()
            from = DanishText.trimmed(query.get("fra") ?? half?.from ?? "")
            to = DanishText.trimmed(query.get("til") ?? half?.to ?? "")
            by = DanishText.trimmed(query.get("efter") ?? "")
            do {
                period = try ReportPeriod(from: from, to: to)
            } catch {
                let error = KampagneError.wrap(error)
                let fields = error.fieldMessages
                errors["fra"] = fields["from"]
                errors["til"] = fields["to"]
                if fields.isEmpty { errors["fra"] = error.message }
            }
            if !by.isEmpty {
                do { grouping = try ReportGrouping(parsing: by) } catch { errors["efter"] = error.message }
            }
        }

        /// The query that asks for the same report again.
        var query: String {
            "fra=\(AdminLinks.query(from))&til=\(AdminLinks.query(to))" + (by.isEmpty ? "" : "&efter=\(AdminLinks.query(by))")
        }
    }

    private func make(_ choice: Choice) async throws -> ActivityReport? {
        guard let period = choice.period, choice.errors.isEmpty else { return nil }
        let (store, settings, grouping) = (site.store, site.settings, choice.grouping)
        return try await site.offload { () throws(KampagneError) in
            try ActivityReports(store: store, settings: settings).make(period, by: grouping)
        }
    }

    func page(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.report, request, context) { staff in try await reportPage(staff, request) }
    }

    private func reportPage(_ staff: Staff, _ request: Request, status: HTTPResponse.Status = .ok, activityError: String? = nil,
                            typed: [String: String] = [:]) async throws -> Response {
        let choice = Choice(request)
        let report = try await make(choice)
        var values: [String: Any] = [
            "from": choice.from, "to": choice.to, "errors": choice.errors, "action": "/admin/rapport",
            "groupings": [("", "ingen fordeling"), ("partner", "partner"), ("municipality", "kommune"), ("region", "region")].map {
                ["key": $0.0, "name": $0.1, "selected": $0.0 == (choice.grouping?.rawValue ?? "")]
            },
        ]
        if let report {
            let templates = site.printTemplates
            let html = try await site.offload { () throws(KampagneError) in try ReportPage.html(report, templates: templates) }
            values["report"] = ReportPage.content(of: html) ?? ""
            values["period"] = report.periodName
            values["htmlLink"] = "/admin/rapport/side?" + choice.query
            values["pdfLink"] = "/admin/rapport/rapport.pdf?" + choice.query
            values["tables"] = ReportTables.files(report).map { ["name": $0.name, "link": "/admin/rapport/tabeller/\($0.name)?" + choice.query] }
            let store = site.store
            let period = report.period
            let activities = try await site.offload { () throws(KampagneError) in try ActivityLog(store: store).list(period: period) }
            let canEdit = staff.mayChange(.report)
            values["activities"] = activities.map { a -> [String: Any] in
                var row: [String: Any] = ["id": String(a.id), "kind": a.kind.singular, "date": DanishDate.numeric(ReportPeriod.dayStart(a.date)),
                                          "title": a.title, "count": a.count.map(DanishNumber.int) ?? "–", "partner": a.partnerName]
                if !a.note.isEmpty { row["note"] = a.note }
                if canEdit {
                    let path = "/admin/rapport/aktiviteter/\(a.id)/slet"
                    row["removeAction"] = path + "?" + choice.query
                    row["removeCsrf"] = gate.token(staff, path)
                }
                return row
            }
            values["hasActivities"] = !activities.isEmpty
        }
        if staff.mayChange(.report) {
            values["addAction"] = "/admin/rapport/aktiviteter?" + choice.query
            values["addCsrf"] = gate.token(staff, "/admin/rapport/aktiviteter")
            values["kinds"] = ActivityKind.allCases.map { ["key": $0.rawValue, "name": $0.singular, "selected": $0.rawValue == typed["kind"]] }
            values["typed"] = typed.filter { !$0.value.isEmpty }
            values["today"] = DanishDate.iso(Date())
        }
        if let activityError { values["activityError"] = activityError }
        return admin.page(status, staff, .report, title: "Rapport", "admin-rapport", values, request: request)
    }

    /// The whole printable report (self-contained HTML, as `kampagne report --html` writes).
    func printable(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.report, request, context) { staff in
            let choice = Choice(request)
            guard let report = try await make(choice) else { return try await reportPage(staff, request, status: .badRequest) }
            let templates = site.printTemplates
            let html = try await site.offload { () throws(KampagneError) in try ReportPage.html(report, templates: templates) }
            return FileDownload(name: "rapport-\(report.period.from)-\(report.period.to).html", type: FileDownload.html, text: html,
                                disposition: .inline).response
        }
    }

    /// The report printed to PDF by headless Chromium; without it, a Danish page that offers the HTML.
    func pdf(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.report, request, context) { staff in
            let choice = Choice(request)
            guard let report = try await make(choice) else { return try await reportPage(staff, request, status: .badRequest) }
            let templates = site.printTemplates
            let printer = ReportPDF()
            guard printer.browser != nil else {
                return admin.page(.serviceUnavailable, staff, .report, title: "PDF ikke mulig", "admin-besked", [
                    "heading": "PDF-filen kan ikke laves her", "message": ReportPDF.missing,
                    "back": "/admin/rapport/side?" + choice.query, "backText": "Hent den printbare HTML-side",
                ])
            }
            do {
                let data = try await site.offload { () throws(KampagneError) in
                    try printer.pdf(try ReportPage.html(report, templates: templates))
                }
                return FileDownload(name: "rapport-\(report.period.from)-\(report.period.to).pdf", type: FileDownload.pdf, bytes: data).response
            } catch {
                let error = KampagneError.wrap(error)
                return admin.page(.serviceUnavailable, staff, .report, title: "PDF ikke mulig", "admin-besked", [
                    "heading": "PDF-filen kunne ikke laves", "message": error.message + " Hent den printbare HTML-side i stedet.",
                    "back": "/admin/rapport/side?" + choice.query, "backText": "Hent den printbare HTML-side",
                ])
            }
        }
    }

    /// One of the report's tables as CSV for Excel (`;`, UTF-8 with BOM).
    func table(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.report, request, context) { staff in
            let name = context.parameters.get("name") ?? ""
            let choice = Choice(request)
            guard let report = try await make(choice) else { return try await reportPage(staff, request, status: .badRequest) }
            guard let file = ReportTables.files(report).first(where: { $0.name == name }) else {
                return admin.message(.notFound, staff, .report, "Tabellen findes ikke", "Vælg en af tabellerne under rapporten.")
            }
            return FileDownload(name: "\(report.period.from)-\(report.period.to)-\(file.name)", type: FileDownload.csv, bytes: file.data).response
        }
    }

    // MARK: Hand-entered activities

    private func changing(_ request: Request, _ context: WebContext, _ body: (Staff) async throws -> Response) async throws -> Response {
        try await gate.open(.report, request, context) { staff in
            guard staff.mayChange(.report) else {
                return admin.message(.forbidden, staff, .report, "Kun læseadgang", "Din rolle må læse rapporten, men ikke ændre aktiviteterne.")
            }
            return try await body(staff)
        }
    }

    func addActivity(_ request: Request, _ context: WebContext) async throws -> Response {
        try await changing(request, context) { staff in
            let form = FormFields(try await WebForm.body(request, context))
            guard gate.verify(staff, form["csrf"], "/admin/rapport/aktiviteter") else {
                return admin.expired(staff, .report)
            }
            let typed = ["kind": form["kind"], "date": form["date"], "title": form["title"], "count": form["count"],
                         "partner": form["partner"], "note": form["note"]]
            func optional(_ name: String) -> String? { DanishText.trimmed(form[name]).isEmpty ? nil : form[name] }
            let input = ActivityInput(kind: form["kind"], date: form["date"], title: form["title"], count: optional("count"),
                                      partner: optional("partner"), note: optional("note"), again: form.has("again"))
            let log = ActivityLog(store: site.store)
            do {
                let id = try await site.offload { () throws(KampagneError) in try log.add(input) }
                try await admin.audit(staff, request, context, action: "activity.add", object: "activity:\(id)",
                                      summary: DanishText.singleLine(form["title"]))
                return admin.redirect("/admin/rapport?" + Choice(request).query + "&besked=aktivitet-gemt#aktiviteter")
            } catch {
                let error = KampagneError.wrap(error)
                return try await reportPage(staff, request, status: .unprocessableContent, activityError: Self.webWording(error), typed: typed)
            }
        }
    }

    func removeActivity(_ request: Request, _ context: WebContext) async throws -> Response {
        try await changing(request, context) { staff in
            guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else {
                return admin.message(.notFound, staff, .report, "Aktiviteten findes ikke", "")
            }
            let form = FormFields(try await WebForm.body(request, context))
            guard gate.verify(staff, form["csrf"], "/admin/rapport/aktiviteter/\(id)/slet") else {
                return admin.expired(staff, .report)
            }
            let log = ActivityLog(store: site.store)
            do {
                let removed = try await site.offload { () throws(KampagneError) in try log.remove(id) }
                try await admin.audit(staff, request, context, action: "activity.remove", object: "activity:\(id)",
                                      summary: ActivityLog.removedNote(removed))
                return admin.redirect("/admin/rapport?" + Choice(request).query + "&besked=aktivitet-slettet#aktiviteter")
            } catch {
                let error = KampagneError.wrap(error)
                return try await reportPage(staff, request, status: .notFound, activityError: error.message)
            }
        }
    }

    /// The activity log's messages name the command line's options; the form names its fields.
    static func webWording(_ error: KampagneError) -> String {
        let names = ["kind": "Type", "date": "Dato", "title": "Titel", "count": "Antal", "partner": "Partner", "note": "Note"]
        let fields = error.fieldMessages
        if !fields.isEmpty {
            return fields.sorted { $0.key < $1.key }.map { "\(names[$0.key] ?? $0.key): \($0.value)" }.joined(separator: " ")
        }
        return error.message.replacingOccurrences(of: "Brug --again, hvis den skal tælles en gang til",
                                                  with: "Sæt kryds i «Tæl den igen», hvis den skal tælles en gang til")
            .replacingOccurrences(of: "--force", with: "kommandolinjens --force")
    }
}
