import Foundation
import HTTPTypes
import Hummingbird
import Kampagne

/// First read-only pages of the sections that parts 2 and 3 of the staff area fill: the
/// contact register (search and paging), the good
/// stories with their status, and the report for the current half-year.
struct AdminSections: Sendable {
    let site: Site
    var admin: AdminPages { AdminPages(site: site) }
    var gate: StaffGate { StaffGate(site: site) }
    static let pageSize = 50

    /// The contacts table. It shows personal data, so every view is in the audit trail.
    func contacts(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.contacts, request, context) { staff in
            let store = site.store
            let q = DanishText.singleLine(request.uri.queryParameters.get("q") ?? "")
            let key = DanishText.searchKey(q)
            let all = try await offLoop { try ContactDirectory(store: store).list() }
            let found = key.isEmpty ? all : all.filter { c in
                [c.name, c.email, c.organisation, c.title, c.municipality ?? ""].contains { DanishText.searchKey($0).contains(key) }
            }
            let pages = max(1, (found.count + Self.pageSize - 1) / Self.pageSize)
            let page = min(pages, max(1, Int(request.uri.queryParameters.get("side") ?? "") ?? 1))
            let shown = found.dropFirst((page - 1) * Self.pageSize).prefix(Self.pageSize)
            try await admin.audit(staff, request, context, action: "contacts.view", object: "contact:",
                                  summary: (q.isEmpty ? "kontaktlisten" : "søgning") + ", side \(page), \(shown.count) vist")
            let rows = shown.map { c -> [String: Any] in
                ["name": c.name, "email": c.email, "organisation": c.organisation, "title": c.title,
                 "municipality": c.municipality ?? "", "lists": c.lists.joined(separator: ", "), "suppressed": c.suppressed]
            }
            let base = q.isEmpty ? "/admin/kontakter?" : "/admin/kontakter?q=\(AdminLinks.query(q))&"
            var values: [String: Any] = ["rows": rows, "total": DanishNumber.int(found.count), "all": DanishNumber.int(all.count), "allNoun": DanishNumber.noun(all.count, "kontakt", "kontakter"),
                                         "q": q, "pageNumber": String(page), "pages": String(pages)]
            if page > 1 { values["previous"] = base + "side=\(page - 1)" }
            if page < pages { values["next"] = base + "side=\(page + 1)" }
            return admin.page(.ok, staff, .contacts, title: "Kontakter", "admin-kontakter", values, request: request)
        }
    }

    func stories(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.stories, request, context) { staff in
            let store = site.store
            let stories = try await offLoop { try Stories(store: store).list() }
            let rows = stories.map { s -> [String: Any] in
                ["id": String(s.id), "headline": s.headline, "status": s.statusName, "company": s.company, "municipality": s.municipality,
                 "version": String(s.version), "updated": DanishDate.numeric(s.updatedAt), "flagged": s.flagged > 0,
                 "channels": s.publishedOn.map(\.danish).joined(separator: ", ")]
            }
            return admin.page(.ok, staff, .stories, title: "Gode historier", "admin-historier", ["rows": rows], request: request)
        }
    }

    func report(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.report, request, context) { staff in
            let (store, settings) = (site.store, site.settings)
            let report = try await offLoop { try ActivityReports(store: store, settings: settings).make(try ReportPeriod.halfYear()) }
            let rows = report.overview.map { line -> [String: Any] in
                ["activity": line.activity, "count": DanishNumber.int(line.count),
                 "reach": line.reach.map { "\(DanishNumber.int($0)) \(line.reachMeaning)" } ?? "–"]
            }
            return admin.page(.ok, staff, .report, title: "Rapport", "admin-rapport",
                              ["title": report.title, "period": report.periodName, "rows": rows, "full": "/admin/rapport/side"], request: request)
        }
    }

    /// The whole printable report page (self-contained HTML, as `kampagne report --html` writes).
    func reportPage(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.report, request, context) { _ in
            let (store, settings, templates) = (site.store, site.settings, site.printTemplates)
            let html = try await offLoop {
                try ReportPage.html(try ActivityReports(store: store, settings: settings).make(try ReportPeriod.halfYear()),
                                    templates: templates)
            }
            return admin.html(.ok, html)
        }
    }
}
