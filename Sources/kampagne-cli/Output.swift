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

    /// An error as the command line says it: a field error names its option (`--date: …`) and,
    /// when the value can be confirmed, how (`--force`). The library's messages name no options.
    static func described(_ error: KampagneError) -> String {
        guard case .fields(let errors) = error else { return error.message }
        return errors.map { field in
            // A meeting's question (`q-kost`) is answered with `--answer kost=…`.
            let option = field.field.hasPrefix("q-") ? "--answer " + field.field.dropFirst(2) : "--" + field.field
            return "\(option): \(field.message)" + (field.confirmable ? " (brug --force, hvis det er rigtigt)" : "")
        }.joined(separator: "\n")
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

    static func table(_ headers: [String], _ rows: [[String]]) {
        TextTable.lines(headers, rows).forEach { print($0) }
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
    static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }
}
