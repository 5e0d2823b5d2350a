import Foundation
import HTTPTypes
import Hummingbird
import Kampagne

/// `/admin/kontakter/import`: upload a contact file (multipart form, or the raw file as the
/// body), see what was detected and the first rows as they will be stored, every error with
/// line and column, change the column mapping, then import all or only the good rows and
/// download the rejected ones. The checking and the import run in `ImportJobs`; the job's
/// page refreshes itself until they are done. The same importer as `contacts import`.
struct AdminContactImport: Sendable {
    let site: Site
    let jobs: ImportJobs
    var admin: AdminPages { AdminPages(site: site) }
    var gate: StaffGate { StaffGate(site: site) }
    var contacts: AdminContacts { AdminContacts(site: site) }
    static let path = "/admin/kontakter/import"
    /// Uploads may be far larger than a form (`WebContext.maxUploadSize`): 100,000 contacts
    /// are about 10 MB.
    static let uploadCap = 50 * 1024 * 1024
    static let uploadDeadline = Duration.seconds(120)

    func form(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.contacts, request, context) { staff in formPage(staff, request) }
    }

    func formPage(_ staff: Staff, _ request: Request, status: HTTPResponse.Status = .ok, errors: [String: String] = [:],
                  typed: [String: String] = [:]) -> Response {
        var values: [String: Any] = [
            "action": Self.path, "csrf": gate.token(staff, Self.path), "typed": typed, "errors": errors,
            "bases": ConsentBasis.allCases.map { ["value": $0.rawValue, "name": $0.danish, "selected": $0.rawValue == (typed["grundlag"] ?? "legitimate-interest")] },
            "encodings": TextEncodingChoice.allCases.map { ["value": $0.rawValue, "selected": $0.rawValue == typed["tegnsaet"]] },
        ]
        if let error = errors["form"] { values["formError"] = error }
        return contacts.page(status, staff, title: "Importér kontakter", "admin-kontakt-import", values, request: request)
    }

    /// The upload. The whole body is read with its own cap and deadline, then handed to a job.
    func upload(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.contacts, request, context) { staff in
            let contentType = request.headers[.contentType] ?? ""
            let body: ByteBuffer
            do {
                body = try await Self.read(request)
            } catch {
                return formPage(staff, request, status: .contentTooLarge,
                                errors: ["form": "Filen er for stor eller kom ikke frem i tide (højst \(Self.uploadCap / 1024 / 1024) MB)."])
            }
            let data = Data(body.readableBytesView)
            var fields: [String: String]
            let file: MultipartForm.File
            if let multipart = MultipartForm(data, contentType: contentType) {
                fields = multipart.fields
                guard let chosen = multipart.files["fil"], !chosen.data.isEmpty else {
                    return formPage(staff, request, status: .unprocessableContent, errors: ["fil": "Vælg en fil."], typed: fields)
                }
                file = MultipartForm.File(filename: (chosen.filename as NSString).lastPathComponent,
                                          contentType: chosen.contentType, data: chosen.data)
            } else {
                // The raw file as the body (a script, `curl --data-binary`): the choices in the query string.
                fields = [:]
                for (key, value) in request.uri.queryParameters { fields[String(key)] = String(value) }
                file = MultipartForm.File(filename: DanishText.singleLine(fields["fil"] ?? "upload.csv"), contentType: contentType, data: data)
            }
            guard gate.verify(staff, fields["csrf"] ?? "", Self.path) else { return contacts.expired(staff) }
            let choices: ImportJobs.Choices
            do {
                choices = try Self.choices(fields)
            } catch let error as KampagneError {
                var errors = error.fieldMessages
                if errors.isEmpty { errors["form"] = error.message }
                return formPage(staff, request, status: .unprocessableContent, errors: errors, typed: fields)
            }
            let id = try await jobs.start(owner: staff.username, fileName: file.filename.isEmpty ? "upload.csv" : file.filename,
                                          data: file.data, choices: choices)
            try await admin.audit(staff, request, context, action: "contacts.import.check", object: "contact:",
                                  summary: "\(file.filename), \(DanishNumber.int(file.data.count)) byte")
            return admin.redirect(Self.path + "/" + id)
        }
    }

    static func read(_ request: Request) async throws -> ByteBuffer {
        try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await request.body.collect(upTo: uploadCap) }
            group.addTask {
                try await Task.sleep(for: uploadDeadline)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let buffer = first else { throw HTTPError(.requestTimeout) }
            return buffer
        }
    }

    /// The form's choices, checked: the consent evidence's field errors are keyed as the form's fields.
    static func choices(_ fields: [String: String]) throws(KampagneError) -> ImportJobs.Choices {
        func get(_ key: String) -> String { DanishText.singleLine(fields[key] ?? "") }
        func names(_ key: String) -> [String] {
            get(key).split(separator: ",").map { DanishText.singleLine(String($0)) }.filter { !$0.isEmpty }
        }
        var choices = ImportJobs.Choices()
        choices.lists = names("liste")
        choices.roles = names("rolle")
        choices.source = get("kilde")
        if !get("grundlag").isEmpty { choices.consent = try ConsentBasis(parsing: get("grundlag")) }
        if let encoding = TextEncodingChoice(rawValue: get("tegnsaet")) { choices.encoding = encoding }
        switch get("skilletegn") {
        case ";": choices.delimiter = ";"
        case ",": choices.delimiter = ","
        case "tab": choices.delimiter = "\t"
        default: break
        }
        let wording = (fields["ordlyd"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var errors: [FieldError] = []
        let toldAt = get("tidspunkt").isEmpty ? nil : DanishDate.parse(get("tidspunkt"))
        if !get("tidspunkt").isEmpty, toldAt == nil { errors.append(FieldError("tidspunkt", "Skriv datoen som 04.02.2027.")) }
        if choices.consent == .consent, wording.isEmpty, !choices.lists.isEmpty {
            errors.append(FieldError("ordlyd", "Ved samtykke: skriv, hvad personerne fik at vide."))
        }
        if !wording.isEmpty {
            do throws(KampagneError) {
                choices.evidence = try ConsentEvidence(wording: wording, by: get("indsamlet"), toldAt: toldAt,
                                                       evidence: fields["dokumentation"] ?? "").validated()
            } catch {
                if case .fields(let list) = error {
                    let keys = ["consentWording": "ordlyd", "consentBy": "indsamlet", "consentToldAt": "tidspunkt", "consentEvidence": "dokumentation"]
                    errors += list.map { FieldError(keys[$0.field] ?? $0.field, $0.message) }
                } else {
                    throw error
                }
            }
        }
        guard errors.isEmpty else { throw .fields(errors) }
        return choices
    }

    func ownJob(_ staff: Staff, _ context: WebContext) async throws -> ImportJobs.Job? {
        let id = try context.parameters.require("id")
        guard let job = await jobs.job(id), job.owner == staff.username || staff.roles.contains(.admin) else { return nil }
        return job
    }

    func missing(_ staff: Staff) -> Response {
        admin.message(.notFound, staff, .contacts, "Importen findes ikke", "Den er måske over et døgn gammel. Upload filen igen.")
    }

    /// The job's page: progress (refreshing itself), the preview, or the result.
    func job(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.contacts, request, context) { staff in
            guard let job = try await ownJob(staff, context) else { return missing(staff) }
            let path = Self.path + "/" + job.id
            var values: [String: Any] = ["file": job.fileName, "back": Self.path]
            switch job.state {
            case .checking, .applying:
                let applying: Bool
                if case .applying = job.state { applying = true } else { applying = false }
                values["busy"] = true
                values["heading"] = applying ? "Importerer …" : "Læser filen …"
                values["percent"] = String(Int(job.share * 100))
                values["rows"] = DanishNumber.int(job.rows)
                return contacts.page(.ok, staff, title: "Import", "admin-kontakt-importjob", values, request: request)
            case .failed(let message):
                values["failed"] = message
                return contacts.page(.unprocessableContent, staff, title: "Import", "admin-kontakt-importjob", values, request: request)
            case .previewed(let report):
                values["preview"] = true
                values.merge(Self.describe(report)) { _, new in new }
                let mapping = report.files.first?.columns ?? []
                values["columns"] = mapping.map { column in
                    ["header": column.header, "name": "kolonne-" + column.header, "choices": ContactColumnChoice.all.map { choice in
                        ["value": choice.key, "title": choice.title, "selected": choice.key == column.field]
                    }]
                }
                values["mapAction"] = path + "/kortlaeg"
                values["mapCsrf"] = gate.token(staff, path + "/kortlaeg")
                values["applyAction"] = path + "/anvend"
                values["applyCsrf"] = gate.token(staff, path + "/anvend")
                values["sample"] = report.sample.map { s -> [String: Any] in
                    ["line": String(s.line), "email": s.email, "firstName": s.firstName, "lastName": s.lastName,
                     "organisation": s.organisation, "title": s.title, "municipality": s.municipality, "phone": s.phone,
                     "roles": s.roles.joined(separator: ", "),
                     "attributes": s.attributes.keys.sorted().map { "\($0): \(s.attributes[$0] ?? "")" }.joined(separator: "; ")]
                }
                let good = report.rows - report.rejected
                values["canApplyAll"] = report.errors.isEmpty && report.rows > 0
                values["canApplyGood"] = !report.errors.isEmpty && good > 0
                values["good"] = DanishNumber.int(good)
                values["consent"] = job.choices.evidence.map { "\(job.choices.consent.danish): «\($0.wording)»" } ?? job.choices.consent.danish
                values["lists"] = job.choices.lists.joined(separator: ", ")
                return contacts.page(.ok, staff, title: "Kontrol af \(job.fileName)", "admin-kontakt-importjob", values, request: request)
            case .done(let report):
                values["done"] = true
                values.merge(Self.describe(report)) { _, new in new }
                if job.hasRejects { values["rejectsLink"] = path + "/afviste.csv" }
                return contacts.page(.ok, staff, title: "Importen er gemt", "admin-kontakt-importjob", values, request: request)
            }
        }
    }

    static func describe(_ report: ImportReport) -> [String: Any] {
        let file = report.files.first
        return [
            "encoding": file?.encoding ?? "", "delimiter": file?.delimiter == "tab" ? "tabulator" : "«\(file?.delimiter ?? "")»",
            "rowCount": DanishNumber.int(report.rows), "new": DanishNumber.int(report.new), "updated": DanishNumber.int(report.updated),
            "unchanged": DanishNumber.int(report.unchanged), "rejected": DanishNumber.int(report.rejected),
            "errorCount": DanishNumber.int(report.errors.count), "hasErrors": !report.errors.isEmpty,
            "errors": report.errors.map { ["line": $0.line.map(String.init) ?? "–", "column": $0.column ?? "–", "message": $0.message] },
            "warnings": report.warnings.map { ["line": $0.line.map(String.init) ?? "–", "column": $0.column ?? "–", "message": $0.message] },
            "listsCreated": report.listsCreated.joined(separator: ", "),
            "hasSample": !report.sample.isEmpty, "hasWarnings": !report.warnings.isEmpty,
        ]
    }

    /// A changed mapping: `kolonne-HEADER=KEY` for each column.
    func remap(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.contacts, request, context) { staff in
            guard let job = try await ownJob(staff, context) else { return missing(staff) }
            let path = Self.path + "/" + job.id + "/kortlaeg"
            guard let text = try? await WebForm.body(request, context),
                  let fields = try? URLEncodedFormDecoder().decode([String: String].self, from: text),
                  gate.verify(staff, fields["csrf"] ?? "", path) else { return contacts.expired(staff) }
            var columns: [String: String] = [:]
            for (key, value) in fields where key.hasPrefix("kolonne-") {
                columns[String(key.dropFirst("kolonne-".count))] = value
            }
            await jobs.remap(job.id, columns: columns)
            return admin.redirect(Self.path + "/" + job.id)
        }
    }

    struct ApplyForm: StaffForm {
        var csrf: String?
        var mode: String?
    }

    func apply(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.contacts, request, context) { staff in
            guard let job = try await ownJob(staff, context) else { return missing(staff) }
            guard let form = try await admin.verifiedForm(ApplyForm.self, staff, Self.path + "/" + job.id + "/anvend", request, context) else {
                return contacts.expired(staff)
            }
            let goodOnly = form.mode == "gode"
            await jobs.apply(job.id, goodOnly: goodOnly)
            try await admin.audit(staff, request, context, action: "contacts.import", object: "contact:",
                                  summary: "\(job.fileName)" + (goodOnly ? ", kun de gode rækker" : "")
                                    + (job.choices.lists.isEmpty ? "" : ", lister: " + job.choices.lists.joined(separator: ", ")))
            return admin.redirect(Self.path + "/" + job.id)
        }
    }

    /// The rejected rows with their reasons: a CSV for Excel (`;`, UTF-8 with BOM).
    func rejects(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.contacts, request, context) { staff in
            guard let job = try await ownJob(staff, context), let data = FileManager.default.contents(atPath: job.rejectsPath) else {
                return missing(staff)
            }
            try await admin.audit(staff, request, context, action: "contacts.import.rejects", object: "contact:", summary: job.fileName)
            return FileDownload(name: "afviste.csv", type: FileDownload.csv, bytes: data).response
        }
    }
}

/// The fields a column can be mapped to on the upload page.
struct ContactColumnChoice {
    let key: String
    let title: String
    static let all = [
        ContactColumnChoice(key: "email", title: "E-mail"), ContactColumnChoice(key: "navn", title: "Fulde navn"),
        ContactColumnChoice(key: "fornavn", title: "Fornavn"), ContactColumnChoice(key: "efternavn", title: "Efternavn"),
        ContactColumnChoice(key: "organisation", title: "Organisation"), ContactColumnChoice(key: "titel", title: "Titel"),
        ContactColumnChoice(key: "kommune", title: "Kommune"), ContactColumnChoice(key: "telefon", title: "Telefon"),
        ContactColumnChoice(key: "roller", title: "Roller"), ContactColumnChoice(key: "felt", title: "Ekstra felt"),
        ContactColumnChoice(key: "ignorer", title: "Ignorér"),
    ]
}
