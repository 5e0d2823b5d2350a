import Crypto
import Foundation
import Kampagne

/// CSRF protection for public forms without sessions: each form carries a token that signs
/// the form's path and the time it was shown. Another site cannot read it, so it cannot post
/// the form; an old token (over `lifetime`) is refused.
struct FormToken: Sendable {
    private let keyBytes: Data
    var lifetime: TimeInterval = 4 * 3600

    init(secret: InstallationSecret) {
        keyBytes = secret.derivedKey("csrf")
    }

    func make(for path: String, now: Date = Date()) -> String {
        let time = String(Int(now.timeIntervalSince1970), radix: 36)
        return time + "." + signature(path: path, time: time)
    }

    func verify(_ token: String, for path: String, now: Date = Date()) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let seconds = Int(parts[0], radix: 36) else { return false }
        let age = now.timeIntervalSince1970 - TimeInterval(seconds)
        guard age >= -60, age <= lifetime else { return false }
        let expected = Array(signature(path: path, time: String(parts[0])).utf8)
        let given = Array(parts[1].utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private func signature(path: String, time: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(path)|\(time)".utf8), using: SymmetricKey(data: keyBytes))
        return Data(mac).prefix(16).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
