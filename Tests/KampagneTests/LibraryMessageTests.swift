import Foundation
import Testing

@testable import Kampagne

/// The library's messages name no command of the command line: the web shows them beside its
/// own buttons. A record named by an id that does not exist is a typed `notFound` with its
/// kind, so the command line can add the command that lists them.
@Suite struct LibraryMessageTests {
    @Test func aMissingRecordIsTypedAndNamesNoCommand() throws {
        let sandbox = try Sandbox()
        let store = sandbox.store
        let attempts: [(RecordKind, () throws -> Void)] = [
            (.meeting, { _ = try Events(store: store, settings: EventSettings()).show(9999) }),
            (.edition, { _ = try Editions(store: store).draft(9999) }),
            (.campaign, { try Outbox(store: store).pause(campaign: 9999) }),
            (.campaign, { _ = try Outbox(store: store).status(campaign: 9999) }),
            (.activity, { _ = try ActivityLog(store: store).remove(9999) }),
            (.story, { _ = try Stories(store: store).show(9999) }),
        ]
        for (kind, attempt) in attempts {
            do {
                try attempt()
                Issue.record("\(kind): no error")
            } catch {
                let error = KampagneError.wrap(error)
                #expect(error == .notFound("\(kind.danish) 9999 findes ikke", kind: kind), "\(kind): \(error)")
                #expect(!error.message.contains("kampagne"), "\(kind): \(error.message)")
            }
        }
    }

    @Test func otherMessagesNameNoCommand() throws {
        let sandbox = try Sandbox()
        #expect(throws: KampagneError.invalidInput("Skriv en arbejdstitel.")) { try Stories(store: sandbox.store).create(headline: " ") }
        #expect(!Workspace.missingDatabase("/tmp/x.sqlite").contains("kampagne init"))
        let summary = DispatchSummary(recoveredInFlight: 0, sent: 1, deferred: 0, failed: 0, hardBounces: 0, remaining: 4,
                                      stoppedBecause: nil, seconds: 1.5, connections: 1, connectionsClosed: 0)
        #expect(summary.danishSummary(via: "smtp").contains("4 venter stadig") && !summary.danishSummary(via: "smtp").contains("kampagne"))
    }
}
