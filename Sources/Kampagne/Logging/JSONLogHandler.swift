import Foundation
import Logging

/// swift-log output as JSON lines on stderr, one object per event, for journald and log
/// shippers: `{"ts":"…","level":"info","label":"kampagne.backup","message":"…", "metadata":{…}}`.
/// Chosen with `KAMPAGNE_LOG_FORMAT=json`.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String

    public init(label: String, level: Logger.Level) {
        self.label = label
        logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let extra = event.metadata { fields.merge(extra) { $1 } }
        let line = Self.line(time: Date(), level: event.level, label: label, message: "\(event.message)", metadata: fields,
                             source: event.source)
        FileHandle.standardError.write(line)
    }

    /// One JSON object and a newline.
    static func line(time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata,
                     source: String) -> Data {
        struct Entry: Encodable {
            var ts: String
            var level: String
            var label: String
            var message: String
            var source: String
            var metadata: [String: String]?
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions.insert(.withFractionalSeconds)
        let entry = Entry(ts: formatter.string(from: time), level: level.rawValue, label: label, message: message, source: source,
                          metadata: metadata.isEmpty ? nil : metadata.mapValues(\.description))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(entry)) ?? Data("{\"message\":\"log entry could not be encoded\"}".utf8)
        return data + Data("\n".utf8)
    }
}
