import Foundation
import HTTPTypes
import Hummingbird
import Kampagne

/// A staff form: whatever else it holds, it carries its CSRF token.
protocol StaffForm: Decodable {
    var csrf: String? { get }
}

extension TokenForm: StaffForm {}

/// The staff area's layout, start page, 403 page and login. Each section has its own file.
struct AdminPages: Sendable {
    let site: Site
    var gate: StaffGate { StaffGate(site: site) }

    static let templates = ["admin-side", "admin-login", "admin-start", "admin-afvist", "admin-log", "admin-brugere",
                            "admin-bekraeft", "admin-kontakter", "admin-nyhedsbreve", "admin-historier", "admin-rapport",
                            "admin-moeder", "admin-indtjek", "admin-besked", "admin-sortkolonne",
                            "admin-kontakt", "admin-kontakt-lister", "admin-kontakt-segment", "admin-kontakt-import", "admin-kontakt-importjob"]
                            + AdminStories.templates

    /// The flash messages a redirect may name (`?besked=KEY`): fixed texts, so a link cannot
    /// put words in our mouth. These are shared by every section (the login, accounts, the
    /// door); a section's own texts are in its file, found through `flashes(_:)`.
    static let flashes: [String: String] = [
        "logget-ind": "Du er logget ind.",
        "bruger-gemt": "Brugeren er gemt.",
        "roller-gemt": "Rollerne er gemt.",
        "bruger-slettet": "Brugeren er slettet.",
        "moedt": "Personen er tjekket ind.",
        "fortrudt": "Indtjekningen er fortrudt.",
        "ved-doeren": "Personen er registreret som mødt.",
    ]

    /// A section's own flash messages.
    static func flashes(_ section: StaffSection) -> [String: String] {
        switch section {
        case .contacts: return AdminContacts.flashes
        case .newsletters: return AdminEditions.flashes
        case .meetings: return AdminMeetingEditor.flashes
        case .stories: return AdminStories.flashes
        case .report: return AdminReport.flashes
        case .start, .log, .users: return [:]
        }
    }

    /// The staff area's one reading of `?besked=KEY`: the section's text for the key, else the
    /// shared one; nil for a key that is neither (a link cannot choose the words).
    static func flash(_ request: Request?, _ section: StaffSection) -> String? {
        guard let key = request?.uri.queryParameters.get("besked").map({ String($0) }) else { return nil }
        return flashes(section)[key] ?? flashes[key]
    }

    func html(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A page in the staff layout: the person's sections, their name and roles, log out, flash.
    func page(_ status: HTTPResponse.Status = .ok, _ staff: Staff, _ section: StaffSection, title: String, _ template: String,
              _ context: [String: Any], request: Request? = nil, flash: String? = nil) -> Response {
        var layout: [String: Any] = [
            "nav": staff.sections.map { ["title": $0.title, "path": $0.path, "current": $0 == section] },
            "username": staff.username,
            "roles": staff.roles.sorted().map(\.danish).joined(separator: ", "),
            "logoutAction": "/admin/logout", "logoutCsrf": gate.token(staff, "/admin/logout"),
        ]
        if let flash = flash ?? Self.flash(request, section) {
            layout["flash"] = flash
        }
        return html(status, site.adminPage(template, title: title, context, layout: layout))
    }

    func forbidden(_ staff: Staff, _ section: StaffSection) -> Response {
        page(.forbidden, staff, .start, title: "Ingen adgang", "admin-afvist", [
            "section": section.title,
            "roles": staff.roles.sorted().map(\.danish).joined(separator: ", "),
        ])
    }

    /// A plain message inside the layout (not found, a refused form).
    func message(_ status: HTTPResponse.Status, _ staff: Staff, _ section: StaffSection, _ heading: String, _ text: String) -> Response {
        page(status, staff, section, title: heading, "admin-besked", ["heading": heading, "message": text, "back": section.path])
    }

    /// The staff area's one answer to a form whose token is wrong or too old (a page left open
    /// overnight, a form from another session): nothing was done, and how to go on.
    func expired(_ staff: Staff, _ section: StaffSection) -> Response {
        message(.forbidden, staff, section, "Formularen er udløbet", "Gå tilbage, genindlæs siden, og prøv igen. Intet er gemt.")
    }

    func redirect(_ location: String) -> Response { Response(status: .seeOther, headers: [.location: location]) }

    /// The form fields of a POST, decoded with Hummingbird's URL-encoded form decoder; nil when
    /// the body is not a form of that shape.
    func form<T: Decodable>(_ type: T.Type, _ request: Request, _ context: WebContext) async throws -> T? {
        // The shared reader: the size cap and the body deadline hold for staff forms too.
        try? WebForm.decode(type, from: try await WebForm.body(request, context))
    }

    /// The form of a POST if its token is right for this session and `path`; nil otherwise.
    func verifiedForm<Form: StaffForm>(_ type: Form.Type, _ staff: Staff, _ path: String, _ request: Request,
                                       _ context: WebContext) async throws -> Form? {
        guard let form = try await form(type, request, context), gate.verify(staff, form.csrf ?? "", path) else { return nil }
        return form
    }

    func client(_ request: Request, _ context: WebContext) -> String { PublicPages(site: site).client(request, context) }

    /// The staff area's one way into the audit trail: every handler's action and every view of
    /// personal data, with the request's client address.
    func audit(_ staff: Staff, _ request: Request, _ context: WebContext, action: String, object: String = "", summary: String = "") async throws {
        try await audit(actor: staff.username, request, context, action: action, object: object, summary: summary)
    }

    /// The same for a request with no signed-in person yet (the login).
    func audit(actor: String, _ request: Request, _ context: WebContext, action: String, object: String = "",
               summary: String = "") async throws {
        let client = client(request, context)
        try await site.store.pool.write { db in
            try AuditLog.record(actor: actor, action: action, object: object, summary: summary, client: client, in: db)
        }
    }

    /// The actor of a failed login for a name that is no account: the typed name is not kept
    /// (it may be a mistyped password or someone else's address), only that it happened and from where.
    static let unknownActor = "ukendt"

    // MARK: Login and logout

    struct LoginForm: StaffForm {
        var csrf: String?
        var username: String?
        var password: String?
        var naeste: String?
    }

    func loginPage(_ request: Request, next: String? = nil, error: String? = nil, username: String = "",
                   status: HTTPResponse.Status = .ok) -> Response {
        var context: [String: Any] = ["action": "/admin/login", "csrf": site.forms.make(for: "/admin/login"),
                                      "next": AdminLinks.next(next ?? request.uri.queryParameters.get("naeste") ?? "/admin"),
                                      "username": username]
        if let error { context["error"] = error }
        return html(status, site.page("admin-login", title: "Log ind", context))
    }

    func login(_ request: Request, _ context: WebContext) async throws -> Response {
        let client = client(request, context)
        guard site.postLimit.allow("login:" + client) else {
            return loginPage(request, error: "For mange forsøg fra din forbindelse. Vent et minut.", status: .tooManyRequests)
        }
        guard let form = try await form(LoginForm.self, request, context) else {
            return loginPage(request, error: "Formularen kunne ikke læses. Prøv igen.", status: .badRequest)
        }
        let next = AdminLinks.next(form.naeste ?? "/admin")
        let username = DanishText.singleLine(form.username ?? "")
        let password = form.password ?? ""
        guard site.forms.verify(form.csrf ?? "", for: "/admin/login") else {
            return loginPage(request, next: next, error: "Formularen er udløbet. Prøv igen.", username: username, status: .forbidden)
        }
        guard password.count <= 200, username.count <= 200, !username.isEmpty else {
            return loginPage(request, next: next, error: "Forkert brugernavn eller adgangskode.", username: username, status: .unauthorized)
        }
        guard site.loginGate.enter() else {
            return loginPage(request, next: next, error: "Der logges mange ind lige nu. Prøv igen om et øjeblik.", status: .serviceUnavailable)
        }
        defer { site.loginGate.leave() }
        let accounts = gate.accounts
        // bcrypt is slow on purpose: NIO's blocking pool keeps it off the event loops.
        let outcome = try await offLoop { try accounts.login(username: username, password: password) }
        switch outcome {
        case .refused(let account):
            // A wrong password for an existing account is logged on that account; a name that is
            // no account is logged without the name.
            try await audit(actor: account ?? Self.unknownActor, request, context, action: "login.failed",
                            object: account.map { "account:" + $0 } ?? "",
                            summary: account == nil ? "ukendt brugernavn" : "forkert adgangskode")
            return loginPage(request, next: next, error: "Forkert brugernavn eller adgangskode.", username: username, status: .unauthorized)
        case .locked(let until):
            try await audit(actor: username.lowercased(), request, context, action: "login.locked",
                            object: "account:" + username.lowercased(), summary: "for mange forkerte forsøg")
            return loginPage(request, next: next, error: "For mange forkerte forsøg på denne konto. Prøv igen \(DanishDate.time(until)).",
                             username: username, status: .tooManyRequests)
        case .signedIn(let account, _):
            // A new session id at every login: a cookie planted before it is never the one after it.
            let session = StaffSession(account: account)
            try await audit(actor: account.username, request, context, action: "login", object: "account:" + account.username)
            var response = redirect(next)
            response.setCookie(gate.cookie(session, request))
            return response
        }
    }


    func logout(_ request: Request, _ context: WebContext) async throws -> Response {
        guard let staff = try await gate.staff(request) else { return redirect("/admin/login") }
        guard try await verifiedForm(TokenForm.self, staff, "/admin/logout", request, context) != nil else {
            return expired(staff, .start)
        }
        // Logging out ends the account's sessions everywhere, copied cookies included.
        if let id = staff.account.id { try await offLoop { [accounts = gate.accounts] in try accounts.endSessions(id: id) } }
        try await audit(staff, request, context, action: "logout", object: "account:" + staff.username)
        var response = redirect("/admin/login")
        response.setCookie(gate.clearedCookie(request))
        return response
    }

    // MARK: Start page

    /// What needs someone today, for the person's roles; each line links to where to act.
    func start(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.start, request, context) { staff in
            let store = site.store
            let settings = site.settings
            var lines: [[String: Any]] = []
            // One hop to the thread pool for everything the page reads.
            let (withMeetings, withNewsletters, withStories) = (staff.may(.meetings), staff.may(.newsletters), staff.may(.stories))
            let (events, campaigns, stories) = try await offLoop {
                (withMeetings ? try Events(store: store, settings: settings).list() : [],
                 withNewsletters ? try Outbox(store: store).status() : [],
                 withStories ? try Stories(store: store).list() : [])
            }
            for e in events where e.goNoGo == .atRisk {
                let decision = e.decisionDate.map { " – beslutning \(DanishDate.date($0))" } ?? ""
                lines.append(["text": "Mødet «\(e.title)» \(DanishDate.short(e.startsAt)) har for få tilmeldte (\(e.registered) af minimum \(e.minimum ?? 0))\(decision)",
                              "link": "/admin/moeder", "warn": true])
            }
            for c in campaigns {
                if c.queued + c.sending + c.deferred > 0 {
                    lines.append(["text": "Udsendelsen «\(c.name)» er i gang: \(DanishNumber.int(c.sent)) af \(DanishNumber.int(c.total)) sendt",
                                  "link": "/admin/nyhedsbreve", "warn": false])
                }
                if c.failed > 0 {
                    lines.append(["text": "Udsendelsen «\(c.name)»: \(DanishNumber.int(c.failed)) mails kunne ikke leveres",
                                  "link": "/admin/nyhedsbreve", "warn": true])
                }
            }
            for s in stories where s.status == .inReview {
                lines.append(["text": "Historien «\(s.headline)» venter på gennemsyn", "link": "/admin/historier", "warn": false])
            }
            for s in stories where s.flagged > 0 {
                lines.append(["text": "Historien «\(s.headline)» er brugt efter et tilbagetrukket samtykke", "link": "/admin/historier", "warn": true])
            }
            return page(.ok, staff, .start, title: "Forside", "admin-start", [
                "lines": lines, "hasLines": !lines.isEmpty, "today": DanishDate.day(Date()),
                "sections": staff.sections.filter { $0 != .start }.map { ["title": $0.title, "path": $0.path] },
            ], request: request)
        }
    }
}
