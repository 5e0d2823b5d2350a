import Foundation
import HTTPTypes
import Hummingbird
import Kampagne

/// First read-only pages of the sections that part 2 of the staff area fills: the contact
/// register (search and paging) and the editions with their send status. (The good stories
/// are AdminStories, the report AdminReport.)
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

    func newsletters(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.newsletters, request, context) { staff in
            let store = site.store
            let (editions, campaigns, late) = try await offLoop {
                (try Editions(store: store).all(), try Outbox(store: store).status(), try BounceLog(store: store).lateResults())
            }
            let editionRows = editions.map { e -> [String: Any] in
                ["number": e.number, "subject": e.subject, "articles": String(e.articles), "campaigns": String(e.campaigns),
                 "sent": DanishNumber.int(e.sent), "created": DanishDate.numeric(e.createdAt)]
            }
            let campaignRows = campaigns.map { c -> [String: Any] in
                let state = c.queued + c.sending + c.deferred > 0 ? "i gang" : (c.failed > 0 ? "afsluttet med fejl" : "afsluttet")
                return ["name": c.name, "audience": c.audience, "created": DanishDate.numeric(c.createdAt), "total": DanishNumber.int(c.total),
                        "sent": DanishNumber.int(c.sent), "failed": DanishNumber.int(c.failed), "state": state,
                        "waiting": DanishNumber.int(c.queued + c.deferred + c.sending),
                        "lateBounced": DanishNumber.int(late[c.campaignId]?.bounced ?? 0),
                        "complaints": DanishNumber.int(late[c.campaignId]?.complaints ?? 0),
                        "unsubscribes": DanishNumber.int(late[c.campaignId]?.unsubscribes ?? 0)]
            }
            return admin.page(.ok, staff, .newsletters, title: "Nyhedsbreve", "admin-nyhedsbreve",
                              ["editions": editionRows, "campaigns": campaignRows], request: request)
        }
    }
}
