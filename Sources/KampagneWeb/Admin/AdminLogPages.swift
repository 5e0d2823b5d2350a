import Foundation
import HTTPTypes
import Hummingbird
import Kampagne

/// `/admin/log`: the audit trail, filtered by person, object and period, paged on the server,
/// and as CSV for Excel. An administrator sees everyone's actions; anyone else their own.
struct AdminLogPages: Sendable {
    let site: Site
    var admin: AdminPages { AdminPages(site: site) }
    var gate: StaffGate { StaffGate(site: site) }
    static let pageSize = 50

    struct Filter {
        var actor: String
        var object: String
        var from: String
        var to: String
        var page: Int
        var sort: AdminTableSort

        static let columns = [AdminTableSort.Column(key: AuditSort.at.rawValue, title: "Dato", descendingFirst: true),
                              AdminTableSort.Column(key: AuditSort.actor.rawValue, title: "Hvem"),
                              AdminTableSort.Column(key: AuditSort.action.rawValue, title: "Handling"),
                              AdminTableSort.Column(key: AuditSort.object.rawValue, title: "Objekt")]

        init(_ request: Request, staff: Staff) {
            let q = request.uri.queryParameters
            func get(_ key: String) -> String { DanishText.singleLine(q.get(key) ?? "") }
            // Only an administrator may look at other people's actions.
            actor = staff.roles.contains(.admin) ? get("hvem") : staff.username
            object = get("objekt")
            from = get("fra")
            to = get("til")
            page = max(1, Int(get("side")) ?? 1)
            sort = AdminTableSort(request, Self.columns, default: AuditSort.at.rawValue, descending: true)
        }

        /// The filters as query parameters, in link order.
        var filters: [(String, String)] { [("hvem", actor), ("objekt", object), ("fra", from), ("til", to)] }

        func query(limit: Int, offset: Int) -> AuditQuery {
            AuditQuery(actor: actor.isEmpty ? nil : actor, object: object.isEmpty ? nil : object,
                       from: DanishDate.parse(from), to: DanishDate.parse(to).map { $0.addingTimeInterval(24 * 3600) },
                       limit: limit, offset: offset, sort: AuditSort(rawValue: sort.key) ?? .at, descending: sort.descending)
        }

        var errors: [String: String] {
            var errors: [String: String] = [:]
            if !from.isEmpty, DanishDate.parse(from) == nil { errors["from"] = "Skriv datoen som 04.02.2027 eller 2027-02-04." }
            if !to.isEmpty, DanishDate.parse(to) == nil { errors["to"] = "Skriv datoen som 04.02.2027 eller 2027-02-04." }
            return errors
        }

        func link(page: Int) -> String {
            let parts = filters + sort.parameters + [("side", page > 1 ? String(page) : "")]
            return parts.filter { !$0.1.isEmpty }.map { "\($0.0)=\(AdminLinks.query($0.1))" }.joined(separator: "&")
        }
    }

    func page(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.log, request, context) { staff in
            let filter = Filter(request, staff: staff)
            let errors = filter.errors
            let query = filter.query(limit: Self.pageSize, offset: (filter.page - 1) * Self.pageSize)
            let result = errors.isEmpty ? try await site.store.pool.read { db in try AuditLog.query(query, in: db) } : AuditPage(total: 0, entries: [])
            let pages = max(1, (result.total + Self.pageSize - 1) / Self.pageSize)
            let rows = result.entries.map { e -> [String: Any] in
                ["date": DanishDate.numeric(e.at), "time": DanishDate.time(e.at), "actor": e.actor, "action": e.action,
                 "object": e.object, "summary": e.summary, "client": e.client]
            }
            let link = filter.link(page: 1)
            var page: [String: Any] = [
                "rows": rows, "total": DanishNumber.int(result.total), "isAdmin": staff.roles.contains(.admin),
                "actor": filter.actor, "object": filter.object, "from": filter.from, "to": filter.to, "errors": errors,
                "pageNumber": String(filter.page), "pages": String(pages),
                "csv": "/admin/log.csv" + (link.isEmpty ? "" : "?" + link),
                "sort": filter.sort.headers(path: "/admin/log", keeping: filter.filters),
            ]
            if filter.page > 1 { page["previous"] = "/admin/log?" + filter.link(page: filter.page - 1) }
            if filter.page < pages { page["next"] = "/admin/log?" + filter.link(page: filter.page + 1) }
            return admin.page(errors.isEmpty ? .ok : .unprocessableContent, staff, .log, title: "Log", "admin-log", page, request: request)
        }
    }

    func csv(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.log, request, context) { staff in
            let filter = Filter(request, staff: staff)
            guard filter.errors.isEmpty else { return admin.message(.unprocessableContent, staff, .log, "Forkert dato", "Skriv datoen som 04.02.2027.") }
            let query = filter.query(limit: 100_000, offset: 0)
            let result = try await site.store.pool.read { db in try AuditLog.query(query, in: db) }
            try await admin.audit(staff, request, context, action: "log.export", summary: "\(result.entries.count) rækker")
            return FileDownload(name: "kampagne-log.csv", type: FileDownload.csv, bytes: AuditLog.csv(result.entries)).response
        }
    }
}
