import Foundation
import HTTPTypes
import Hummingbird
import Kampagne

/// The first read-only page of the contact register (search and paging), which part 2 of the
/// staff area fills. (Newsletters are AdminEditions, good stories AdminStories, the report
/// AdminReport.)
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
}
