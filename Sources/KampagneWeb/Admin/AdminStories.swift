import Foundation
import HTTPTypes
import Hummingbird
import Kampagne
import MailTemplates

/// `/admin/historier` (the communication advisor; the secretariat reads): the good stories.
/// A case is written in a form that follows its structure and saved as the same story file the
/// command line edits (`StoryFields` → `Stories.save`), with the checks beside it (what it
/// lacks, consent per person and channel, LIX with long sentences and words marked); versions
/// side by side; consent given and withdrawn; review requests by mail; photos; publishing
/// with a preview; and where the story was used.
struct AdminStories: Sendable {
    let site: Site
    var admin: AdminPages { AdminPages(site: site) }
    var gate: StaffGate { StaffGate(site: site) }
    var stories: Stories { Stories(store: site.store) }

    static let templates = ["admin-historie", "admin-historie-diff", "admin-historie-udgiv"]
    static let flashes: [String: String] = [
        "historie-oprettet": "Historien er oprettet.",
        "historie-gemt": "Historien er gemt som en ny version.",
        "historie-uaendret": "Intet er ændret: teksten er den samme som før.",
        "samtykke-gemt": "Samtykket er registreret.",
        "samtykke-tilbage": "Samtykket er trukket tilbage.",
        "gennemsyn-sendt": "Anmodningen om gennemsyn er lagt i kø til afsendelse.",
        "foto-gemt": "Fotoet er gemt, og historien har fået en ny version.",
        "foto-slettet": "Fotoet er fjernet.",
        "godkendt": "Historien er godkendt.",
    ]

    static func path(_ id: Int64, _ rest: String = "") -> String { "/admin/historier/\(id)" + rest }

    func storyId(_ context: WebContext) -> Int64? {
        context.parameters.get("id").flatMap { Int64($0) }.flatMap { $0 > 0 ? $0 : nil }
    }

    // MARK: The list

    func list(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.stories, request, context) { staff in try await listPage(staff, request) }
    }

    private func listPage(_ staff: Staff, _ request: Request, status: HTTPResponse.Status = .ok,
                          error: String? = nil, typed: String = "") async throws -> Response {
        let (found, total, q, chosen) = try await filtered(request)
        let rows = found.map { s -> [String: Any] in
            ["id": String(s.id), "link": Self.path(s.id), "headline": s.headline, "status": s.statusName, "company": s.company,
             "municipality": s.municipality, "version": String(s.version), "updated": DanishDate.numeric(s.updatedAt),
             "flagged": s.flagged > 0, "channels": s.publishedOn.map(\.danish).joined(separator: ", ")]
        }
        var values: [String: Any] = [
            "rows": rows, "count": DanishNumber.int(found.count), "total": DanishNumber.int(total), "typed": typed, "q": q,
            "statuses": [["key": "", "name": "alle", "selected": chosen == nil]]
                + StoryStatus.allCases.map { ["key": $0.rawValue, "name": $0.danish, "selected": $0 == chosen] },
            "csv": "/admin/historier.csv?q=\(AdminLinks.query(q))&status=\(chosen?.rawValue ?? "")",
        ]
        if staff.mayChange(.stories) {
            values["createAction"] = "/admin/historier"
            values["createCsrf"] = gate.token(staff, "/admin/historier")
        }
        if let error { values["error"] = error }
        return admin.page(status, staff, .stories, title: "Gode historier", "admin-historier", values, request: request)
    }

    /// The stories the list's filter asks for (`q` searches headline, company, municipality and
    /// industry; `status` one status), newest first, as `stories list --status`, and how many
    /// stories there are in all: one read of the list.
    private func filtered(_ request: Request) async throws -> (found: [StorySummary], total: Int, q: String, status: StoryStatus?) {
        let q = DanishText.singleLine(request.uri.queryParameters.get("q") ?? "")
        let status = request.uri.queryParameters.get("status").flatMap { StoryStatus(rawValue: String($0)) }
        let all = try await offLoop { [stories] in try stories.list() }
        let key = DanishText.searchKey(q)
        let found = all.filter { s in
            (status == nil || s.status == status)
                && (key.isEmpty || [s.headline, s.company, s.municipality, s.industry].contains { DanishText.searchKey($0).contains(key) })
        }
        return (found, all.count, q, status)
    }

    /// The list as CSV for Excel (`;`, UTF-8 with BOM), with the page's filter.
    func csv(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.stories, request, context) { _ in
            let found = try await filtered(request).found
            var writer = CSVWriter(excel: true)
            writer.row(["Nr.", "Overskrift", "Status", "Virksomhed", "Kommune", "Branche", "Version", "Godkendt version",
                        "Brugt på", "Markeret", "Ændret"])
            for s in found {
                writer.row([String(s.id), s.headline, s.statusName, s.company, s.municipality, s.industry, String(s.version),
                            s.approvedVersion.map(String.init) ?? "", s.publishedOn.map(\.danish).joined(separator: ", "),
                            String(s.flagged), DanishDate.iso(s.updatedAt)])
            }
            return FileDownload(name: "gode-historier.csv", type: FileDownload.csv, bytes: writer.data).response
        }
    }

    struct CreateForm: StaffForm {
        var csrf: String?
        var headline: String?
    }

    func create(_ request: Request, _ context: WebContext) async throws -> Response {
        try await writing(request, context) { staff in
            guard let form = try await admin.verifiedForm(CreateForm.self, staff, "/admin/historier", request, context) else {
                return admin.expired(staff, .stories)
            }
            let headline = form.headline ?? ""
            let stories = self.stories
            do {
                let id = try await site.offload { () throws(KampagneError) in try stories.create(headline: headline) }
                try await admin.audit(staff, request, context, action: "story.create", object: "story:\(id)",
                                      summary: DanishText.singleLine(headline))
                return admin.redirect(Self.path(id) + "?besked=historie-oprettet")
            } catch {
                let error = KampagneError.wrap(error)
                return try await listPage(staff, request, status: .unprocessableContent, error: error.message, typed: headline)
            }
        }
    }

    /// Runs `body` for someone who may change stories; the secretariat (read only) gets a 403 page.
    private func writing(_ request: Request, _ context: WebContext, _ body: (Staff) async throws -> Response) async throws -> Response {
        try await gate.open(.stories, request, context) { staff in
            guard staff.mayChange(.stories) else {
                return admin.message(.forbidden, staff, .stories, "Kun læseadgang",
                                     "Din rolle må læse historierne, men ikke ændre dem.")
            }
            return try await body(staff)
        }
    }

    /// A form posted to `ID` + `suffix` by someone who may change stories, with the right token:
    /// `body` gets the person, the story's id and the fields.
    private func posted(_ suffix: String, _ request: Request, _ context: WebContext,
                        _ body: (Staff, Int64, FormFields) async throws -> Response) async throws -> Response {
        try await writing(request, context) { staff in
            guard let id = storyId(context) else { return notFound(staff) }
            let form = FormFields(try await WebForm.body(request, context))
            guard gate.verify(staff, form["csrf"], Self.path(id, suffix)) else { return admin.expired(staff, .stories) }
            return try await body(staff, id, form)
        }
    }


    private func notFound(_ staff: Staff) -> Response {
        admin.message(.notFound, staff, .stories, "Historien findes ikke", "Tjek adressen, eller vælg historien på listen.")
    }

    // MARK: One story

    func page(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.stories, request, context) { staff in
            guard let id = storyId(context) else { return notFound(staff) }
            return try await storyPage(staff, id, request, context)
        }
    }

    /// The story's page. `typed` is the form as sent when it is shown again (a check without
    /// saving, or a save the file reader refused): the checks are of that text.
    private func storyPage(_ staff: Staff, _ id: Int64, _ request: Request, _ context: WebContext,
                           typed: StoryFields? = nil, status: HTTPResponse.Status = .ok, errors: [String: String] = [:],
                           formError: String? = nil, consentError: String? = nil, reviewError: String? = nil,
                           photoError: String? = nil) async throws -> Response {
        let (stories, store, target) = (self.stories, site.store, site.lixTarget)
        let details: StoryDetails
        let photos: [StoryPhoto]
        do {
            (details, photos) = try await site.offload { () throws(KampagneError) in
                (try stories.show(id), try StoryPhotos(store: store).list(id))
            }
        } catch {
            return notFound(staff)
        }
        let now = Date()
        var readError: String?
        let draft: StoryDraft
        if let typed {
            do {
                draft = try StoryDraft(markdown: try typed.markdown(), file: "historien")
            } catch {
                let error = KampagneError.wrap(error)
                readError = error.message
                draft = (try? StoryDraft(markdown: details.source, file: "historien")) ?? StoryDraft()
            }
        } else {
            draft = (try? StoryDraft(markdown: details.source, file: "historien")) ?? StoryDraft()
        }
        let fields = typed ?? StoryFields(draft)
        let report = StoryCheck(target: target).run(draft, consents: details.consents, now: now,
                                                    published: details.summary.status == .published)
        try await admin.audit(staff, request, context, action: "story.view", object: "story:\(id)",
                              summary: "historien med personer og samtykker")
        let canEdit = staff.mayChange(.stories)
        let base = Self.path(id)
        func token(_ rest: String) -> String { gate.token(staff, base + rest) }
        var values: [String: Any] = [
            "id": String(id), "headline": details.summary.headline, "status": details.summary.statusName,
            "version": String(details.summary.version), "canEdit": canEdit,
            "action": base, "csrf": token(""), "errors": errors, "script": "/admin/js/historier.js",
        ]
        // Mustache shows a section for an empty string: optional values are left out instead.
        if let note = details.statusNote, !note.isEmpty { values["statusNote"] = note }
        if let approved = details.summary.approvedVersion { values["approved"] = "godkendt version \(approved)" }
        if let message = formError ?? readError { values["formError"] = message }
        values["fields"] = Self.formValues(fields, photos: photos, base: base)
        values["checks"] = Self.checkValues(report, draft: draft, consents: details.consents, now: now)
        values["consents"] = details.consents.map { c -> [String: Any] in
            var row: [String: Any] = ["person": c.person, "channels": c.channels.map(\.danish).joined(separator: ", "),
             "covers": c.covers.map(\.danish).joined(separator: ", "), "given": DanishDate.numeric(c.givenAt), "how": c.how,
             "expires": c.expiresAt.map(DanishDate.numeric) ?? "–", "inForce": c.isValid(at: now)]
            if let at = c.withdrawnAt {
                row["withdrawn"] = "trukket tilbage \(DanishDate.numeric(at))" + (c.withdrawnNote.map { $0.isEmpty ? "" : ": \($0)" } ?? "")
            }
            return row
        }
        values["people"] = draft.people.map { ["name": $0.name] }
        values["channelChoices"] = StoryChannel.allCases.map { ["key": $0.rawValue, "name": $0.danish] }
        values["coverChoices"] = ConsentCover.allCases.map { ["key": $0.rawValue, "name": $0.danish] }
        values["today"] = DanishDate.iso(now)
        values["consentAction"] = base + "/samtykke"
        values["consentCsrf"] = token("/samtykke")
        values["withdrawAction"] = base + "/samtykke/tilbage"
        values["withdrawCsrf"] = token("/samtykke/tilbage")
        if let consentError { values["consentError"] = consentError }
        values["reviews"] = details.reviews.map { r -> [String: Any] in
            ["email": r.email, "name": r.name, "version": String(r.version), "requested": DanishDate.numeric(r.requestedAt),
             "decision": r.decision.map { $0 == .approved ? "godkendt" : "kommenteret" } ?? "venter",
             "decided": r.decidedAt.map(DanishDate.numeric) ?? ""]
        }
        values["comments"] = details.log.filter { $0.action == .commented }.map {
            ["who": $0.actor, "when": DanishDate.long($0.at), "text": $0.text, "version": $0.version.map(String.init) ?? ""]
        }
        values["reviewAction"] = base + "/gennemsyn"
        values["reviewCsrf"] = token("/gennemsyn")
        values["approveAction"] = base + "/godkend"
        values["approveCsrf"] = token("/godkend")
        if let reviewError { values["reviewError"] = reviewError }
        let versions = details.versions.reversed().map { v -> [String: Any] in
            var row: [String: Any] = ["number": String(v.number), "note": v.note, "saved": DanishDate.long(v.savedAt)]
            if v.number > 1 { row["diff"] = base + "/versioner?fra=\(v.number - 1)&til=\(v.number)" }
            return row
        }
        values["versions"] = versions
        values["photoAction"] = base + "/fotos"
        values["photoCsrf"] = token("/fotos")
        values["photoMax"] = "\(StoryPhotos.maxBytes / 1024 / 1024) MB"
        if let photoError { values["photoError"] = photoError }
        values["previewPress"] = base + "/udgiv?form=press-release"
        values["previewArticle"] = base + "/udgiv?form=article"
        values["usages"] = details.usages.map { u -> [String: Any] in
            ["channel": u.channel.danish, "form": u.form == .pressRelease ? "pressemeddelelse" : "artikel",
             "version": String(u.version), "target": u.target, "used": DanishDate.long(u.usedAt),
             "flag": u.flaggedAt.map { "Markeret \(DanishDate.numeric($0)): " + (u.flagNote ?? "") } ?? "", "flagged": u.flaggedAt != nil]
        }
        values["log"] = details.log.suffix(15).reversed().map {
            ["when": DanishDate.numeric($0.at) + " kl. " + DanishDate.time($0.at), "who": $0.actor, "text": $0.text]
        }
        return admin.page(status, staff, .stories, title: details.summary.headline.isEmpty ? "Historie \(id)" : details.summary.headline,
                          "admin-historie", values, request: request)
    }

    /// The form's rows: the people, timeline and quotes there are, and two empty rows each to add one.
    static func formValues(_ fields: StoryFields, photos: [StoryPhoto], base: String) -> [String: Any] {
        func shownChoices(_ shown: String) -> [[String: Any]] {
            [("full-name", "fuldt navn"), ("first-name", "kun fornavn"), ("anonymous", "anonym")].map {
                ["key": $0.0, "name": $0.1, "selected": $0.0 == shown]
            }
        }
        let people = (fields.people + [StoryFields.Person(), StoryFields.Person()]).enumerated().map { index, p -> [String: Any] in
            ["n": String(index + 1), "name": p.name, "role": p.role, "title": p.title, "shown": shownChoices(p.shown)]
        }
        let timeline = (fields.timeline + [StoryFields.Moment(), StoryFields.Moment()]).enumerated().map { index, m -> [String: Any] in
            ["n": String(index + 1), "date": m.date, "text": m.text]
        }
        let names = fields.people.map(\.name).filter { !$0.isEmpty }
        let quotes = (fields.quotes + [StoryFields.Quote(), StoryFields.Quote()]).enumerated().map { index, q -> [String: Any] in
            var choices: [[String: Any]] = [["key": "", "name": "(vælg person)", "selected": q.person.isEmpty]]
            choices += names.map { ["key": $0, "name": $0, "selected": $0 == q.person] }
            if !q.person.isEmpty && !names.contains(q.person) { choices.append(["key": q.person, "name": q.person, "selected": true]) }
            return ["n": String(index + 1), "text": q.text, "choices": choices]
        }
        let stored = Set(photos.map(\.name))
        let photoRows = fields.photos.enumerated().map { index, p -> [String: Any] in
            var row: [String: Any] = ["n": String(index + 1), "file": p.file, "people": p.people, "caption": p.caption, "credit": p.credit]
            if stored.contains(p.file) {
                row["src"] = base + "/fotos/" + AdminLinks.query(p.file)
                row["removeAction"] = base + "/fotos/" + AdminLinks.query(p.file) + "/slet"
            }
            return row
        }
        return [
            "headline": fields.headline, "lead": fields.lead, "core": fields.core, "industry": fields.industry,
            "jobPackage": fields.jobPackage, "municipality": fields.municipality, "jobcentre": fields.jobcentre,
            "company": fields.company, "companyIndustry": fields.companyIndustry, "companySize": fields.companySize,
            "motive": fields.motive, "result": fields.result, "body": fields.body, "factBox": fields.factBox,
            "pressName": fields.pressName, "pressEmail": fields.pressEmail, "pressTitle": fields.pressTitle,
            "pressPhone": fields.pressPhone, "embargo": fields.embargo,
            "people": people, "timeline": timeline, "quotes": quotes, "photos": photoRows,
        ]
    }

    /// The checks beside the form: findings, consent per person and channel, LIX with marks.
    static func checkValues(_ report: StoryCheckReport, draft: StoryDraft, consents: [StoryConsent], now: Date) -> [String: Any] {
        let gaps = report.findings.filter { $0.severity == .gap }
        let warnings = report.findings.filter { $0.severity == .warning }
        let gate = ConsentGate(draft: draft, consents: consents, date: now)
        var byPerson: [(String, [ConsentGate.Need])] = []
        for need in gate.needs {
            if let index = byPerson.firstIndex(where: { $0.0 == need.person }) { byPerson[index].1.append(need) } else { byPerson.append((need.person, [need])) }
        }
        let consentRows = byPerson.map { person, needs -> [String: Any] in
            ["person": person, "needs": needs.map(\.cover.danish).joined(separator: ", "),
             "channels": StoryChannel.allCases.map { channel in
                 ["ok": needs.allSatisfy { gate.isCovered($0, on: channel) }, "channel": channel.danish]
             }]
        }
        let r = report.readability
        let sections: [(String, String)] = [("Manchet", draft.lead), ("Historien", draft.body),
                                            ("Virksomhedens motiv", draft.company.motive), ("Virksomhedens udbytte", draft.company.result)]
            + draft.quotes.map { ("Citat" + ($0.person.isEmpty ? "" : " (\($0.person))"), $0.text) }
        let marked = sections.filter { !$0.1.isEmpty }.map { name, text -> [String: Any] in
            ["name": name, "html": LixMarkup.html(ReadabilityMarks(text: text))]
        }
        return [
            "gaps": gaps.map { ["message": $0.message, "code": $0.code] }, "gapCount": String(gaps.count), "ready": gaps.isEmpty,
            "warnings": warnings.map { ["message": $0.message, "code": $0.code] }, "hasWarnings": !warnings.isEmpty,
            "hasConsentRows": !consentRows.isEmpty,
            "consentRows": consentRows, "channelNames": StoryChannel.allCases.map { ["name": $0.danish] },
            "lix": DanishNumber.decimal(r.lix), "lixBand": report.lixBand, "lixTarget": report.lixTarget,
            "lixOutside": report.findings.contains { $0.code == "lix-outside-target" },
            "words": DanishNumber.int(r.words), "sentences": DanishNumber.int(r.sentences), "longWords": DanishNumber.int(r.longWords),
            "longSentence": String(ReadabilityMarks.longSentence), "marked": marked,
        ]
    }

    // MARK: Save or check

    /// The case form as sent: `StoryFields` from numbered rows.
    static func fields(_ form: FormFields) -> StoryFields {
        var fields = StoryFields()
        fields.headline = form["headline"]
        fields.lead = form["lead"]
        fields.core = form["core"]
        fields.industry = form["industry"]
        fields.jobPackage = form["jobPackage"]
        fields.municipality = form["municipality"]
        fields.jobcentre = form["jobcentre"]
        fields.company = form["company"]
        fields.companyIndustry = form["companyIndustry"]
        fields.companySize = form["companySize"]
        fields.motive = form["motive"]
        fields.result = form["result"]
        fields.body = form["body"]
        fields.factBox = form["factBox"]
        fields.pressName = form["pressName"]
        fields.pressEmail = form["pressEmail"]
        fields.pressTitle = form["pressTitle"]
        fields.pressPhone = form["pressPhone"]
        fields.embargo = form["embargo"]
        // At most 50 rows of each kind: a form with more is not one of ours.
        for n in 1...50 {
            let p = "person-\(n)-"
            if form.has(p + "name") {
                fields.people.append(StoryFields.Person(name: form[p + "name"], role: form[p + "role"], title: form[p + "title"],
                                                        shown: form[p + "shown"]))
            }
            if form.has("moment-\(n)-date") {
                fields.timeline.append(StoryFields.Moment(date: form["moment-\(n)-date"], text: form["moment-\(n)-text"]))
            }
            if form.has("quote-\(n)-text") {
                fields.quotes.append(StoryFields.Quote(person: form["quote-\(n)-person"], text: form["quote-\(n)-text"]))
            }
            if form.has("photo-\(n)-file") {
                fields.photos.append(StoryFields.Photo(file: form["photo-\(n)-file"], people: form["photo-\(n)-people"],
                                                       caption: form["photo-\(n)-caption"], credit: form["photo-\(n)-credit"]))
            }
        }
        return fields
    }

    /// "Gem" saves a new version; "Tjek" shows the checks of the typed text without saving.
    func save(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.stories, request, context) { staff in
            guard let id = storyId(context) else { return notFound(staff) }
            // A story may be long (StoryDraft takes 500 kB); URL encoding can triple it.
            let form = FormFields(try await WebForm.body(request, context, limit: 1_600_000))
            guard gate.verify(staff, form["csrf"], Self.path(id)) else { return admin.expired(staff, .stories) }
            let fields = Self.fields(form)
            if form["action"] == "check" {
                return try await storyPage(staff, id, request, context, typed: fields)
            }
            guard staff.mayChange(.stories) else {
                return admin.message(.forbidden, staff, .stories, "Kun læseadgang", "Din rolle må læse historierne, men ikke ændre dem.")
            }
            let stories = self.stories
            let note = DanishText.singleLine(form["note"]).isEmpty ? "redigeret i browseren" : DanishText.singleLine(form["note"])
            do {
                let saved = try await site.offload { () throws(KampagneError) in
                    try stories.save(id, source: try fields.markdown(), note: note)
                }
                if saved.changed {
                    try await admin.audit(staff, request, context, action: "story.save", object: "story:\(id)",
                                          summary: "version \(saved.version)")
                }
                return admin.redirect(Self.path(id) + "?besked=" + (saved.changed ? "historie-gemt" : "historie-uaendret"))
            } catch {
                let error = KampagneError.wrap(error)
                return try await storyPage(staff, id, request, context, typed: fields, status: .unprocessableContent,
                                           errors: error.fieldMessages,
                                           formError: error.fieldMessages.isEmpty ? error.message : "Ret felterne markeret nedenfor.")
            }
        }
    }

    // MARK: Consent

    func giveConsent(_ request: Request, _ context: WebContext) async throws -> Response {
        try await posted("/samtykke", request, context) { staff, id, form in
            let person = form["person"]
            let channels = StoryChannel.allCases.filter { form.has("channel-" + $0.rawValue) }
            let covers = ConsentCover.allCases.filter { form.has("cover-" + $0.rawValue) }
            let how = form["how"]
            let stories = self.stories
            do {
                let given = try Self.day(form["given"], field: "Givet den")
                let expires = try DanishText.trimmed(form["expires"]).isEmpty ? nil : Self.day(form["expires"], field: "Udløber", endOfDay: true)
                let consentId = try await site.offload { () throws(KampagneError) in
                    try stories.giveConsent(id, person: person, channels: channels, covers: covers, given: given, how: how, expires: expires)
                }
                try await admin.audit(staff, request, context, action: "story.consent", object: "story:\(id)",
                                      summary: "samtykke \(consentId): \(DanishText.singleLine(person))")
                return admin.redirect(Self.path(id) + "?besked=samtykke-gemt#samtykke")
            } catch {
                let error = KampagneError.wrap(error)
                return try await storyPage(staff, id, request, context, status: .unprocessableContent,
                                           consentError: Self.webWording(error.message))
            }
        }
    }

    /// Withdraws after asking once more, naming the places the story was used that will be flagged.
    func withdrawConsent(_ request: Request, _ context: WebContext) async throws -> Response {
        try await posted("/samtykke/tilbage", request, context) { staff, id, form in
            let path = Self.path(id, "/samtykke/tilbage")
            let person = form["person"]
            let chosen = StoryChannel.allCases.filter { form.has("channel-" + $0.rawValue) }
            let channels = chosen.isEmpty ? StoryChannel.allCases : chosen
            let note = form["note"]
            let stories = self.stories
            if form["confirm"] != "ja" {
                let details = try await site.offload { () throws(KampagneError) in try stories.show(id) }
                let affected = details.usages.filter { channels.contains($0.channel) && $0.flaggedAt == nil }
                let hidden = [("person", person), ("note", note), ("confirm", "ja")]
                    + channels.map { ("channel-" + $0.rawValue, "on") }
                return admin.page(.ok, staff, .stories, title: "Træk samtykke tilbage", "admin-bekraeft", [
                    "heading": "Træk samtykket tilbage for \(DanishText.singleLine(person))?",
                    "consequence": "Samtykket til \(channels.map(\.danish).joined(separator: ", ")) ophører nu. "
                        + (affected.isEmpty ? "Historien er ikke brugt i de kanaler endnu."
                           : "\(DanishNumber.count(affected.count, "sted", "steder")), hvor historien er brugt, bliver markeret, så den kan tages ned."),
                    "action": path, "hidden": hidden.map { ["name": $0.0, "value": $0.1] },
                    "button": "Træk samtykket tilbage", "back": Self.path(id) + "#samtykke", "csrf": gate.token(staff, path),
                ], request: request)
            }
            do {
                let result = try await site.offload { () throws(KampagneError) in
                    try stories.withdrawConsent(id, person: person, channels: channels, note: note)
                }
                try await admin.audit(staff, request, context, action: "story.consent-withdraw", object: "story:\(id)",
                                      summary: "\(DanishText.singleLine(person)): \(result.flagged.count) brug markeret")
                return admin.redirect(Self.path(id) + "?besked=samtykke-tilbage#samtykke")
            } catch {
                let error = KampagneError.wrap(error)
                return try await storyPage(staff, id, request, context, status: .unprocessableContent,
                                           consentError: Self.webWording(error.message))
            }
        }
    }

    /// A day typed in a form ("2026-11-23" or "23.11.2026").
    static func day(_ text: String, field: String, endOfDay: Bool = false) throws(KampagneError) -> Date {
        guard let date = DanishDate.parse(DanishText.trimmed(text), defaultTime: endOfDay ? "23:59" : "00:00") else {
            throw .invalidInput("\(field): '\(DanishText.singleLine(text))' er ikke en dato (skriv fx 2026-11-23)")
        }
        return date
    }

    /// The library's consent messages name the command line's options; the page names its fields.
    static func webWording(_ message: String) -> String {
        var text = message
        for (option, field) in [("--person: ", "Person: "), ("--channels: ", "Kanaler: "), ("--covers: ", "Dækker: "),
                                ("--how: ", "Hvordan: "), ("--expires", "Udløbsdatoen"), ("--given", "datoen for samtykket"),
                                ("--to", "Modtagere"), ("--message: ", "Besked: ")] {
            text = text.replacingOccurrences(of: option, with: field)
        }
        return text.replacingOccurrences(of: "; tilføj personen med `stories edit", with: "; tilføj personen i formularen (`stories edit")
    }

    // MARK: Reviews and approval

    func requestReview(_ request: Request, _ context: WebContext) async throws -> Response {
        try await posted("/gennemsyn", request, context) { staff, id, form in
            let addresses = form["to"].split(whereSeparator: \.isNewline)
                .map { DanishText.trimmed(String($0)) }.filter { !$0.isEmpty }
            let note = form["message"]
            let reviews = StoryReviews(store: site.store, senderDomain: site.settings.senderDomain)
            do {
                let sent = try await site.offload { () throws(KampagneError) in try reviews.request(id, to: addresses, note: note) }
                try await admin.audit(staff, request, context, action: "story.review-request", object: "story:\(id)",
                                      summary: "\(sent.filter(\.queued).count) anmodning(er): " + sent.map(\.email).joined(separator: ", "))
                return admin.redirect(Self.path(id) + "?besked=gennemsyn-sendt#gennemsyn")
            } catch {
                let error = KampagneError.wrap(error)
                return try await storyPage(staff, id, request, context, status: .unprocessableContent,
                                           reviewError: Self.webWording(error.message))
            }
        }
    }

    /// Approval given outside Kampagne (by phone, in a meeting), as `stories approve`.
    func approve(_ request: Request, _ context: WebContext) async throws -> Response {
        try await posted("/godkend", request, context) { staff, id, form in
            let (who, note, stories) = (form["who"], form["note"], self.stories)
            do {
                try await site.offload { () throws(KampagneError) in try stories.approve(id, by: who.isEmpty ? staff.username : who, note: note) }
                try await admin.audit(staff, request, context, action: "story.approve", object: "story:\(id)",
                                      summary: DanishText.singleLine(who))
                return admin.redirect(Self.path(id) + "?besked=godkendt#gennemsyn")
            } catch {
                let error = KampagneError.wrap(error)
                return try await storyPage(staff, id, request, context, status: .conflict, reviewError: error.message)
            }
        }
    }

    // MARK: Versions

    func versions(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.stories, request, context) { staff in
            guard let id = storyId(context) else { return notFound(staff) }
            let query = request.uri.queryParameters
            let stories = self.stories
            let details: StoryDetails
            do {
                details = try await site.offload { () throws(KampagneError) in try stories.show(id) }
            } catch {
                return notFound(staff)
            }
            let newest = details.summary.version
            let to = min(max(1, Int(query.get("til") ?? "") ?? newest), newest)
            let from = min(max(1, Int(query.get("fra") ?? "") ?? max(1, to - 1)), newest)
            let (old, new) = try await site.offload { () throws(KampagneError) in
                (try stories.source(id, version: from).source, try stories.source(id, version: to).source)
            }
            let diff = SideBySideDiff(from: from, to: to, old: old, new: new)
            func pieces(_ list: [SideBySideDiff.Piece]) -> [[String: Any]] { list.map { ["text": $0.text, "changed": $0.changed] } }
            let rows = diff.rows.map { row -> [String: Any] in
                ["kind": row.kind.rawValue, "folded": row.kind == .folded, "skipped": row.skipped.map { DanishNumber.count($0, "uændret linje", "uændrede linjer") } ?? "",
                 "oldLine": row.oldLine.map(String.init) ?? "", "newLine": row.newLine.map(String.init) ?? "",
                 "old": pieces(row.old), "new": pieces(row.new)]
            }
            let choices: (Int) -> [[String: Any]] = { chosen in
                (1...newest).reversed().map { ["number": String($0), "selected": $0 == chosen] }
            }
            return admin.page(.ok, staff, .stories, title: "Versioner af historie \(id)", "admin-historie-diff", [
                "id": String(id), "back": Self.path(id), "action": Self.path(id, "/versioner"), "headline": details.summary.headline,
                "from": String(from), "to": String(to), "fromChoices": choices(from), "toChoices": choices(to), "rows": rows,
                "added": DanishNumber.int(diff.added), "removed": DanishNumber.int(diff.removed), "changed": DanishNumber.int(diff.changed),
                "same": diff.rows.isEmpty || (diff.added + diff.removed + diff.changed == 0),
            ], request: request)
        }
    }

    // MARK: Photos

    /// An upload (`multipart/form-data`): the file, who is in it, caption and credit.
    func addPhoto(_ request: Request, _ context: WebContext) async throws -> Response {
        try await writing(request, context) { staff in
            guard let id = storyId(context) else { return notFound(staff) }
            let limit = StoryPhotos.maxBytes + 64 * 1024
            if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
                return try await storyPage(staff, id, request, context, status: .contentTooLarge,
                                           photoError: "Fotoet er for stort (højst \(StoryPhotos.maxBytes / 1024 / 1024) MB).")
            }
            let buffer: ByteBuffer
            do {
                buffer = try await WebForm.bytes(request, context, limit: limit)
            } catch let error as HTTPError where error.status == .requestTimeout {
                throw error
            } catch {
                return try await storyPage(staff, id, request, context, status: .contentTooLarge,
                                           photoError: "Fotoet er for stort (højst \(StoryPhotos.maxBytes / 1024 / 1024) MB).")
            }
            guard let form = MultipartForm(Data(buffer: buffer), contentType: request.headers[.contentType] ?? "") else {
                return try await storyPage(staff, id, request, context, status: .badRequest, photoError: "Formularen kunne ikke læses.")
            }
            guard gate.verify(staff, form["csrf"], Self.path(id, "/fotos")) else { return admin.expired(staff, .stories) }
            let data = form.files["photo"]?.data ?? Data()
            let (people, caption, credit) = (form["people"], form["caption"], form["credit"])
            let photos = StoryPhotos(store: site.store)
            do {
                let upload = try await site.offload { () throws(KampagneError) in
                    try photos.add(id, data: data, people: people, caption: caption, credit: credit)
                }
                try await admin.audit(staff, request, context, action: "story.photo.add", object: "story:\(id)",
                                      summary: "\(upload.photo.name) (\(DanishNumber.int(upload.photo.bytes / 1024)) kB)")
                return admin.redirect(Self.path(id) + "?besked=foto-gemt#fotos")
            } catch {
                let error = KampagneError.wrap(error)
                return try await storyPage(staff, id, request, context, status: .unprocessableContent, photoError: error.message)
            }
        }
    }

    func photo(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.stories, request, context) { staff in
            guard let id = storyId(context), let name = context.parameters.get("name") else { return notFound(staff) }
            let photos = StoryPhotos(store: site.store)
            do {
                let (photo, path) = try await site.offload { () throws(KampagneError) in try photos.file(id, name: name) }
                guard let data = FileManager.default.contents(atPath: path) else { return notFound(staff) }
                // Shown in the story's page; a photo of a person is personal data, so it is not kept either.
                return FileDownload(name: name, type: photo.mediaType, bytes: data, disposition: .inline).response
            } catch {
                return notFound(staff)
            }
        }
    }

    func removePhoto(_ request: Request, _ context: WebContext) async throws -> Response {
        try await writing(request, context) { staff in
            guard let id = storyId(context), let name = context.parameters.get("name") else { return notFound(staff) }
            let form = FormFields(try await WebForm.body(request, context))
            guard gate.verify(staff, form["csrf"], Self.path(id, "/fotos")) else { return admin.expired(staff, .stories) }
            let photos = StoryPhotos(store: site.store)
            do {
                _ = try await site.offload { () throws(KampagneError) in try photos.remove(id, name: name) }
                try await admin.audit(staff, request, context, action: "story.photo.remove", object: "story:\(id)", summary: name)
                return admin.redirect(Self.path(id) + "?besked=foto-slettet#fotos")
            } catch {
                let error = KampagneError.wrap(error)
                return try await storyPage(staff, id, request, context, status: .unprocessableContent, photoError: error.message)
            }
        }
    }

    // MARK: Publishing

    private func publisher() throws(KampagneError) -> StoryPublisher {
        try StoryPublisher(store: site.store, templatesPath: site.delivery.templatesPath, sender: site.sender)
    }

    /// The press release or article as it will read, what would stop it, and the button.
    func preview(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.stories, request, context) { staff in
            guard let id = storyId(context) else { return notFound(staff) }
            let form = StoryForm(rawValue: request.uri.queryParameters.get("form") ?? "") ?? .pressRelease
            let channel = request.uri.queryParameters.get("kanal").flatMap { StoryChannel(rawValue: String($0)) } ?? form.defaultChannel
            return try await publishPage(staff, id, form: form, channel: channel, request: request)
        }
    }

    private func publishPage(_ staff: Staff, _ id: Int64, form: StoryForm, channel: StoryChannel, request: Request,
                             published: PublishedStory? = nil, status: HTTPResponse.Status = .ok, error: String? = nil) async throws -> Response {
        let publisher: StoryPublisher
        let base = Self.path(id)
        let source: @Sendable (String) -> String = { base + "/fotos/" + AdminLinks.query($0) }
        do {
            publisher = try self.publisher()
        } catch {
            let error = KampagneError.wrap(error)
            return admin.message(.internalServerError, staff, .stories, "Skabelonerne mangler", error.message)
        }
        let preview: (story: PublishedStory, blockers: [String])
        do {
            preview = try await site.offload { () throws(KampagneError) in try publisher.preview(id, as: form, channel: channel, photoSource: source) }
        } catch {
            let error = KampagneError.wrap(error)
            return admin.message(.unprocessableContent, staff, .stories, "Historien kan ikke vises", error.message)
        }
        let shown = published ?? preview.story
        var values: [String: Any] = [
            "id": String(id), "back": base, "isPress": form == .pressRelease, "formName": form == .pressRelease ? "pressemeddelelse" : "artikel",
            "text": shown.text, "blockers": published == nil ? preview.blockers.map { ["line": $0] } : [],
            "hasBlockers": published == nil && !preview.blockers.isEmpty,
            "canPublish": staff.mayChange(.stories) && preview.blockers.isEmpty && published == nil,
            "action": base + "/udgiv", "csrf": gate.token(staff, base + "/udgiv"), "form": form.rawValue,
            "channels": StoryChannel.allCases.filter { form == .article || $0 == .press }.map {
                ["key": $0.rawValue, "name": $0.danish, "selected": $0 == channel]
            },
            "pressLink": base + "/udgiv?form=press-release", "articleLink": base + "/udgiv?form=article",
        ]
        if let html = shown.html { values["html"] = Self.bodyOf(html) }
        if form == .article { values["html"] = MarkdownText.html(Self.articleWithPhotoLinks(shown.text, base: base)) }
        if let published { values["done"] = "Historien er offentliggjort som \(form == .pressRelease ? "pressemeddelelse" : "artikel") \(published.channel.place)." }
        if let error { values["error"] = error }
        return admin.page(status, staff, .stories, title: "Offentliggør historie \(id)", "admin-historie-udgiv", values, request: request)
    }

    /// The `<body>` of a whole page, to show inside the staff layout.
    static func bodyOf(_ html: String) -> String {
        guard let open = html.range(of: "<body"), let start = html[open.upperBound...].firstIndex(of: ">"),
              let close = html.range(of: "</body>", options: .backwards) else { return html }
        return String(html[html.index(after: start)..<close.lowerBound])
    }

    /// The article's photo names pointed at the staff area's photo route, for the preview only.
    static func articleWithPhotoLinks(_ markdown: String, base: String) -> String {
        markdown.components(separatedBy: "\n").map { line in
            guard line.hasPrefix("!["), let open = line.range(of: "]("), line.hasSuffix(")") else { return line }
            let file = String(line[open.upperBound..<line.index(before: line.endIndex)])
            return String(line[..<open.upperBound]) + base + "/fotos/" + AdminLinks.query(file) + ")"
        }.joined(separator: "\n")
    }

    func publish(_ request: Request, _ context: WebContext) async throws -> Response {
        try await posted("/udgiv", request, context) { staff, id, form in
            let kind = StoryForm(rawValue: form["form"]) ?? .pressRelease
            let channel = StoryChannel(rawValue: form["channel"]) ?? kind.defaultChannel
            let publisher: StoryPublisher
            do { publisher = try self.publisher() } catch {
                return admin.message(.internalServerError, staff, .stories, "Skabelonerne mangler", KampagneError.wrap(error).message)
            }
            let target = "medarbejderområdet (\(staff.username))"
            do {
                let done = try await site.offload { () throws(KampagneError) in
                    try publisher.publish(id, as: kind, channel: channel, target: target)
                }
                try await admin.audit(staff, request, context, action: "story.publish", object: "story:\(id)",
                                      summary: "\(kind.rawValue) \(channel.place)")
                return try await publishPage(staff, id, form: kind, channel: channel, request: request, published: done)
            } catch {
                let error = KampagneError.wrap(error)
                return try await publishPage(staff, id, form: kind, channel: channel, request: request, status: .conflict,
                                             error: error.message)
            }
        }
    }
}

/// LIX marks as HTML: the text escaped, each long sentence and long word in a `<mark>`.
enum LixMarkup {
    static func html(_ marks: ReadabilityMarks) -> String {
        let characters = Array(marks.text)
        var starts: [Int: [ReadabilityMarks.Span]] = [:]
        for span in marks.spans { starts[span.start, default: []].append(span) }
        var out = ""
        var open: [Int] = []
        for position in 0...characters.count {
            while let end = open.last, end <= position {
                out += "</mark>"
                open.removeLast()
            }
            guard position < characters.count else { break }
            for span in (starts[position] ?? []).sorted(by: { $0.end > $1.end }) {
                let title = span.kind == .longSentence ? " title=\"Lang sætning: \(span.words ?? 0) ord\"" : " title=\"Langt ord\""
                out += "<mark class=\"\(span.kind.rawValue)\"\(title)>"
                open.append(span.end)
            }
            let character = characters[position]
            out += character == "\n" ? "<br>" : HTMLText.escape(String(character))
        }
        return out
    }
}
