import Foundation
import GRDB
import Logging

/// How an import should run.
public struct ImportOptions: Sendable {
    /// Lists every imported contact is put on (created when missing).
    public var lists: [String] = []
    /// Roles every imported contact gets.
    public var roles: [String] = []
    /// Where the data came from, in the user's words ("LBR-sekretariatet, mail 3. marts").
    public var source: String?
    /// The legal basis for the list memberships this import adds.
    public var consent: ConsentBasis = .legitimateInterest
    /// What people were told, by whom, when, and the proof: recorded on the import's source.
    public var consentEvidence: ConsentEvidence?
    /// Header (any case) to mapping key (`email`, `fornavn`, …, `felt`, `ignorer`): wins
    /// over the recognised header names.
    public var columns: [String: String] = [:]
    /// Keep this many of the first good rows, as they will be stored, in the report (a preview).
    public var sampleSize = 0
    /// Report what would happen and write nothing.
    public var dryRun = false
    /// Import the good rows and write the bad ones, with reasons, to this file.
    public var rejectsPath: String?
    public var encoding: TextEncodingChoice?
    public var delimiter: Character?
    /// Called now and then with the share of the input read (0…1) and the rows so far.
    public var progress: (@Sendable (Double, Int) -> Void)?

    public init() {}
}

/// A problem with one place in an input file.
public struct ImportIssue: Error, Codable, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: String?
    public var message: String

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let column { text += "kolonne '\(column)': " }
        return text + message
    }
}

/// What an import did (or, in a dry run, would do). Counts are of distinct contacts except
/// `rows`, `rejected` and `duplicateRows`, which count rows.
public struct ImportReport: Codable, Sendable, Equatable {
    public struct FileSummary: Codable, Sendable, Equatable {
        public var file: String
        public var encoding: String
        public var delimiter: String
        public var rows: Int
        /// Rows whose every cell is empty (`;;;;`): skipped, not counted in `rows`.
        public var emptyRows: Int = 0
        /// Each column's header and the field it fills.
        public var columns: [ImportColumn] = []
    }
    /// A good row as it will be stored (`ImportOptions.sampleSize`).
    public struct Sample: Codable, Sendable, Equatable {
        public var file: String
        public var line: Int
        public var email: String
        public var firstName: String
        public var lastName: String
        public var organisation: String
        public var title: String
        public var municipality: String
        public var phone: String
        public var roles: [String]
        public var attributes: [String: String]
    }
    public var files: [FileSummary] = []
    public var rows = 0
    public var new = 0
    public var updated = 0
    public var unchanged = 0
    public var rejected = 0
    public var duplicateRows = 0
    /// Rows whose every cell is empty, skipped.
    public var emptyRows = 0
    public var skippedErased = 0
    public var suppressed = 0
    public var listsCreated: [String] = []
    public var warnings: [ImportIssue] = []
    public var errors: [ImportIssue] = []
    public var dryRun = false
    public var applied = false
    public var rejectsFile: String?
    public var sample: [Sample] = []
}

/// A file to import, already read (an upload).
public struct ImportInput: Sendable {
    public var name: String
    public var data: Data

    public init(name: String, data: Data) {
        self.name = name
        self.data = data
    }
}

/// Reads contact files into the database: validated, normalised, deduplicated by address,
/// merged into existing contacts, all in one transaction.
public struct ContactImporter: Sendable {
    let store: Store
    /// Whether a big import builds its indexes after its rows (`DeferredIndexes`).
    var indexes = DeferredIndexes.Policy.bySize

    public init(store: Store) { self.store = store }

    /// Rows applied per batch inside the one transaction of `run`.
    static let batchSize = 1_000

    /// Imports `files`. Without `rejectsPath`, one bad row means nothing is written and the
    /// error `.importRejected` lists every bad row.
    public func run(_ files: [String], options: ImportOptions) throws(KampagneError) -> ImportReport {
        let inputs = try files.map { (path: String) throws(KampagneError) -> ImportInput in
            guard FileManager.default.fileExists(atPath: path) else {
                throw .io("Filen findes ikke: \(path)")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .io("Kan ikke læse filen \(path)")
            }
            return ImportInput(name: path, data: data)
        }
        return try run(inputs, options: options)
    }

    /// About how many rows `inputs` hold: their line breaks (LF, or CR for files that end
    /// lines with CR alone). An estimate for `DeferredIndexes.applies` only.
    static func estimatedRows(_ inputs: [ImportInput]) -> Int {
        inputs.reduce(0) { total, input in
            let (lf, cr) = input.data.withUnsafeBytes { bytes -> (Int, Int) in
                var lf = 0, cr = 0
                for byte in bytes {
                    if byte == 0x0A { lf += 1 } else if byte == 0x0D { cr += 1 }
                }
                return (lf, cr)
            }
            return total + max(lf, cr)
        }
    }

    /// Imports files already read (an upload); otherwise as `run(_:options:)`. With
    /// `options.dryRun` this is the preview: what was detected, the mapping, the first rows as
    /// they will be stored (`sampleSize`) and every error, with nothing written.
    public func run(_ inputs: [ImportInput], options: ImportOptions) throws(KampagneError) -> ImportReport {
        var options = options
        if let evidence = options.consentEvidence { options.consentEvidence = try evidence.validated() }
        let body = { [options, indexes] (db: Database) throws -> ImportReport in
            var run = try ImportRun(db: db, options: options, simulated: options.dryRun)
            // A big file into a small table: its indexes are built after its rows, in this
            // same transaction (`DeferredIndexes`).
            let deferring: Bool
            switch indexes {
            case _ where options.dryRun: deferring = false
            case .never: deferring = false
            case .always: deferring = true
            case .bySize:
                deferring = DeferredIndexes.applies(newRows: Self.estimatedRows(inputs), existing: try DeferredIndexes.contactCount(db))
            }
            let deferred = try deferring ? DeferredIndexes.drop(in: db) : nil
            for input in inputs {
                try run.importFile(path: input.name, data: input.data) { run, rows, file, _ in
                    try run.apply(rows, file: file, db: db)
                }
            }
            if options.consent == .consent, options.consentEvidence == nil, !options.lists.isEmpty {
                run.report.warnings.append(ImportIssue(file: inputs.first.map { ($0.name as NSString).lastPathComponent } ?? "", line: nil, column: nil,
                    message: "samtykke uden ordlyd: skriv, hvad personerne fik at vide, af hvem og hvornår"))
            }
            run.report.dryRun = options.dryRun
            if !run.report.errors.isEmpty && options.rejectsPath == nil {
                throw KampagneError.importRejected(run.report)
            }
            try deferred?.rebuild(in: db)
            if let rejectsPath = options.rejectsPath, !options.dryRun {
                try run.writeRejects(to: rejectsPath)
                run.report.rejectsFile = rejectsPath
            }
            run.report.applied = !options.dryRun
            return run.report
        }
        if options.dryRun {
            // A read transaction: the check of a big file keeps no writer waiting.
            return try store.read { db in
                do { return try body(db) } catch KampagneError.importRejected(let report) {
                    var report = report
                    report.dryRun = true
                    return report
                }
            }
        }
        return try store.write(body)
    }
}

/// One import in progress: inside one transaction (`ContactImporter.run`), or in chunks of
/// rows, a transaction each (`ImportQueue`), when it keeps what the rows after a chunk depend
/// on (`status`, `dataSources`) and hands each chunk's issues over instead of collecting them.
struct ImportRun {
    static let logger = Logger(label: "kampagne.import")

    let options: ImportOptions
    let suppressions: SuppressionList
    /// The import's time: a contact created at exactly this time is the import's own.
    let now: Date
    var report = ImportReport()
    /// A dry run in a read transaction: nothing is written; ids, roles and memberships the
    /// import would add are kept here instead, so the counts are those of a real run.
    let simulated: Bool
    var simulatedIds: Int64 = 0
    var simulatedRoles: Set<String> = []
    var simulatedMemberships: Set<String> = []
    /// In chunks: other writers come in between, so the addresses known before the import are
    /// not a snapshot: every row's address is looked up.
    var chunked = false
    /// In chunks: the cells of each rejected row, beside `report.errors`.
    var rejectFields: [[String]] = []
    /// On a resume: the addresses the rows applied before the interruption changed (they have
    /// a `contactSource` row of this import's data source).
    var changedBefore: Set<String> = []
    var listIds: [Int64] = []
    var status: [String: Bool] = [:]  // emailKey -> counted as changed (new or updated)
    /// Addresses in the database before this import: rows with other addresses are new and
    /// need no look-up.
    var existingKeys: Set<String>?
    var rejects = CSVWriter(excel: true)
    var rejectsHeader: [String]?

    init(db: Database, options: ImportOptions, now: Date = Date(), simulated: Bool = false) throws {
        self.options = options
        self.now = now
        self.simulated = simulated
        suppressions = try SuppressionList(db: db)
        for name in options.lists {
            let clean = DanishText.singleLine(name)
            guard !clean.isEmpty else { throw KampagneError.invalidInput("Et listenavn må ikke være tomt") }
            if let list = try MailingList.filter(Column("nameKey") == MailingList.key(clean)).fetchOne(db), let id = list.id {
                listIds.append(id)
            } else if simulated {
                simulatedIds -= 1
                listIds.append(simulatedIds)
                report.listsCreated.append(clean)
            } else {
                var list = MailingList(id: nil, name: clean, nameKey: MailingList.key(clean), description: "", createdAt: now)
                try list.insert(db)
                if let id = list.id { listIds.append(id) }
                report.listsCreated.append(clean)
            }
        }
    }

    /// A valid row: the address and its fields.
    struct Row {
        var line: Int
        var address: EmailAddress
        var fields: Fields
    }

    /// A row's contact fields; nil means "not given", so existing data stays.
    struct Fields {
        var firstName: String?
        var lastName: String?
        var organisation: String?
        var title: String?
        var municipality: String?
        var phone: String?
        var roles: [String] = []
        var attributes: [String: String] = [:]
    }

    /// Reads one file and hands its good rows to `flush` every `every` records (and once at the
    /// end) with the file's name and the records read so far. The first `skip` records were
    /// applied before an interruption: they are read again only for what later rows depend on.
    mutating func importFile(path: String, data: Data, skip: Int = 0, every: Int = ContactImporter.batchSize,
                             flush: (inout ImportRun, [Row], String, Int) throws -> Void) throws {
        let name = (path as NSString).lastPathComponent
        var reader = try CSVReader(data: data, file: name, encoding: options.encoding, delimiter: options.delimiter)
        guard let headerRecord = try reader.next() else {
            throw KampagneError.invalidInput("\(name): filen er tom")
        }
        let header = try HeaderMap(headers: headerRecord.fields, overrides: options.columns, file: name)
        let delimiterName = reader.delimiter == 9 ? "tab" : String(UnicodeScalar(reader.delimiter))
        guard header.hasEmail else {
            let looksLikeData = headerRecord.fields.contains { $0.contains("@") }
            let message = "ingen kolonne med e-mailadresser (fandt: \(header.headers.joined(separator: ", "))). "
                + (looksLikeData ? "Første linje skal være kolonneoverskrifter, fx E-mail;Navn;Kommune."
                                 : "Giv kolonnen overskriften 'E-mail', eller vælg hvilken kolonne der er e-mail.")
            guard options.dryRun else { throw KampagneError.invalidInput("\(name):\(headerRecord.line): " + message) }
            // A preview shows the columns, so the mapping can be chosen.
            report.errors.append(ImportIssue(file: name, line: headerRecord.line, column: nil, message: message))
            report.files.append(.init(file: name, encoding: reader.encoding.rawValue + (reader.hadBOM ? " (BOM)" : ""),
                                      delimiter: delimiterName, rows: 0, emptyRows: 0, columns: header.described))
            return
        }
        ImportRun.logger.debug("reading file", metadata: [
            "file": "\(name)", "encoding": "\(reader.encoding.rawValue)", "delimiter": "\(delimiterName)",
            "columns": "\(header.columns.map(\.danishName).joined(separator: ","))",
        ])
        var fileRows = 0
        var emptyRows = 0
        var unreadable = false
        var batch: [Row] = []
        var consumed = 0
        var sinceFlush = 0
        while true {
            let record: CSVRecord?
            do {
                record = try reader.next()
            } catch {
                unreadable = true
                consumed += 1
                if consumed <= skip { break }
                if let failure = reader.failure {
                    reject(ImportIssue(file: name, line: failure.line, column: nil, message: failure.message), fields: [], header: header)
                } else {
                    reject(ImportIssue(file: name, line: nil, column: nil, message: error.message), fields: [], header: header)
                }
                break
            }
            guard let record else { break }
            consumed += 1
            if consumed <= skip {
                skipApplied(record, header: header, file: name, fileRows: &fileRows, emptyRows: &emptyRows)
                continue
            }
            sinceFlush += 1
            // Spreadsheets write rows that look empty as bare delimiters (`;;;;`): an empty
            // row, not a contact without an address.
            if record.fields.allSatisfy({ DanishText.trimmed($0).isEmpty }) {
                emptyRows += 1
                report.emptyRows += 1
            } else {
                fileRows += 1
                report.rows += 1
                switch parse(record, header: header, file: name) {
                case .success(let row):
                    if report.sample.count < options.sampleSize { report.sample.append(sample(row, file: name)) }
                    batch.append(row)
                case .failure(let issue): reject(issue, fields: record.fields, header: header)
                }
            }
            if sinceFlush >= every {
                try flush(&self, batch, name, consumed)
                batch.removeAll(keepingCapacity: true)
                sinceFlush = 0
                options.progress?(Double(reader.bytesRead) / Double(max(reader.byteCount, 1)), report.rows)
            }
        }
        try flush(&self, batch, name, consumed)
        options.progress?(1, report.rows)
        ImportRun.logger.debug("file done", metadata: [
            "file": "\(name)", "rows": "\(fileRows)", "new": "\(report.new)", "updated": "\(report.updated)",
            "errors": "\(report.errors.count)",
        ])
        if fileRows == 0 && !unreadable {
            report.warnings.append(ImportIssue(file: name, line: nil, column: nil, message: emptyRows > 0
                ? "filen har kun overskrifter og tomme rækker, ingen kontakter"
                : "filen har kun overskrifter og ingen kontakter"))
        }
        report.files.append(.init(file: name, encoding: reader.encoding.rawValue + (reader.hadBOM ? " (BOM)" : ""),
                                  delimiter: delimiterName, rows: fileRows, emptyRows: emptyRows, columns: header.described))
    }

    /// A record applied before an interruption: counted in the file's figures, and its address
    /// marked as seen (changed or not), as the uninterrupted import would have it. Its warnings
    /// and errors were recorded then.
    mutating func skipApplied(_ record: CSVRecord, header: HeaderMap, file: String, fileRows: inout Int, emptyRows: inout Int) {
        if record.fields.allSatisfy({ DanishText.trimmed($0).isEmpty }) {
            emptyRows += 1
            return
        }
        fileRows += 1
        let warned = report.warnings.count
        defer { report.warnings.removeSubrange(warned...) }
        guard case .success(let row) = parse(record, header: header, file: file) else { return }
        let key = row.address.key
        if case .erased? = suppressions.reason(for: key) { return }
        status[key] = changedBefore.contains(key)
    }

    func sample(_ row: Row, file: String) -> ImportReport.Sample {
        let f = row.fields
        return ImportReport.Sample(file: file, line: row.line, email: row.address.value, firstName: f.firstName ?? "",
                                   lastName: f.lastName ?? "", organisation: f.organisation ?? "", title: f.title ?? "",
                                   municipality: f.municipality ?? "", phone: f.phone ?? "", roles: f.roles + options.roles,
                                   attributes: f.attributes)
    }

    mutating func reject(_ issue: ImportIssue, fields: [String], header: HeaderMap) {
        report.errors.append(issue)
        if issue.line != nil { report.rejected += 1 }
        if chunked {
            rejectFields.append(fields)
            return
        }
        if rejectsHeader == nil {
            rejectsHeader = ["Fil", "Linje", "Fejl"] + header.headers
            rejects.row(rejectsHeader ?? [])
        }
        rejects.row([issue.file, issue.line.map(String.init) ?? "", issue.message] + fields)
    }

    func writeRejects(to path: String) throws {
        do {
            try rejects.data.write(to: URL(fileURLWithPath: path))
        } catch {
            throw KampagneError.io("Kan ikke skrive de afviste rækker til \(path): \(error.localizedDescription)")
        }
    }

    mutating func parse(_ record: CSVRecord, header: HeaderMap, file: String) -> Result<Row, ImportIssue> {
        func issue(_ column: String?, _ message: String) -> Result<Row, ImportIssue> {
            .failure(ImportIssue(file: file, line: record.line, column: column, message: message))
        }
        if record.fields.count > header.columns.count,
           record.fields[header.columns.count...].contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            return issue(nil, "rækken har \(record.fields.count) felter, men overskriften har \(header.columns.count)")
        }
        var address: EmailAddress?
        var fullName: String?
        var row = Fields()
        for (index, column) in header.columns.enumerated() where index < record.fields.count {
            let raw = record.fields[index]
            let limit: Int
            switch column {
            case .fullName, .firstName, .lastName: limit = InputLimits.name
            case .phone: limit = InputLimits.phone
            case .attribute, .roles: limit = InputLimits.attribute
            default: limit = InputLimits.text
            }
            if raw.utf8.count > limit && raw.count > limit {
                return issue(header.headers[index], "feltet er for langt (\(raw.count.formatted(.number.locale(DanishText.locale))) tegn; højst \(limit.formatted(.number.locale(DanishText.locale))))")
            }
            let value = DanishText.singleLine(raw)
            if value.isEmpty { continue }
            switch column {
            case .email:
                do {
                    address = try EmailAddress(parsing: raw)
                } catch {
                    return issue(header.headers[index], error.message)
                }
            case .fullName: fullName = value
            case .firstName: row.firstName = value
            case .lastName: row.lastName = value
            case .organisation: row.organisation = value
            case .title: row.title = value
            case .phone: row.phone = value
            case .roles:
                row.roles += value.split(whereSeparator: { $0 == "," || $0 == "|" })
                    .map { DanishText.singleLine(String($0)) }.filter { !$0.isEmpty }
            case .municipality:
                if let found = municipality(value) {
                    row.municipality = found.name
                } else {
                    row.attributes[header.headers[index]] = value
                    report.warnings.append(ImportIssue(file: file, line: record.line, column: header.headers[index],
                        message: "ukendt kommune '\(value)'; gemt som ekstra felt, ikke som kommune"))
                }
            case .derived: continue
            case .attribute(let name): row.attributes[name] = value
            }
        }
        guard let address else {
            return issue(header.headers[header.columns.firstIndex(of: .email) ?? 0], "e-mailadressen mangler")
        }
        if let fullName, row.firstName == nil, row.lastName == nil {
            (row.firstName, row.lastName) = PersonName.split(fullName)
        }
        return .success(Row(line: record.line, address: address, fields: row))
    }

    /// Municipality look-ups, remembered: a file names the same few dozen many times.
    var municipalities: [String: Municipality?] = [:]

    mutating func municipality(_ written: String) -> Municipality? {
        if let known = municipalities[written] { return known }
        let found = Municipality.lookup(written)
        municipalities[written] = found
        return found
    }

    /// Roles by text, normalised once per import rather than once per row.
    var roleRecords: [String: (role: String, key: String)] = [:]

    /// One data source row per file and import, made when the file's first rows are written.
    var dataSources: [String: Int64] = [:]

    mutating func dataSource(file: String, db: Database) throws -> Int64 {
        if let id = dataSources[file] { return id }
        if simulated { return 0 }
        var record = DataSource(id: nil, description: options.source ?? "import", file: file, recordedAt: now,
                                consent: options.consentEvidence)
        try record.insert(db)
        let id = record.id ?? 0
        dataSources[file] = id
        return id
    }

    mutating func apply(_ rows: [Row], file: String, db: Database) throws {
        guard !rows.isEmpty else { return }
        if existingKeys == nil && !chunked {
            existingKeys = try Set(String.fetchAll(db, Contact.select(Contact.Columns.emailKey)))
        }
        var keys = Set<String>()
        for row in rows where existingKeys?.contains(row.address.key) != false || status[row.address.key] != nil {
            keys.insert(row.address.key)
        }
        var known: [String: Contact] = [:]
        if !keys.isEmpty {
            for contact in try Contact.filter(keys.contains(Contact.Columns.emailKey)).fetchAll(db) {
                known[contact.emailKey] = contact
            }
        }
        let source = try dataSource(file: file, db: db)
        let statements = simulated ? nil : try ImportStatements(db)
        let stamp = StoredDate.text(now)
        let consent = options.consent.rawValue
        let sourceText = options.source ?? "import"
        for row in rows {
            let key = row.address.key
            let suppression = suppressions.reason(for: key)
            switch suppression {
            case .erased?:
                report.skippedErased += 1
                report.warnings.append(ImportIssue(file: file, line: row.line, column: nil,
                    message: "\(row.address) er slettet efter anmodning og importeres ikke igen"))
                continue
            case .some: if status[key] == nil { report.suppressed += 1 }
            case nil: break
            }
            var contact: Contact
            var changed: Bool
            let fields = row.fields
            let existedBefore = known[key].map { $0.createdAt < now } ?? false
            if let existing = known[key] {
                contact = existing
                merge(fields, into: &contact)
                changed = contact != existing
                if changed {
                    contact.updatedAt = now
                    try statements?.update(contact)
                }
            } else {
                contact = Contact(id: nil, email: row.address.value, emailKey: key, firstName: fields.firstName ?? "",
                                  lastName: fields.lastName ?? "", organisation: fields.organisation ?? "",
                                  title: fields.title ?? "", municipality: fields.municipality, phone: fields.phone ?? "",
                                  attributes: fields.attributes, createdAt: now, updatedAt: now)
                if let statements {
                    try statements.insert(&contact, suppressed: suppression != nil)
                } else {
                    simulatedIds -= 1
                    contact.id = simulatedIds
                }
                changed = true
            }
            guard let id = contact.id else { continue }
            known[key] = contact
            for role in fields.roles + options.roles {
                let normalised = roleRecords[role]
                    ?? (DanishText.singleLine(role), ContactRole.key(role))
                roleRecords[role] = normalised
                if let statements {
                    if try statements.addRole(contactId: id, role: normalised.role, key: normalised.key) { changed = true }
                } else if try wouldAddRole(contactId: id, key: normalised.key, db: db) {
                    changed = true
                }
            }
            for listId in listIds {
                if let statements {
                    if try statements.addMembership(listId: listId, contactId: id, basis: consent, at: stamp, source: sourceText) { changed = true }
                } else if try wouldAddMembership(listId: listId, contactId: id, db: db) {
                    changed = true
                }
            }
            if changed {
                try statements?.addSource(contactId: id, dataSourceId: source, line: row.line)
            }
            switch status[key] {
            case nil:
                status[key] = changed
                if existedBefore {
                    if changed { report.updated += 1 } else { report.unchanged += 1 }
                } else {
                    report.new += 1
                }
            case false?:
                report.duplicateRows += 1
                if changed { status[key] = true; report.unchanged -= 1; report.updated += 1 }
            case true?:
                report.duplicateRows += 1
            }
        }
    }

    /// A dry run's `addRole`: true when neither the database nor an earlier row has it.
    mutating func wouldAddRole(contactId: Int64, key: String, db: Database) throws -> Bool {
        guard simulatedRoles.insert("\(contactId)|\(key)").inserted else { return false }
        guard contactId > 0 else { return true }
        return try ContactRole.filter(Column("contactId") == contactId && Column("roleKey") == key).isEmpty(db)
    }

    /// A dry run's `addMembership`: true when neither the database nor an earlier row has it.
    mutating func wouldAddMembership(listId: Int64, contactId: Int64, db: Database) throws -> Bool {
        guard simulatedMemberships.insert("\(listId)|\(contactId)").inserted else { return false }
        guard listId > 0, contactId > 0 else { return true }
        return try ListMembership.filter(Column("mailingListId") == listId && Column("contactId") == contactId).isEmpty(db)
    }

    /// Given fields overwrite, missing ones leave what is stored; attributes add up. The
    /// address keeps its stored spelling: a difference in case is the same address.
    private func merge(_ row: Fields, into contact: inout Contact) {
        if let v = row.firstName { contact.firstName = v }
        if let v = row.lastName { contact.lastName = v }
        if let v = row.organisation { contact.organisation = v }
        if let v = row.title { contact.title = v }
        if let v = row.municipality { contact.municipality = v }
        if let v = row.phone { contact.phone = v }
        contact.attributes.merge(row.attributes) { _, new in new }
    }
}

/// Splitting a full name the way Danish lists write it.
enum PersonName {
    /// "Jens Peter Hansen" → ("Jens Peter", "Hansen"); "Hansen, Jens" → ("Jens", "Hansen").
    static func split(_ name: String) -> (String?, String?) {
        let clean = DanishText.singleLine(name)
        if let comma = clean.firstIndex(of: ",") {
            let last = clean[..<comma].trimmingCharacters(in: .whitespaces)
            let first = clean[clean.index(after: comma)...].trimmingCharacters(in: .whitespaces)
            return (first.isEmpty ? nil : first, last.isEmpty ? nil : last)
        }
        let parts = clean.split(separator: " ")
        guard parts.count > 1, let last = parts.last else { return (clean.isEmpty ? nil : clean, nil) }
        return (parts.dropLast().joined(separator: " "), String(last))
    }
}
