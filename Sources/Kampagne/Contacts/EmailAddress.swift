import Foundation
import MailTemplates

/// A validated e-mail address (a practical RFC 5322 addr-spec; internationalised domains
/// accepted). Identity is the lower-cased address with its domain in A-label (punycode) form,
/// so `jens@næstved.example` and `jens@xn--nstved-pua.example` are one person.
public struct EmailAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address as it should be written: local part as given, domain in lower case.
    public let value: String
    /// The identity key: the whole address in lower case, an internationalised domain as its
    /// A-label (`identityKey(_:)`).
    public let key: String
    public var description: String { value }
    public var domain: String { String(value[value.index(after: value.lastIndex(of: "@") ?? value.startIndex)...]) }

    private static let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~".unicodeScalars)

    /// Parses what a person or spreadsheet wrote: trims, drops a `mailto:` prefix and a
    /// display name around `<…>`. Throws a Danish reason when it is not an address.
    public init(parsing raw: String) throws(KampagneError) {
        var text = DanishText.trimmed(raw)
        if EmailAddress.isSimple(text) {
            (value, key) = EmailAddress.simpleForms(text)
            return
        }
        if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            text = String(text[text.index(after: open)..<close]).trimmingCharacters(in: .whitespaces)
        }
        if text.lowercased().hasPrefix("mailto:") { text = String(text.dropFirst(7)) }
        guard !text.isEmpty else { throw .invalidInput("e-mailadressen mangler") }
        guard text.count <= 254 else { throw .invalidInput("e-mailadressen er for lang (højst 254 tegn)") }
        let quotedLocal = text.hasPrefix("\"") && text.dropFirst().contains("\"@")
        if let bad = text.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F || ($0 == " " && !quotedLocal) }) {
            let what = bad == " " ? "mellemrum" : "kontroltegn (U+\(String(bad.value, radix: 16, uppercase: true)))"
            throw .invalidInput("e-mailadressen '\(EmailAddress.printable(text))' indeholder \(what)")
        }
        guard let at = text.lastIndex(of: "@") else {
            throw .invalidInput("'\(text)' er ikke en e-mailadresse (mangler @)")
        }
        let local = String(text[..<at])
        let domain = String(text[text.index(after: at)...])
        try EmailAddress.checkLocal(local, whole: text)
        try EmailAddress.checkDomain(domain, whole: text)
        value = local + "@" + domain.lowercased()
        key = EmailAddress.identityKey(value)
    }

    /// The one normal form an address is known by (the contact key, the suppression list's
    /// hash input): lower case, the domain as its A-label. ASCII addresses only lower-case.
    public static func identityKey(_ address: String) -> String {
        IDNA.asciiAddress(address.lowercased())
    }

    /// The common case, checked byte by byte: `dot-atom@ascii-domain` with letters, digits
    /// and `. _ - +` only. Anything else takes the full path with its precise messages.
    private static func isSimple(_ text: String) -> Bool {
        // Over the string's own bytes: `String.UTF8View`'s slices and iterator cost 70
        // instructions a byte (callgrind, bench/RESULTS.md, session 11).
        text.utf8.withContiguousStorageIfAvailable { isSimple(bytes: $0) } ?? isSimple(bytes: text.utf8)
    }

    static func isSimple<Bytes: Collection<UInt8>>(bytes: Bytes) -> Bool {
        guard bytes.count <= 254, let at = bytes.firstIndex(of: UInt8(ascii: "@")) else { return false }
        let local = bytes[..<at]
        let domain = bytes[bytes.index(after: at)...]
        guard (1...64).contains(local.count), !domain.isEmpty else { return false }
        func isAlnum(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) }
        var previous: UInt8 = UInt8(ascii: ".")
        for b in local {
            if b == UInt8(ascii: ".") { if previous == b { return false } } else if !(isAlnum(b) || b == 95 || b == 45 || b == 43) { return false }
            previous = b
        }
        if previous == UInt8(ascii: ".") { return false }
        var labelLength = 0
        var labels = 0
        var labelStart = true
        var tldAllDigits = true
        previous = 0
        for b in domain {
            if b == UInt8(ascii: ".") {
                if labelLength == 0 || previous == 45 { return false }
                labels += 1; labelLength = 0; labelStart = true; tldAllDigits = true
            } else {
                guard isAlnum(b) || b == 45 else { return false }
                if labelStart && b == 45 { return false }
                labelLength += 1
                guard labelLength <= 63 else { return false }
                labelStart = false
                if !(b >= 48 && b <= 57) { tldAllDigits = false }
            }
            previous = b
        }
        return labelLength > 0 && previous != 45 && labels >= 1 && !tldAllDigits
    }

    /// The value (domain in lower case) and the key (all in lower case) of an address
    /// `isSimple` passed: ASCII with one "@", so both are made byte by byte. `String`'s
    /// `lastIndex(of:)` walks grapheme clusters: it was half of parsing an address at
    /// 9,000 instructions (callgrind, bench/RESULTS.md, "Issue 16, session 11").
    static func simpleForms(_ text: String) -> (value: String, key: String) {
        var value = Array(text.utf8)
        var key = value
        var inDomain = false
        for index in value.indices {
            let byte = value[index]
            if byte == UInt8(ascii: "@") {
                inDomain = true
            } else if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") {
                key[index] = byte + 32
                if inDomain { value[index] = byte + 32 }
            }
        }
        return (String(decoding: value, as: UTF8.self), String(decoding: key, as: UTF8.self))
    }

    private static func checkLocal(_ local: String, whole: String) throws(KampagneError) {
        guard !local.isEmpty else { throw .invalidInput("'\(whole)' mangler navnet før @") }
        guard local.utf8.count <= 64 else { throw .invalidInput("'\(whole)': delen før @ er for lang (højst 64 tegn)") }
        if local.hasPrefix("\"") && local.hasSuffix("\"") && local.count >= 2 {
            let inner = local.dropFirst().dropLast()
            guard inner.unicodeScalars.allSatisfy({ $0.isASCII && $0 != "\"" && $0 != "\\" }) else {
                throw .invalidInput("'\(whole)': ugyldige tegn i den citerede del før @")
            }
            return
        }
        guard local.unicodeScalars.allSatisfy({ $0.isASCII }) else {
            throw .invalidInput("'\(whole)': delen før @ må kun indeholde a–z, 0–9 og . _ - + (ikke æ, ø, å)")
        }
        if local.hasPrefix(".") || local.hasSuffix(".") || local.contains("..") {
            throw .invalidInput("'\(whole)': punktum må ikke stå først, sidst eller to gange i træk før @")
        }
        if let bad = local.unicodeScalars.first(where: { $0 != "." && !atext.contains($0) }) {
            throw .invalidInput("'\(whole)': tegnet '\(bad)' er ikke tilladt før @")
        }
    }

    private static func checkDomain(_ domain: String, whole: String) throws(KampagneError) {
        guard !domain.isEmpty else { throw .invalidInput("'\(whole)' mangler domænet efter @") }
        if domain.hasPrefix("[") { throw .invalidInput("'\(whole)': IP-adresser som domæne accepteres ikke") }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else {
            throw .invalidInput("'\(whole)': domænet '\(domain)' mangler et punktum (fx kommune.dk)")
        }
        for label in labels {
            guard !label.isEmpty else {
                throw .invalidInput("'\(whole)': domænet '\(domain)' har et tomt led (to punktummer i træk eller punktum til sidst)")
            }
            guard label.utf8.count <= 63 else { throw .invalidInput("'\(whole)': et led i domænet er for langt") }
            if label.hasPrefix("-") || label.hasSuffix("-") {
                throw .invalidInput("'\(whole)': et led i domænet må ikke begynde eller slutte med bindestreg")
            }
            for scalar in label.unicodeScalars where !(scalar == "-" || (scalar.isASCII
                ? CharacterSet.alphanumerics.contains(scalar)
                : scalar.properties.isAlphabetic || scalar.properties.numericType != nil)) {
                throw .invalidInput("'\(whole)': tegnet '\(scalar)' er ikke tilladt i domænet")
            }
        }
        if let tld = labels.last, tld.allSatisfy(\.isNumber) {
            throw .invalidInput("'\(whole)': domænet slutter med tal; det ligner en IP-adresse")
        }
    }

    /// Shows control characters visibly in an error message.
    static func printable(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "�" : Character($0) })
    }
}
