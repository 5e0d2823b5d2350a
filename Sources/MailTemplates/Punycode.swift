import Foundation

/// Punycode (RFC 3492): Unicode labels as ASCII, and back. Foundation has no public API for it.
public enum Punycode {
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700, initialBias = 72, initialN = 128

    private static func adapt(_ delta: Int, _ points: Int, _ first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / points
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    private static func threshold(_ k: Int, _ bias: Int) -> Int {
        k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
    }

    private static func digit(_ d: Int) -> Character {
        Character(UnicodeScalar(UInt8(d < 26 ? 97 + d : 22 + d)))
    }

    /// The Punycode form of `label` (without the `xn--` prefix); nil on overflow.
    public static func encode(_ label: String) -> String? {
        let input = label.unicodeScalars.map { Int($0.value) }
        var output = String(label.unicodeScalars.filter(\.isASCII).map(Character.init))
        let basic = output.count
        var handled = basic
        if basic > 0 { output.append("-") }
        var n = initialN, delta = 0, bias = initialBias
        while handled < input.count {
            guard let m = input.filter({ $0 >= n }).min() else { return nil }
            let (step, overflow) = (m - n).multipliedReportingOverflow(by: handled + 1)
            guard !overflow, delta <= Int(Int32.max) - step else { return nil }
            delta += step
            n = m
            for c in input {
                if c < n { delta += 1 }
                if c == n {
                    var q = delta
                    var k = base
                    while true {
                        let t = threshold(k, bias)
                        if q < t { break }
                        output.append(digit(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    output.append(digit(q))
                    bias = adapt(delta, handled + 1, handled == basic)
                    delta = 0
                    handled += 1
                }
            }
            delta += 1
            n += 1
        }
        return output
    }

    /// The Unicode label a Punycode string (without `xn--`) stands for; nil when it is not
    /// valid Punycode.
    public static func decode(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        var output: [UnicodeScalar] = []
        var start = 0
        if let dash = bytes.lastIndex(of: UInt8(ascii: "-")) {
            for b in bytes[..<dash] {
                guard b < 0x80 else { return nil }
                output.append(UnicodeScalar(b))
            }
            start = dash + 1
        }
        var n = initialN, i = 0, bias = initialBias
        var position = start
        while position < bytes.count {
            let oldI = i
            var w = 1
            var k = base
            while true {
                guard position < bytes.count else { return nil }
                let b = bytes[position]
                position += 1
                let value: Int
                switch b {
                case 48...57: value = Int(b) - 22
                case 65...90: value = Int(b) - 65
                case 97...122: value = Int(b) - 97
                default: return nil
                }
                let (product, overflow) = value.multipliedReportingOverflow(by: w)
                guard !overflow, i <= Int(Int32.max) - product else { return nil }
                i += product
                let t = threshold(k, bias)
                if value < t { break }
                w *= base - t
                guard w <= Int(Int32.max) else { return nil }
                k += base
            }
            bias = adapt(i - oldI, output.count + 1, oldI == 0)
            n += i / (output.count + 1)
            i %= output.count + 1
            guard let scalar = UnicodeScalar(n), n >= 0x80 else { return nil }
            output.insert(scalar, at: i)
            i += 1
        }
        var result = ""
        result.unicodeScalars.append(contentsOf: output)
        return result
    }
}

/// Internationalised domain names (IDNA) in the two forms mail needs: the A-label form for the
/// SMTP envelope and headers (RFC 5890), and the Unicode form for people.
public enum IDNA {
    /// `næstved.example` → `xn--nstved-pua.example`; an ASCII domain comes back lower-cased.
    /// Labels are mapped the way UTS 46 does for ordinary text (lower case, NFC). Nil when a
    /// label cannot be encoded or is too long.
    public static func ascii(_ domain: String) -> String? {
        if domain.utf8.allSatisfy({ $0 < 0x80 }) { return domain.lowercased() }
        var labels: [String] = []
        for label in domain.split(separator: ".", omittingEmptySubsequences: false) {
            let mapped = String(label).lowercased().precomposedStringWithCanonicalMapping
            if mapped.utf8.allSatisfy({ $0 < 0x80 }) {
                labels.append(mapped)
                continue
            }
            guard let encoded = Punycode.encode(mapped), encoded.utf8.count + 4 <= 63 else { return nil }
            labels.append("xn--" + encoded)
        }
        return labels.joined(separator: ".")
    }

    /// `xn--nstved-pua.example` → `næstved.example`; labels that are not valid A-labels stay.
    public static func unicode(_ domain: String) -> String {
        guard domain.lowercased().contains("xn--") else { return domain }
        return domain.split(separator: ".", omittingEmptySubsequences: false).map { label -> String in
            let lower = label.lowercased()
            guard lower.hasPrefix("xn--"), let decoded = Punycode.decode(String(lower.dropFirst(4))) else { return String(label) }
            return decoded
        }.joined(separator: ".")
    }

    /// An address with its domain in A-label form (`jens@næstved.example` → `jens@xn--nstved-pua.example`),
    /// for the envelope and headers. An address without `@` or with an unencodable domain comes back as is.
    public static func asciiAddress(_ address: String) -> String {
        guard let at = address.lastIndex(of: "@") else { return address }
        let domain = address[address.index(after: at)...]
        if domain.utf8.allSatisfy({ $0 < 0x80 }) { return address }
        guard let ascii = ascii(String(domain)) else { return address }
        return String(address[...at]) + ascii
    }
}
