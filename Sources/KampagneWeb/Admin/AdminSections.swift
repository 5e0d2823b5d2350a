import Foundation
import HTTPTypes
import Hummingbird
import Kampagne

/// First read-only pages of the sections that parts 2 and 3 of the staff area fill: the good
/// stories with their status, and the report for the current half-year.
struct AdminSections: Sendable {
    let site: Site
    var admin: AdminPages { AdminPages(site: site) }
    var gate: StaffGate { StaffGate(site: site) }

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
