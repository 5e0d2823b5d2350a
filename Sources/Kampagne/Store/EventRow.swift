import Foundation
import GRDB

extension Event {
    /// Decoded by hand: every sign-up reads its meeting twice (the form's target and the
    /// write), and GRDB's `Decodable` path was 4 % of a sign-up's CPU each time (perf,
    /// bench/RESULTS.md, session 10). A missing or NULL column, or an unknown kind or status,
    /// throws, as `Decodable` would (`RecordEncodingTests`).
    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        publicId = try row.decode(forColumn: "publicId")
        kind = try Self.value(EventKind.self, row, "kind")
        title = try row.decode(forColumn: "title")
        description = try row.decode(forColumn: "description")
        startsAt = try row.decode(forColumn: "startsAt")
        endsAt = try row.decode(forColumn: "endsAt")
        venue = try row.decode(forColumn: "venue")
        address = try row.decode(forColumn: "address")
        organiserName = try row.decode(forColumn: "organiserName")
        organiserEmail = try row.decode(forColumn: "organiserEmail")
        capacity = try row.decode(forColumn: "capacity")
        minimum = try row.decode(forColumn: "minimum")
        decisionDate = try row.decode(forColumn: "decisionDate")
        signupDeadline = try row.decode(forColumn: "signupDeadline")
        let audienceJSON: String = try row.decode(forColumn: "audience")
        audience = try Event.databaseJSONDecoder(for: "audience").decode(EventAudience.self, from: Data(audienceJSON.utf8))
        let questionsJSON: String = try row.decode(forColumn: "questions")
        questions = questionsJSON == "[]" ? []
            : try Event.databaseJSONDecoder(for: "questions").decode([EventQuestion].self, from: Data(questionsJSON.utf8))
        series = try row.decode(forColumn: "series")
        status = try Self.value(EventStatus.self, row, "status")
        cancelReason = try row.decode(forColumn: "cancelReason")
        sequence = try row.decode(forColumn: "sequence")
        reminderQueuedAt = try row.decode(forColumn: "reminderQueuedAt")
        file = try row.decode(forColumn: "file")
        createdAt = try row.decode(forColumn: "createdAt")
        updatedAt = try row.decode(forColumn: "updatedAt")
        partner = row.hasColumn("partner") ? try row.decode(forColumn: "partner") : nil
    }

    private static func value<Value: RawRepresentable<String>>(_ type: Value.Type, _ row: Row, _ column: String) throws -> Value {
        let text: String = try row.decode(forColumn: column)
        guard let value = Value(rawValue: text) else {
            throw KampagneError.database("Ukendt værdi '\(text)' i mødets kolonne \(column)")
        }
        return value
    }
}
