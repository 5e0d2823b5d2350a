import Foundation
import GRDB
import MailTemplates

/// What an organiser's message to a meeting's participants did.
public struct EventMessageReport: Codable, Sendable, Equatable {
    public var eventId: Int64
    public var queued: Int
}

/// Sign-ups per source for one meeting (or a period in the report).
public struct SourceCount: Codable, Sendable, Equatable {
    /// `SignupSource.key`: `nyhedsbrev-12`, `invitation-34`, `side`, ...
    public var key: String
    /// `SignupSource.group`: `nyhedsbrev`, `invitation`, `venteliste`, `side`, `doer`, `cli`, `andet`.
    public var group: String
    /// In Danish: "Nyhedsbrev nr. 12".
    public var name: String
    /// Sign-ups (not cancelled) that came this way.
    public var count: Int
}

extension Events {
    /// Queues the organiser's message to everyone with a seat (signed up, offered, checked in).
    /// `key` makes a retry harmless: the same key twice queues nothing more.
    public func message(_ id: Int64, text raw: String, key: String = UUID().uuidString) throws(KampagneError) -> EventMessageReport {
        let text = raw.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw .field("text", "Skriv beskeden.") }
        guard text.count <= 5000 else { throw .field("text", "Beskeden er for lang (højst 5.000 tegn).") }
        return try store.write { db in
            let event = try Self.find(id, in: db)
            guard event.status == .planned else { throw KampagneError.conflict("Mødet er aflyst; skriv til deltagerne i aflysningen") }
            var queued = 0
            for registration in try Registration.filter(Registration.Columns.eventId == id
                && RegistrationStatus.seatHoldingValues.contains(Registration.Columns.status)).fetchAll(db) {
                if try mail.queue(.message, to: registration, event: event, key: "\(registration.id ?? 0):\(key)",
                                  message: text, in: db) {
                    queued += 1
                }
            }
            try Self.log(event, "besked sendt", "\(queued) modtagere: \(String(DanishText.singleLine(text).prefix(80)))", in: db)
            return EventMessageReport(eventId: id, queued: queued)
        }
    }

    /// How many a cancellation of `id` tells (everyone with a seat or waiting), and how many
    /// a message reaches (everyone with a seat): for the confirmation pages.
    public func recipients(_ id: Int64) throws(KampagneError) -> (toldOfCancellation: Int, withSeat: Int) {
        try store.read { db in
            _ = try Self.find(id, in: db)
            let told = try Registration.filter(Registration.Columns.eventId == id
                && RegistrationStatus.toldOfChanges.map(\.rawValue).contains(Registration.Columns.status)).fetchCount(db)
            let seats = try Registration.filter(Registration.Columns.eventId == id
                && RegistrationStatus.seatHoldingValues.contains(Registration.Columns.status)).fetchCount(db)
            return (told, seats)
        }
    }

    /// Sign-ups per source (not cancelled), most first, then by key.
    public func sources(_ id: Int64) throws(KampagneError) -> [SourceCount] {
        try store.read { db in
            _ = try Self.find(id, in: db)
            return try Self.sourceCounts(Registration.filter(Registration.Columns.eventId == id), in: db)
        }
    }

    static func sourceCounts(_ request: QueryInterfaceRequest<Registration>, in db: Database) throws -> [SourceCount] {
        sourceCounts(try sourceTally(request, in: db))
    }

    /// A tally as counts per source, most first, then by key.
    static func sourceCounts(_ tally: [SignupSource: Int]) -> [SourceCount] {
        tally.map { SourceCount(key: $0.key.key, group: $0.key.group, name: $0.key.danish, count: $0.value) }
            .sorted { ($0.count, $1.key) > ($1.count, $0.key) }
    }

    /// Sign-ups (not cancelled) per source.
    static func sourceTally(_ request: QueryInterfaceRequest<Registration>, in db: Database) throws -> [SignupSource: Int] {
        var counts: [SignupSource: Int] = [:]
        let rows = try Row.fetchAll(db, request
            .filter(Registration.Columns.status != RegistrationStatus.cancelled.rawValue)
            .select(Column("origin"), Column("source"), count(Column("id")).forKey("n"))
            .group(Column("origin"), Column("source")))
        for row in rows {
            let source = RegistrationSource(rawValue: row["source"] ?? "") ?? .commandLine
            counts[SignupSource.of(origin: row["origin"] ?? "", source: source), default: 0] += row["n"] as Int
        }
        return counts
    }
}
