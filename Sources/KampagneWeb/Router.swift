import Foundation
import HTTPTypes
import Hummingbird
import Kampagne
import MailTemplates

/// The whole site: public meeting pages and sign-up, personal links from meeting e-mails,
/// the reviewer page for good stories, and unsubscribe (page and RFC 8058 one-click). Built in
/// one place from `site`; every public path comes from `PublicPath`, as the mailed links do.
public func buildRouter(_ site: Site) -> Router<WebContext> {
    // HEAD is answered for every GET route (Hummingbird's own HEAD endpoints: GET's headers, no body).
    let router = Router(context: WebContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: SecurityHeaders(site: site))
    let pages = PublicPages(site: site)

    router.get("/") { _, _ in pages.html(.ok, "Kampagne", "web-svar", ["heading": site.siteName, "ok": true, "message": "Her tilmelder du dig vores møder og administrerer dine tilmeldinger via linkene i vores mails."]) }
    router.get(RouterPath(PublicPath.meeting.route)) { request, context in try await pages.event(request, context) }
    router.post(RouterPath(PublicPath.meeting.route)) { request, context in try await pages.signUp(request, context) }
    for action in PublicPages.LinkAction.allCases {
        router.get(RouterPath(action.path.route)) { request, context in try await pages.linkPage(request, context, action: action) }
        router.post(RouterPath(action.path.route)) { request, context in try await pages.linkPost(request, context, action: action) }
    }
    router.get(RouterPath(PublicPath.calendar.route)) { request, context in try await pages.calendar(request, context) }
    router.get(RouterPath(PublicPath.unsubscribe.route)) { request, context in try await pages.unsubscribePage(request, context) }
    router.post(RouterPath(PublicPath.unsubscribe.route)) { request, context in try await pages.unsubscribe(request, context) }

    router.get(RouterPath(PublicPath.subscribe.route)) { _, _ in pages.subscribePage(.ok, form: [:], errors: [:], formError: nil) }
    router.post(RouterPath(PublicPath.subscribe.route)) { request, context in try await pages.subscribe(request, context) }
    router.get(RouterPath(PublicPath.confirmSubscription.route)) { request, context in try await pages.confirmSubscriptionPage(request, context) }
    router.post(RouterPath(PublicPath.confirmSubscription.route)) { request, context in try await pages.confirmSubscription(request, context) }

    let reviews = StoryReviewPages(site: site, pages: pages)
    router.get(RouterPath(PublicPath.storyReview.route)) { request, context in try await reviews.page(request, context) }
    router.post(RouterPath(PublicPath.storyReview.route)) { request, context in try await reviews.answer(request, context) }

    let archive = EditionArchivePages(site: site)
    router.get(RouterPath(PublicPath.archive.route)) { request, context in try await archive.list(request, context) }
    router.get(RouterPath(PublicPath.archivedEdition.route)) { request, context in try await archive.edition(request, context) }

    router.get("/healthz") { _, _ in try await HealthEndpoint(site: site).respond() }
    addAdminRoutes(to: router, site: site)
    router.get("/static/indtjek.js") { _, _ in scriptResponse(CheckInScript.source) }
    return router
}

/// The handlers behind the public routes.
struct PublicPages: Sendable {
    let site: Site

    func html(_ status: HTTPResponse.Status, _ title: String, _ template: String, _ context: [String: Any]) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: site.page(template, title: title, context))))
    }

    func message(_ status: HTTPResponse.Status, _ heading: String, _ text: String, ok: Bool = false,
                 details: [String: String]? = nil, calendar: String? = nil) -> Response {
        var context: [String: Any] = ["heading": heading, "message": text, "ok": ok]
        if let details { context["details"] = details }
        if let calendar { context["calendar"] = calendar }
        return html(status, heading, "web-svar", context)
    }

    func notFound() -> Response {
        message(.notFound, "Siden findes ikke", "Linket er ugyldigt eller udløbet. Kontakt arrangøren, hvis du mener, det er en fejl.")
    }

    /// The client, for the rate limit: the socket's address, or the proxy's word if trusted.
    func client(_ request: Request, _ context: WebContext) -> String {
        // The right-most entry is the one our own proxy added; anything left of it the client wrote.
        if site.trustProxy, let name = HTTPField.Name("X-Forwarded-For"), let forwarded = request.headers[name],
           let last = forwarded.split(separator: ",").last {
            return String(last).trimmingCharacters(in: .whitespaces)
        }
        return context.remoteAddress?.ipAddress ?? "ukendt"
    }

    /// A form's fields by name, decoded by `URLEncodedFormDecoder` (for handlers without a form struct of their own).
    func expired(_ text: String) -> Response {
        message(.forbidden, "Formularen er udløbet", text)
    }

    func tooMany(_ text: String = "Vent et minut, og prøv igen.") -> Response {
        message(.tooManyRequests, "For mange forsøg", text)
    }

    // MARK: Meeting page and sign-up

    func event(_ request: Request, _ context: WebContext) async throws -> Response {
        let id = try context.parameters.require("id")
        // A link tagged with its campaign (`?kilde=nyhedsbrev-12`) gets the tag in its form: the
        // cached page with the tag spliced in, as the form token is. Only an invitation (a
        // prefilled form) is rendered for its view.
        let source = request.uri.queryParameters.get(SignupSource.parameter).flatMap { SignupSource(key: String($0)) }
        if request.uri.queryParameters.get(PublicPath.invitationParameter) == nil { return try await cachedEvent(id, source: source) }
        guard let event = try? await site.links.event(publicId: id) else { return notFound() }
        var prefill: [String: String] = [:]
        var invitation: String?
        if let token = request.uri.queryParameters.get(PublicPath.invitationParameter),
           let invitee = try await site.links.invitee(token: token, publicId: id) {
            prefill = ["name": invitee.name, "email": invitee.email, "organisation": invitee.organisation,
                       "municipality": invitee.municipality]
            invitation = token
        }
        return eventPage(.ok, event, form: prefill, answers: [:], errors: [:], formError: nil, invitation: invitation, source: source)
    }

    func eventPage(_ status: HTTPResponse.Status, _ event: PublicEvent, form: [String: String], answers: [String: String],
                   errors: [String: String], formError: String?, invitation: String?, source: SignupSource? = nil) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: eventHTML(event, form: form, answers: answers, errors: errors,
                                                                             formError: formError, invitation: invitation,
                                                                             source: source))))
    }

    /// The sign-up form's hidden `kilde` field for `source` (a validated tag); empty without one.
    static func sourceField(_ source: SignupSource?) -> String {
        source.map { "<input type=\"hidden\" name=\"\(SignupSource.parameter)\" value=\"" + HTMLText.escape($0.key) + "\">" } ?? ""
    }

    /// The meeting page's HTML; `csrf` is the form's token (a fresh one unless given), and
    /// `sourceField` what stands for the `kilde` field (the cache's marker; `source`'s field unless given).
    func eventHTML(_ event: PublicEvent, form: [String: String], answers: [String: String],
                   errors: [String: String], formError: String?, invitation: String?, csrf: String? = nil,
                   source: SignupSource? = nil, sourceField: String? = nil) -> String {
        let o = event.overview
        let path = PublicPath.meeting.path(o.publicId)
        var facts: [String: String] = ["title": o.title, "kindName": o.kindName, "when": o.when,
                                       "descriptionHTML": MarkdownText.html(event.description)]
        let location = [o.venue, o.address].filter { !$0.isEmpty }.joined(separator: ", ")
        if !location.isEmpty { facts["location"] = location }
        let organiser = [o.organiserName, o.organiserEmail.isEmpty ? "" : "<\(o.organiserEmail)>"].filter { !$0.isEmpty }.joined(separator: " ")
        if !organiser.isEmpty { facts["organiser"] = organiser }
        if let deadline = o.signupDeadline { facts["deadline"] = DanishDate.long(deadline) }
        if let seats = event.seats { facts["seats"] = seats }
        let chosen = form["municipality"] ?? ""
        // 98 options on every page view: built as escaped HTML here, not by a Mustache loop.
        let municipalities: String = site.municipalityNames.map { (name: String) -> String in
            let escaped = HTMLText.escape(name)
            let selected = name == chosen ? " selected" : ""
            return "<option value=\"" + escaped + "\"" + selected + ">" + escaped + "</option>"
        }.joined(separator: "\n")
        let questions = o.questions.map { q -> [String: Any] in
            var entry: [String: Any] = ["key": q.key, "label": q.label, "required": q.required,
                                        "isText": q.kind == .text, "isChoice": q.kind != .text,
                                        "value": answers[q.key] ?? "",
                                        "options": q.options.map { ["name": $0, "selected": answers[q.key] == $0] }]
            if let error = errors["q-" + q.key] { entry["error"] = error }
            return entry
        }
        var context: [String: Any] = [
            "event": facts, "action": path, "csrf": csrf ?? site.forms.make(for: path), "form": form.filter { !$0.value.isEmpty },
            "errors": errors, "municipalityOptions": municipalities, "questions": questions,
            "full": o.capacity != nil && (o.seatsLeft ?? 0) == 0 || o.waitlisted > 0,
        ]
        if let closed = event.closedBecause { context["closed"] = closed } else { context["open"] = true }
        if let formError { context["formError"] = formError }
        if let invitation { context["invitation"] = invitation }
        context["sourceField"] = sourceField ?? Self.sourceField(source)
        return site.page("web-moede", title: o.title, context)
    }

    func signUp(_ request: Request, _ context: WebContext) async throws -> Response {
        let id = try context.parameters.require("id")
        // The rate limit and the form's token first: a flood or a forged form costs no read of
        // the meeting (the token signs this meeting's path, so it was shown on its page).
        guard site.postLimit.allow(client(request, context)) else {
            return tooMany("Der er kommet mange tilmeldinger fra din forbindelse på kort tid. Vent et minut, og prøv igen.")
        }
        // Decoded once, by name: the fixed fields and the meeting's own questions (`q-KEY`).
        let posted = try WebForm.decode([String: String].self, from: try await WebForm.body(request, context))
        let path = PublicPath.meeting.path(id)
        guard site.forms.verify(posted["csrf"] ?? "", for: path) else {
            return expired("Siden har stået åben for længe, eller formularen kom ikke fra vores side. Gå tilbage, genindlæs siden og prøv igen.")
        }
        // The meeting's record only: the page's counts are read for an answer that shows the form again.
        guard let target = try? await site.meetingLookup.signUpTarget(publicId: id) else { return notFound() }
        var fields: [String: String] = [:]
        fields["name"] = DanishText.singleLine(posted["name"] ?? "")
        fields["email"] = DanishText.singleLine(posted["email"] ?? "")
        fields["organisation"] = DanishText.singleLine(posted["organisation"] ?? "")
        fields["municipality"] = DanishText.singleLine(posted["municipality"] ?? "")
        var answers: [String: String] = [:]
        for question in target.questions { answers[question.key] = posted["q-" + question.key] ?? "" }
        var errors: [String: String] = [:]
        let name = fields["name"] ?? ""
        if name.isEmpty { errors["name"] = "Skriv dit navn." } else if name.count > InputLimits.name { errors["name"] = "Navnet er for langt (højst \(InputLimits.name) tegn)." }
        let email = fields["email"] ?? ""
        if email.isEmpty {
            errors["email"] = "Skriv din e-mailadresse."
        } else if (try? EmailAddress(parsing: email)) == nil {
            errors["email"] = "Det ligner ikke en e-mailadresse. Tjek, at den er skrevet rigtigt."
        }
        if (fields["organisation"] ?? "").count > InputLimits.organisation { errors["organisation"] = InputLimits.tooLong(InputLimits.organisation) }
        if let municipality = fields["municipality"], !municipality.isEmpty, Municipality.named(municipality) == nil {
            errors["municipality"] = "Vælg en kommune fra listen."
        }
        for question in target.questions {
            let answer = answers[question.key] ?? ""
            if question.required && answer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                errors["q-" + question.key] = "Besvar venligst spørgsmålet."
            } else if answer.count > InputLimits.answer {
                errors["q-" + question.key] = InputLimits.tooLong(InputLimits.answer)
            } else if question.kind != .text, !answer.isEmpty, !question.options.contains(answer) {
                errors["q-" + question.key] = "Vælg et af svarene."
            }
        }
        let invitation = (posted["invitation"] ?? "").isEmpty ? nil : posted["invitation"]
        let source = posted["kilde"].flatMap { SignupSource(key: $0) }
        /// The meeting page again with what was typed and why it was refused.
        func formAgain(_ errors: [String: String], _ formError: String) async -> Response {
            guard let event = try? await site.links.event(publicId: id) else { return notFound() }
            return eventPage(.unprocessableContent, event, form: fields, answers: answers, errors: errors, formError: formError,
                             invitation: invitation, source: source)
        }
        if !errors.isEmpty { return await formAgain(errors, "Ret venligst felterne markeret nedenfor.") }
        var signUp = SignUp(email: email)
        signUp.setName(name)
        signUp.organisation = fields["organisation"] ?? ""
        signUp.municipality = fields["municipality"] ?? ""
        signUp.answers = answers.filter { !$0.value.isEmpty }
        signUp.source = .web
        signUp.origin = source
        let result: SignUpResult
        do {
            result = try await site.signUpDesk.register(target.id, signUp)
        } catch {
            switch error {
            case .fields:
                // The library names the field: show its message next to it, keep what was typed.
                return await formAgain(error.fieldMessages, "Ret venligst felterne markeret nedenfor.")
            case .invalidInput(let text):
                return await formAgain([:], text)
            default:
                return message(.conflict, "Tilmeldingen kunne ikke gennemføres", error.message)
            }
        }
        let details = ["title": target.title, "when": target.when]
        switch result.status {
        case .waitlisted:
            return message(.ok, "Du er på ventelisten", result.alreadySignedUp ? result.message
                           : "Mødet er fuldt. Du er på ventelisten som nummer \(result.position ?? 0). Vi sender en mail, hvis der bliver en plads.",
                           ok: true, details: details)
        default:
            return message(.ok, result.alreadySignedUp ? "Du er allerede tilmeldt" : "Tak for din tilmelding",
                           result.alreadySignedUp ? result.message : "Du er tilmeldt. Du får en bekræftelse på mail med mødet som kalenderfil.",
                           ok: true, details: details)
        }
    }

    // MARK: Personal links

    enum LinkAction: CaseIterable, Sendable {
        case cancel, accept, decline

        var path: PublicPath {
            switch self {
            case .cancel: return .cancelRegistration
            case .accept: return .acceptOffer
            case .decline: return .declineOffer
            }
        }

        var scope: LinkToken.Scope { path.scope ?? .cancelRegistration }
    }

    func linkPage(_ request: Request, _ context: WebContext, action: LinkAction) async throws -> Response {
        let token = try context.parameters.require("token")
        guard let linked = try await site.links.registration(token: token, scope: action.scope) else { return notFound() }
        let details = ["title": linked.event.title, "when": DanishDate.span(linked.event.startsAt, linked.event.endsAt)]
        let path = action.path.path(token)
        let (heading, text, button): (String, String, String)
        switch action {
        case .cancel:
            if linked.registration.status == .cancelled {
                return message(.ok, "Du er afmeldt", "Din tilmelding er allerede afmeldt.", ok: true, details: details)
            }
            (heading, text, button) = ("Afmeld tilmelding", "Vil du afmelde dig mødet? Så går din plads videre til den næste på ventelisten.", "Afmeld mig")
        case .accept:
            switch linked.offerStanding() {
            case .open(let deadline):
                (heading, text, button) = ("Tag imod pladsen", "Der er en plads til dig. Bekræft senest \(deadline), at du kommer.", "Ja tak, jeg kommer")
            case .taken:
                return message(.ok, "Du har allerede pladsen", "Du har takket ja til pladsen. Vi glæder os til at se dig.", ok: true, details: details)
            case .expired(let deadline):
                return message(.ok, "Tilbuddet er udløbet", "Svarfristen\(deadline.map { " var \($0)" } ?? " er overskredet"), og pladsen er givet videre. Du er velkommen til at tilmelde dig igen.", details: details)
            case .closed(let reason):
                return message(.ok, "Tilbuddet gælder ikke længere", reason, details: details)
            }
        case .decline:
            if linked.registration.status == .registered {
                return message(.ok, "Du har allerede pladsen", "Du har takket ja til pladsen. Kan du alligevel ikke komme, så brug afmeldingslinket i bekræftelsen.", details: details)
            }
            (heading, text, button) = ("Sig nej tak", "Vil du give pladsen videre til den næste på ventelisten?", "Nej tak, giv pladsen videre")
        }
        return html(.ok, heading, "web-knap", ["heading": heading, "message": text, "button": button, "details": details,
                                              "action": path, "csrf": site.forms.make(for: path)])
    }

    func linkPost(_ request: Request, _ context: WebContext, action: LinkAction) async throws -> Response {
        let token = try context.parameters.require("token")
        guard let linked = try await site.links.registration(token: token, scope: action.scope) else { return notFound() }
        let data = try await WebForm.decode(TokenForm.self, request, context)
        guard site.forms.verify(data.csrf ?? "", for: action.path.path(token)) else {
            return expired("Genindlæs siden fra linket i mailen, og prøv igen.")
        }
        let registrations = Registrations(store: site.store, settings: site.settings)
        let id = linked.registration.id ?? 0
        let details = ["title": linked.event.title, "when": DanishDate.span(linked.event.startsAt, linked.event.endsAt)]
        do {
            switch action {
            case .cancel:
                _ = try await site.offload { () throws(KampagneError) in try registrations.cancel(registrationId: id) }
                return message(.ok, "Du er afmeldt", "Tak for besked. Din afmelding er registreret.", ok: true, details: details)
            case .accept:
                let result = try await site.offload { () throws(KampagneError) in try registrations.accept(registrationId: id) }
                return message(.ok, "Pladsen er din", result.message, ok: true, details: details)
            case .decline:
                let status = try await site.offload { () throws(KampagneError) in try registrations.decline(registrationId: id) }
                guard status == .cancelled else {
                    return message(.ok, "Du har allerede pladsen", "Du har takket ja til pladsen. Kan du alligevel ikke komme, så brug afmeldingslinket i bekræftelsen.", details: details)
                }
                return message(.ok, "Tak for besked", "Pladsen går videre til den næste på ventelisten.", ok: true, details: details)
            }
        } catch {
            return message(.conflict, "Det lykkedes ikke", error.message, details: details)
        }
    }

    func calendar(_ request: Request, _ context: WebContext) async throws -> Response {
        let token = try context.parameters.require("token")
        guard let linked = try await site.links.registration(token: token, scope: .calendar) else { return notFound() }
        let ics = site.links.calendar(for: linked, baseURL: site.baseURL, sender: site.sender)
        return FileDownload(name: "moede.ics", type: FileDownload.calendar, text: ics).response
    }

    // MARK: Newsletter subscription (double opt-in)

    func subscribePage(_ status: HTTPResponse.Status, form: [String: String], errors: [String: String], formError: String?) -> Response {
        let path = PublicPath.subscribe.path()
        var context: [String: Any] = ["list": site.newsletterList, "wording": site.subscribeWording, "action": path,
                                      "csrf": site.forms.make(for: path), "form": form.filter { !$0.value.isEmpty },
                                      "errors": errors]
        if let formError { context["formError"] = formError }
        return html(status, "Nyhedsbrev", "web-abonnement", context)
    }

    func subscribe(_ request: Request, _ context: WebContext) async throws -> Response {
        guard site.postLimit.allow(client(request, context)) else { return tooMany() }
        let data = try await WebForm.decode(SubscribeForm.self, request, context)
        guard site.forms.verify(data.csrf ?? "", for: PublicPath.subscribe.path()) else {
            return expired("Genindlæs siden, og prøv igen.")
        }
        let fields = ["name": DanishText.singleLine(data.name ?? ""), "email": DanishText.singleLine(data.email ?? ""),
                      "organisation": DanishText.singleLine(data.organisation ?? "")]
        var errors: [String: String] = [:]
        if (fields["name"] ?? "").count > InputLimits.name { errors["name"] = "Navnet er for langt (højst \(InputLimits.name) tegn)." }
        if (fields["organisation"] ?? "").count > InputLimits.organisation { errors["organisation"] = InputLimits.tooLong(InputLimits.organisation) }
        let email = fields["email"] ?? ""
        if email.isEmpty {
            errors["email"] = "Skriv din e-mailadresse."
        } else if (try? EmailAddress(parsing: email)) == nil {
            errors["email"] = "Det ligner ikke en e-mailadresse. Tjek, at den er skrevet rigtigt."
        }
        if !errors.isEmpty {
            return subscribePage(.unprocessableContent, form: fields, errors: errors, formError: "Ret venligst felterne markeret nedenfor.")
        }
        let subscriptions = Subscriptions(store: site.store)
        let (list, wording, page, domain) = (site.newsletterList, site.subscribeWording,
                                             PublicPath.subscribe.url(base: site.baseURL), site.settings.senderDomain)
        do {
            _ = try await site.offload { () throws(KampagneError) in
                try subscriptions.request(email: email, name: fields["name"] ?? "", organisation: fields["organisation"] ?? "",
                                          municipality: "", list: list, wording: wording, sourcePage: page, senderDomain: domain)
            }
        } catch {
            if case .fields = error {
                return subscribePage(.unprocessableContent, form: fields, errors: error.fieldMessages, formError: "Ret venligst felterne markeret nedenfor.")
            }
            return message(.serviceUnavailable, "Tilmeldingen kunne ikke modtages", error.message)
        }
        return message(.ok, "Tjek din mail", "Vi sender en mail til \(email). Tryk på linket i mailen for at bekræfte. Først da kommer du på listen. Kommer mailen ikke, så tjek uønsket post, eller prøv igen om et kvarter.", ok: true)
    }

    func confirmSubscriptionPage(_ request: Request, _ context: WebContext) async throws -> Response {
        let token = try context.parameters.require("token")
        guard let decoded = LinkToken.decode(token, scope: .subscription, with: site.links.secret) else { return notFound() }
        let subscriptions = Subscriptions(store: site.store)
        guard let subscription = try await site.offload({ () throws(KampagneError) in try subscriptions.find(decoded.subject) }) else {
            return notFound()
        }
        if subscription.confirmedAt != nil {
            return message(.ok, "Du er tilmeldt", "\(subscription.email) står allerede på listen «\(subscription.list)».", ok: true)
        }
        let path = PublicPath.confirmSubscription.path(token)
        return html(.ok, "Bekræft", "web-knap", [
            "heading": "Bekræft din tilmelding", "message": "Tryk på knappen for at få «\(subscription.list)» sendt til \(subscription.email).",
            "button": "Bekræft tilmeldingen", "action": path, "csrf": site.forms.make(for: path),
        ])
    }

    func confirmSubscription(_ request: Request, _ context: WebContext) async throws -> Response {
        let token = try context.parameters.require("token")
        guard let decoded = LinkToken.decode(token, scope: .subscription, with: site.links.secret) else { return notFound() }
        let data = try await WebForm.decode(TokenForm.self, request, context)
        guard site.forms.verify(data.csrf ?? "", for: PublicPath.confirmSubscription.path(token)) else {
            return expired("Åbn linket i mailen igen, og prøv igen.")
        }
        let subscriptions = Subscriptions(store: site.store)
        do {
            let subscription = try await site.offload { () throws(KampagneError) in try subscriptions.confirm(decoded.subject) }
            return message(.ok, "Du er tilmeldt", "Tak. \(subscription.email) står nu på listen «\(subscription.list)».", ok: true)
        } catch {
            return message(.conflict, "Det lykkedes ikke", error.message)
        }
    }

    // MARK: Unsubscribe

    func unsubscribePage(_ request: Request, _ context: WebContext) async throws -> Response {
        let token = try context.parameters.require("token")
        guard let email = try await site.links.unsubscribeAddress(token: token), email != "slettet" else { return notFound() }
        let path = PublicPath.unsubscribe.path(token)
        return html(.ok, "Afmeld", "web-knap", [
            "heading": "Afmeld alle mails", "message": "Klik på knappen for at afmelde \(email). Du får derefter ingen nyhedsbreve eller invitationer fra os.",
            "button": "Afmeld mig", "action": path, "csrf": site.forms.make(for: path),
        ])
    }

    /// The form's POST (with its CSRF token) or a mail program's RFC 8058 one-click POST.
    func unsubscribe(_ request: Request, _ context: WebContext) async throws -> Response {
        let token = try context.parameters.require("token")
        guard site.postLimit.allow(client(request, context)) else { return tooMany() }
        let raw = try await WebForm.body(request, context)
        // RFC 8058 asks for multipart/form-data; some senders use urlencoded. Both count.
        let data = (try? WebForm.decode(UnsubscribeForm.self, from: raw)) ?? UnsubscribeForm()
        let oneClick = data.oneClick == "One-Click"
            || (raw.contains("name=\"List-Unsubscribe\"") && raw.contains("One-Click"))
        if !oneClick {
            guard site.forms.verify(data.csrf ?? "", for: PublicPath.unsubscribe.path(token)) else {
                return expired("Åbn linket i mailen igen, og prøv igen.")
            }
        }
        let links = site.links
        let how = oneClick ? "afmeldt med ét klik (RFC 8058)" : "afmeldt på hjemmesiden"
        guard let email = try await site.offload({ () throws(KampagneError) in try links.unsubscribe(token: token, how: how) }) else {
            return notFound()
        }
        if oneClick {
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: "Afmeldt\n")))
        }
        return message(.ok, "Du er afmeldt", "\(email) er afmeldt og får ikke flere mails fra os.", ok: true)
    }
}
