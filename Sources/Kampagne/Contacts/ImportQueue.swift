import Foundation
import GRDB

/// Where an upload import is.
public enum ImportJobState: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    /// The file is being read and checked (a dry run); nothing is written.
    case checking
    /// Checked: the preview, the mapping and the errors are ready; nothing is written.
    case previewed
    /// Being applied, a chunk of rows per transaction; `recordsDone` is committed with each.
    case running
    case done
    case failed
    /// Stopped or discarded by staff; rows applied before it stay.
    case cancelled

    public var danish: String {
        switch self {
        case .checking: "kontrolleres"
        case .previewed: "kontrolleret"
        case .running: "importerer"
        case .done: "færdig"
        case .failed: "fejlet"
        case .cancelled: "annulleret"
        }
    }
}

/// What the uploader chose: lists, roles, source, legal basis and consent evidence, forced
/// encoding and delimiter, and the column mapping (header to field key).
public struct ImportChoices: Codable, Sendable, Equatable {
    public var lists: [String] = []
    public var roles: [String] = []
    public var source = ""
    public var consent = ConsentBasis.legitimateInterest
    public var evidence: ConsentEvidence?
    public var encoding: TextEncodingChoice?
    /// ";", "," or "\t"; nil: found from the file.
    public var delimiter: String?
    public var columns: [String: String] = [:]

    public init() {}

    public func options(dryRun: Bool) -> ImportOptions {
        var options = ImportOptions()
        options.lists = lists
        options.roles = roles
        options.source = source.isEmpty ? nil : source
        options.consent = consent
        options.consentEvidence = evidence
        options.encoding = encoding
        options.delimiter = delimiter?.first
        options.columns = columns
        options.dryRun = dryRun
        options.sampleSize = dryRun ? 10 : 0
        return options
    }
}

/// One uploaded contact file and what became of it: kept in the database (`importJob`,
/// migration v18) so a restart of the server loses nothing; the file itself is in the
/// workspace's `imports/` folder.
public struct ImportJob: Codable, Sendable, Equatable, Identifiable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "importJob"
    public var id: String
    /// The staff member's username (or the command line's user) who uploaded it.
    public var owner: String
    public var fileName: String
    /// The upload's file name in `ImportQueue.folder`.
    public var uploadFile: String
    public var uploadBytes: Int
    public var choices: ImportChoices
    public var state: ImportJobState
    /// Apply the good rows and reject the bad ones (false: all rows, refused with errors).
    public var goodOnly: Bool
    public var createdAt: Date
    public var updatedAt: Date
    /// The import's time (its contacts' `createdAt`); set when applying starts.
    public var startedAt: Date?
    public var finishedAt: Date?
    /// The file's records after the header (rows, empty rows), from the check.
    public var recordsTotal: Int
    /// Records applied and committed: a resume continues after these.
    public var recordsDone: Int
    /// The check's report (a preview), then the import's so far. While applying, its errors
    /// and warnings are rows of `importJobIssue` (`ImportQueue.report(of:)` puts them back).
    public var report: ImportReport?
    /// The data source the rows are recorded under (made by the first chunk).
    public var dataSourceId: Int64?
    /// Why it failed, in Danish.
    public var message: String?
    public var runnerPid: Int32?
    public var runnerToken: String?
    public var heartbeatAt: Date?
    /// The longest of the import's write transactions, in milliseconds.
    public var longestWriteMs: Int
    /// Write transactions (chunks) committed.
    public var chunks: Int

    /// Whole percent of the records applied (or 0 before the check knows the total).
    public var percent: Int {
        guard recordsTotal > 0 else { return state == .done ? 100 : 0 }
        return min(100, recordsDone * 100 / recordsTotal)
    }
}

/// An error or warning found while applying, with a rejected row's cells.
struct ImportJobIssue: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "importJobIssue"
    var id: Int64?
    var importJobId: String
    /// "error" (a rejected row) or "warning".
    var kind: String
    var file: String
    var line: Int?
    var header: String?
    var message: String
    var fields: [String]?

    var issue: ImportIssue { ImportIssue(file: file, line: line, column: header, message: message) }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Upload imports as jobs: stored (the upload in `imports/`, mode 0600; the job in the
/// database), checked with a dry run, then applied in chunks of rows, one short write
/// transaction each, so sign-ups and other staff members' saves get in between; each chunk
/// commits the job's progress with its rows, so a job whose process died (kill -9, a restart)
/// resumes exactly after the last committed chunk. Jobs and their uploads are removed after
/// `retention`, or when discarded (the upload).
public struct ImportQueue: Sendable {
    let store: Store
    /// `imports` beside the database.
    public let folder: String
    /// Records per write transaction.
    public let chunkSize: Int

    public static let defaultChunkSize = 2_000
    /// How long a job (and its upload and rejected rows) is kept after its last change.
    public static let retention: TimeInterval = 7 * 86_400
    /// A runner that has not committed a chunk for this long is taken to be gone.
    public static let staleAfter: TimeInterval = 120

    /// Who applies a job: a process, told apart from an earlier one with the same id.
    public struct Runner: Sendable, Equatable {
        public let pid: Int32
        public let token: String

        public init() {
            pid = getpid()
            token = UUID().uuidString.lowercased()
        }
    }

    public init(store: Store, chunkSize: Int = ImportQueue.defaultChunkSize) {
        self.store = store
        self.chunkSize = max(1, chunkSize)
        let base = (store.path as NSString).deletingLastPathComponent
        folder = ((base.isEmpty ? "." : base) as NSString).appendingPathComponent("imports")
    }

    // MARK: Jobs

    /// Stores `data` as a new job (state `checking`); old jobs past `retention` go first.
    public func create(owner: String, fileName: String, data: Data, choices: ImportChoices,
                       now: Date = Date()) throws(KampagneError) -> ImportJob {
        _ = try removeExpired(now: now)
        let id = UUID().uuidString.lowercased()
        let file = id + ".csv"
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let path = (folder as NSString).appendingPathComponent(file)
            guard fm.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw KampagneError.io("Kan ikke gemme den uploadede fil i \(folder)")
            }
        } catch let error as KampagneError {
            throw error
        } catch {
            throw .io("Kan ikke gemme den uploadede fil i \(folder): \(error.localizedDescription)")
        }
        let job = ImportJob(id: id, owner: owner, fileName: DanishText.singleLine(fileName), uploadFile: file,
                            uploadBytes: data.count, choices: choices, state: .checking, goodOnly: false,
                            createdAt: now, updatedAt: now, startedAt: nil, finishedAt: nil, recordsTotal: 0,
                            recordsDone: 0, report: nil, dataSourceId: nil, message: nil, runnerPid: nil,
                            runnerToken: nil, heartbeatAt: nil, longestWriteMs: 0, chunks: 0)
        try store.write { db in try job.insert(db) }
        return job
    }

    public func job(_ id: String) throws(KampagneError) -> ImportJob? {
        try store.read { db in try ImportJob.fetchOne(db, key: id) }
    }

    public func job(_ id: String) async throws(KampagneError) -> ImportJob? {
        try await store.read { db in try ImportJob.fetchOne(db, key: id) }
    }

    /// Every job, newest first; `owner` keeps one person's.
    public func list(owner: String? = nil) throws(KampagneError) -> [ImportJob] {
        try store.read { db in
            var request = ImportJob.order(Column("createdAt").desc)
            if let owner { request = request.filter(Column("owner") == owner) }
            return try request.fetchAll(db)
        }
    }

    /// Checks the job's file (a dry run with the first rows as they will be stored): state
    /// `previewed` with the report, or `failed` when the file cannot be read at all.
    @discardableResult
    public func check(_ id: String) throws(KampagneError) -> ImportJob {
        guard var job = try job(id) else { throw .notFound("Importen findes ikke") }
        guard job.state == .checking || job.state == .previewed else {
            throw .conflict("Importen er \(job.state.danish) og kan ikke kontrolleres igen")
        }
        let data = try upload(of: job)
        let importer = ContactImporter(store: store)
        do {
            let report = try importer.run([ImportInput(name: job.fileName, data: data)], options: job.choices.options(dryRun: true))
            job.report = report
            job.state = .previewed
            job.recordsTotal = report.rows + report.emptyRows
        } catch {
            job.state = .failed
            job.message = error.message
        }
        job.updatedAt = Date()
        let checked = job
        return try store.write { db in
            // Discarded (or checked again with another mapping) meanwhile: leave it so.
            let current = try ImportJob.fetchOne(db, key: id)
            guard let current, current.state == .checking, current.choices == checked.choices else { return current ?? checked }
            try checked.update(db)
            return checked
        }
    }

    /// A changed column mapping: the job is to be checked again (`check`).
    @discardableResult
    public func remap(_ id: String, columns: [String: String]) throws(KampagneError) -> ImportJob {
        try store.write { db in
            guard var job = try ImportJob.fetchOne(db, key: id) else { throw KampagneError.notFound("Importen findes ikke") }
            guard job.state == .previewed || job.state == .failed && job.report == nil else {
                throw KampagneError.conflict("Importen er \(job.state.danish); kolonnerne kan ikke ændres nu")
            }
            job.choices.columns = columns
            job.state = .checking
            job.message = nil
            job.updatedAt = Date()
            try job.update(db)
            return job
        }
    }

    /// Marks a checked job to be applied by `runner` (then `run` applies it): all rows, or the
    /// good ones with the bad ones rejected. All rows is refused when the check found errors.
    @discardableResult
    public func start(_ id: String, goodOnly: Bool, runner: Runner, now: Date = Date()) throws(KampagneError) -> ImportJob {
        try store.write { db in
            guard var job = try ImportJob.fetchOne(db, key: id) else { throw KampagneError.notFound("Importen findes ikke") }
            guard job.state == .previewed, let preview = job.report else {
                throw KampagneError.conflict("Importen er \(job.state.danish) og kan ikke startes")
            }
            if !goodOnly && !preview.errors.isEmpty {
                throw KampagneError.importRejected(preview)
            }
            guard preview.rows - preview.rejected > 0 else {
                throw KampagneError.invalidInput("Filen har ingen gode rækker at importere")
            }
            // Whole milliseconds, as stored: the import's own contacts read back with this time.
            job.startedAt = Date(timeIntervalSince1970: (now.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
            job.state = .running
            job.goodOnly = goodOnly
            job.report = nil
            job.recordsDone = 0
            job.runnerPid = runner.pid
            job.runnerToken = runner.token
            job.heartbeatAt = now
            job.updatedAt = now
            try job.update(db)
            return job
        }
    }

    /// Jobs left `running` by a process that is gone (killed, restarted), which `runner` may
    /// take over, and jobs left `checking` (a check is only ever run by the process that
    /// serves the page, so at a start every such job is one whose check died).
    public func interrupted(for runner: Runner, now: Date = Date()) throws(KampagneError) -> [ImportJob] {
        try store.read { db in
            try ImportJob.filter([ImportJobState.running, .checking].contains(Column("state"))).fetchAll(db)
        }.filter { $0.state == .checking || Self.claimable($0, by: runner, now: now) }
    }

    static func claimable(_ job: ImportJob, by runner: Runner, now: Date) -> Bool {
        guard job.state == .running else { return false }
        if job.runnerToken == runner.token || job.runnerToken == nil { return true }
        if let heartbeat = job.heartbeatAt, heartbeat < now.addingTimeInterval(-staleAfter) { return true }
        guard let pid = job.runnerPid else { return true }
        if pid == runner.pid { return false }
        // Signal 0 asks whether the process exists; ESRCH: it does not.
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    private struct Stopped: Error {}

    /// Applies a `running` job, a chunk of `chunkSize` records per write transaction, from the
    /// last committed chunk on (all of it for a new job, the rest after an interruption). The
    /// job's progress, report so far and the chunk's issues are committed with the chunk's
    /// rows. Stops between chunks when the job was cancelled or taken over. `progress` is
    /// called after each chunk with the records done.
    @discardableResult
    public func run(_ id: String, runner: Runner, progress: (@Sendable (Int) -> Void)? = nil) throws(KampagneError) -> ImportJob {
        let claimed: ImportJob = try store.write { db in
            guard var job = try ImportJob.fetchOne(db, key: id) else { throw KampagneError.notFound("Importen findes ikke") }
            guard Self.claimable(job, by: runner, now: Date()) else {
                throw KampagneError.busy("Importen køres allerede af en anden proces")
            }
            job.runnerPid = runner.pid
            job.runnerToken = runner.token
            job.heartbeatAt = Date()
            try job.update(db)
            return job
        }
        let data = try upload(of: claimed)
        var options = claimed.choices.options(dryRun: false)
        options.progress = nil
        if let evidence = options.consentEvidence { options.consentEvidence = try evidence.validated() }
        let now = claimed.startedAt ?? Date()
        let file = (claimed.fileName as NSString).lastPathComponent
        var chunks = claimed.chunks
        var longestBefore = claimed.longestWriteMs
        let clock = ContinuousClock()
        do {
            let opened = clock.now
            var run: ImportRun = try store.pool.write { db in
                    var run = try ImportRun(db: db, options: options, now: now)
                    run.chunked = true
                    if let report = claimed.report {
                        run.report = report
                    } else {
                        try checkpoint(db, id: id, run: &run, file: file, records: 0, longestMs: 0, chunks: 0)
                    }
                    if let source = claimed.dataSourceId {
                        run.dataSources[file] = source
                        let sourced = ContactSource.select(Column("contactId")).filter(Column("dataSourceId") == source)
                        run.changedBefore = try Set(String.fetchAll(db, Contact.select(Contact.Columns.emailKey)
                            .filter(sourced.contains(Column("id")))))
                    }
                    return run
            }
            longestBefore = max(longestBefore, Self.milliseconds(clock.now - opened))
            try run.importFile(path: claimed.fileName, data: data, skip: claimed.recordsDone, every: chunkSize) { run, rows, file, records in
                // The transaction's own time (its writes; the commit adds little in WAL mode).
                let spent: Int = try store.pool.write { db in
                    let begun = clock.now
                    guard let current = try ImportJob.fetchOne(db, key: id), current.state == .running,
                          current.runnerToken == runner.token else { throw Stopped() }
                    try run.apply(rows, file: file, db: db)
                    chunks += 1
                    let spent = Self.milliseconds(clock.now - begun)
                    try checkpoint(db, id: id, run: &run, file: file, records: records,
                                   longestMs: max(longestBefore, spent), chunks: chunks)
                    return spent
                }
                longestBefore = max(longestBefore, spent)
                progress?(records)
                // A moment between chunks, so writers in other processes (their busy handler
                // polls) get the lock too, not only those queued in this one.
                usleep(2_000)
            }
            var report = run.report
            report.applied = true
            let finished = report
            let done = try store.write { db in
                guard var job = try ImportJob.fetchOne(db, key: id), job.runnerToken == runner.token else { throw Stopped() }
                try Self.insertIssues(db, id: id, errors: finished.errors, fields: run.rejectFields, warnings: finished.warnings)
                var stored = finished
                stored.errors = []
                stored.warnings = []
                job.report = stored
                job.state = .done
                job.finishedAt = Date()
                job.updatedAt = Date()
                job.heartbeatAt = Date()
                job.longestWriteMs = longestBefore
                job.recordsDone = max(job.recordsDone, job.recordsTotal)
                try job.update(db)
                return job
            }
            // The upload was only needed to finish the job; its rejected rows are in `importJobIssue`.
            try? FileManager.default.removeItem(atPath: uploadPath(of: done))
            return done
        } catch let error as KampagneError {
            return try fail(id, runner: runner, error.message)
        } catch is Stopped {
            return try job(id) ?? claimed
        } catch {
            return try fail(id, runner: runner, KampagneError.wrap(error).message)
        }
    }

    static func milliseconds(_ duration: Swift.Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }

    /// The chunk's issues as rows, and the job's progress: in the chunk's transaction.
    private func checkpoint(_ db: Database, id: String, run: inout ImportRun, file: String, records: Int,
                            longestMs: Int, chunks: Int) throws {
        try Self.insertIssues(db, id: id, errors: run.report.errors, fields: run.rejectFields, warnings: run.report.warnings)
        run.report.errors.removeAll()
        run.report.warnings.removeAll()
        run.rejectFields.removeAll()
        guard var job = try ImportJob.fetchOne(db, key: id) else { throw Stopped() }
        job.recordsDone = records
        job.report = run.report
        job.dataSourceId = run.dataSources[file] ?? job.dataSourceId
        job.heartbeatAt = Date()
        job.updatedAt = Date()
        job.longestWriteMs = longestMs
        job.chunks = chunks
        try job.update(db)
    }

    private static func insertIssues(_ db: Database, id: String, errors: [ImportIssue], fields: [[String]], warnings: [ImportIssue]) throws {
        for (index, issue) in errors.enumerated() {
            var row = ImportJobIssue(id: nil, importJobId: id, kind: "error", file: issue.file, line: issue.line,
                                     header: issue.column, message: issue.message, fields: index < fields.count ? fields[index] : [])
            try row.insert(db)
        }
        for issue in warnings {
            var row = ImportJobIssue(id: nil, importJobId: id, kind: "warning", file: issue.file, line: issue.line,
                                     header: issue.column, message: issue.message, fields: nil)
            try row.insert(db)
        }
    }

    private func fail(_ id: String, runner: Runner, _ message: String) throws(KampagneError) -> ImportJob {
        try store.write { db in
            guard var job = try ImportJob.fetchOne(db, key: id) else { throw KampagneError.notFound("Importen findes ikke") }
            job.state = .failed
            job.message = job.recordsDone > 0
                ? message + " (\(DanishNumber.int(job.recordsDone)) rækker nåede at blive gemt)" : message
            job.finishedAt = Date()
            job.updatedAt = Date()
            try job.update(db)
            return job
        }
    }

    /// Stops a job (a running one at its next chunk; rows applied stay) and removes its upload.
    @discardableResult
    public func discard(_ id: String) throws(KampagneError) -> ImportJob {
        let job: ImportJob = try store.write { db in
            guard var job = try ImportJob.fetchOne(db, key: id) else { throw KampagneError.notFound("Importen findes ikke") }
            if job.state != .done && job.state != .failed { job.state = .cancelled }
            job.finishedAt = job.finishedAt ?? Date()
            job.updatedAt = Date()
            try job.update(db)
            return job
        }
        try? FileManager.default.removeItem(atPath: uploadPath(of: job))
        return job
    }

    /// Part of erasing a person (`PersonalData.erase`, inside its transaction): the rejected
    /// rows and messages of every job that name the address go.
    static func forgetIssues(naming key: String, in db: Database) throws {
        let pattern = "%" + key + "%"
        try ImportJobIssue.filter(Column("fields").lowercased.like(pattern) || Column("message").lowercased.like(pattern)).deleteAll(db)
    }

    /// Part of erasing a person, after its transaction: an upload not yet applied that holds the
    /// address is discarded (state cancelled, the file removed), so no copy of the address stays
    /// on disk for the retention period. A running job keeps its file until it ends (minutes;
    /// the importer refuses erased addresses, and the file goes when the job is done). Returns
    /// how many uploads were discarded.
    func discardUploads(naming key: String) throws(KampagneError) -> Int {
        let waiting = try store.read { db in
            try ImportJob.filter([ImportJobState.checking, .previewed, .failed].contains(Column("state"))).fetchAll(db)
        }
        let needle = Data(key.utf8)
        var discarded = 0
        for job in waiting {
            guard let data = FileManager.default.contents(atPath: uploadPath(of: job)),
                  Data(String(decoding: data, as: UTF8.self).lowercased().utf8).range(of: needle) != nil
                    || Data(String(decoding: data, as: Unicode.ASCII.self).lowercased().utf8).range(of: needle) != nil
            else { continue }
            try store.write { db in
                guard var current = try ImportJob.fetchOne(db, key: job.id), current.state != .running else { return }
                current.state = .cancelled
                current.message = "Kasseret: filen indeholdt en adresse, der er slettet efter anmodning. Upload filen igen uden den."
                current.finishedAt = Date()
                current.updatedAt = Date()
                try current.update(db)
            }
            try? FileManager.default.removeItem(atPath: uploadPath(of: job))
            discarded += 1
        }
        return discarded
    }

    /// Removes jobs whose last change is older than `retention` (their rows, rejected rows and
    /// uploads), and upload files no job knows of that are as old. Running jobs stay. Returns
    /// the number of jobs removed.
    @discardableResult
    public func removeExpired(now: Date = Date()) throws(KampagneError) -> Int {
        let cutoff = now.addingTimeInterval(-Self.retention)
        let removed: [ImportJob] = try store.write { db in
            let old = try ImportJob.filter(Column("updatedAt") < cutoff && Column("state") != ImportJobState.running.rawValue).fetchAll(db)
            for job in old { try job.delete(db) }
            return old
        }
        let fm = FileManager.default
        for job in removed { try? fm.removeItem(atPath: uploadPath(of: job)) }
        let known = try Set(store.read { db in try String.fetchAll(db, ImportJob.select(Column("uploadFile"))) })
        for name in (try? fm.contentsOfDirectory(atPath: folder)) ?? [] where !known.contains(name) {
            let path = (folder as NSString).appendingPathComponent(name)
            if let modified = (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date, modified < cutoff {
                try? fm.removeItem(atPath: path)
            }
        }
        return removed.count
    }

    // MARK: Reading a job

    public func uploadPath(of job: ImportJob) -> String {
        (folder as NSString).appendingPathComponent(job.uploadFile)
    }

    func upload(of job: ImportJob) throws(KampagneError) -> Data {
        guard let data = FileManager.default.contents(atPath: uploadPath(of: job)) else {
            throw .notFound("Den uploadede fil findes ikke længere (importen er kasseret eller for gammel). Upload filen igen.")
        }
        return data
    }

    /// The job's report with every error and warning: the check's, or the import's with the
    /// issues recorded chunk by chunk.
    public func report(of job: ImportJob) throws(KampagneError) -> ImportReport? {
        guard var report = job.report else { return nil }
        guard job.state == .running || job.state == .done || job.state == .cancelled || job.state == .failed,
              job.startedAt != nil else { return report }
        let issues = try store.read { db in
            try ImportJobIssue.filter(Column("importJobId") == job.id).order(Column("id")).fetchAll(db)
        }
        report.errors = issues.filter { $0.kind == "error" }.map(\.issue)
        report.warnings = issues.filter { $0.kind == "warning" }.map(\.issue)
        return report
    }

    /// The rejected rows with their reasons, for Excel (`;`, UTF-8 with BOM); nil when the
    /// import rejected none.
    public func rejectsCSV(of job: ImportJob) throws(KampagneError) -> Data? {
        let issues = try store.read { db in
            try ImportJobIssue.filter(Column("importJobId") == job.id && Column("kind") == "error").order(Column("id")).fetchAll(db)
        }
        guard job.startedAt != nil, !issues.isEmpty else { return nil }
        var csv = CSVWriter(excel: true)
        let headers = job.report?.files.first?.columns.map(\.header) ?? []
        csv.row(["Fil", "Linje", "Fejl"] + headers)
        for issue in issues {
            csv.row([issue.file, issue.line.map(String.init) ?? "", issue.message] + (issue.fields ?? []))
        }
        return csv.data
    }
}

/// A job as `contacts import-jobs --json` writes it: stable keys (docs/cli.md).
public struct ImportJobSummary: Codable, Sendable, Equatable {
    public var id: String
    public var owner: String
    public var file: String
    public var state: ImportJobState
    public var goodOnly: Bool
    public var createdAt: Date
    public var updatedAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    public var recordsDone: Int
    public var recordsTotal: Int
    public var percent: Int
    /// Counts so far (the check's while previewed): contacts new, updated, unchanged; rows rejected.
    public var new: Int
    public var updated: Int
    public var unchanged: Int
    public var rejected: Int
    public var chunks: Int
    public var longestWriteMs: Int
    public var message: String?
    /// The upload is still on disk (removed when discarded or past the retention).
    public var uploadKept: Bool
}

extension ImportQueue {
    public func summary(of job: ImportJob) -> ImportJobSummary {
        let report = job.report
        return ImportJobSummary(id: job.id, owner: job.owner, file: job.fileName, state: job.state, goodOnly: job.goodOnly,
                                createdAt: job.createdAt, updatedAt: job.updatedAt, startedAt: job.startedAt,
                                finishedAt: job.finishedAt, recordsDone: job.recordsDone, recordsTotal: job.recordsTotal,
                                percent: job.percent, new: report?.new ?? 0, updated: report?.updated ?? 0,
                                unchanged: report?.unchanged ?? 0, rejected: report?.rejected ?? 0, chunks: job.chunks,
                                longestWriteMs: job.longestWriteMs, message: job.message,
                                uploadKept: FileManager.default.fileExists(atPath: uploadPath(of: job)))
    }
}
