import Crypto
import Foundation

/// A signed, scoped token for personal links ("unsubscribe me", later "cancel my sign-up"):
/// unforgeable without the installation secret, and useless outside its scope.
public struct LinkToken: Sendable, Equatable {
    public enum Scope: String, Sendable {
        case unsubscribe = "u"
        /// Sign up from an invitation (subject: the invitation's outbox row).
        case invitation = "i"
        /// Cancel my sign-up (subject: the registration).
        case cancelRegistration = "c"
        /// Accept a waiting-list offer (subject: the registration).
        case acceptOffer = "a"
        /// Decline a waiting-list offer (subject: the registration).
        case declineOffer = "d"
        /// Download my calendar file (subject: the registration).
        case calendar = "k"
        /// Confirm a newsletter subscription (subject: the pending subscription).
        case subscription = "s"
        /// Read and approve a good story (subject: the review request).
        case review = "r"
        /// Our reference on an outgoing message (X-Kampagne-Ref, the return path), quoted back
        /// by bounce reports (subject: the outbox row).
        case bounceRef = "b"
    }

    public var scope: Scope
    public var subject: Int64

    public init(scope: Scope, subject: Int64) {
        self.scope = scope
        self.subject = subject
    }

    /// `scope.subject.signature`, URL-safe.
    public func encoded(with secret: InstallationSecret) -> String {
        let body = "\(scope.rawValue).\(String(subject, radix: 36))"
        return body + "." + secret.signature(of: body, purpose: "link")
    }

    /// Checks the signature and the scope; nil for anything forged, altered or out of scope.
    public static func decode(_ token: String, scope: Scope, with secret: InstallationSecret) -> LinkToken? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == scope.rawValue, let subject = Int64(parts[1], radix: 36) else { return nil }
        guard secret.isSignature(parts[2], of: "\(parts[0]).\(parts[1])", purpose: "link") else { return nil }
        return LinkToken(scope: scope, subject: subject)
    }
}
