import Foundation
import GRDB

// The rows an import, a sign-up and a send write, encoded by hand. GRDB's `Encodable` path
// (`RecordEncoder`, a keyed container per record, dynamic casts per property) was 7-8 % of a
// sign-up's CPU, and its dates go through a DateFormatter, whose ICU data is 3.6 MB of a send
// command's memory (bench/RESULTS.md, session 10). Each writes exactly what the synthesized
// encoding writes: the same columns, the same date text (`StoredDate`), the same JSON
// (`RecordEncodingTests`).

extension Contact {
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["email"] = email
        container["emailKey"] = emailKey
        container["firstName"] = firstName
        container["lastName"] = lastName
        container["organisation"] = organisation
        container["title"] = title
        container["municipality"] = municipality
        container["phone"] = phone
        container["attributes"] = try Contact.attributesJSON(attributes)
        container["createdAt"] = StoredDate.value(createdAt)
        container["updatedAt"] = StoredDate.value(updatedAt)
    }

    static func attributesJSON(_ attributes: [String: String]) throws -> String {
        attributes.isEmpty ? "{}" : try RecordJSON.text(attributes, of: Contact.self, column: "attributes")
    }
}

extension ContactRole {
    public func encode(to container: inout PersistenceContainer) {
        container["contactId"] = contactId
        container["role"] = role
        container["roleKey"] = roleKey
    }
}

extension ListMembership {
    public func encode(to container: inout PersistenceContainer) {
        container["mailingListId"] = mailingListId
        container["contactId"] = contactId
        container["consentBasis"] = consentBasis.rawValue
        container["consentAt"] = StoredDate.value(consentAt)
        container["source"] = source
    }
}

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
        container["queuedAt"] = StoredDate.value(queuedAt)
        container["offerExpiresAt"] = offerExpiresAt.map(StoredDate.value)
        container["attendedAt"] = attendedAt.map(StoredDate.value)
        container["cancelReason"] = cancelReason
        container["revision"] = revision
        container["createdAt"] = StoredDate.value(createdAt)
        container["updatedAt"] = StoredDate.value(updatedAt)
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
        container["lastAttemptAt"] = lastAttemptAt.map(StoredDate.value)
        container["nextAttemptAt"] = StoredDate.value(nextAttemptAt)
        container["sentAt"] = sentAt.map(StoredDate.value)
        container["messageID"] = messageID
        container["createdAt"] = StoredDate.value(createdAt)
        container["noticeKey"] = noticeKey
        container["notice"] = try notice.map { try RecordJSON.text($0, of: Self.self, column: "notice") }
    }
}

extension Campaign {
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["kind"] = kind.rawValue
        container["editionId"] = editionId
        container["eventId"] = eventId
        container["name"] = name
        container["audience"] = try RecordJSON.text(audience, of: Self.self, column: "audience")
        container["suppressed"] = suppressed
        container["duplicates"] = duplicates
        container["createdAt"] = StoredDate.value(createdAt)
        container["pausedAt"] = pausedAt.map(StoredDate.value)
        container["scheduledAt"] = scheduledAt.map(StoredDate.value)
        container["cancelledAt"] = cancelledAt.map(StoredDate.value)
        container["cancelledBy"] = cancelledBy
    }
}

extension AuditEntry {
    public func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        container["at"] = StoredDate.value(at)
        container["actor"] = actor
        container["action"] = action
        container["object"] = object
        container["summary"] = summary
        container["client"] = client
    }
}

extension DataSource {
    public func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        container["description"] = description
        container["file"] = file
        container["recordedAt"] = StoredDate.value(recordedAt)
        container["consentWording"] = consentWording
        container["consentBy"] = consentBy
        container["consentToldAt"] = consentToldAt.map(StoredDate.value)
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
