import Foundation
import Kampagne

/// Uploaded contact files being checked or imported, each in a job of its own: the library's
/// importer runs on a thread of its own (not the event loops, not NIO's small blocking pool),
/// and the page polls the job. Jobs live in memory for a day; the uploaded bytes and the
/// rejected rows' file are the job's own. One instance per server, made by `addAdminRoutes`.
actor ImportJobs {
    enum State: Sendable {
        case checking
        case previewed(ImportReport)
        case applying
        case done(ImportReport)
        case failed(String)
    }

    /// What the uploader chose: lists, roles, source, legal basis and consent evidence,
    /// forced encoding and delimiter, and the column mapping (header to field key).
    struct Choices: Sendable {
        var lists: [String] = []
        var roles: [String] = []
        var source = ""
        var consent = ConsentBasis.legitimateInterest
        var evidence: ConsentEvidence?
        var encoding: TextEncodingChoice?
        var delimiter: Character?
        var columns: [String: String] = [:]

        func options(dryRun: Bool) -> ImportOptions {
            var options = ImportOptions()
            options.lists = lists
            options.roles = roles
            options.source = source.isEmpty ? nil : source
            options.consent = consent
            options.consentEvidence = evidence
            options.encoding = encoding
            options.delimiter = delimiter
            options.columns = columns
            options.dryRun = dryRun
            options.sampleSize = dryRun ? 10 : 0
            return options
        }
    }

    struct Job: Sendable {
        let id: String
        let owner: String
        let fileName: String
        let data: Data
        let folder: URL
        var choices: Choices
        var state: State = .checking
        var share = 0.0
        var rows = 0
        let createdAt = Date()

        var rejectsPath: String { folder.appendingPathComponent("afviste.csv").path }
        var hasRejects: Bool { FileManager.default.fileExists(atPath: rejectsPath) }
    }

    private var jobs: [String: Job] = [:]
    private let store: Store

    init(store: Store) { self.store = store }

    func job(_ id: String) -> Job? { jobs[id] }

    /// A new job for `data`, checked at once (a dry run with a preview).
    func start(owner: String, fileName: String, data: Data, choices: Choices) throws -> String {
        forgetOld()
        let id = UUID().uuidString.lowercased()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kampagne-import-" + id)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        jobs[id] = Job(id: id, owner: owner, fileName: fileName, data: data, folder: folder, choices: choices)
        run(id, dryRun: true)
        return id
    }

    /// Checks the file again with a changed mapping.
    func remap(_ id: String, columns: [String: String]) {
        guard var job = jobs[id], !isBusy(job) else { return }
        job.choices.columns = columns
        jobs[id] = job
        run(id, dryRun: true)
    }

    /// Imports for real: every row (`goodOnly` false: refused when any row is wrong), or the
    /// good rows with the rejected ones written to the job's file.
    func apply(_ id: String, goodOnly: Bool) {
        guard let job = jobs[id], case .previewed = job.state else { return }
        run(id, dryRun: false, goodOnly: goodOnly)
    }

    func progress(_ id: String, _ share: Double, _ rows: Int) {
        jobs[id]?.share = share
        jobs[id]?.rows = rows
    }

    func finish(_ id: String, _ state: State) { jobs[id]?.state = state }

    private func isBusy(_ job: Job) -> Bool {
        switch job.state {
        case .checking, .applying: return true
        default: return false
        }
    }

    private func run(_ id: String, dryRun: Bool, goodOnly: Bool = false) {
        guard var job = jobs[id] else { return }
        job.state = dryRun ? .checking : .applying
        job.share = 0
        job.rows = 0
        jobs[id] = job
        var options = job.choices.options(dryRun: dryRun)
        if goodOnly { options.rejectsPath = job.rejectsPath }
        options.progress = { share, rows in
            Task { await self.progress(id, share, rows) }
        }
        let (importer, input) = (ContactImporter(store: store), ImportInput(name: job.fileName, data: job.data))
        let finished: @Sendable (State) -> Void = { state in
            Task { await self.finish(id, state) }
        }
        // A thread of its own: a 100,000-row file takes seconds and must not hold a thread
        // the other requests need.
        Thread.detachNewThread { [options] in
            do {
                let report = try importer.run([input], options: options)
                finished(dryRun ? .previewed(report) : .done(report))
            } catch KampagneError.importRejected(let report) {
                finished(.previewed(report))
            } catch {
                finished(.failed(KampagneError.wrap(error).message))
            }
        }
    }

    private func forgetOld() {
        let old = Date().addingTimeInterval(-86_400)
        for (id, job) in jobs where job.createdAt < old && !isBusy(job) {
            try? FileManager.default.removeItem(at: job.folder)
            jobs[id] = nil
        }
    }
}
