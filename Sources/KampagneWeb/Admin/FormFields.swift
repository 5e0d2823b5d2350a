import Foundation
import Hummingbird

/// A URL-encoded form read as name → value, for forms whose fields are numbered rows
/// (`person-1-name`, `quote-2-text`) that no fixed struct describes. A name given twice keeps
/// its last value; `all` keeps every value (tick boxes with one name).
struct FormFields: Sendable {
    private(set) var values: [String: String] = [:]
    private(set) var all: [String: [String]] = [:]

    init(_ body: String) {
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let rawName = parts.first else { continue }
            let name = Self.decode(rawName)
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            values[name] = value
            all[name, default: []].append(value)
        }
    }

    private static func decode(_ text: Substring) -> String {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
    }

    subscript(_ name: String) -> String { values[name] ?? "" }
    func has(_ name: String) -> Bool { values[name] != nil }
}

/// A `multipart/form-data` body (RFC 7578): its text fields and files. Only what a browser's
/// form sends: one level, `Content-Disposition: form-data; name="…"; filename="…"`.
struct MultipartForm: Sendable {
    struct File: Sendable {
        var filename: String
        var contentType: String
        var data: Data
    }

    private(set) var fields: [String: String] = [:]
    private(set) var files: [String: File] = [:]

    /// Nil when the body is not multipart with the boundary `contentType` names.
    init?(_ body: Data, contentType: String) {
        guard contentType.lowercased().hasPrefix("multipart/form-data"),
              let range = contentType.range(of: "boundary=", options: .caseInsensitive) else { return nil }
        var boundary = String(contentType[range.upperBound...]).split(separator: ";").first.map(String.init) ?? ""
        boundary = boundary.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        guard !boundary.isEmpty, boundary.count <= 200 else { return nil }
        let delimiter = Data(("--" + boundary).utf8)
        let headerEnd = Data("\r\n\r\n".utf8)
        var position = body.startIndex
        guard let first = body.range(of: delimiter, in: position..<body.endIndex) else { return nil }
        position = first.upperBound
        while position < body.endIndex {
            // "--" after a delimiter ends the body.
            if body[position...].starts(with: Data("--".utf8)) { break }
            guard let headersRange = body.range(of: headerEnd, in: position..<body.endIndex) else { return nil }
            let headers = String(decoding: body[position..<headersRange.lowerBound], as: UTF8.self)
            let contentStart = headersRange.upperBound
            guard let next = body.range(of: Data("\r\n".utf8) + delimiter, in: contentStart..<body.endIndex) else { return nil }
            let content = body[contentStart..<next.lowerBound]
            position = next.upperBound
            var name: String?
            var filename: String?
            var type = "application/octet-stream"
            for line in headers.components(separatedBy: "\r\n") {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    name = Self.parameter("name", in: line)
                    filename = Self.parameter("filename", in: line)
                } else if lower.hasPrefix("content-type:") {
                    type = String(line.dropFirst("content-type:".count)).trimmingCharacters(in: .whitespaces)
                }
            }
            guard let name else { continue }
            if let filename {
                files[name] = File(filename: filename, contentType: type, data: Data(content))
            } else {
                fields[name] = String(decoding: content, as: UTF8.self)
            }
            if position < body.endIndex, body[position...].starts(with: Data("\r\n".utf8)) { position += 2 }
        }
    }

    /// `name="value"` in a header line.
    private static func parameter(_ key: String, in line: String) -> String? {
        for part in line.split(separator: ";").dropFirst() {
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count == 2, pieces[0].lowercased() == key else { continue }
            return pieces[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }

    subscript(_ name: String) -> String { fields[name] ?? "" }
}
