import Foundation
import Kampagne

/// This server's hands for the upload imports: the jobs themselves are stored by the library
/// (`ImportQueue`: the job in the database, the upload in `imports/`), and this actor runs
/// their checks and imports, each on a thread of its own (not the event loops, not NIO's
/// small blocking pool), remembering which ones run here. At the server's start, and when a
/// job's page is opened, a job left running by a process that is gone (killed, restarted) is
/// taken over and resumes after its last committed chunk. One instance per server, made by
/// `addAdminRoutes`.
actor ImportJobs {
    let queue: ImportQueue
    /// This process, as the jobs' runner.
    let runner = ImportQueue.Runner()
    private var active: Set<String> = []

    init(store: Store) { queue = ImportQueue(store: store) }

    /// A new job for `data`, checked at once (a dry run with a preview).
    func start(owner: String, fileName: String, data: Data, choices: ImportChoices) throws(KampagneError) -> String {
        let job = try queue.create(owner: owner, fileName: fileName, data: data, choices: choices)
        check(job.id)
        return job.id
    }

    /// Checks the file again with a changed mapping.
    func remap(_ id: String, columns: [String: String]) throws(KampagneError) {
        guard !active.contains(id) else { return }
        try queue.remap(id, columns: columns)
        check(id)
    }

    /// Imports for real: every row (refused when any row is wrong), or the good rows with the
    /// rejected ones kept for the CSV.
    func apply(_ id: String, goodOnly: Bool) throws(KampagneError) {
        guard !active.contains(id) else { return }
        try queue.start(id, goodOnly: goodOnly, runner: runner)
        launch(id) { queue, runner in _ = try queue.run(id, runner: runner) }
    }

    /// Takes over the jobs a gone process left (at the server's start).
    func resumeInterrupted() {
        guard let jobs = try? queue.interrupted(for: runner) else { return }
        for job in jobs { resume(job) }
    }

    /// A job's page was opened: one left by a gone process is taken over.
    func ensureRunning(_ job: ImportJob) {
        guard !active.contains(job.id), (job.state == .running || job.state == .checking),
              (try? queue.interrupted(for: runner))?.contains(where: { $0.id == job.id }) == true else { return }
        resume(job)
    }

    func isActive(_ id: String) -> Bool { active.contains(id) }

    private func resume(_ job: ImportJob) {
        if job.state == .checking {
            check(job.id)
        } else {
            launch(job.id) { queue, runner in _ = try queue.run(job.id, runner: runner) }
        }
    }

    private func check(_ id: String) {
        launch(id) { queue, _ in _ = try queue.check(id) }
    }

    private func finished(_ id: String) { active.remove(id) }

    /// Runs `body` on a thread of its own: a 100,000-row file takes seconds and must not hold
    /// a thread the other requests need.
    private func launch(_ id: String, _ body: @escaping @Sendable (ImportQueue, ImportQueue.Runner) throws -> Void) {
        guard active.insert(id).inserted else { return }
        let (queue, runner) = (self.queue, self.runner)
        Thread.detachNewThread {
            // The job records its own failure (state `failed` with the message).
            try? body(queue, runner)
            Task { await self.finished(id) }
        }
    }
}
