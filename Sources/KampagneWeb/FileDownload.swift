import Foundation
import HTTPTypes
import Hummingbird

/// A file the server hands out (a CSV for Excel, the log, an access export, the report as PDF,
/// a story's photo, a calendar entry): the one place its headers are made, so every download
/// has the same ones. Most hold personal data, so none is kept by the browser or a proxy
/// (`Cache-Control: private, no-store`), none is sniffed into another type, and the name is
/// given as RFC 6266 says: an ASCII `filename` every browser reads, and `filename*` in UTF-8
/// when the name has letters ASCII lacks (`opfølgning.csv`).
struct FileDownload: Sendable {
    /// Whether the browser saves the file or shows it (the printable report, a photo in a page).
    enum Disposition: String, Sendable {
        case attachment, inline
    }

    static let csv = "text/csv; charset=utf-8"
    static let json = "application/json; charset=utf-8"
    static let pdf = "application/pdf"
    static let html = "text/html; charset=utf-8"
    static let calendar = "text/calendar; charset=utf-8"

    var name: String
    var contentType: String
    var body: ByteBuffer
    var disposition: Disposition = .attachment

    init(name: String, type: String, bytes: some Sequence<UInt8>, disposition: Disposition = .attachment) {
        (self.name, contentType, body, self.disposition) = (name, type, ByteBuffer(bytes: bytes), disposition)
    }

    init(name: String, type: String, text: String, disposition: Disposition = .attachment) {
        (self.name, contentType, body, self.disposition) = (name, type, ByteBuffer(string: text), disposition)
    }

    var response: Response {
        Response(status: .ok, headers: [
            .contentType: contentType,
            .contentDisposition: Self.contentDisposition(disposition, name: name),
            .cacheControl: "private, no-store",
            .xContentTypeOptions: "nosniff",
        ], body: ResponseBody(byteBuffer: body))
    }

    /// `attachment; filename="opfoelgning.csv"; filename*=UTF-8''opf%C3%B8lgning.csv` (RFC 6266,
    /// RFC 8187). The name is reduced to its last path part without control characters, so a
    /// name taken from a record cannot break the header or point into a folder.
    static func contentDisposition(_ disposition: Disposition, name: String) -> String {
        let base = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(String.UnicodeScalarView(base.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
        let chosen = clean.isEmpty || clean == "." || clean == ".." ? "fil" : clean
        let fallback = asciiName(chosen)
        var value = disposition.rawValue + "; filename=\"" + fallback + "\""
        if fallback != chosen { value += "; filename*=UTF-8''" + percentEncoded(chosen) }
        return value
    }

    /// The name in printable ASCII for the plain `filename`: Danish letters spelled as Danes
    /// write them without (æ ae, ø oe, å aa), quotes and anything else outside ASCII as `_`.
    static func asciiName(_ name: String) -> String {
        let spelled = ["æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"]
        return name.map { character -> String in
            if let spelled = spelled[String(character)] { return spelled }
            guard let ascii = character.asciiValue, ascii >= 0x20, ascii < 0x7F, character != "\"", character != "\\" else { return "_" }
            return String(character)
        }.joined()
    }

    /// RFC 8187 `value-chars`: attr-chars as they are, every other UTF-8 byte as `%XX`.
    static func percentEncoded(_ name: String) -> String {
        let attrChars = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~".utf8)
        return name.utf8.map { attrChars.contains($0) ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0) }.joined()
    }
}
