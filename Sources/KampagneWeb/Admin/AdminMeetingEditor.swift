import Foundation
import HTTPTypes
import Hummingbird
import Kampagne
import MailTemplates

/// `/admin/moeder` for organisers, beyond the door: create and edit a meeting in a form, one
/// meeting's page (sign-ups with answers, waiting list with offers, spread, sources, forecast,
/// log, attendance afterwards), invite (the count first), carry a waiting list over, message
/// everyone signed up, go or cancel, the printed door list and the follow-up list. Every
/// change calls the library function the command line calls.
struct AdminMeetingEditor: Sendable {
    let site: Site
    var admin: AdminPages { AdminPages(site: site) }
    var gate: StaffGate { StaffGate(site: site) }
    var events: Events { Events(store: site.store, settings: site.settings) }
    var registrations: Registrations { Registrations(store: site.store, settings: site.settings) }

    static let templates = ["admin-moede-form", "admin-moede", "admin-moede-handling"]

    /// This section's flash messages (`?besked=KEY`): fixed texts.
    static let flashes: [String: String] = [
        "oprettet": "Mødet er oprettet.",
        "gemt": "Mødet er gemt.",
        "gemt-besked": "Mødet er gemt. De tilmeldte får besked om ændringen.",
        "inviteret": "Invitationerne er lagt i udbakken.",
        "ingen-nye": "Der var ingen nye at invitere.",
        "venteliste": "Ventelisten er inviteret først; pladserne holdes for dem.",
        "besked-sendt": "Beskeden er lagt i udbakken til de tilmeldte.",
        "aflyst": "Mødet er aflyst, og de berørte får besked.",
        "gennemfoeres": "Beslutningen om at gennemføre mødet er noteret.",
    ]

    static func base(_ publicId: String) -> String { "/admin/moeder/\(publicId)" }

    /// The meeting behind the `:id` (its public id), or nil.
    func meeting(_ context: WebContext) async throws -> EventOverview? {
        let id = try context.parameters.require("id")
        let links = site.links
        return try await offLoop { try? links.event(publicId: id).overview }
    }

    func notFound(_ staff: Staff) -> Response {
        admin.message(.notFound, staff, .meetings, "Mødet findes ikke", "Tjek linket, eller gå tilbage til møderne.")
    }

    /// A change to a meeting: the role that may change meetings, the meeting, and a form whose
    /// token is right for this session and `action`'s path.
    func change<Form: StaffForm>(_ action: String, _ type: Form.Type, _ request: Request, _ context: WebContext,
                                 _ body: (Staff, EventOverview, Form) async throws -> Response) async throws -> Response {
        try await gate.open(.meetings, request, context) { staff in
            guard staff.mayChange(.meetings) else { return admin.forbidden(staff, .meetings) }
            guard let event = try await meeting(context) else { return notFound(staff) }
            let path = Self.base(event.publicId) + "/" + action
            guard let form = try await admin.verifiedForm(type, staff, path, request, context) else {
                return admin.expired(staff, .meetings)
            }
            return try await body(staff, event, form)
        }
    }

    // MARK: Create and edit

    struct MeetingForm: StaffForm {
        var csrf: String?
        var handling: String?
        var kind: String?
        var title: String?
        var description: String?
        var start: String?
        var end: String?
        var venue: String?
        var address: String?
        var organiser: String?
        var capacity: String?
        var minimum: String?
        var decision: String?
        var deadline: String?
        var audience: String?
        var questions: String?
        var series: String?
        var partner: String?

        var eventForm: EventForm {
            var form = EventForm()
            form.kind = kind ?? ""
            form.title = title ?? ""
            form.description = description ?? ""
            form.start = start ?? ""
            form.end = end ?? ""
            form.venue = venue ?? ""
            form.address = address ?? ""
            form.organiser = organiser ?? ""
            form.capacity = capacity ?? ""
            form.minimum = minimum ?? ""
            form.decision = decision ?? ""
            form.deadline = deadline ?? ""
            form.audience = audience ?? ""
            form.questions = questions ?? ""
            form.series = series ?? ""
            form.partner = partner ?? ""
            return form
        }
    }

    func formPage(_ status: HTTPResponse.Status, _ staff: Staff, _ form: EventForm, action: String, heading: String,
                  errors: [FieldError] = [], preview: Bool = false, note: String? = nil) -> Response {
        var messages: [String: String] = [:]
        for error in errors { messages[error.field] = (messages[error.field].map { $0 + " " } ?? "") + error.message }
        let values: [String: String] = [
            "title": form.title, "description": form.description, "start": form.start, "end": form.end,
            "venue": form.venue, "address": form.address, "organiser": form.organiser, "capacity": form.capacity,
            "minimum": form.minimum, "decision": form.decision, "deadline": form.deadline, "audience": form.audience,
            "questions": form.questions, "series": form.series, "partner": form.partner,
        ]
        let chosen = (try? EventKind(parsing: form.kind)) ?? .themeMeeting
        var page: [String: Any] = [
            "heading": heading, "action": action, "csrf": gate.token(staff, action), "form": values, "errors": messages,
            "kinds": EventKind.allCases.map { ["value": $0.rawValue, "name": $0.danish, "selected": $0 == chosen] },
            "hasErrors": !errors.isEmpty,
        ]
        if preview { page["previewHTML"] = MarkdownText.html(form.description) }
        if let note { page["note"] = note }
        return admin.page(status, staff, .meetings, title: heading, "admin-moede-form", page)
    }

    func newForm(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.meetings, request, context) { staff in
            guard staff.mayChange(.meetings) else { return admin.forbidden(staff, .meetings) }
            var form = EventForm()
            form.organiser = staff.account.username.contains("@") ? staff.account.username : ""
            return formPage(.ok, staff, form, action: "/admin/moeder/nyt", heading: "Nyt møde")
        }
    }

    func create(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.meetings, request, context) { staff in
            guard staff.mayChange(.meetings) else { return admin.forbidden(staff, .meetings) }
            let action = "/admin/moeder/nyt"
            guard let posted = try await admin.verifiedForm(MeetingForm.self, staff, action, request, context) else {
                return admin.expired(staff, .meetings)
            }
            let form = posted.eventForm
            if posted.handling == "vis" { return formPage(.ok, staff, form, action: action, heading: "Nyt møde", preview: true) }
            let events = self.events
            let publicId: String
            let id: Int64
            do {
                (id, publicId) = try await site.offload { () throws(KampagneError) in
                    let id = try events.create(try form.draft())
                    return (id, try events.show(id).publicId)
                }
            } catch let error as KampagneError {
                return formPage(.unprocessableContent, staff, form, action: action, heading: "Nyt møde",
                                errors: Self.fieldErrors(error), preview: true)
            }
            try await admin.audit(staff, request, context, action: "event.create", object: "event:\(id)", summary: form.title)
            return admin.redirect(Self.base(publicId) + "/overblik?besked=oprettet")
        }
    }

    /// A library error as the form's field errors (a general one under `form`).
    static func fieldErrors(_ error: KampagneError) -> [FieldError] {
        if case .fields(let errors) = error { return errors }
        return [FieldError("form", error.message)]
    }

    func editForm(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.meetings, request, context) { staff in
            guard staff.mayChange(.meetings) else { return admin.forbidden(staff, .meetings) }
            guard let event = try await meeting(context) else { return notFound(staff) }
            let links = site.links
            let publicId = event.publicId
            let description = try await offLoop { try links.event(publicId: publicId).description }
            return formPage(.ok, staff, EventForm(event, description: description), action: Self.base(publicId) + "/ret",
                            heading: "Ret mødet", note: event.status == .cancelled ? "Mødet er aflyst og kan ikke ændres." : nil)
        }
    }

    func update(_ request: Request, _ context: WebContext) async throws -> Response {
        try await change("ret", MeetingForm.self, request, context) { staff, event, posted in
            let action = Self.base(event.publicId) + "/ret"
            let form = posted.eventForm
            if posted.handling == "vis" { return formPage(.ok, staff, form, action: action, heading: "Ret mødet", preview: true) }
            let (events, id) = (self.events, event.id)
            let report: EventUpdateReport
            do {
                report = try await site.offload { () throws(KampagneError) in
                    var changes = Events.Changes()
                    changes.draft = try form.draft()
                    return try events.update(id, changes)
                }
            } catch let error as KampagneError {
                return formPage(.unprocessableContent, staff, form, action: action, heading: "Ret mødet",
                                errors: Self.fieldErrors(error), preview: true)
            }
            try await admin.audit(staff, request, context, action: "event.update", object: "event:\(id)",
                                  summary: report.changes.isEmpty ? "rettet" : report.changes.joined(separator: "; "))
            return admin.redirect(Self.base(event.publicId) + "/overblik?besked=" + (report.notified > 0 ? "gemt-besked" : "gemt"))
        }
    }

    // MARK: One meeting's page

    func page(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.meetings, request, context) { staff in
            guard let found = try await meeting(context) else { return notFound(staff) }
            let (events, registrations, store, settings, id) = (self.events, self.registrations, site.store, site.settings, found.id)
            let (event, people, forecast, sources, log) = try await site.offload { () throws(KampagneError) in
                (try events.show(id), try registrations.participants(id), try events.forecast(id), try events.sources(id),
                 try events.log(id))
            }
            let held = event.goNoGo == .held
            let attendance = held ? try await offLoop { try Attendance(store: store, settings: settings).event(id) } : nil
            try await admin.audit(staff, request, context, action: "event.participants.view", object: "event:\(id)",
                                  summary: "mødets side")
            let writable = staff.mayChange(.meetings) && event.status == .planned
            let base = Self.base(event.publicId)
            let questions = event.questions
            let signedUp = people.filter { $0.status == .registered || $0.status == .attended || $0.status == .noShow }
            func row(_ p: Participant) -> [String: Any] {
                [
                    "name": p.name.isEmpty ? p.email : p.name, "email": p.email, "organisation": p.organisation,
                    "municipality": p.municipality, "roles": p.roles.joined(separator: ", "), "status": p.statusName,
                    "signedUpAt": DanishDate.numeric(p.signedUpAt), "walkIn": p.walkIn,
                    "source": SignupSource(key: p.origin)?.danish ?? p.origin,
                    "answers": questions.map { ["text": p.answers[$0.key] ?? ""] },
                    "position": p.position.map(String.init) ?? "",
                    "offerExpires": p.offerExpiresAt.map(DanishDate.long) ?? "",
                ]
            }
            let waiting = people.filter { $0.status == .offered || $0.status == .waitlisted }
                .sorted { ($0.status == .offered ? 0 : 1, $0.position ?? 0) < ($1.status == .offered ? 0 : 1, $1.position ?? 0) }
            var regions: [String: Int] = [:]
            for p in people where p.status.holdsSeat { regions[p.region.isEmpty ? "(ukendt)" : p.region, default: 0] += 1 }
            var values: [String: Any] = [
                "title": event.title, "kindName": event.kindName, "when": event.when, "base": base, "writable": writable,
                "place": [event.venue, event.address].filter { !$0.isEmpty }.joined(separator: ", "),
                "series": event.series ?? "", "status": event.goNoGo.danish, "atRisk": event.goNoGo == .atRisk,
                "signedUp": DanishNumber.int(event.signedUp), "seats": DanishNumber.int(event.registered),
                "capacity": event.capacity.map(DanishNumber.int) ?? "ubegrænset", "minimum": event.minimum.map(DanishNumber.int) ?? "–",
                "waitlisted": DanishNumber.int(event.waitlisted), "offered": DanishNumber.int(event.offered), "hasOffers": event.offered > 0,
                "decision": event.decisionDate.map(DanishDate.day) ?? "", "deadline": event.signupDeadline.map(DanishDate.long) ?? "",
                "daysToDecision": event.daysToDecision.map { $0 < 0 ? "passeret" : $0 == 0 ? "i dag" : "om \($0) \($0 == 1 ? "dag" : "dage")" } ?? "",
                "questions": questions.map { ["label": $0.label] },
                "people": signedUp.map(row), "hasPeople": !signedUp.isEmpty, "peopleCount": String(signedUp.count),
                "waiting": waiting.map(row), "hasWaiting": !waiting.isEmpty,
                "byRole": event.byRole.map { ["name": $0.name, "count": DanishNumber.int($0.count)] },
                "byMunicipality": event.byMunicipality.map { ["name": $0.name.isEmpty ? "(ukendt)" : $0.name, "count": DanishNumber.int($0.count)] },
                "byRegion": DanishText.sorted(regions.map { ($0.key, $0.value) }) { [$0.0] }.map { ["name": $0.0, "count": DanishNumber.int($0.1)] },
                "sources": sources.map { ["name": $0.name, "key": $0.key, "count": DanishNumber.int($0.count)] },
                "hasSources": !sources.isEmpty,
                "log": log.reversed().map { ["at": DanishDate.short($0.at), "action": $0.action, "detail": $0.detail] },
                "publicLink": site.baseURL + PublicPath.meeting.path(event.publicId),
                "goAction": base + "/gennemfoer", "goCsrf": gate.token(staff, base + "/gennemfoer"), "held": held,
            ]
            if let warning = event.warning { values["warning"] = warning }
            if let cancelReason = event.cancelReason { values["cancelReason"] = cancelReason }
            if let forecast {
                values["forecast"] = ["svg": forecast.svg, "summary": forecast.forecast.summary,
                                      "outlook": forecast.forecast.outlook.rawValue,
                                      "expected": DanishNumber.int(forecast.forecast.expected),
                                      "low": DanishNumber.int(forecast.forecast.low), "high": DanishNumber.int(forecast.forecast.high)]
            }
            if let attendance {
                values["attendance"] = [
                    "attended": DanishNumber.int(attendance.attended), "walkIns": DanishNumber.int(attendance.walkIns),
                    "noShows": DanishNumber.int(attendance.noShows), "signedUp": DanishNumber.int(attendance.signedUp),
                    "noShowRate": DanishNumber.int(Int((attendance.noShowRate * 100).rounded())),
                    "municipalities": DanishNumber.int(attendance.municipalities.count),
                    "jobcentres": DanishNumber.int(attendance.jobcentres.count),
                    "total": DanishNumber.int(attendance.municipalitiesTotal),
                    "byRegion": attendance.byRegion.map { ["region": $0.region, "municipalities": String($0.municipalitiesReached),
                                                            "jobcentres": String($0.jobcentresReached), "of": String($0.municipalities)] },
                    "absent": DanishNumber.int(attendance.absent.count),
                ] as [String: Any]
            }
            return admin.page(.ok, staff, .meetings, title: event.title, "admin-moede", values, request: request)
        }
    }

    // MARK: Invite, carry a waiting list over, message

    /// The page of one action: a form, or (`confirm`) what it will do with a button that does it.
    func actionPage(_ staff: Staff, _ event: EventOverview, _ values: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        var page = values
        page["meetingTitle"] = event.title
        page["when"] = event.when
        page["back"] = Self.base(event.publicId) + "/overblik"
        for key in ["inviteAction", "carryAction", "messageAction", "cancelAction"] {
            if let path = page[key] as? String { page[key.replacingOccurrences(of: "Action", with: "Csrf")] = gate.token(staff, path) }
        }
        return admin.page(status, staff, .meetings, title: (values["heading"] as? String) ?? event.title, "admin-moede-handling", page)
    }

    /// Other meetings whose waiting list (or lapsed offers) can be carried over.
    func otherMeetings(than id: Int64) async throws -> [[String: Any]] {
        let events = self.events
        let all = try await offLoop { try events.list(includePast: true) }
        return all.filter { $0.id != id && ($0.waitlisted + $0.offered > 0 || $0.goNoGo == .held) }
            .map { ["id": String($0.id), "name": "\($0.title) (\(DanishDate.numeric($0.startsAt)))"] }
    }

    func invitePage(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.meetings, request, context) { staff in
            guard staff.mayChange(.meetings) else { return admin.forbidden(staff, .meetings) }
            guard let event = try await meeting(context) else { return notFound(staff) }
            return try await inviteForm(.ok, staff, event, lists: event.audience.lists.joined(separator: ", "),
                                        segments: event.audience.segments.joined(separator: ", "),
                                        roles: event.audience.roles.joined(separator: ", "), error: nil)
        }
    }

    func inviteForm(_ status: HTTPResponse.Status, _ staff: Staff, _ event: EventOverview, lists: String, segments: String,
                    roles: String, error: String?) async throws -> Response {
        let base = Self.base(event.publicId)
        var values: [String: Any] = [
            "heading": "Invitér", "invite": true, "inviteAction": base + "/inviter", "carryAction": base + "/venteliste",
            "lists": lists, "segments": segments, "roles": roles, "others": try await otherMeetings(than: event.id),
            "holdHours": "72",
        ]
        if let error { values["error"] = error }
        return actionPage(staff, event, values, status: status)
    }

    struct InviteForm: StaffForm {
        var csrf: String?
        var trin: String?
        var lists: String?
        var segments: String?
        var roles: String?
        var again: String?
    }

    static func names(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { DanishText.singleLine(String($0)) }.filter { !$0.isEmpty }
    }

    func invite(_ request: Request, _ context: WebContext) async throws -> Response {
        try await change("inviter", InviteForm.self, request, context) { staff, event, form in
            let audience = Audience(lists: Self.names(form.lists), segments: Self.names(form.segments), roles: Self.names(form.roles))
            let (events, id, again, send) = (self.events, event.id, form.again == "1", form.trin == "send")
            let report: InvitationReport
            do {
                report = try await site.offload { () throws(KampagneError) in
                    try events.invite(id, audience: audience, again: again, dryRun: !send)
                }
            } catch let error as KampagneError {
                return try await inviteForm(.unprocessableContent, staff, event, lists: form.lists ?? "", segments: form.segments ?? "",
                                            roles: form.roles ?? "", error: error.message)
            }
            let base = Self.base(event.publicId)
            guard send else {
                return actionPage(staff, event, [
                    "heading": "Invitér", "confirm": true, "confirmAction": base + "/inviter",
                    "confirmCsrf": gate.token(staff, base + "/inviter"),
                    "consequence": "Invitationen sendes til \(DanishNumber.int(report.queued)) \(report.queued == 1 ? "person" : "personer") (\(DanishNumber.int(report.alreadyRegistered)) er allerede tilmeldt, \(DanishNumber.int(report.alreadyInvited)) er inviteret før, \(DanishNumber.int(report.suppressed)) er spærret).",
                    "count": String(report.queued), "canSend": report.queued > 0,
                    "button": "Send \(DanishNumber.int(report.queued)) invitationer",
                    "hidden": [["name": "trin", "value": "send"], ["name": "lists", "value": form.lists ?? ""],
                               ["name": "segments", "value": form.segments ?? ""], ["name": "roles", "value": form.roles ?? ""],
                               ["name": "again", "value": again ? "1" : ""]],
                ])
            }
            try await admin.audit(staff, request, context, action: "event.invite", object: "event:\(id)",
                                  summary: "\(report.queued) invitationer (\(audience.summary))")
            return admin.redirect(base + "/overblik?besked=" + (report.queued > 0 ? "inviteret" : "ingen-nye"))
        }
    }

    struct CarryForm: StaffForm {
        var csrf: String?
        var trin: String?
        var from: String?
        var hold: String?
    }

    func carryOver(_ request: Request, _ context: WebContext) async throws -> Response {
        try await change("venteliste", CarryForm.self, request, context) { staff, event, form in
            let base = Self.base(event.publicId)
            guard let fromId = form.from.flatMap({ Int64($0) }) else {
                return try await inviteForm(.unprocessableContent, staff, event, lists: "", segments: "", roles: "",
                                            error: "Vælg det møde, hvis venteliste skal inviteres.")
            }
            guard let hold = Int(DanishText.singleLine(form.hold ?? "72")), (1...720).contains(hold) else {
                return try await inviteForm(.unprocessableContent, staff, event, lists: "", segments: "", roles: "",
                                            error: "Pladserne holdes 1 til 720 timer.")
            }
            let (events, id) = (self.events, event.id)
            if form.trin != "send" {
                let count: Int
                do {
                    count = try await site.offload { () throws(KampagneError) in try events.waitingListCandidates(id, from: fromId) }
                } catch let error as KampagneError {
                    return try await inviteForm(.unprocessableContent, staff, event, lists: "", segments: "", roles: "", error: error.message)
                }
                let free = event.seatsLeft.map { min($0, count) } ?? count
                return actionPage(staff, event, [
                    "heading": "Invitér ventelisten først", "confirm": true, "confirmAction": base + "/venteliste",
                    "confirmCsrf": gate.token(staff, base + "/venteliste"),
                    "consequence": "\(DanishNumber.int(count)) \(count == 1 ? "person" : "personer") fra ventelisten får tilbudt en plads; \(DanishNumber.int(free)) pladser holdes til dem i \(hold) timer, før de går til andre.",
                    "canSend": count > 0, "button": "Invitér \(DanishNumber.int(count)) fra ventelisten",
                    "hidden": [["name": "trin", "value": "send"], ["name": "from", "value": String(fromId)], ["name": "hold", "value": String(hold)]],
                ])
            }
            let report: CarryOverReport
            do {
                report = try await site.offload { () throws(KampagneError) in try events.inviteFromWaitingList(id, from: fromId, holdHours: hold) }
            } catch let error as KampagneError {
                return try await inviteForm(.conflict, staff, event, lists: "", segments: "", roles: "", error: error.message)
            }
            try await admin.audit(staff, request, context, action: "event.invite-waiting-list", object: "event:\(id)",
                                  summary: "fra møde \(fromId): \(report.held) pladser holdt, \(report.waitlisted) på venteliste")
            return admin.redirect(base + "/overblik?besked=venteliste")
        }
    }

    func messagePage(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.meetings, request, context) { staff in
            guard staff.mayChange(.meetings) else { return admin.forbidden(staff, .meetings) }
            guard let event = try await meeting(context) else { return notFound(staff) }
            return actionPage(staff, event, ["heading": "Besked til de tilmeldte", "message": true,
                                             "messageAction": Self.base(event.publicId) + "/besked", "text": ""])
        }
    }

    struct MessageForm: StaffForm {
        var csrf: String?
        var trin: String?
        var text: String?
        var key: String?
    }

    func message(_ request: Request, _ context: WebContext) async throws -> Response {
        try await change("besked", MessageForm.self, request, context) { staff, event, form in
            let base = Self.base(event.publicId)
            let (events, id) = (self.events, event.id)
            let text = form.text ?? ""
            func again(_ error: String) -> Response {
                actionPage(staff, event, ["heading": "Besked til de tilmeldte", "message": true,
                                       "messageAction": base + "/besked", "text": text, "error": error],
                           status: .unprocessableContent)
            }
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return again("Skriv beskeden.") }
            guard form.trin == "send", let key = form.key, !key.isEmpty else {
                let count = try await site.offload { () throws(KampagneError) in try events.recipients(id).withSeat }
                return actionPage(staff, event, [
                    "heading": "Besked til de tilmeldte", "confirm": true, "confirmAction": base + "/besked",
                    "confirmCsrf": gate.token(staff, base + "/besked"), "quote": text,
                    "consequence": "Beskeden sendes til \(DanishNumber.int(count)) \(count == 1 ? "tilmeldt" : "tilmeldte").",
                    "canSend": count > 0, "button": "Send til \(DanishNumber.int(count))",
                    // One key per confirmation: pressing the button twice sends once.
                    "hidden": [["name": "trin", "value": "send"], ["name": "text", "value": text], ["name": "key", "value": UUID().uuidString]],
                ])
            }
            let report: EventMessageReport
            do {
                report = try await site.offload { () throws(KampagneError) in try events.message(id, text: text, key: key) }
            } catch let error as KampagneError {
                return again(error.message)
            }
            try await admin.audit(staff, request, context, action: "event.message", object: "event:\(id)",
                                  summary: "besked til \(report.queued) tilmeldte")
            return admin.redirect(base + "/overblik?besked=besked-sendt")
        }
    }

    // MARK: Go or cancel

    func cancelPage(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.meetings, request, context) { staff in
            guard staff.mayChange(.meetings) else { return admin.forbidden(staff, .meetings) }
            guard let event = try await meeting(context) else { return notFound(staff) }
            return try await cancelForm(.ok, staff, event, reason: "", error: nil)
        }
    }

    func cancelForm(_ status: HTTPResponse.Status, _ staff: Staff, _ event: EventOverview, reason: String, error: String?) async throws -> Response {
        let (events, id) = (self.events, event.id)
        let told = try await site.offload { () throws(KampagneError) in try events.recipients(id).toldOfCancellation }
        var values: [String: Any] = [
            "heading": "Aflys mødet", "cancel": true, "cancelAction": Self.base(event.publicId) + "/aflys", "reason": reason,
            "consequence": "Aflysningen sendes til \(DanishNumber.int(told)) \(told == 1 ? "person" : "personer") (tilmeldte, dem med tilbud og dem på ventelisten). Det kan ikke fortrydes.",
            "button": "Aflys og giv \(DanishNumber.int(told)) besked", "told": String(told),
        ]
        if let error { values["error"] = error }
        return actionPage(staff, event, values, status: status)
    }

    struct ReasonForm: StaffForm {
        var csrf: String?
        var reason: String?
    }

    func cancel(_ request: Request, _ context: WebContext) async throws -> Response {
        try await change("aflys", ReasonForm.self, request, context) { staff, event, form in
            let (events, id, reason) = (self.events, event.id, form.reason ?? "")
            let told: Int
            do {
                told = try await site.offload { () throws(KampagneError) in try events.cancel(id, reason: reason) }
            } catch let error as KampagneError {
                let text = DanishText.singleLine(reason).isEmpty ? "Skriv en begrundelse; den står i mailen til de berørte." : error.message
                return try await cancelForm(.unprocessableContent, staff, event, reason: reason, error: text)
            }
            try await admin.audit(staff, request, context, action: "event.cancel", object: "event:\(id)",
                                  summary: "aflyst, \(told) får besked")
            return admin.redirect(Self.base(event.publicId) + "/overblik?besked=aflyst")
        }
    }

    func go(_ request: Request, _ context: WebContext) async throws -> Response {
        try await change("gennemfoer", ReasonForm.self, request, context) { staff, event, form in
            let (events, id, note) = (self.events, event.id, form.reason ?? "")
            do {
                try await site.offload { () throws(KampagneError) in try events.confirm(id, note: note) }
            } catch let error as KampagneError {
                return admin.message(.conflict, staff, .meetings, "Mødet kan ikke gennemføres", error.message)
            }
            try await admin.audit(staff, request, context, action: "event.go", object: "event:\(id)", summary: "gennemføres")
            return admin.redirect(Self.base(event.publicId) + "/overblik?besked=gennemfoeres")
        }
    }

    // MARK: Door list, sign-ups and follow-up as files

    func doorList(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.meetings, request, context) { staff in
            guard let found = try await meeting(context) else { return notFound(staff) }
            let (events, registrations, templates, id) = (self.events, self.registrations, site.printTemplates, found.id)
            let html = try await site.offload { () throws(KampagneError) in
                try ParticipantSheets.doorList(try events.show(id), people: try registrations.participants(id), templates: templates)
            }
            try await admin.audit(staff, request, context, action: "event.door-list", object: "event:\(id)", summary: "deltagerliste til udskrift")
            return admin.html(.ok, html)
        }
    }

    /// `tilmeldte.csv`: everyone with their answers; `opfoelgning.csv`: those who had a seat and
    /// did not come. CSV for Excel (`;`, UTF-8 with BOM).
    func csv(_ request: Request, _ context: WebContext, followUp: Bool) async throws -> Response {
        try await gate.open(.meetings, request, context) { staff in
            guard let found = try await meeting(context) else { return notFound(staff) }
            let (registrations, store, settings, id, questions) = (self.registrations, site.store, site.settings, found.id, found.questions)
            let people = try await site.offload { () throws(KampagneError) in
                followUp ? try Attendance(store: store, settings: settings).event(id).absent : try registrations.participants(id)
            }
            try await admin.audit(staff, request, context, action: followUp ? "event.follow-up.export" : "event.participants.export",
                                  object: "event:\(id)", summary: "\(people.count) personer som CSV")
            let name = followUp ? "opfølgning" : "tilmeldte"
            return FileDownload(name: "moede-\(id)-\(name).csv", type: FileDownload.csv,
                                bytes: ParticipantSheets.csv(people, questions: questions, excel: true)).response
        }
    }
}
