import Foundation
import HTTPTypes
import Hummingbird
import Kampagne
import MailTemplates

/// `/admin/nyhedsbreve` (secretariat, admin): the editions and sends; the editor with its
/// preview (HTML, plain text, phone width) as a chosen recipient gets it; pre-flight; test
/// send; the audience count and the send (now or scheduled) behind a confirmation naming the
/// count; a send's live progress with pause, resume, retry failed and the per-recipient log.
/// Every page works without JavaScript; `/admin/js/nyhedsbreve.js` refreshes the preview as
/// one types and the progress without reloading. The work is the library's: `Editions`,
/// `NewsletterPreview`, `Preflight`, `Outbox` (enqueue, pause, progress, recipients), as on
/// the command line.
struct AdminEditions: Sendable {
    let site: Site
    var admin: AdminPages { AdminPages(site: site) }
    var gate: StaffGate { StaffGate(site: site) }
    static let base = StaffSection.newsletters.path
    static let templates = ["admin-udgave", "admin-udgave-kontrol", "admin-udsend", "admin-udsend-bekraeft", "admin-udsendelse",
                            "admin-planlagt", "web-arkiv", "web-arkiv-udgave"]
    static let logPageSize = 100
    /// Test sends go to a handful of people, not a list.
    static let testLimit = 10

    static let flashes: [String: String] = [
        "gemt": "Udgaven er gemt.",
        "test-sendt": "Testmailen er sendt.",
        "test-koe": "Testmailen er lagt i kø og sendes om et øjeblik.",
        "sendes": "Udsendelsen er lagt i kø og sendes nu.",
        "planlagt": "Udsendelsen er planlagt.",
        "pause": "Udsendelsen er sat på pause.",
        "genoptaget": "Udsendelsen er genoptaget.",
        "igen": "De fejlede beskeder er lagt i kø igen.",
        "flyttet": "Udsendelsen er flyttet.",
        "annulleret": "Udsendelsen er annulleret; ingen af beskederne bliver sendt.",
    ]

    func flash(_ request: Request) -> String? {
        request.uri.queryParameters.get("besked").flatMap { Self.flashes[String($0)] }
    }

    func expired(_ staff: Staff) -> Response {
        admin.message(.forbidden, staff, .newsletters, "Formularen er udløbet", "Genindlæs siden, og prøv igen.")
    }

    func notFound(_ staff: Staff) -> Response {
        admin.message(.notFound, staff, .newsletters, "Siden findes ikke", "Tjek adressen, eller brug menuen.")
    }

    func id(_ context: WebContext) -> Int64? { context.parameters.get("id").flatMap { Int64($0) } }

    /// A POST to a page of edition or send ID (from the path): the section opened, the form
    /// read and its token checked for `path(ID)`, then `body`.
    func posted<Form: StaffForm>(_ type: Form.Type, _ request: Request, _ context: WebContext, path: (Int64) -> String,
                                 _ body: (Staff, Int64, Form) async throws -> Response) async throws -> Response {
        try await gate.open(.newsletters, request, context) { staff in
            guard let id = id(context) else { return notFound(staff) }
            guard let form = try await admin.verifiedForm(type, staff, path(id), request, context) else { return expired(staff) }
            return try await body(staff, id, form)
        }
    }

    // MARK: Overview

    func overview(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.newsletters, request, context) { staff in
            let store = site.store
            let (editions, campaigns, late) = try await offLoop {
                (try Editions(store: store).all(), try Outbox(store: store).status(), try BounceLog(store: store).lateResults())
            }
            let editionRows = editions.map { e -> [String: Any] in
                ["number": e.number, "subject": e.subject, "articles": String(e.articles), "campaigns": String(e.campaigns),
                 "sent": DanishNumber.int(e.sent), "created": DanishDate.numeric(e.createdAt), "link": "\(Self.base)/udgave/\(e.id)"]
            }
            let campaignRows = campaigns.filter { $0.kind == .newsletter || $0.kind == .test }.map { c -> [String: Any] in
                let planned = c.scheduledAt.flatMap { $0 > Date() && c.sent + c.sending + c.failed == 0 ? $0 : nil }
                let state = if c.cancelledAt != nil { "annulleret" } else if let planned { "planlagt til \(DanishDate.long(planned))" }
                    else if c.queued + c.sending + c.deferred > 0 { "i gang" } else { c.failed > 0 ? "afsluttet med fejl" : "afsluttet" }
                return ["name": c.name, "audience": c.audience, "created": DanishDate.numeric(c.createdAt), "total": DanishNumber.int(c.total),
                        "sent": DanishNumber.int(c.sent), "failed": DanishNumber.int(c.failed), "state": state,
                        "waiting": DanishNumber.int(c.queued + c.deferred + c.sending),
                        "lateBounced": DanishNumber.int(late[c.campaignId]?.bounced ?? 0),
                        "complaints": DanishNumber.int(late[c.campaignId]?.complaints ?? 0),
                        "unsubscribes": DanishNumber.int(late[c.campaignId]?.unsubscribes ?? 0),
                        "link": "\(Self.base)/udsendelse/\(c.campaignId)"]
            }
            return admin.page(.ok, staff, .newsletters, title: "Nyhedsbreve", "admin-nyhedsbreve",
                              ["editions": editionRows, "campaigns": campaignRows, "newLink": "\(Self.base)/ny",
                               "archive": PublicPath.archive.path()], request: request, flash: flash(request))
        }
    }

    // MARK: The editor

    /// The editor's fields: the front matter as form fields, the body as Markdown, and the
    /// helpers that add an article, a contact box or a story.
    struct EditorForm: StaffForm {
        var csrf: String?
        var emne: String?
        var nummer: String?
        var preheader: String?
        var afsender: String?
        var tekst: String?
        var modtager: String?
        var handling: String?
        var historie: String?
        var artikel: String?
        var kontaktNavn: String?
        var kontaktTitel: String?
        var kontaktEmail: String?
        var kontaktTelefon: String?

        enum CodingKeys: String, CodingKey {
            case csrf, emne, nummer, preheader, afsender, tekst, modtager, handling, historie, artikel
            case kontaktNavn = "kontakt-navn", kontaktTitel = "kontakt-titel", kontaktEmail = "kontakt-email"
            case kontaktTelefon = "kontakt-telefon"
        }
    }

    /// An edition's text split into the form's fields, and put back together.
    struct EditorText {
        var subject = ""
        var number = ""
        var preheader = ""
        var sender = ""
        var body = ""

        init(subject: String = "", number: String = "", preheader: String = "", sender: String = "", body: String = "") {
            (self.subject, self.number, self.preheader, self.sender, self.body) = (subject, number, preheader, sender, body)
        }

        /// Reads the front matter's fields (`subject`/`emne`, …) and the body after it.
        init(source: String) {
            let lines = source.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            guard lines.first?.trimmingCharacters(in: .whitespaces) == "---",
                  let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else {
                body = source
                return
            }
            for line in lines[1..<end] {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                switch key {
                case "subject", "emne": subject = value
                case "number", "nummer": number = value
                case "preheader": preheader = value
                case "sender", "afsender": sender = value
                default: break
                }
            }
            body = lines[(end + 1)...].joined(separator: "\n").trimmingCharacters(in: .newlines)
        }

        init(form: EditorForm) {
            self.init(subject: DanishText.singleLine(form.emne ?? ""), number: DanishText.singleLine(form.nummer ?? ""),
                      preheader: DanishText.singleLine(form.preheader ?? ""), sender: DanishText.singleLine(form.afsender ?? ""),
                      body: (form.tekst ?? "").replacingOccurrences(of: "\r\n", with: "\n"))
        }

        /// The edition file's text, as `newsletter create` reads it.
        var source: String {
            var lines = ["---", "subject: \(subject)", "number: \(number)", "preheader: \(preheader)"]
            if !sender.isEmpty { lines.append("sender: \(sender)") }
            lines += ["---", "", body]
            return lines.joined(separator: "\n") + "\n"
        }

        /// Lines of `source` before the body's first line.
        var bodyOffset: Int { sender.isEmpty ? 6 : 7 }

        /// A message about line N of the assembled text ("udgaven:9: …") said about the field
        /// the person typed in: "Artiklerne, linje 3: …" (or the front matter's fields).
        func locate(_ message: String) -> String {
            if message.contains("forsiden mangler 'subject'") { return "Skriv en emnelinje." }
            guard let match = message.firstMatch(of: /^(?:udgaven|web-udgave\.md):([0-9]+):\s/), let line = Int(match.output.1) else {
                return message
            }
            let rest = message[match.range.upperBound...]
            return line > bodyOffset ? "Artiklerne, linje \(line - bodyOffset): \(rest)" : "Emne og nummer: \(rest)"
        }

        static let blank = EditorText(body: "# Overskrift på første artikel\n\nSkriv artiklen her. **Fed**, *kursiv* og [links](https://example.org) skrives som Markdown.\n")
    }

    func newEditor(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.newsletters, request, context) { staff in
            try await editorPage(staff, request, context, id: nil, text: .blank, contact: "", sent: false)
        }
    }

    func editor(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.newsletters, request, context) { staff in
            guard let id = id(context) else { return notFound(staff) }
            let store = site.store
            guard let draft = try? await offLoop({ try Editions(store: store).draft(id) }) else { return notFound(staff) }
            return try await editorPage(staff, request, context, id: id, text: EditorText(source: draft.source), contact: "",
                                        sent: draft.sent)
        }
    }

    func editorPath(_ id: Int64?) -> String { id.map { "\(Self.base)/udgave/\($0)" } ?? "\(Self.base)/ny" }

    /// The editor with the preview of what is typed.
    func editorPage(_ staff: Staff, _ request: Request, _ context: WebContext, id: Int64?, text: EditorText, contact: String,
                    sent: Bool, status: HTTPResponse.Status = .ok, error: String? = nil, flash: String? = nil,
                    preview withPreview: Bool = true) async throws -> Response {
        let (store, composer) = (site.store, site.composer)
        let source = text.source
        let shownContact = contact.isEmpty ? nil : contact
        let (stories, planned) = try await offLoop {
            (try Editions(store: store).includableStories(), try id.map { try Outbox(store: store).planned(edition: $0) } ?? [])
        }
        let preview: Result<NewsletterPreview, KampagneError>
        if withPreview {
            do {
                preview = .success(try await site.offload { () throws(KampagneError) in
                    try NewsletterPreview.render(source: source, editionId: id, contact: shownContact, store: store, composer: composer)
                })
            } catch {
                preview = .failure(KampagneError.wrap(error))
            }
        } else {
            // A text over the editor's limit is not rendered (seconds for a megabyte of Markdown).
            preview = .failure(.invalidInput("Forhåndsvisningen vises, når udgaven er kortet ned."))
        }
        if shownContact != nil {
            try await admin.audit(staff, request, context, action: "edition.preview", object: AuditLog.contact(contact),
                                  summary: "forhåndsvisning som modtageren")
        }
        let path = editorPath(id)
        var values: [String: Any] = [
            "action": path, "csrf": gate.token(staff, path), "subject": text.subject, "number": text.number,
            "preheader": text.preheader, "sender": text.sender, "body": text.body, "contact": contact,
            "stories": stories.map { ["id": String($0.id), "headline": $0.headline] }, "hasStories": !stories.isEmpty,
            "previewAction": "\(Self.base)/forhaandsvisning", "previewCsrf": gate.token(staff, "\(Self.base)/forhaandsvisning"),
            "sent": sent, "isNew": id == nil, "subjectLimit": String(site.preflight.subjectLimit),
        ]
        if let id {
            values["id"] = String(id)
            values["checkLink"] = "\(path)/kontrol"
            values["sendLink"] = "\(path)/send"
            values["testAction"] = "\(path)/test"
            values["testCsrf"] = gate.token(staff, "\(path)/test")
            values["archiveLink"] = PublicPath.archivedEdition.path(String(id))
        }
        switch preview {
        case .success(let rendered):
            values["previewHTML"] = rendered.html
            values["previewText"] = rendered.text
            values["previewSubject"] = rendered.subject
        case .failure(let failure):
            values["previewError"] = text.locate(failure.message)
        }
        if let error { values["error"] = error }
        values["planned"] = planned.map { plannedValues($0, staff) }
        return admin.page(status, staff, .newsletters, title: id == nil ? "Ny udgave" : "Udgave \(id ?? 0)", "admin-udgave", values,
                          flash: flash ?? self.flash(request))
    }

    /// The editor's POSTs (save, the helper buttons, the live preview) take an edition up to
    /// this, URL-encoded: every other form keeps `WebContext.maxUploadSize` (64 KB), which a
    /// long edition passes.
    static let editorLimit = 1024 * 1024
    /// A body over `editorLimit` but under this is still read, so the editor can give back what
    /// was typed with the error; nothing beyond it is read.
    static let editorReadLimit = 4 * 1024 * 1024

    /// What an editor POST brought.
    enum EditorPost {
        case form(EditorForm)
        case expired
        /// Over `editorLimit`: its size (when known) and the fields, when they could be read.
        case tooLarge(Int?, EditorForm?)
    }

    /// Reads an editor POST with the editor's own limit and checks its token for `path`.
    func readEditor(_ staff: Staff, _ path: String, _ request: Request, _ context: WebContext) async throws -> EditorPost {
        let declared = request.headers[.contentLength].flatMap { Int($0) }
        if let declared, declared > Self.editorReadLimit { return .tooLarge(declared, nil) }
        let body: String
        do {
            body = try await WebForm.body(request, context, limit: Self.editorReadLimit)
        } catch let error as HTTPError where error.status == .requestTimeout {
            throw error
        } catch {
            return .tooLarge(declared, nil)
        }
        guard let form = try? WebForm.decode(EditorForm.self, from: body), gate.verify(staff, form.csrf ?? "", path) else {
            return .expired
        }
        return body.utf8.count > Self.editorLimit ? .tooLarge(body.utf8.count, form) : .form(form)
    }

    /// "Udgaven fylder 1,3 MB; en udgave må fylde højst 1 MB …" (sizes as the form sent them).
    static func tooLargeText(_ bytes: Int?) -> String {
        let limit = "en udgave må fylde højst \(megabytes(editorLimit)) (som formularen sender den)"
        let size = bytes.map { "Udgaven fylder \(megabytes($0)); " } ?? "Udgaven er for stor; "
        return size + limit + ". Forkort teksten, eller del den i to udgaver."
    }

    /// Whether stored edition `id` has gone out (nil for a new one).
    func draftSent(_ id: Int64?) async throws -> Bool {
        guard let id else { return false }
        let store = site.store
        return try await offLoop { try Editions(store: store).draft(id).sent }
    }

    static func megabytes(_ bytes: Int) -> String {
        let value = Double(bytes) / 1024 / 1024
        return (value.rounded() == value ? DanishNumber.int(Int(value)) : DanishNumber.decimal((value * 10).rounded() / 10)) + " MB"
    }

    /// A button on the editor: show the preview (as a chosen recipient), add an article, a
    /// contact box or a story, or save.
    func editorPost(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.newsletters, request, context) { staff in
            let id = id(context)
            let path = editorPath(id)
            let form: EditorForm
            switch try await readEditor(staff, path, request, context) {
            case .form(let read): form = read
            case .expired: return expired(staff)
            case .tooLarge(let bytes, let read?):
                // What was typed comes back in the form, with the size and the limit; nothing is saved.
                let sent = try? await draftSent(id)
                return try await editorPage(staff, request, context, id: id, text: EditorText(form: read),
                                            contact: DanishText.singleLine(read.modtager ?? ""), sent: sent ?? false,
                                            status: .contentTooLarge, error: Self.tooLargeText(bytes), preview: false)
            case .tooLarge(let bytes, nil):
                return admin.message(.contentTooLarge, staff, .newsletters, "Udgaven er for stor",
                                     Self.tooLargeText(bytes) + " Gå tilbage i browseren: teksten står der stadig.")
            }
            var text = EditorText(form: form)
            let contact = DanishText.singleLine(form.modtager ?? "")
            let store = site.store
            var sent = false
            if let id {
                guard let draft = try? await offLoop({ try Editions(store: store).draft(id) }) else { return notFound(staff) }
                sent = draft.sent
            }
            func append(_ block: String) {
                text.body = text.body.trimmingCharacters(in: .newlines) + "\n\n" + block + "\n"
            }
            switch form.handling ?? "vis" {
            case "artikel":
                let title = DanishText.singleLine(form.artikel ?? "")
                append("# \(title.isEmpty ? "Ny artikel" : title)\n\nSkriv artiklen her.")
            case "kontakt":
                let name = DanishText.singleLine(form.kontaktNavn ?? "")
                guard !name.isEmpty else {
                    return try await editorPage(staff, request, context, id: id, text: text, contact: contact, sent: sent,
                                                status: .unprocessableContent, error: "Skriv kontaktpersonens navn.")
                }
                var lines = ["```kontakt", "navn: \(name)"]
                for (key, value) in [("titel", form.kontaktTitel), ("e-mail", form.kontaktEmail), ("telefon", form.kontaktTelefon)] {
                    let clean = DanishText.singleLine(value ?? "")
                    if !clean.isEmpty { lines.append("\(key): \(clean)") }
                }
                append((lines + ["```"]).joined(separator: "\n"))
            case "historie":
                guard let story = Int64(form.historie ?? "") else {
                    return try await editorPage(staff, request, context, id: id, text: text, contact: contact, sent: sent,
                                                status: .unprocessableContent, error: "Vælg en historie.")
                }
                append("@historie \(story)")
            case "gem", "ny":
                let source = text.source
                let asNew = id == nil || form.handling == "ny"
                do {
                    let saved = try await site.offload { () throws(KampagneError) -> Int64 in
                        let editions = Editions(store: store)
                        if asNew || id == nil { return try editions.create(source: source, file: "web-udgave.md") }
                        try editions.update(id ?? 0, source: source)
                        return id ?? 0
                    }
                    try await admin.audit(staff, request, context, action: asNew ? "edition.create" : "edition.update",
                                          object: "edition:\(saved)", summary: text.subject)
                    return admin.redirect("\(Self.base)/udgave/\(saved)?besked=gemt")
                } catch {
                    return try await editorPage(staff, request, context, id: id, text: text, contact: contact, sent: sent,
                                                status: .unprocessableContent, error: text.locate(KampagneError.wrap(error).message))
                }
            default:
                break
            }
            return try await editorPage(staff, request, context, id: id, text: text, contact: contact, sent: sent)
        }
    }

    struct PreviewJSON: Encodable {
        var html: String?
        var text: String?
        var subject: String?
        var error: String?
    }

    /// The preview of the posted editor fields as JSON, for the script's live refresh.
    func previewJSON(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.newsletters, request, context) { staff in
            let form: EditorForm
            switch try await readEditor(staff, "\(Self.base)/forhaandsvisning", request, context) {
            case .form(let read): form = read
            case .expired: return json(.forbidden, PreviewJSON(error: "Formularen er udløbet. Genindlæs siden."))
            case .tooLarge(let bytes, _): return json(.contentTooLarge, PreviewJSON(error: Self.tooLargeText(bytes)))
            }
            let typed = EditorText(form: form)
            let source = typed.source
            let contact = DanishText.singleLine(form.modtager ?? "")
            let (store, composer) = (site.store, site.composer)
            do {
                let preview = try await site.offload { () throws(KampagneError) in
                    try NewsletterPreview.render(source: source, contact: contact.isEmpty ? nil : contact, store: store, composer: composer)
                }
                if !contact.isEmpty {
                    try await admin.audit(staff, request, context, action: "edition.preview", object: AuditLog.contact(contact),
                                          summary: "forhåndsvisning som modtageren")
                }
                return json(.ok, PreviewJSON(html: preview.html, text: preview.text, subject: preview.subject))
            } catch {
                return json(.ok, PreviewJSON(error: typed.locate(KampagneError.wrap(error).message)))
            }
        }
    }

    func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: Pre-flight and test send

    func preflight(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.newsletters, request, context) { staff in
            guard let id = id(context) else { return notFound(staff) }
            let (store, composer, settings) = (site.store, site.composer, site.preflight)
            let report: PreflightReport
            do {
                report = try await site.offload { () throws(KampagneError) in
                    try Preflight(settings: settings).check(edition: id, store: store, composer: composer)
                }
            } catch {
                if case .notFound = KampagneError.wrap(error) { return notFound(staff) }
                return admin.message(.unprocessableContent, staff, .newsletters, "Kontrollen kunne ikke køre", KampagneError.wrap(error).message)
            }
            let names: [String: String] = ["links": "Links", "images": "Billeder", "unsubscribe": "Afmelding", "subject": "Emnelinje",
                                           "size": "Størrelse", "spam": "Spamtjek"]
            let severities: [PreflightFinding.Severity: String] = [.error: "Fejl", .warning: "Advarsel", .info: "OK"]
            let rows = report.findings.map { f -> [String: Any] in
                ["check": names[f.check] ?? f.check, "severity": severities[f.severity] ?? "", "message": f.message,
                 "isError": f.severity == .error, "isWarning": f.severity == .warning]
            }
            let errors = report.findings.filter { $0.severity == .error }.count
            let warnings = report.findings.filter { $0.severity == .warning }.count
            return admin.page(.ok, staff, .newsletters, title: "Kontrol af udgave \(id)", "admin-udgave-kontrol", [
                "id": String(id), "subject": report.subject, "rows": rows, "passed": report.passed,
                "summary": report.passed
                    ? (warnings == 0 ? "Ingen fejl eller advarsler." : "Ingen fejl; \(DanishNumber.count(warnings, "advarsel", "advarsler")).")
                    : "\(DanishNumber.count(errors, "fejl", "fejl")) skal rettes før udsendelse.",
                "editLink": editorPath(id), "sendLink": "\(editorPath(id))/send",
            ])
        }
    }

    struct TestForm: StaffForm {
        var csrf: String?
        var adresser: String?
    }

    /// Sends the edition, marked [TEST], to a few addresses at once (the lists are not touched).
    func testSend(_ request: Request, _ context: WebContext) async throws -> Response {
        try await posted(TestForm.self, request, context, path: { "\(editorPath($0))/test" }) { staff, id, form in
            let addresses = (form.adresser ?? "").split(whereSeparator: { $0 == "," || $0 == ";" || $0.isWhitespace }).map(String.init)
            let store = site.store
            func again(_ text: String) async throws -> Response {
                let draft = try await offLoop { try Editions(store: store).draft(id) }
                return try await editorPage(staff, request, context, id: id, text: EditorText(source: draft.source), contact: "",
                                            sent: draft.sent, status: .unprocessableContent, error: text)
            }
            guard !addresses.isEmpty else { return try await again("Skriv mindst én adresse til testmailen.") }
            guard addresses.count <= Self.testLimit else { return try await again("Højst \(Self.testLimit) adresser i en testudsendelse.") }
            for address in addresses where (try? EmailAddress(parsing: address)) == nil {
                return try await again("'\(address)' er ikke en e-mailadresse.")
            }
            let (delivery, composer) = (site.delivery, site.composer)
            let outcome: (queued: Int, sent: Int?)
            do {
                outcome = try await site.offload { () throws(KampagneError) -> (queued: Int, sent: Int?) in
                    let report = try Outbox(store: store).enqueue(kind: .test, editionId: id, audience: Audience(addresses: addresses),
                                                                  senderDomain: delivery.sender.domain)
                    let dispatcher = Dispatcher(store: store, configuration: delivery, composer: composer)
                    do throws(KampagneError) {
                        return (report.queued, try dispatcher.run(campaign: report.campaignId).sent)
                    } catch {
                        // Another run holds the outbox (the scheduler): it or the next one sends it.
                        if case .busy = error { return (report.queued, nil) }
                        throw error
                    }
                }
            } catch {
                return try await again(KampagneError.wrap(error).message)
            }
            try await admin.audit(staff, request, context, action: "edition.test", object: "edition:\(id)",
                                  summary: "testmail til \(DanishNumber.count(addresses.count, "adresse", "adresser"))")
            if let sent = outcome.sent, sent < outcome.queued {
                return try await again("Testmailen kunne kun afleveres til \(sent) af \(outcome.queued) adresser; se udsendelserne på forsiden af Nyhedsbreve.")
            }
            return admin.redirect("\(editorPath(id))?besked=\(outcome.sent == nil ? "test-koe" : "test-sendt")")
        }
    }

    // MARK: Audience, confirmation and send

    /// What the send page and the confirmation were given: lists, segments, and when.
    struct SendChoice {
        var lists: [String]
        var segments: [String]
        /// nil: now.
        var at: Date?
        var atText: String
        var error: String?

        init(lists: [String], segments: [String], later: Bool, atText: String, now: Date = Date()) {
            self.lists = lists.map(DanishText.singleLine).filter { !$0.isEmpty }
            self.segments = segments.map(DanishText.singleLine).filter { !$0.isEmpty }
            self.atText = DanishText.singleLine(atText)
            if later {
                if let date = DanishDate.parse(self.atText) {
                    if date <= now { error = "Tidspunktet er allerede passeret." } else { at = date }
                } else {
                    error = "Skriv tidspunktet som 04.02.2027 10:00 eller 2027-02-04 10:00."
                }
            }
        }

        /// The send page's GET form: read as a form (a browser writes a space as "+", which
        /// the URI's query parameters keep: "04.02.2027+10:00" was no time, "Min+liste" no list).
        init(query: Request) {
            let q = FormFields(query.uri.query ?? "")
            self.init(lists: q.all["liste"] ?? [], segments: q.all["segment"] ?? [], later: q["naar"] == "senere", atText: q["tid"])
        }

        var audience: Audience { Audience(lists: lists, segments: segments) }

        var query: String {
            (lists.map { "liste=" + AdminLinks.query($0) } + segments.map { "segment=" + AdminLinks.query($0) }
             + (at == nil ? ["naar=nu"] : ["naar=senere", "tid=" + AdminLinks.query(atText)])).joined(separator: "&")
        }
    }

    /// The exact count (after suppression, de-duplication and earlier sends) and the time the
    /// send takes: a dry run of the very queueing a send does.
    func count(_ id: Int64, _ choice: SendChoice) async throws(KampagneError) -> (EnqueueReport, SendEstimate) {
        let (store, delivery, audience) = (site.store, site.delivery, choice.audience)
        return try await site.offload { () throws(KampagneError) in
            let report = try Outbox(store: store).enqueue(kind: .newsletter, editionId: id, audience: audience,
                                                          senderDomain: delivery.sender.domain, dryRun: true)
            return (report, SendEstimate(messages: report.queued, settings: delivery.settings))
        }
    }

    func sendPage(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.newsletters, request, context) { staff in
            guard let id = id(context) else { return notFound(staff) }
            let store = site.store
            guard let edition = try? await offLoop({ try Editions(store: store).all().first { $0.id == id } }) else {
                return notFound(staff)
            }
            let (lists, segments) = try await offLoop { (try MailingLists(store: store).all(), try Segments(store: store).all()) }
            let choice = SendChoice(query: request)
            var values: [String: Any] = [
                "id": String(id), "subject": edition.subject, "action": "\(editorPath(id))/send",
                "lists": DanishText.sorted(lists) { [$0.name] }.map { l in
                    ["name": l.name, "members": DanishNumber.int(l.members), "checked": choice.lists.contains(l.name)] as [String: Any]
                },
                "segments": DanishText.sorted(segments) { [$0.name] }.map { s in
                    ["name": s.name, "members": DanishNumber.int(s.members), "checked": choice.segments.contains(s.name)] as [String: Any]
                },
                "later": choice.at != nil || FormFields(request.uri.query ?? "")["naar"] == "senere", "atText": choice.atText,
                "editLink": editorPath(id),
            ]
            if let error = choice.error {
                values["error"] = error
            } else if !choice.audience.isEmpty {
                do {
                    let (report, estimate) = try await count(id, choice)
                    values["count"] = DanishNumber.int(report.queued)
                    values["countNoun"] = report.queued == 1 ? "modtager" : "modtagere"
                    values["suppressed"] = DanishNumber.int(report.suppressed)
                    values["duplicates"] = DanishNumber.int(report.duplicates)
                    if report.alreadySent > 0 { values["alreadySent"] = DanishNumber.int(report.alreadySent) }
                    values["estimate"] = estimate.danish
                    values["warnings"] = report.warnings
                    if report.queued > 0 { values["confirmLink"] = "\(editorPath(id))/send/bekraeft?" + choice.query }
                } catch {
                    values["error"] = KampagneError.wrap(error).message
                }
            }
            return admin.page(.ok, staff, .newsletters, title: "Send udgave \(id)", "admin-udsend", values)
        }
    }

    /// The confirmation: names the count and the time, once more, before anything is queued.
    func confirmPage(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.newsletters, request, context) { staff in
            guard let id = id(context) else { return notFound(staff) }
            let choice = SendChoice(query: request)
            guard choice.error == nil, !choice.audience.isEmpty else { return admin.redirect("\(editorPath(id))/send?" + choice.query) }
            return try await confirmation(staff, id, choice)
        }
    }

    func confirmation(_ staff: Staff, _ id: Int64, _ choice: SendChoice, changed: Bool = false) async throws -> Response {
        let store = site.store
        let subject = try await offLoop { try Editions(store: store).all().first { $0.id == id }?.subject ?? "" }
        let (report, estimate) = try await count(id, choice)
        let path = "\(editorPath(id))/send"
        let names = choice.lists.map { "listen «\($0)»" } + choice.segments.map { "segmentet «\($0)»" }
        return admin.page(.ok, staff, .newsletters, title: "Bekræft udsendelse", "admin-udsend-bekraeft", [
            "subject": subject, "count": DanishNumber.int(report.queued), "countNoun": report.queued == 1 ? "modtager" : "modtagere",
            "rawCount": String(report.queued), "audience": names.joined(separator: ", "), "estimate": estimate.danish,
            "when": choice.at.map(DanishDate.long) ?? "nu", "action": path, "csrf": gate.token(staff, path),
            "lists": choice.lists, "segments": choice.segments, "naar": choice.at == nil ? "nu" : "senere", "tid": choice.atText,
            "back": "\(path)?" + choice.query, "changed": changed,
        ])
    }

    struct SendForm: StaffForm {
        var csrf: String?
        var liste: [String]?
        var segment: [String]?
        var naar: String?
        var tid: String?
        var antal: String?
    }

    /// Queues the send, if the count is still the one confirmed; otherwise asks again.
    func send(_ request: Request, _ context: WebContext) async throws -> Response {
        try await posted(SendForm.self, request, context, path: { "\(editorPath($0))/send" }) { staff, id, form in
            let path = "\(editorPath(id))/send"
            let choice = SendChoice(lists: form.liste ?? [], segments: form.segment ?? [], later: form.naar == "senere", atText: form.tid ?? "")
            guard choice.error == nil, !choice.audience.isEmpty else { return admin.redirect("\(path)?" + choice.query) }
            let (store, delivery, audience, at) = (site.store, site.delivery, choice.audience, choice.at)
            let confirmed = Int(form.antal ?? "") ?? -1
            let report: EnqueueReport?
            do {
                // The dry run and the queueing in one go: a count that moved since the confirmation asks again.
                report = try await site.offload { () throws(KampagneError) -> EnqueueReport? in
                    let outbox = Outbox(store: store)
                    let counted = try outbox.enqueue(kind: .newsletter, editionId: id, audience: audience,
                                                     senderDomain: delivery.sender.domain, dryRun: true)
                    guard counted.queued == confirmed else { return nil }
                    return try outbox.enqueue(kind: .newsletter, editionId: id, audience: audience, senderDomain: delivery.sender.domain,
                                              startAt: at, scheduledBy: staff.username)
                }
            } catch {
                return admin.message(.conflict, staff, .newsletters, "Udsendelsen kunne ikke lægges i kø", KampagneError.wrap(error).message)
            }
            guard let report else { return try await confirmation(staff, id, choice, changed: true) }
            try await admin.audit(staff, request, context, action: "newsletter.send", object: "campaign:\(report.campaignId)",
                                  summary: "udgave \(id) til \(DanishNumber.int(report.queued)) modtagere"
                                    + (at.map { ", planlagt til \(DanishDate.long($0))" } ?? ""))
            return admin.redirect("\(Self.base)/udsendelse/\(report.campaignId)?besked=\(at == nil ? "sendes" : "planlagt")")
        }
    }

    // MARK: A send: progress, pause, resume, retry, log

    func progressValues(_ p: SendProgress) -> [String: Any] {
        var values: [String: Any] = [
            "sent": DanishNumber.int(p.sent), "total": DanishNumber.int(p.total), "deferred": DanishNumber.int(p.deferred),
            "failed": DanishNumber.int(p.failed), "waiting": DanishNumber.int(p.waiting),
            "rate": p.perMinute.map { "\(DanishNumber.int(Int($0.rounded()))) pr. minut" } ?? "–",
            "state": SendProgressText.state(p), "paused": p.paused, "finished": p.finished,
            "percent": String(p.total == 0 ? 100 : (p.sent + p.failed) * 100 / p.total),
        ]
        if let eta = p.etaSeconds { values["eta"] = SendEstimate.danishDuration(eta) }
        return values
    }

    func campaign(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.newsletters, request, context) { staff in
            guard let id = id(context) else { return notFound(staff) }
            return try await campaignPage(staff, id, request, context)
        }
    }

    /// A send's page: its progress, the planned time with "Flyt" and "Annullér" while it waits,
    /// its schedule's record, and one page of the per-recipient log. `error` is a refused move
    /// or cancel, shown at the top.
    func campaignPage(_ staff: Staff, _ id: Int64, _ request: Request, _ context: WebContext,
                      status: HTTPResponse.Status = .ok, error: String? = nil, typedTime: String = "") async throws -> Response {
        let store = site.store
        let q = request.uri.queryParameters
        let state = q.get("status").flatMap { OutboxState(rawValue: $0) }
        let page = max(1, Int(q.get("side") ?? "") ?? 1)
        let loaded = try? await offLoop { () -> (SendProgress, [RecipientLogLine], BounceLog.LateResults?, Int, [ScheduleChange]) in
            let outbox = Outbox(store: store)
            let progress = try outbox.progress(campaign: id)
            // Only this page's rows, their reports and suppressions; the unsubscribes counted in SQL.
            let lines = try outbox.recipients(campaign: id, state: state, limit: Self.logPageSize + 1,
                                              offset: (page - 1) * Self.logPageSize)
            return (progress, lines, try BounceLog(store: store).lateResults(campaign: id)[id], try outbox.unsubscribedCount(campaign: id),
                    try outbox.scheduleHistory(campaign: id))
        }
        guard let (progress, lines, late, unsubscribed, history) = loaded else { return notFound(staff) }
        try await admin.audit(staff, request, context, action: "campaign.recipients.view", object: "campaign:\(id)",
                              summary: "modtagerlog, side \(page)")
        let path = "\(Self.base)/udsendelse/\(id)"
        let rows = lines.prefix(Self.logPageSize).map { line -> [String: Any] in
            var after = line.reports.map { BounceKindText.danish($0) }
            if let reason = line.suppressedSince { after.append(reason.danish) }
            return ["email": line.email, "state": line.state.danish, "attempts": String(line.attempts), "reply": line.reply,
                    "failed": line.state == .failed,
                    "at": (line.sentAt ?? line.lastAttemptAt).map { "\(DanishDate.numeric($0)) \(DanishDate.time($0))" } ?? "–",
                    "after": after.joined(separator: ", ")]
        }
        let stateQuery = state.map { "status=\($0.rawValue)&" } ?? ""
        var values = progressValues(progress)
        values["name"] = progress.name
        values["id"] = String(id)
        values["statusLink"] = "\(path)/status.json"
        values["rows"] = rows
        values["pauseAction"] = "\(path)/pause"
        values["pauseCsrf"] = gate.token(staff, "\(path)/pause")
        values["resumeAction"] = "\(path)/genoptag"
        values["resumeCsrf"] = gate.token(staff, "\(path)/genoptag")
        values["retryAction"] = "\(path)/proev-igen"
        values["retryCsrf"] = gate.token(staff, "\(path)/proev-igen")
        values["canRetry"] = progress.failed > 0
        values["bounced"] = DanishNumber.int((late?.bounced ?? 0) + (late?.softBounces ?? 0))
        values["complaints"] = DanishNumber.int(late?.complaints ?? 0)
        values["unsubscribed"] = DanishNumber.int(unsubscribed + (late?.unsubscribes ?? 0))
        values["filters"] = ([nil] + OutboxState.allCases.map { Optional($0) }).map { s -> [String: Any] in
            ["name": s?.danish ?? "alle", "link": path + (s.map { "?status=\($0.rawValue)" } ?? ""), "current": s == state]
        }
        if progress.waitingToStart {
            var planned = plannedValues(progress, staff)
            if !typedTime.isEmpty { planned["tid"] = typedTime }
            values["planned"] = [planned]
        }
        values["history"] = history.map(\.danish)
        values["hasHistory"] = !history.isEmpty
        values["cancelled"] = progress.cancelledAt != nil
        if let error { values["error"] = error }
        if !progress.finished { values["refresh"] = "5" }
        if page > 1 { values["previous"] = "\(path)?\(stateQuery)side=\(page - 1)" }
        if lines.count > Self.logPageSize { values["next"] = "\(path)?\(stateQuery)side=\(page + 1)" }
        return admin.page(status, staff, .newsletters, title: progress.name, "admin-udsendelse", values, flash: flash(request))
    }

    struct ProgressJSON: Encodable {
        var progress: SendProgress
        var text: [String: String]
    }

    func campaignJSON(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.newsletters, request, context) { staff in
            guard let id = id(context) else { return json(.notFound, ["error": "Udsendelsen findes ikke"]) }
            let store = site.store
            guard let progress = try? await offLoop({ try Outbox(store: store).progress(campaign: id) }) else {
                return json(.notFound, ["error": "Udsendelsen findes ikke"])
            }
            let text = progressValues(progress).compactMapValues { $0 as? String }
            return json(.ok, ProgressJSON(progress: progress, text: text))
        }
    }

    enum Control { case pause, resume, retry }

    func control(_ request: Request, _ context: WebContext, _ control: Control) async throws -> Response {
        let action = ["pause": "/pause", "resume": "/genoptag", "retry": "/proev-igen"]["\(control)"] ?? ""
        return try await posted(TokenForm.self, request, context, path: { "\(Self.base)/udsendelse/\($0)" + action }) { staff, id, _ in
            let path = "\(Self.base)/udsendelse/\(id)"
            let store = site.store
            do {
                let count = try await site.offload { () throws(KampagneError) -> Int in
                    let outbox = Outbox(store: store)
                    switch control {
                    case .pause: try outbox.pause(campaign: id); return 0
                    case .resume: try outbox.resume(campaign: id); return 0
                    case .retry: return try outbox.retryFailed(campaign: id)
                    }
                }
                let (verb, key, summary): (String, String, String) = switch control {
                case .pause: ("newsletter.pause", "pause", "udsendelse sat på pause")
                case .resume: ("newsletter.resume", "genoptaget", "udsendelse genoptaget")
                case .retry: ("newsletter.retry-failed", "igen", "\(count) fejlede lagt i kø igen")
                }
                try await admin.audit(staff, request, context, action: verb, object: "campaign:\(id)", summary: summary)
                return admin.redirect("\(path)?besked=\(key)")
            } catch {
                if case .notFound = KampagneError.wrap(error) { return notFound(staff) }
                return admin.message(.conflict, staff, .newsletters, "Det lykkedes ikke", KampagneError.wrap(error).message)
            }
        }
    }
}

/// The kinds of a bounce report in Danish, for the per-recipient log.
enum BounceKindText {
    static func danish(_ kind: String) -> String {
        switch kind {
        case "hard-bounce": "afvist (findes ikke)"
        case "soft-bounce": "midlertidigt afvist"
        case "failed": "kunne ikke leveres"
        case "complaint": "klage (spam)"
        case "unsubscribe": "afmeldt pr. mail"
        case "delivered": "leveret"
        case "auto-reply": "autosvar"
        default: kind
        }
    }
}

/// The public archive of sent editions (`/nyhedsbrev/arkiv`) and an edition's page (the
/// newsletter's "view in browser" link): the articles as mailed, no personal data.
struct EditionArchivePages: Sendable {
    let site: Site
    var pages: PublicPages { PublicPages(site: site) }

    func list(_ request: Request, _ context: WebContext) async throws -> Response {
        let store = site.store
        let editions = try await site.offload { () throws(KampagneError) in try EditionArchive(store: store).sent() }
        let rows = editions.map { e -> [String: Any] in
            ["subject": e.subject, "number": e.number, "date": DanishDate.date(e.sentAt),
             "link": PublicPath.archivedEdition.path(String(e.id))]
        }
        return pages.html(.ok, "Nyhedsbreve", "web-arkiv", ["editions": rows, "subscribe": PublicPath.subscribe.path()])
    }

    func edition(_ request: Request, _ context: WebContext) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else { return pages.notFound() }
        let store = site.store
        guard let page = try await site.offload({ () throws(KampagneError) in try EditionArchive(store: store).page(id) }) else {
            return pages.notFound()
        }
        let articles = page.edition.articles.map { a -> [String: Any] in
            var article: [String: Any] = ["title": a.title, "html": MarkdownText.html(a.markdown)]
            if let box = a.contact {
                article["contact"] = ["name": box.name, "title": box.title, "email": box.email, "phone": box.phone].filter { !$0.value.isEmpty }
            }
            return article
        }
        return pages.html(.ok, page.edition.subject, "web-arkiv-udgave", [
            "subject": page.edition.subject, "number": page.edition.number, "date": DanishDate.long(page.sentAt),
            "articles": articles, "archive": PublicPath.archive.path(), "subscribe": PublicPath.subscribe.path(),
        ])
    }
}
