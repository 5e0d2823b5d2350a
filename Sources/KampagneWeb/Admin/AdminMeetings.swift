import Foundation
import HTTPTypes
import Hummingbird
import Kampagne

/// `/admin/moeder`: upcoming meetings against capacity and minimum, and the door check-in
/// for each, made for a phone held upright (formerly `/arrangor`). The secretariat reads;
/// organisers and admins check people in.
struct AdminMeetings: Sendable {
    let site: Site
    var admin: AdminPages { AdminPages(site: site) }
    var gate: StaffGate { StaffGate(site: site) }
    var registrations: Registrations { Registrations(store: site.store, settings: site.settings) }

    func overview(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.meetings, request, context) { staff in
            let (store, settings) = (site.store, site.settings)
            let (events, forecasts) = try await offLoop { () throws -> ([EventOverview], [Int64: SignupForecast]) in
                let events = Events(store: store, settings: settings)
                let list = try events.list()
                var forecasts: [Int64: SignupForecast] = [:]
                for e in list where e.status == .planned { forecasts[e.id] = try events.forecast(e.id)?.forecast }
                return (list, forecasts)
            }
            let rows = events.map { e -> [String: Any] in
                var row: [String: Any] = [
                    "title": e.title, "when": DanishDate.short(e.startsAt), "kindName": e.kindName,
                    "registered": DanishNumber.int(e.registered), "capacity": e.capacity.map(DanishNumber.int) ?? "–",
                    "minimum": e.minimum.map(DanishNumber.int) ?? "–", "waitlisted": DanishNumber.int(e.waitlisted),
                    "status": e.goNoGo.danish, "atRisk": e.goNoGo == .atRisk, "checkin": "/admin/moeder/\(e.publicId)",
                    "page": "/admin/moeder/\(e.publicId)/overblik",
                    "decision": e.decisionDate.map { date in
                        DanishDate.numeric(date) + (e.daysToDecision.map { $0 < 0 ? " (passeret)" : " (om \($0) d.)" } ?? "")
                    } ?? "–",
                ]
                if let warning = e.warning { row["warning"] = warning }
                if let f = forecasts[e.id] {
                    row["forecast"] = "ca. \(DanishNumber.int(f.expected)) (\(DanishNumber.int(f.low))–\(DanishNumber.int(f.high)))"
                    row["forecastWarn"] = f.outlook == .doubtful || f.outlook == .unlikely
                    row["outlook"] = f.outlook.danish
                }
                return row
            }
            return admin.page(.ok, staff, .meetings, title: "Møder", "admin-moeder", ["events": rows, "hasEvents": !rows.isEmpty, "writable": staff.mayChange(.meetings)],
                              request: request)
        }
    }

    func event(_ context: WebContext) async throws -> PublicEvent? {
        let id = try context.parameters.require("id")
        let links = site.links
        return try await offLoop { try? links.event(publicId: id) }
    }

    /// The door page: everyone expected, filtered by `q` (name, organisation or e-mail). It
    /// names people, so each view is in the audit trail.
    func doorPage(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.meetings, request, context) { staff in
            try await door(staff, request, context, note: nil, status: .ok)
        }
    }

    func door(_ staff: Staff, _ request: Request, _ context: WebContext, note: String?, status: HTTPResponse.Status) async throws -> Response {
        guard let event = try await event(context) else {
            return admin.message(.notFound, staff, .meetings, "Mødet findes ikke", "Tjek linket, eller gå tilbage til møderne.")
        }
        let registrations = self.registrations
        let eventId = event.overview.id
        let people = try await offLoop { try registrations.participants(eventId) }.filter {
            $0.status.holdsSeat || $0.status == .noShow
        }
        let query = DanishText.searchKey(request.uri.queryParameters.get("q") ?? "")
        let shown = people.filter { p in
            query.isEmpty || [p.name, p.organisation, p.email].contains { DanishText.searchKey($0).contains(query) }
        }
        let path = "/admin/moeder/\(event.overview.publicId)"
        let writable = staff.mayChange(.meetings)
        let rows = shown.map { p -> [String: Any] in
            ["id": String(p.registrationId), "name": p.name.isEmpty ? p.email : p.name, "organisation": p.organisation,
             "email": p.email, "status": p.statusName, "attended": p.status == .attended, "writable": writable,
             "search": DanishText.searchKey([p.name, p.organisation, p.email].joined(separator: " "))]
        }
        try await admin.audit(staff, request, context, action: "event.participants.view", object: "event:\(eventId)",
                              summary: query.isEmpty ? "deltagerliste" : "søgning i deltagerlisten")
        var page: [String: Any] = [
            "title": event.overview.title, "when": event.overview.when, "people": rows, "writable": writable,
            "attended": String(people.filter { $0.status == .attended }.count), "expected": String(people.count),
            "query": request.uri.queryParameters.get("q") ?? "", "path": path,
            "checkinAction": path + "/indtjek", "checkinCsrf": gate.token(staff, path + "/indtjek"),
            "walkInAction": path + "/ved-doeren", "walkInCsrf": gate.token(staff, path + "/ved-doeren"),
        ]
        if let note { page["note"] = note }
        return admin.page(status, staff, .meetings, title: "Indtjekning", "admin-indtjek", page, request: request)
    }

    /// The common part of the door's two forms: the role that may change things, the meeting,
    /// and the form with a token for this session and this form.
    func doorForm<Form: StaffForm>(_ action: String, _ type: Form.Type, _ request: Request, _ context: WebContext,
                                   _ body: (Staff, PublicEvent, Form) async throws -> Response) async throws -> Response {
        try await gate.open(.meetings, request, context) { staff in
            guard staff.mayChange(.meetings) else { return admin.forbidden(staff, .meetings) }
            guard let event = try await event(context) else { return admin.message(.notFound, staff, .meetings, "Mødet findes ikke", "") }
            let path = "/admin/moeder/\(event.overview.publicId)/" + action
            guard let form = try await admin.verifiedForm(type, staff, path, request, context) else {
                return try await door(staff, request, context, note: "Siden var udløbet; prøv igen.", status: .forbidden)
            }
            return try await body(staff, event, form)
        }
    }

    struct CheckInForm: StaffForm {
        var csrf: String?
        var registration: String?
        var undo: String?
    }

    func checkIn(_ request: Request, _ context: WebContext) async throws -> Response {
        try await doorForm("indtjek", CheckInForm.self, request, context) { staff, event, form in
            let path = "/admin/moeder/\(event.overview.publicId)"
            guard let registrationId = form.registration.flatMap({ Int64($0) }) else {
                return try await door(staff, request, context, note: "Personen er ikke tilmeldt dette møde.", status: .notFound)
            }
            let (registrations, secret, eventId) = (self.registrations, site.links.secret, event.overview.id)
            let undo = form.undo == "1"
            do {
                try await offLoop {
                    if undo {
                        _ = try registrations.undoCheckIn(eventId, .registration(registrationId), secret: secret)
                    } else {
                        _ = try registrations.checkIn(eventId, .registration(registrationId), secret: secret)
                    }
                }
            } catch let error as KampagneError {
                return try await door(staff, request, context, note: error.message, status: .conflict)
            }
            try await admin.audit(staff, request, context, action: undo ? "event.checkin-undo" : "event.checkin",
                                  object: "event:\(eventId)",
                                  summary: undo ? "tilmelding \(registrationId) mødt fortrudt" : "tilmelding \(registrationId) mødt")
            return admin.redirect(path + (undo ? "?besked=fortrudt" : "?besked=moedt"))
        }
    }

    struct WalkInForm: StaffForm {
        var csrf: String?
        var name: String?
        var email: String?
        var organisation: String?
        var municipality: String?
    }

    func walkIn(_ request: Request, _ context: WebContext) async throws -> Response {
        try await doorForm("ved-doeren", WalkInForm.self, request, context) { staff, event, form in
            let path = "/admin/moeder/\(event.overview.publicId)"
            var signUp = SignUp(email: DanishText.singleLine(form.email ?? ""))
            signUp.setName(form.name ?? "")
            signUp.organisation = form.organisation ?? ""
            signUp.municipality = form.municipality ?? ""
            signUp.walkIn = true
            signUp.source = .walkIn
            let (registrations, eventId, walkIn) = (self.registrations, event.overview.id, signUp)
            do {
                try await offLoop { _ = try registrations.register(eventId, walkIn) }
            } catch let error as KampagneError {
                return try await door(staff, request, context, note: error.message, status: .unprocessableContent)
            }
            try await admin.audit(staff, request, context, action: "event.walkin", object: AuditLog.contact(signUp.email),
                                  summary: "mødt ved døren, møde \(eventId)")
            return admin.redirect(path + "?besked=ved-doeren")
        }
    }
}
