import Foundation
import Kampagne

/// CSRF protection for public forms without sessions: each form carries a token that signs
/// the form's path and the time it was shown. Another site cannot read it, so it cannot post
/// the form; an old token (over `lifetime`) is refused.
struct FormToken: Sendable {
    let secret: InstallationSecret
    let lifetime: TimeInterval = 4 * 3600

    func make(for path: String, now: Date = Date()) -> String {
        let time = String(Int(now.timeIntervalSince1970), radix: 36)
        return time + "." + secret.signature(of: "\(path)|\(time)", purpose: "csrf")
    }

    func verify(_ token: String, for path: String, now: Date = Date()) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let seconds = Int(parts[0], radix: 36) else { return false }
        let age = now.timeIntervalSince1970 - TimeInterval(seconds)
        guard age >= -60, age <= lifetime else { return false }
        return secret.isSignature(parts[1], of: "\(path)|\(parts[0])", purpose: "csrf")
    }
}
