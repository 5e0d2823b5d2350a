import Foundation
import GRDB
import Testing
@testable import Kampagne

/// The hand-written row decoding of the queueing hot path agrees with Codable.
@Suite struct RecordDecodingTests {
    @Test func contactsDecodedByHandEqualWhatWasStored() throws {
        let box = try Sandbox()
        let now = Date(timeIntervalSince1970: 1_700_000_000.25)
        var contacts = [
            Contact(id: nil, email: "a@x.example", emailKey: "a@x.example", firstName: "Åse", lastName: "Ærbøl",
                    organisation: "Jobcenter \"Øst\"", title: "Chef", municipality: "Odense", phone: "12345678",
                    attributes: ["Afdeling": "Syd", "Note": "linje 1\nlinje 2"], createdAt: now, updatedAt: now),
            Contact(id: nil, email: "b@x.example", emailKey: "b@x.example", firstName: "", lastName: "", organisation: "",
                    title: "", municipality: nil, phone: "", attributes: [:], createdAt: now, updatedAt: now),
        ]
        try box.store.write { db in
            for index in contacts.indices { try contacts[index].insert(db) }
        }
        let fetched = try box.store.read { try Contact.order(Column("id")).fetchAll($0) }
        #expect(fetched == contacts)
    }
}
