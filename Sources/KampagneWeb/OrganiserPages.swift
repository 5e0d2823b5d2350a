import Foundation
import HTTPTypes
import Hummingbird
import Kampagne

/// The organiser area behind a login: upcoming meetings against capacity and minimum, and
/// the door check-in for each, made for a phone held upright.
struct OrganiserPages: Sendable {
    let site: Site
    let pages: PublicPages
    let sessions: OrganiserSession

    var organisers: Organisers { Organisers(store: site.store) }
    var registrations: Registrations { Registrations(store: site.store, settings: site.settings) }

    func signedIn(_ request: Request) -> Organiser? {
        sessions.organiser(from: request.cookies[OrganiserSession.cookieName]?.value, organisers: organisers)
    }

    func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    func loginPage(_ request: Request, error: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        var context: [String: Any] = ["action": "/arrangor/login", "csrf": site.forms.make(for: "/arrangor/login")]
        if let error { context["error"] = error }
        return pages.html(status, "Log ind", "web-login", context)
    }

    func login(_ request: Request, _ context: WebContext) async throws -> Response {
        guard site.postLimit.allow("login:" + pages.client(request, context)) else {
            return loginPage(request, error: "For mange forsøg. Vent et minut.", status: .tooManyRequests)
        }
        let data = try await pages.form(request, context)
        guard site.forms.verify(data["csrf"], for: "/arrangor/login") else {
            return loginPage(request, error: "Formularen er udløbet. Prøv igen.", status: .forbidden)
        }
        let username = data["username"]
        let password = data["password"]
        guard password.count <= 200, username.count <= 200 else {
            return loginPage(request, error: "Forkert brugernavn eller adgangskode.", status: .unauthorized)
        }
        guard site.loginGate.enter() else {
            return loginPage(request, error: "Der logges mange ind lige nu. Prøv igen om et øjeblik.", status: .serviceUnavailable)
        }
        defer { site.loginGate.leave() }
        let organisers = self.organisers
        let organiser = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Organiser?, any Error>) in
            // bcrypt is slow on purpose: keep it off the server's event loops.
            Thread.detachNewThread {
                do { continuation.resume(returning: try organisers.login(username: username, password: password)) } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
        guard let organiser else {
            return loginPage(request, error: "Forkert brugernavn eller adgangskode.", status: .unauthorized)
        }
        var response = redirect("/arrangor")
        response.setCookie(Cookie(name: OrganiserSession.cookieName, value: sessions.value(for: organiser),
                                  maxAge: Int(OrganiserSession.lifetime), path: "/arrangor", secure: site.isHTTPS(request),
                                  httpOnly: true, sameSite: .strict))
        return response
    }

    func logout(_ request: Request, _ context: WebContext) async throws -> Response {
        let data = try await pages.form(request, context)
        if site.forms.verify(data["csrf"], for: "/arrangor/logout"), let organiser = signedIn(request), let id = organiser.id {
            // Logging out ends the account's sessions everywhere, copied cookies included.
            try organisers.endSessions(id: id)
        }
        var response = redirect("/arrangor/login")
        response.setCookie(Cookie(name: OrganiserSession.cookieName, value: "", maxAge: 0, path: "/arrangor",
                                  secure: site.isHTTPS(request), httpOnly: true, sameSite: .strict))
        return response
    }

    func overview(_ request: Request, _ context: WebContext) throws -> Response {
        guard let organiser = signedIn(request) else { return redirect("/arrangor/login") }
        let events = try Events(store: site.store, settings: site.settings).list()
        let rows = events.map { e -> [String: Any] in
            var row: [String: Any] = [
                "title": e.title, "when": DanishDate.short(e.startsAt), "kindName": e.kindName,
                "registered": String(e.registered), "capacity": e.capacity.map(String.init) ?? "–",
                "minimum": e.minimum.map(String.init) ?? "–", "waitlisted": String(e.waitlisted),
                "status": e.goNoGo.danish, "atRisk": e.goNoGo == .atRisk, "checkin": "/arrangor/moede/\(e.publicId)",
            ]
            if let warning = e.warning { row["warning"] = warning }
            return row
        }
        return pages.html(.ok, "Møder", "web-oversigt", ["organiser": organiser.username, "events": rows,
                                                        "logoutAction": "/arrangor/logout",
                                                        "logoutCsrf": site.forms.make(for: "/arrangor/logout")])
    }

    func event(for request: Request, _ context: WebContext) throws -> PublicEvent? {
        try? site.links.event(publicId: try context.parameters.require("id"))
    }

    /// The door page: everyone expected, filtered by `q` (name, organisation or e-mail).
    func checkInPage(_ request: Request, _ context: WebContext, note: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        guard signedIn(request) != nil else { return redirect("/arrangor/login") }
        guard let event = try event(for: request, context) else { return pages.notFound() }
        let query = DanishText.searchKey(request.uri.queryParameters.get("q") ?? "")
        let path = "/arrangor/moede/\(event.overview.publicId)"
        let people = try registrations.participants(event.overview.id).filter {
            $0.status.holdsSeat || $0.status == .noShow
        }
        let shown = people.filter { p in
            query.isEmpty || [p.name, p.organisation, p.email].contains { DanishText.searchKey($0).contains(query) }
        }
        let rows = shown.map { p -> [String: Any] in
            ["id": String(p.registrationId), "name": p.name.isEmpty ? p.email : p.name, "organisation": p.organisation,
             "email": p.email, "status": p.statusName, "attended": p.status == .attended,
             "search": DanishText.searchKey([p.name, p.organisation, p.email].joined(separator: " "))]
        }
        var context: [String: Any] = [
            "title": event.overview.title, "when": event.overview.when, "people": rows,
            "attended": String(people.filter { $0.status == .attended }.count), "expected": String(people.count),
            "query": request.uri.queryParameters.get("q") ?? "", "path": path,
            "checkinAction": path + "/indtjek", "checkinCsrf": site.forms.make(for: path + "/indtjek"),
            "walkInAction": path + "/ved-doeren", "walkInCsrf": site.forms.make(for: path + "/ved-doeren"),
        ]
        if let note { context["note"] = note }
        return pages.html(status, "Indtjekning", "web-indtjek", context)
    }

    func checkIn(_ request: Request, _ context: WebContext) async throws -> Response {
        guard signedIn(request) != nil else { return redirect("/arrangor/login") }
        guard let event = try event(for: request, context) else { return pages.notFound() }
        let path = "/arrangor/moede/\(event.overview.publicId)"
        let data = try await pages.form(request, context)
        guard site.forms.verify(data["csrf"], for: path + "/indtjek") else { return try checkInPage(request, context, note: "Siden var udløbet; prøv igen.", status: .forbidden) }
        guard let registrationId = Int64(data["registration"]) else {
            return try checkInPage(request, context, note: "Personen er ikke tilmeldt dette møde.", status: .notFound)
        }
        do {
            if data["undo"] == "1" {
                _ = try registrations.undoCheckIn(event.overview.id, .registration(registrationId), secret: site.links.secret)
            } else {
                _ = try registrations.checkIn(event.overview.id, .registration(registrationId), secret: site.links.secret)
            }
        } catch {
            return try checkInPage(request, context, note: error.message, status: .conflict)
        }
        return redirect(path)
    }

    func walkIn(_ request: Request, _ context: WebContext) async throws -> Response {
        guard signedIn(request) != nil else { return redirect("/arrangor/login") }
        guard let event = try event(for: request, context) else { return pages.notFound() }
        let path = "/arrangor/moede/\(event.overview.publicId)"
        let data = try await pages.form(request, context)
        guard site.forms.verify(data["csrf"], for: path + "/ved-doeren") else { return try checkInPage(request, context, note: "Siden var udløbet; prøv igen.", status: .forbidden) }
        var signUp = SignUp(email: DanishText.singleLine(data["email"]))
        signUp.setName(data["name"])
        signUp.organisation = data["organisation"]
        signUp.municipality = data["municipality"]
        signUp.walkIn = true
        signUp.source = .walkIn
        do {
            _ = try registrations.register(event.overview.id, signUp)
        } catch {
            return try checkInPage(request, context, note: error.message, status: .unprocessableContent)
        }
        return redirect(path)
    }
}
