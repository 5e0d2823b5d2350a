import Dispatch
import Synchronization

/// The web form's way in to `Registrations`: sign-ups that arrive while another batch is being
/// written wait, and are then written together in one transaction (group commit), so that a
/// burst costs one commit and one trip to the writer instead of one each. Each person's answer
/// is given only after the commit that holds their sign-up.
public final class SignUpDesk: Sendable {
    private struct Waiting: Sendable {
        let eventId: Int64
        let signUp: SignUp
        let answer: CheckedContinuation<SignUpResult, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        /// A batch is being written; new arrivals wait for the next one.
        var writing = false
        /// Write transactions made so far (the tests' view of the grouping).
        var batches = 0
    }

    private let registrations: Registrations
    private let state = Mutex(State())
    private let writer = DispatchQueue(label: "kampagne.signup-desk")
    /// The most sign-ups one transaction takes; the rest wait for the next.
    let batchLimit: Int

    public init(registrations: Registrations, batchLimit: Int = 32) {
        self.registrations = registrations
        self.batchLimit = max(1, batchLimit)
    }

    /// Signs `signUp` up for `eventId`, together with whoever else is waiting.
    public func register(_ eventId: Int64, _ signUp: SignUp) async throws(KampagneError) -> SignUpResult {
        do {
            return try await withCheckedThrowingContinuation { answer in
                let start = state.withLock { state in
                    state.waiting.append(Waiting(eventId: eventId, signUp: signUp, answer: answer))
                    guard !state.writing else { return false }
                    state.writing = true
                    return true
                }
                if start { writer.async { self.writeWaiting() } }
            }
        } catch {
            throw KampagneError.wrap(error)
        }
    }

    /// Sign-ups waiting for a transaction, and transactions written: for the tests.
    var counts: (waiting: Int, batches: Int) {
        state.withLock { ($0.waiting.count, $0.batches) }
    }

    /// Writes batches until nobody waits.
    private func writeWaiting() {
        while true {
            let batch = state.withLock { state -> [Waiting] in
                guard !state.waiting.isEmpty else {
                    state.writing = false
                    return []
                }
                let taken = Array(state.waiting.prefix(batchLimit))
                state.waiting.removeFirst(taken.count)
                state.batches += 1
                return taken
            }
            guard !batch.isEmpty else { return }
            let results = registrations.register(batch: batch.map { ($0.eventId, $0.signUp) })
            for (waiting, result) in zip(batch, results) {
                waiting.answer.resume(with: result.mapError { $0 as any Error })
            }
        }
    }
}
