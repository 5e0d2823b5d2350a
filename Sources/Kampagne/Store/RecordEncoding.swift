import Foundation
import GRDB

// The rows a sign-up writes, encoded by hand. GRDB's `Encodable` path (`RecordEncoder`, a
// keyed container per record, dynamic casts per property) was 7-8 % of a sign-up's CPU
// (perf, bench/RESULTS.md, session 10). Each writes exactly what the synthesized encoding
// writes: the same columns, GRDB's own date format, the same JSON (`RecordEncodingTests`).

extension Registration {
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["eventId"] = eventId
        container["contactId"] = contactId
        container["status"] = status.rawValue
        container["walkIn"] = walkIn
        container["source"] = source.rawValue
        container["organisation"] = organisation
        container["municipality"] = municipality
        container["answers"] = try RecordJSON.text(answers, of: Self.self, column: "answers")
        container["queuedAt"] = queuedAt
        container["offerExpiresAt"] = offerExpiresAt
        container["attendedAt"] = attendedAt
        container["cancelReason"] = cancelReason
        container["revision"] = revision
        container["createdAt"] = createdAt
        container["updatedAt"] = updatedAt
        container["origin"] = origin
    }
}

extension OutboxRow {
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["campaignId"] = campaignId
        container["contactId"] = contactId
        container["email"] = email
        container["emailKey"] = emailKey
        container["recipient"] = try RecordJSON.text(recipient, of: Self.self, column: "recipient")
        container["state"] = state.rawValue
        container["attempts"] = attempts
        container["lastReply"] = lastReply
        container["lastAttemptAt"] = lastAttemptAt
        container["nextAttemptAt"] = nextAttemptAt
        container["sentAt"] = sentAt
        container["messageID"] = messageID
        container["createdAt"] = createdAt
        container["noticeKey"] = noticeKey
        container["notice"] = try notice.map { try RecordJSON.text($0, of: Self.self, column: "notice") }
    }
}

extension DataSource {
    public func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        container["description"] = description
        container["file"] = file
        container["recordedAt"] = recordedAt
        container["consentWording"] = consentWording
        container["consentBy"] = consentBy
        container["consentToldAt"] = consentToldAt
        container["consentEvidence"] = consentEvidence
    }
}

extension ContactSource {
    public func encode(to container: inout PersistenceContainer) {
        container["contactId"] = contactId
        container["dataSourceId"] = dataSourceId
        container["line"] = line
    }
}

/// A property stored as JSON text, as GRDB's `Encodable` path stores it: the record type's
/// `databaseJSONEncoder(for:)`, sorted keys (an empty dictionary is `{}`).
enum RecordJSON {
    static func text<Value: Encodable, Record: EncodableRecord>(_ value: Value, of record: Record.Type, column: String) throws -> String {
        String(decoding: try Record.databaseJSONEncoder(for: column).encode(value), as: UTF8.self)
    }
}
