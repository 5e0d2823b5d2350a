import Foundation
import HTTPTypes
import Hummingbird
import Kampagne

/// The filters, sort and page of the contact table, read from the query string
/// (`q`, `liste`, `rolle`, `kommune`, `region`, `grundlag`, `spaerret`, `sorter`, `retning`,
/// `side`), and the links that keep them.
struct ContactTableQuery {
    var q = ""
    var list = ""
    var role = ""
    var municipality = ""
    var region = ""
    var basis = ""
    var suppressed = ""
    var sort = ContactSort.name
    var descending = false
    var page = 1

    static let sortKeys: [ContactSort: String] = [.name: "navn", .email: "email", .organisation: "organisation",
                                                  .municipality: "kommune", .updated: "aendret"]

    init(_ request: Request) {
        let p = request.uri.queryParameters
        func get(_ key: String) -> String { DanishText.singleLine(p.get(key) ?? "") }
        q = get("q")
        list = get("liste")
        role = get("rolle")
        municipality = get("kommune")
        region = get("region")
        basis = get("grundlag")
        suppressed = get("spaerret")
        sort = Self.sortKeys.first { $0.value == get("sorter") }?.key ?? .name
        descending = get("retning") == "ned"
        page = max(1, Int(get("side")) ?? 1)
    }

    var filter: ContactFilter {
        ContactFilter(roles: role.isEmpty ? [] : [role], municipalities: municipality.isEmpty ? [] : [municipality],
                      regions: region.isEmpty ? [] : [region], lists: list.isEmpty ? [] : [list], search: q.isEmpty ? nil : q,
                      consent: ConsentBasis(rawValue: basis), suppressed: suppressed == "ja" ? true : (suppressed == "nej" ? false : nil))
    }

    /// The query string with the filters (no page, no sort) for links and the CSV.
    var filterItems: [(String, String)] {
        [("q", q), ("liste", list), ("rolle", role), ("kommune", municipality), ("region", region), ("grundlag", basis),
         ("spaerret", suppressed)].filter { !$0.1.isEmpty }
    }

    func link(page: Int? = nil, sort: ContactSort? = nil, descending: Bool? = nil, path: String = "/admin/kontakter") -> String {
        var items = filterItems
        let sort = sort ?? self.sort
        if sort != .name { items.append(("sorter", Self.sortKeys[sort] ?? "navn")) }
        if descending ?? self.descending { items.append(("retning", "ned")) }
        if let page, page > 1 { items.append(("side", String(page))) }
        return items.isEmpty ? path : path + "?" + items.map { "\($0.0)=\(AdminLinks.query($0.1))" }.joined(separator: "&")
    }

    /// The sortable column headings: a link each, `aria-sort` on the current one.
    func headings() -> [[String: Any]] {
        [ContactSort.name, .email, .organisation, .municipality, .updated].map { column in
            let current = column == sort
            var heading: [String: Any] = ["title": column.danish, "link": link(sort: column, descending: current ? !descending : false),
                                          "narrow": column == .organisation || column == .updated]
            if current { heading["ariaSort"] = descending ? "descending" : "ascending"; heading["arrow"] = descending ? "▼" : "▲" }
            return heading
        }
    }
}

/// `/admin/kontakter`: the contact register (search, filters, sorting, paging, CSV), a
/// person's page (everything stored, their history, edit, unsubscribe, export, erase).
/// Every view of personal data is in the audit trail. Lists and segments are in
/// `AdminContactLists`, the upload import in `AdminContactImport`.
struct AdminContacts: Sendable {
    let site: Site
    var admin: AdminPages { AdminPages(site: site) }
    var gate: StaffGate { StaffGate(site: site) }
    var directory: ContactDirectory { ContactDirectory(store: site.store) }
    var personal: PersonalData { PersonalData(store: site.store, settings: site.settings) }
    static let pageSize = 50

    static let flashes: [String: String] = [
        "kontakt-gemt": "Kontakten er gemt.",
        "kontakt-afmeldt": "Adressen er afmeldt og står nu på spærrelisten.",
        "kontakt-slettet": "Personen er slettet. Adressen er spærret mod ny import.",
        "liste-oprettet": "Listen er oprettet.",
        "liste-omdoebt": "Listen har fået nyt navn.",
        "medlemmer-gemt": "Listens medlemmer er gemt.",
        "segment-gemt": "Segmentet er gemt.",
        "import-gemt": "Importen er gemt.",
    ]

    /// The choices of the filter form, the chosen one marked.
    func choices(_ values: [String], _ chosen: String) -> [[String: Any]] {
        values.map { ["value": $0, "selected": $0.lowercased() == chosen.lowercased()] }
    }

    func filterChoices(_ query: ContactTableQuery) async throws -> [String: Any] {
        let (store, directory) = (site.store, self.directory)
        let (lists, roles) = try await offLoop { (try MailingLists(store: store).all().map(\.name), try directory.roleNames()) }
        return [
            "lists": choices(lists, query.list), "roles": choices(roles, query.role),
            "municipalities": choices(site.municipalityNames, query.municipality),
            "regions": choices(Region.allCases.map(\.name), query.region),
            "bases": ConsentBasis.allCases.map { ["value": $0.rawValue, "name": $0.danish, "selected": $0.rawValue == query.basis] },
            "suppressedYes": query.suppressed == "ja", "suppressedNo": query.suppressed == "nej",
        ]
    }

    static func row(_ c: ContactView) -> [String: Any] {
        ["id": String(c.id), "link": "/admin/kontakter/\(c.id)", "name": c.name.isEmpty ? c.email : c.name, "email": c.email,
         "organisation": c.organisation, "title": c.title, "municipality": c.municipality ?? "",
         "lists": c.lists.joined(separator: ", "), "suppressed": c.suppressed, "updated": DanishDate.numeric(c.updatedAt)]
    }

    /// The contacts table. It shows personal data, so every view is in the audit trail.
    func list(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.contacts, request, context) { staff in
            let query = ContactTableQuery(request)
            let wanted = ContactQuery(filter: query.filter, sort: query.sort, descending: query.descending, page: query.page,
                                      pageSize: Self.pageSize)
            let directory = self.directory
            var values = try await filterChoices(query)
            var status = HTTPResponse.Status.ok
            do {
                let started = ContinuousClock.now
                let page = try await offLoop { try directory.page(wanted) }
                let elapsed = ContinuousClock.now - started
                try await admin.audit(staff, request, context, action: "contacts.view", object: "contact:",
                                      summary: (query.filterItems.isEmpty ? "kontaktlisten" : "søgning") + ", side \(page.page), \(page.contacts.count) vist")
                values["rows"] = page.contacts.map(Self.row)
                values["total"] = DanishNumber.int(page.total)
                values["noun"] = DanishNumber.noun(page.total, "kontakt", "kontakter")
                values["pageNumber"] = DanishNumber.int(page.page)
                values["pages"] = DanishNumber.int(page.pages)
                values["millis"] = String(Int(elapsed.components.attoseconds / 1_000_000_000_000_000 + elapsed.components.seconds * 1000))
                if page.page > 1 { values["previous"] = query.link(page: page.page - 1) }
                if page.page < page.pages { values["next"] = query.link(page: page.page + 1) }
            } catch let error as KampagneError {
                status = .unprocessableContent
                values["filterError"] = error.message
                values["rows"] = [[String: Any]]()
                values["total"] = "0"
                values["noun"] = "kontakter"
            }
            values["q"] = query.q
            values["headings"] = query.headings()
            values["csv"] = query.link(path: "/admin/kontakter.csv")
            values["segmentLink"] = query.link(path: "/admin/kontakter/segment")
            return page(status, staff, title: "Kontakter", "admin-kontakter", values, request: request)
        }
    }

    /// A page of this section, with its flash messages.
    func page(_ status: HTTPResponse.Status = .ok, _ staff: Staff, title: String, _ template: String, _ values: [String: Any],
              request: Request) -> Response {
        let flash = request.uri.queryParameters.get("besked").flatMap { Self.flashes[String($0)] }
        return admin.page(status, staff, .contacts, title: title, template, Self.withoutEmpty(values), request: request, flash: flash)
    }

    /// The values without empty strings: Mustache counts "" as true, and a section such as
    /// `{{#suppressed}}` must not open for it. A missing key renders as "" all the same.
    static func withoutEmpty(_ values: [String: Any]) -> [String: Any] {
        func clean(_ value: Any) -> Any? {
            switch value {
            case let text as String: return text.isEmpty ? nil : text
            case let dictionary as [String: Any]: return withoutEmpty(dictionary)
            case let list as [[String: Any]]: return list.map(withoutEmpty)
            default: return value
            }
        }
        return values.compactMapValues(clean)
    }

    /// The filtered list as CSV for Excel (`;`, UTF-8 with BOM): the file `contacts export --excel` writes.
    func csv(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.contacts, request, context) { staff in
            let query = ContactTableQuery(request)
            let (directory, filter) = (self.directory, query.filter)
            let contacts: [ContactView]
            do {
                contacts = try await offLoop { try directory.list(filter) }
            } catch let error as KampagneError {
                return admin.message(.unprocessableContent, staff, .contacts, "Filteret kan ikke bruges", error.message)
            }
            try await admin.audit(staff, request, context, action: "contacts.export", object: "contact:",
                                  summary: "CSV, \(contacts.count) kontakter" + (filter.isEmpty ? "" : ", \(filter.summary)"))
            return FileDownload(name: "kontakter.csv", type: FileDownload.csv, bytes: ContactExport.csv(contacts, excel: true)).response
        }
    }

    // MARK: A person's page

    func contact(_ context: WebContext) async throws -> ContactView? {
        guard let id = Int64(try context.parameters.require("id")) else { return nil }
        let directory = self.directory
        do {
            return try await offLoop { try directory.show(id: id) }
        } catch KampagneError.notFound {
            return nil
        }
    }

    func notFound(_ staff: Staff) -> Response {
        admin.message(.notFound, staff, .contacts, "Kontakten findes ikke", "Den er måske slettet. Søg efter den i kontaktlisten.")
    }

    func expired(_ staff: Staff) -> Response {
        admin.message(.forbidden, staff, .contacts, "Formularen er udløbet", "Genindlæs siden, og prøv igen.")
    }

    func person(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.contacts, request, context) { staff in
            guard let contact = try await contact(context) else { return notFound(staff) }
            try await admin.audit(staff, request, context, action: "contacts.show", object: AuditLog.contact(contact.email))
            return try await personPage(staff, contact, request)
        }
    }

    func personPage(_ staff: Staff, _ contact: ContactView, _ request: Request, status: HTTPResponse.Status = .ok,
                    errors: [String: String] = [:], typed: [String: String]? = nil) async throws -> Response {
        let (personal, store, email) = (self.personal, site.store, contact.email)
        let (export, history, lists) = try await offLoop {
            (try personal.export(email), try AuditLog(store: store).query(AuditQuery(object: AuditLog.contact(email), limit: 200)),
             try MailingLists(store: store).all())
        }
        let path = "/admin/kontakter/\(contact.id)"
        let c = export.contact
        let fields: [(String, String, String)] = [
            ("email", "E-mail", c.email), ("firstName", "Fornavn", c.firstName), ("lastName", "Efternavn", c.lastName),
            ("organisation", "Organisation", c.organisation), ("title", "Titel", c.title),
            ("municipality", "Kommune", c.municipality ?? ""), ("phone", "Telefon", c.phone),
        ]
        let form = fields.map { key, label, value -> [String: Any] in
            var field: [String: Any] = ["key": key, "label": label, "value": typed?[key] ?? value,
                                        "type": key == "email" ? "email" : "text"]
            if let error = errors[key] { field["error"] = error }
            return field
        }
        let when = { (date: Date) in "\(DanishDate.numeric(date)) kl. \(DanishDate.time(date))" }
        let onLists = Set(c.lists.map { $0.lowercased() })
        let otherLists = lists.filter { !onLists.contains($0.name.lowercased()) }.map(\.name)
        let values: [String: Any] = [
            "hasAttributes": !c.attributes.isEmpty, "hasOtherLists": !otherLists.isEmpty, "hasSubscriptions": !export.subscriptions.isEmpty,
            "id": String(c.id), "name": c.name.isEmpty ? c.email : c.name, "email": c.email, "suppressed": export.suppression.map { SuppressionReason(rawValue: $0)?.danish ?? $0 } ?? "",
            "region": c.region ?? "", "roles": c.roles.joined(separator: ", "),
            "attributes": c.attributes.keys.sorted().map { ["key": $0, "value": c.attributes[$0] ?? ""] },
            "created": when(c.createdAt), "updated": when(c.updatedAt),
            "form": form, "formError": errors["form"] ?? "", "action": path, "csrf": gate.token(staff, path),
            "rolesValue": typed?["roles"] ?? c.roles.joined(separator: ", "),
            "memberships": export.memberships.map { m -> [String: Any] in
                let remove = "/admin/kontakter/lister/fjern"
                return ["list": m.list, "basis": m.consentBasis.danish, "at": when(m.consentAt), "source": m.source,
                        "removeAction": remove, "removeCsrf": gate.token(staff, remove)]
            },
            "otherLists": otherLists,
            "addAction": "/admin/kontakter/lister/tilfoej", "addCsrf": gate.token(staff, "/admin/kontakter/lister/tilfoej"),
            "sources": export.sources.map { s -> [String: Any] in
                var row: [String: Any] = ["source": s.source, "file": s.file ?? "", "line": s.line.map(String.init) ?? "", "at": when(s.recordedAt)]
                if let consent = s.consent {
                    row["consent"] = ["wording": consent.wording, "by": consent.by, "toldAt": consent.toldAt.map(DanishDate.date) ?? "",
                                      "evidence": consent.evidence]
                }
                return row
            },
            "signUps": export.registrations.map { ["event": $0.event, "starts": when($0.startsAt), "status": $0.status.danish,
                                                   "at": DanishDate.numeric($0.signedUpAt)] },
            "subscriptions": export.subscriptions.map { ["list": $0.list, "wording": $0.wording, "at": when($0.requestedAt),
                                                         "confirmed": $0.confirmedAt.map(when) ?? "ikke bekræftet"] },
            "stories": export.stories.map { ["headline": $0.headline, "shown": $0.shown, "role": $0.role, "link": "/admin/historier"] },
            "messages": export.messages.map { ["campaign": $0.campaign, "kind": $0.kind, "state": $0.state.danish,
                                               "at": when($0.sentAt ?? $0.queuedAt), "reply": $0.lastReply ?? ""] },
            "history": history.entries.map { ["at": when($0.at), "actor": $0.actor, "action": $0.action, "summary": $0.summary] },
            "historyTotal": DanishNumber.int(history.total),
            "unsubscribeAction": path + "/afmeld", "unsubscribeCsrf": gate.token(staff, path + "/afmeld"),
            "exportLink": path + "/eksport", "eraseLink": path + "/slet",
        ]
        return page(status, staff, title: c.name.isEmpty ? c.email : c.name, "admin-kontakt", values, request: request)
    }

    struct EditForm: StaffForm {
        var csrf: String?
        var email: String?
        var firstName: String?
        var lastName: String?
        var organisation: String?
        var title: String?
        var municipality: String?
        var phone: String?
        var roles: String?
    }

    /// Saves the edit form. Wrong values come back next to their fields, with what was typed.
    func update(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.contacts, request, context) { staff in
            guard let contact = try await contact(context) else { return notFound(staff) }
            guard let form = try await admin.verifiedForm(EditForm.self, staff, "/admin/kontakter/\(contact.id)", request, context) else {
                return expired(staff)
            }
            var changes = ContactDirectory.Changes()
            changes.email = form.email
            changes.firstName = form.firstName
            changes.lastName = form.lastName
            changes.organisation = form.organisation
            changes.title = form.title
            changes.municipality = form.municipality
            changes.phone = form.phone
            changes.source = "rettet i medarbejderområdet af \(staff.username)"
            if let roles = form.roles {
                let wanted = roles.split(separator: ",").map { DanishText.singleLine(String($0)) }.filter { !$0.isEmpty }
                let keys = Set(wanted.map { $0.lowercased() })
                changes.addRoles = wanted
                changes.removeRoles = contact.roles.filter { !keys.contains($0.lowercased()) }
            }
            let directory = self.directory
            let email = contact.email
            do {
                let saved = try await offLoop { [changes] in try directory.update(email, changes) }
                let object = AuditLog.contact(saved.email)
                try await admin.audit(staff, request, context, action: "contacts.update", object: object,
                                      summary: saved.email == email ? "rettet" : "rettet; ny adresse")
                return admin.redirect("/admin/kontakter/\(contact.id)?besked=kontakt-gemt")
            } catch let error as KampagneError {
                var errors = error.fieldMessages
                if errors.isEmpty { errors["form"] = error.message }
                let typed = ["email": form.email ?? "", "firstName": form.firstName ?? "", "lastName": form.lastName ?? "",
                             "organisation": form.organisation ?? "", "title": form.title ?? "", "municipality": form.municipality ?? "",
                             "phone": form.phone ?? "", "roles": form.roles ?? ""]
                return try await personPage(staff, contact, request, status: .unprocessableContent, errors: errors, typed: typed)
            }
        }
    }

    func unsubscribe(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.contacts, request, context) { staff in
            guard let contact = try await contact(context) else { return notFound(staff) }
            guard try await admin.verifiedForm(TokenForm.self, staff, "/admin/kontakter/\(contact.id)/afmeld", request, context) != nil else {
                return expired(staff)
            }
            let (personal, email, who) = (self.personal, contact.email, staff.username)
            let added = try await offLoop { try personal.unsubscribe(email, source: "medarbejderområdet (\(who))") }
            try await admin.audit(staff, request, context, action: "contacts.unsubscribe", object: AuditLog.contact(email),
                                  summary: added ? "sat på spærrelisten" : "stod allerede på spærrelisten")
            return admin.redirect("/admin/kontakter/\(contact.id)?besked=kontakt-afmeldt")
        }
    }

    /// The GDPR access answer as a download: the JSON `contacts export-person` writes.
    func export(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.contacts, request, context) { staff in
            guard let contact = try await contact(context) else { return notFound(staff) }
            let (personal, email) = (self.personal, contact.email)
            let data = try await offLoop { () throws -> Data in
                let encoder = JSONEncoder()
                // As `contacts export-person` writes it.
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .iso8601
                return try encoder.encode(try personal.export(email))
            }
            try await admin.audit(staff, request, context, action: "contacts.export-person", object: AuditLog.contact(email),
                                  summary: "indsigt hentet")
            let name = "indsigt-\(contact.id).json"
            return FileDownload(name: name, type: FileDownload.json, bytes: data).response
        }
    }

    /// The question before an erasure, naming what goes.
    func eraseConfirm(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.contacts, request, context) { staff in
            guard let contact = try await contact(context) else { return notFound(staff) }
            let path = "/admin/kontakter/\(contact.id)/slet"
            return admin.page(.ok, staff, .contacts, title: "Bekræft sletning", "admin-bekraeft", [
                "heading": "Slet alt om \(contact.name.isEmpty ? contact.email : contact.name)?",
                "consequence": "Kontakten, dens lister, roller, tilmeldinger og kilder slettes, sendte mails anonymiseres, og personen fjernes fra "
                    + "historier og loggen. Kun en envejs-hash af \(contact.email) bevares, så adressen aldrig importeres igen. Det kan ikke fortrydes.",
                "button": "Slet personen", "action": path, "csrf": gate.token(staff, path), "back": "/admin/kontakter/\(contact.id)",
            ])
        }
    }

    /// Erases the person: the same library call as `contacts erase`.
    func erase(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.contacts, request, context) { staff in
            guard let contact = try await contact(context) else { return notFound(staff) }
            guard try await admin.verifiedForm(TokenForm.self, staff, "/admin/kontakter/\(contact.id)/slet", request, context) != nil else {
                return expired(staff)
            }
            let (personal, email, maildir) = (self.personal, contact.email, site.maildir)
            let report = try await offLoop { try personal.erase(email, maildir: maildir) }
            try await admin.audit(staff, request, context, action: "contacts.erase", object: "contact:" + AuditLog.erased,
                                  summary: "slettet efter anmodning" + (report.storiesRedacted.isEmpty ? "" : "; \(report.storiesRedacted.count) historier trukket tilbage"))
            return admin.redirect("/admin/kontakter?besked=kontakt-slettet")
        }
    }
}
