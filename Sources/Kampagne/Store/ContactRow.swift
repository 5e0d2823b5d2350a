import Foundation
import GRDB

extension Contact {
    /// Decoded by hand: queueing a campaign reads every contact on its lists, and Codable
    /// decoding was a quarter of the time to queue 100,000 (the 3 s target of issue #3).
    /// A missing or NULL column throws, as Codable decoding would.
    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        email = try row.decode(forColumn: "email")
        emailKey = try row.decode(forColumn: "emailKey")
        firstName = try row.decode(forColumn: "firstName")
        lastName = try row.decode(forColumn: "lastName")
        organisation = try row.decode(forColumn: "organisation")
        title = try row.decode(forColumn: "title")
        municipality = try row.decode(forColumn: "municipality")
        phone = try row.decode(forColumn: "phone")
        let json: String = try row.decode(forColumn: "attributes")
        attributes = json == "{}" ? [:]
            : try Contact.databaseJSONDecoder(for: "attributes").decode([String: String].self, from: Data(json.utf8))
        createdAt = try row.decode(forColumn: "createdAt")
        updatedAt = try row.decode(forColumn: "updatedAt")
    }
}
