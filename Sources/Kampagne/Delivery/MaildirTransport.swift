import Foundation

/// The embedded default: every message becomes a file in a Maildir (`new/`), written to
/// `tmp/` first and renamed, so a reader never sees half a message.
public struct MaildirTransport: MailTransport {
    public let path: String

    public init(path: String) { self.path = path }

    public var description: String { "Maildir \(path)" }

    /// Writing a file has nothing to overlap: one writer serves every connection in turn.
    public func open(connections: Int) throws(KampagneError) -> any MailSession {
        for folder in ["tmp", "new", "cur"] {
            let full = (path as NSString).appendingPathComponent(folder)
            do {
                try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
            } catch {
                throw .io("Kan ikke oprette Maildir-mappen \(full): \(error.localizedDescription)")
            }
        }
        let writer = MaildirWriter(path: path)
        return BlockingSession { message, _, _ in writer.write(message) }
    }
}

/// Writes messages as uniquely named files, the Maildir way.
final class MaildirWriter {
    let path: String
    private var counter = 0
    private let host = ProcessInfo.processInfo.hostName.replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: ":", with: "_")

    init(path: String) { self.path = path }

    func write(_ message: Data) -> DeliveryOutcome {
        counter += 1
        let now = Date().timeIntervalSince1970
        let unique = "\(Int(now)).M\(Int((now - now.rounded(.down)) * 1_000_000))P\(getpid())Q\(counter)T\(pthread_self()).\(host)"
        let temporary = (path as NSString).appendingPathComponent("tmp/\(unique)")
        let final = (path as NSString).appendingPathComponent("new/\(unique),S=\(message.count)")
        guard FileManager.default.createFile(atPath: temporary, contents: message) else {
            return .unreachable(reason: "kan ikke skrive \(temporary)")
        }
        guard rename(temporary, final) == 0 else {
            return .unreachable(reason: "kan ikke flytte \(temporary) til new/")
        }
        return .accepted(reply: "maildir new/\((final as NSString).lastPathComponent)")
    }
}
