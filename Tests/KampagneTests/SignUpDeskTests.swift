import Foundation
import GRDB
import Testing
@testable import Kampagne

/// Group commit of sign-ups (`Registrations.register(batch:)`, `SignUpDesk`): each sign-up in a
/// batch stands alone, the seats and the waiting list hold as they do one at a time, and those
/// that arrive while the writer is busy share one transaction.
@Suite struct SignUpDeskTests {
    func person(_ email: String, _ name: String, municipality: String = "", answered: Bool = true) -> SignUp {
        var signUp = SignUp(email: email)
        signUp.setName(name)
        signUp.municipality = municipality
        signUp.source = .web
        if answered { signUp.answers = ["arbejdssted": "Jobcenter Odense"] }
        return signUp
    }

    @Test func aBatchKeepsEachSignUpApartAndTheSeatsInOrder() throws {
        let f = try EventFixture(capacity: "2")
        let batch: [(eventId: Int64, signUp: SignUp)] = [
            (f.id, person("anne@kommune.example", "Anne Holm")),
            (f.id, person("ikke en adresse", "Ingen")),
            (f.id, person("bo@kommune.example", "Bo Lund")),
            (f.id, person("ANNE@kommune.example", "Anne Holm")),
            (f.id, person("carl@kommune.example", "Carl Berg")),
            (f.id, person("dorte@kommune.example", "Dorte Ø", municipality: "Atlantis")),
            (999_999, person("finn@kommune.example", "Finn Ask")),
            (f.id, person("gitte@kommune.example", "Gitte Ry", answered: false)),
            (f.id, person("eva@kommune.example", "Eva Krog")),
        ]
        let results = f.registrations.register(batch: batch)
        #expect(results.count == batch.count)
        func outcome(_ index: Int) -> SignUpResult? { try? results[index].get() }
        #expect(outcome(0)?.status == .registered)
        #expect(outcome(0)?.alreadySignedUp == false)
        #expect(outcome(2)?.status == .registered)
        #expect(outcome(3)?.alreadySignedUp == true)
        #expect(outcome(3)?.registrationId == outcome(0)?.registrationId)
        #expect(outcome(4)?.status == .waitlisted)
        #expect(outcome(4)?.position == 1)
        #expect(outcome(8)?.status == .waitlisted)
        #expect(outcome(8)?.position == 2)
        for failed in [1, 5, 6, 7] { #expect(outcome(failed) == nil, "sign-up \(failed) should be refused") }
        if case .failure(let error) = results[5] { #expect(error.message.contains("Atlantis")) }
        if case .failure(let error) = results[6] { #expect(error.message.contains("findes ikke") || error.message.contains("999999")) }

        // What was committed is what the results say, and the refused ones left nothing behind.
        let participants = try f.registrations.participants(f.id)
        #expect(Set(participants.map(\.email)) == ["anne@kommune.example", "bo@kommune.example", "carl@kommune.example", "eva@kommune.example"])
        #expect(participants.first { $0.email == "eva@kommune.example" }?.position == 2)
        let strangers = try f.box.store.read { db in
            try Contact.filter(["dorte@kommune.example", "finn@kommune.example", "gitte@kommune.example"].contains(Column("email"))).fetchCount(db)
        }
        #expect(strangers == 0)
        #expect(try f.notices(to: "anne@kommune.example") == [.confirmation])
        #expect(try f.notices(to: "carl@kommune.example") == [.waitlisted])
    }

    @Test func concurrentSignUpsThroughTheDeskFillTheSeatsOnce() async throws {
        let f = try EventFixture(capacity: "5")
        let desk = SignUpDesk(registrations: f.registrations)
        let eventId = f.id
        let people = (1...40).map { person("person\($0)@kommune.example", "Person Nummer\($0)") }
        let results = await withTaskGroup(of: SignUpResult?.self) { group in
            for signUp in people { group.addTask { try? await desk.register(eventId, signUp) } }
            var all: [SignUpResult?] = []
            for await result in group { all.append(result) }
            return all
        }
        let done = results.compactMap { $0 }
        #expect(done.count == 40)
        #expect(done.filter { $0.status == .registered }.count == 5)
        let positions = done.compactMap(\.position).sorted()
        #expect(positions == Array(1...35))
        // Each answer's place is the place the list shows.
        let listed = try f.registrations.participants(eventId)
        for result in done where result.status == .waitlisted {
            #expect(listed.first { $0.registrationId == result.registrationId }?.position == result.position)
        }
        #expect(desk.counts.batches <= 40)
        #expect(desk.counts.waiting == 0)
    }

    @Test func signUpsArrivingWhileTheWriterIsBusyShareOneTransaction() async throws {
        let f = try EventFixture(capacity: "50")
        let desk = SignUpDesk(registrations: f.registrations)
        // Another connection holds the write lock, as a send or an import in another process does.
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        let holder = try DatabaseQueue(path: f.box.store.path, configuration: configuration)
        try holder.inDatabase { try $0.execute(sql: "BEGIN IMMEDIATE") }
        let eventId = f.id
        let people = (1...20).map { person("kollega\($0)@kommune.example", "Kollega Nummer\($0)") }
        func waitFor(_ condition: () -> Bool) async throws {
            let deadline = Date().addingTimeInterval(20)
            while !condition(), Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
        }
        // The first sign-up is taken into a batch, which waits for the lock ...
        let first = people[0]
        async let firstResult = try? desk.register(eventId, first)
        try await waitFor { desk.counts == (0, 1) }
        // ... and everyone who comes meanwhile waits for the next batch.
        let rest = Array(people.dropFirst())
        async let results = withTaskGroup(of: SignUpResult?.self) { group in
            for signUp in rest { group.addTask { try? await desk.register(eventId, signUp) } }
            var all: [SignUpResult?] = []
            for await result in group { all.append(result) }
            return all
        }
        try await waitFor { desk.counts.waiting == 19 }
        #expect(desk.counts == (19, 1))
        try holder.inDatabase { try $0.execute(sql: "COMMIT") }
        let done = await ([firstResult] + results).compactMap { $0 }
        #expect(done.count == 20)
        #expect(done.allSatisfy { $0.status == .registered && !$0.alreadySignedUp })
        #expect(desk.counts.batches == 2)
        #expect(try f.registrations.participants(eventId).count == 20)
    }
}
