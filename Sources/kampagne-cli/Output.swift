import Foundation
import Kampagne

/// Printing for people (aligned tables) and for scripts (JSON with stable keys).
enum Output {
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    /// An error as the command line says it: a field error names its option (`--date: …`),
    /// the options that settle a choice (`brug --list, --segment eller --role`) and, when the
    /// value can be confirmed, how (`--force`). The library's messages name no options.
    static func described(_ error: KampagneError) -> String {
        if case .notFound(let message, let kind?) = error { return message + " (se `kampagne \(listing(kind))`)" }
        guard case .fields(let errors) = error else { return error.message }
        return errors.map { field in
            var text = option(for: field.field).map { "\($0): \(field.message)" } ?? field.message
            let choices = field.choices.compactMap(option(for:))
            if !choices.isEmpty {
                let named = choices.count == 1 ? choices[0] : choices.dropLast().joined(separator: ", ") + " eller " + (choices.last ?? "")
                text += " (brug \(named))"
            }
            if field.confirmable, let confirm = option(for: field.confirmation) {
                text += " (" + (confirmations[field.confirmation] ?? "brug \(confirm) for at bekræfte") + ")"
            }
            return text
        }.joined(separator: "\n")
    }

    /// The one mapping from the library's field names to this command line's options. A field
    /// not named here is the option of the same name; `nil` is a field with no option (the
    /// request as a whole, a choice named by its options).
    static let options: [String: String?] = [
        FieldError.request: nil, "audience": nil, "segment-filter": nil, "database": "--db",
    ]

    /// The command that lists each kind of record, named when an id is not found.
    static func listing(_ kind: RecordKind) -> String {
        switch kind {
        case .meeting: return "events list"
        case .edition: return "newsletter list"
        case .campaign: return "outbox status"
        case .activity: return "activity list"
        case .story: return "stories list"
        }
    }

    /// How a confirmation is asked for, by its field.
    static let confirmations = [
        "force": "brug --force, hvis det er rigtigt",
        "again": "brug --again, hvis den skal tælles en gang til",
    ]

    static func option(for field: String) -> String? {
        // A meeting's question (`q-kost`) is answered with `--answer kost=…`.
        if field.hasPrefix("q-") { return "--answer " + field.dropFirst(2) }
        if let mapped = options[field] { return mapped }
        // A form's key in camel case (`firstName`) is the option in kebab case (`--first-name`).
        return "--" + field.map { $0.isUppercase ? "-" + $0.lowercased() : String($0) }.joined()
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("fejl: \(message)\n".utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }

    static func write(_ data: Data, to path: String?) throws {
        guard let path else {
            FileHandle.standardOutput.write(data)
            return
        }
        let folder = (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        if !folder.isEmpty, !(FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue) {
            throw KampagneError.io("Kan ikke skrive \(path): mappen \(folder) findes ikke")
        }
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw KampagneError.io("Kan ikke skrive \(path): \(error.localizedDescription)")
        }
    }

    /// Runs `body` with a buffered writer to standard output or, with `path`, to a temporary
    /// file beside it that replaces `path` only when `body` succeeded (as `write` does).
    static func stream<T>(to path: String?, _ body: (ByteOutput) throws -> T) throws -> T {
        guard let path else { return try body(ByteOutput(descriptor: STDOUT_FILENO, name: "skærmen")) }
        let folder = (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        if !folder.isEmpty, !(FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue) {
            throw KampagneError.io("Kan ikke skrive \(path): mappen \(folder) findes ikke")
        }
        let temporary = path + ".\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw KampagneError.io("Kan ikke skrive \(path): \(String(cString: strerror(errno)))")
        }
        do {
            let result = try body(ByteOutput(descriptor: descriptor, name: path))
            guard close(descriptor) == 0, rename(temporary, path) == 0 else {
                throw KampagneError.io("Kan ikke skrive \(path): \(String(cString: strerror(errno)))")
            }
            return result
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
    }

    static func table(_ headers: [String], _ rows: [[String]]) {
        TextTable.lines(headers, rows).forEach { print($0) }
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
    static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }
}
