import Foundation
import HTTPTypes
import Hummingbird
import Kampagne

/// `/admin/kontakter/lister` and `/admin/kontakter/segment`: mailing lists (create, rename,
/// put people on and off) and saved segments (a filter built with its live count and
/// members, saved under a name, changed later). The same library calls as `lists` and
/// `segments` on the command line.
struct AdminContactLists: Sendable {
    let site: Site
    var admin: AdminPages { AdminPages(site: site) }
    var gate: StaffGate { StaffGate(site: site) }
    var contacts: AdminContacts { AdminContacts(site: site) }
    var lists: MailingLists { MailingLists(store: site.store) }
    var segments: Segments { Segments(store: site.store) }
    static let path = "/admin/kontakter/lister"

    func overview(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.contacts, request, context) { staff in try await overviewPage(staff, request) }
    }

    func overviewPage(_ staff: Staff, _ request: Request, status: HTTPResponse.Status = .ok, errors: [String: String] = [:],
                      typed: String = "") async throws -> Response {
        let (lists, segments) = (self.lists, self.segments)
        let (all, saved) = try await offLoop { (try lists.all(), try segments.all()) }
        let members = Self.path + "/medlemmer"
        let rows = all.map { l -> [String: Any] in
            let rename = Self.path + "/\(l.id)/omdoeb"
            var row: [String: Any] = ["id": String(l.id), "name": l.name, "members": DanishNumber.int(l.members),
                                      "link": "/admin/kontakter?liste=" + AdminLinks.query(l.name),
                                      "renameAction": rename, "renameCsrf": gate.token(staff, rename)]
            if let error = errors["list-\(l.id)"] { row["error"] = error }
            return row
        }
        let segmentRows = saved.map { s -> [String: Any] in
            ["name": s.name, "description": s.description, "members": DanishNumber.int(s.members),
             "link": "/admin/kontakter/segment?segment=" + AdminLinks.query(s.name)]
        }
        var values: [String: Any] = [
            "lists": rows, "segments": segmentRows, "createAction": Self.path, "createCsrf": gate.token(staff, Self.path),
            "typed": typed, "membersAction": members, "membersCsrf": gate.token(staff, members),
            "listNames": all.map(\.name), "hasListNames": !all.isEmpty, "newSegment": "/admin/kontakter/segment",
        ]
        if let error = errors["name"] { values["nameError"] = error }
        if let error = errors["members"] { values["membersError"] = error }
        return contacts.page(status, staff, title: "Lister og segmenter", "admin-kontakt-lister", values, request: request)
    }

    struct NameForm: StaffForm {
        var csrf: String?
        var name: String?
    }

    func create(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.contacts, request, context) { staff in
            guard let form = try await admin.verifiedForm(NameForm.self, staff, Self.path, request, context) else { return contacts.expired(staff) }
            let (lists, name) = (self.lists, DanishText.singleLine(form.name ?? ""))
            do {
                _ = try await offLoop { try lists.create(name) }
            } catch let error as KampagneError {
                return try await overviewPage(staff, request, status: .unprocessableContent, errors: ["name": error.message], typed: name)
            }
            try await admin.audit(staff, request, context, action: "lists.create", object: "list:" + name)
            return admin.redirect(Self.path + "?besked=liste-oprettet")
        }
    }

    func rename(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.contacts, request, context) { staff in
            let lists = self.lists
            guard let id = Int64(try context.parameters.require("id")),
                  let list = try await offLoop({ try lists.all() }).first(where: { $0.id == id }) else {
                return admin.message(.notFound, staff, .contacts, "Listen findes ikke", "")
            }
            guard let form = try await admin.verifiedForm(NameForm.self, staff, Self.path + "/\(id)/omdoeb", request, context) else {
                return contacts.expired(staff)
            }
            let name = DanishText.singleLine(form.name ?? "")
            do {
                try await offLoop { try lists.rename(list.name, to: name) }
            } catch let error as KampagneError {
                return try await overviewPage(staff, request, status: .unprocessableContent, errors: ["list-\(id)": error.message])
            }
            try await admin.audit(staff, request, context, action: "lists.rename", object: "list:" + name, summary: "tidligere \(list.name)")
            return admin.redirect(Self.path + "?besked=liste-omdoebt")
        }
    }

    struct MembersForm: StaffForm {
        var csrf: String?
        var list: String?
        /// Addresses, one a line or separated by commas or semicolons.
        var emails: String?
        var action: String?
        /// Back to this person's page afterwards (the person page's buttons).
        var contact: String?
    }

    /// Puts people on a list or takes them off (`lists add`/`lists remove`). Memberships added
    /// here are recorded with the legal basis legitimate interest and the staff member as source.
    func members(_ request: Request, _ context: WebContext, path: String) async throws -> Response {
        try await gate.open(.contacts, request, context) { staff in
            guard let form = try await admin.verifiedForm(MembersForm.self, staff, path, request, context) else { return contacts.expired(staff) }
            let emails = (form.emails ?? "").split(whereSeparator: { $0 == "\n" || $0 == "," || $0 == ";" || $0 == "\r" })
                .map { DanishText.singleLine(String($0)) }.filter { !$0.isEmpty }
            let name = DanishText.singleLine(form.list ?? "")
            let adding = path.hasSuffix("tilfoej") || form.action == "tilfoej"
            let (lists, who) = (self.lists, staff.username)
            let back = form.contact.flatMap(Int64.init).map { "/admin/kontakter/\($0)" }
            do {
                guard !emails.isEmpty else { throw KampagneError.invalidInput("Skriv mindst én e-mailadresse.") }
                let count = try await offLoop {
                    try adding ? lists.add(emails, to: name, consent: .legitimateInterest, source: "medarbejderområdet (\(who))")
                               : lists.remove(emails, from: name)
                }
                for email in emails {
                    try await admin.audit(staff, request, context, action: adding ? "lists.add" : "lists.remove",
                                          object: AuditLog.contact(email), summary: (adding ? "sat på " : "taget af ") + name)
                }
                _ = count
            } catch let error as KampagneError {
                if let back { return admin.message(.unprocessableContent, staff, .contacts, "Listen er ikke ændret", error.message) }
                return try await overviewPage(staff, request, status: .unprocessableContent, errors: ["members": error.message])
            }
            return admin.redirect((back ?? Self.path) + "?besked=medlemmer-gemt")
        }
    }

    // MARK: Segments

    /// The segment builder: the filter form, the live count and the first members. With
    /// `segment=NAME` it starts from that saved segment's filter.
    func segment(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.contacts, request, context) { staff in
            var query = ContactTableQuery(request)
            let editing = DanishText.singleLine(request.uri.queryParameters.get("segment") ?? "")
            let segments = self.segments
            if !editing.isEmpty, query.filterItems.isEmpty,
               let saved = try await offLoop({ try segments.all() }).first(where: { $0.name.lowercased() == editing.lowercased() }) {
                let f = saved.filter
                query.q = f.search ?? ""
                query.list = f.lists.first ?? ""
                query.role = f.roles.first ?? ""
                query.municipality = f.municipalities.first ?? ""
                query.region = f.regions.first ?? ""
                query.basis = f.consent?.rawValue ?? ""
                query.suppressed = f.suppressed.map { $0 ? "ja" : "nej" } ?? ""
            }
            return try await segmentPage(staff, request, context, query, editing: editing)
        }
    }

    func segmentPage(_ staff: Staff, _ request: Request, _ context: WebContext, _ query: ContactTableQuery, editing: String,
                     status: HTTPResponse.Status = .ok, errors: [String: String] = [:], typedName: String? = nil) async throws -> Response {
        var values = try await contacts.filterChoices(query)
        let directory = ContactDirectory(store: site.store)
        let wanted = ContactQuery(filter: query.filter, page: 1, pageSize: 20)
        var status = status
        if !query.filter.isEmpty {
            do {
                let page = try await offLoop { try directory.page(wanted) }
                values["rows"] = page.contacts.map(AdminContacts.row)
                values["count"] = DanishNumber.int(page.total)
                values["noun"] = DanishNumber.noun(page.total, "kontakt", "kontakter")
                values["more"] = page.total > page.contacts.count
                try await admin.audit(staff, request, context, action: "contacts.view", object: "contact:",
                                      summary: "segment, \(page.contacts.count) vist")
            } catch let error as KampagneError {
                status = .unprocessableContent
                values["filterError"] = error.message
            }
        }
        let path = "/admin/kontakter/segment"
        values["q"] = query.q
        values["hasFilter"] = !query.filter.isEmpty
        values["summary"] = query.filter.summary
        values["editing"] = editing
        values["name"] = typedName ?? editing
        values["saveAction"] = path
        values["saveCsrf"] = gate.token(staff, path)
        values["hidden"] = query.filterItems.map { ["key": $0.0, "value": $0.1] }
        values["tableLink"] = query.link()
        if let error = errors["name"] { values["nameError"] = error }
        return contacts.page(status, staff, title: editing.isEmpty ? "Nyt segment" : "Segmentet \(editing)", "admin-kontakt-segment",
                             values, request: request)
    }

    struct SegmentForm: StaffForm {
        var csrf: String?
        var name: String?
        var segment: String?
        var q: String?
        var liste: String?
        var rolle: String?
        var kommune: String?
        var region: String?
        var grundlag: String?
        var spaerret: String?
    }

    /// Saves the filter as a new segment, or as the segment being edited (renamed when the name changed).
    func saveSegment(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.contacts, request, context) { staff in
            let path = "/admin/kontakter/segment"
            guard let form = try await admin.verifiedForm(SegmentForm.self, staff, path, request, context) else { return contacts.expired(staff) }
            var query = ContactTableQuery(request)
            func clean(_ s: String?) -> String { DanishText.singleLine(s ?? "") }
            query.q = clean(form.q)
            query.list = clean(form.liste)
            query.role = clean(form.rolle)
            query.municipality = clean(form.kommune)
            query.region = clean(form.region)
            query.basis = clean(form.grundlag)
            query.suppressed = clean(form.spaerret)
            let (name, editing, filter, segments) = (clean(form.name), clean(form.segment), query.filter, self.segments)
            do {
                if editing.isEmpty {
                    _ = try await offLoop { try segments.create(name, filter: filter) }
                } else {
                    try await offLoop { try segments.update(editing, filter: filter, newName: name) }
                }
            } catch let error as KampagneError {
                let message: String
                if case .fields(let list) = error { message = list.map(\.message).joined(separator: " ") } else { message = error.message }
                return try await segmentPage(staff, request, context, query, editing: editing, status: .unprocessableContent,
                                             errors: ["name": message], typedName: name)
            }
            try await admin.audit(staff, request, context, action: editing.isEmpty ? "segments.create" : "segments.update",
                                  object: "segment:" + name, summary: filter.summary)
            return admin.redirect(Self.path + "?besked=segment-gemt")
        }
    }
}
