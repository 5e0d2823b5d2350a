import Foundation
import HTTPTypes
import Hummingbird
import Kampagne

/// A scheduled send in the newsletter section: its planned time in Danish, "Flyt" to a new
/// time and "Annullér" behind a confirmation that names the count, on the edition's page and
/// the send's page. The work is `Outbox.reschedule` and `Outbox.cancelSchedule`, as
/// `newsletter schedule` and `newsletter unschedule` on the command line.
extension AdminEditions {
    func campaignPath(_ id: Int64) -> String { "\(Self.base)/udsendelse/\(id)" }

    /// The planned-send box's values (template `admin-planlagt`).
    func plannedValues(_ p: SendProgress, _ staff: Staff) -> [String: Any] {
        let path = campaignPath(p.campaignId)
        return ["name": p.name, "when": p.scheduledAt.map(DanishDate.long) ?? "nu (venter på planlæggeren)",
                "count": DanishNumber.int(p.waiting), "countNoun": p.waiting == 1 ? "modtager" : "modtagere",
                "link": path, "moveAction": "\(path)/flyt", "moveCsrf": gate.token(staff, "\(path)/flyt"),
                "cancelLink": "\(path)/annuller", "tid": p.scheduledAt.map { "\(DanishDate.numeric($0)) \(DanishDate.time($0))" } ?? "",
                "campaignId": String(p.campaignId)]
    }

    struct MoveForm: StaffForm {
        var csrf: String?
        var tid: String?
    }

    /// "Flyt": the send to the typed time, if it still waits; a time that has passed, or a
    /// send that started meanwhile, is refused on the send's page with what happened.
    func move(_ request: Request, _ context: WebContext) async throws -> Response {
        try await posted(MoveForm.self, request, context, path: { "\(campaignPath($0))/flyt" }) { staff, id, form in
            let typed = DanishText.singleLine(form.tid ?? "")
            guard let time = DanishDate.parse(typed, defaultTime: "09:00") else {
                return try await campaignPage(staff, id, request, context, status: .unprocessableContent,
                                              error: "Skriv tidspunktet som 04.02.2027 10:00 eller 2027-02-04 10:00.", typedTime: typed)
            }
            let store = site.store
            do {
                let outcome = try await site.offload { () throws(KampagneError) in
                    try Outbox(store: store).reschedule(campaign: id, to: time, by: staff.username)
                }
                try await admin.audit(staff, request, context, action: "newsletter.schedule", object: "campaign:\(id)",
                                      summary: "udsendelse flyttet til \(DanishDate.long(time)), "
                                        + DanishNumber.count(outcome.change.messages, "besked", "beskeder"))
                return admin.redirect("\(campaignPath(id))?besked=flyttet")
            } catch {
                return try await refused(staff, id, request, context, error, typedTime: typed)
            }
        }
    }

    /// The confirmation before cancelling: names the count and the planned time.
    func cancelConfirmation(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.newsletters, request, context) { staff in
            guard let id = id(context) else { return notFound(staff) }
            let store = site.store
            guard let progress = try? await offLoop({ try Outbox(store: store).progress(campaign: id) }) else { return notFound(staff) }
            guard progress.waitingToStart else {
                return try await campaignPage(staff, id, request, context, status: .conflict,
                                              error: "Udsendelsen venter ikke længere på sit tidspunkt og kan ikke annulleres.")
            }
            let path = "\(campaignPath(id))/annuller"
            let count = DanishNumber.count(progress.waiting, "modtager", "modtagere")
            return admin.page(.ok, staff, .newsletters, title: "Annullér udsendelsen", "admin-bekraeft", [
                "heading": "Annullér udsendelsen «\(progress.name)» til \(count)?",
                "consequence": "Den er planlagt til \(progress.scheduledAt.map(DanishDate.long) ?? "at blive sendt nu"). "
                    + "Ingen af de \(count) får mailen; de ventende beskeder fjernes fra udbakken. "
                    + "Udsendelsen bliver stående med, hvem der annullerede den og hvornår.",
                "button": "Ja, annullér udsendelsen til \(count)", "action": path, "csrf": gate.token(staff, path),
                "back": campaignPath(id), "backText": "Tilbage uden at annullere",
            ])
        }
    }

    /// "Annullér", confirmed: the waiting rows removed in one transaction, unless it started.
    func cancel(_ request: Request, _ context: WebContext) async throws -> Response {
        try await posted(TokenForm.self, request, context, path: { "\(campaignPath($0))/annuller" }) { staff, id, _ in
            let store = site.store
            do {
                let outcome = try await site.offload { () throws(KampagneError) in
                    try Outbox(store: store).cancelSchedule(campaign: id, by: staff.username)
                }
                try await admin.audit(staff, request, context, action: "newsletter.unschedule", object: "campaign:\(id)",
                                      summary: "planlagt udsendelse annulleret, "
                                        + DanishNumber.count(outcome.change.messages, "besked fjernet", "beskeder fjernet"))
                return admin.redirect("\(campaignPath(id))?besked=annulleret")
            } catch {
                return try await refused(staff, id, request, context, error)
            }
        }
    }

    /// A move or cancel the library refused: the send's page with the reason.
    func refused(_ staff: Staff, _ id: Int64, _ request: Request, _ context: WebContext, _ error: Error,
                 typedTime: String = "") async throws -> Response {
        let failure = KampagneError.wrap(error)
        if case .notFound = failure { return notFound(staff) }
        let status: HTTPResponse.Status = if case .fields = failure { .unprocessableContent } else { .conflict }
        return try await campaignPage(staff, id, request, context, status: status, error: failure.message, typedTime: typedTime)
    }
}
