import Foundation
import Kampagne

/// The organiser's login, kept in a signed cookie (HttpOnly, SameSite=Strict, Secure over
/// https): `id.version.expiry.signature`. Changing the password or removing the account
/// raises or removes the version, which ends every session at once.
struct OrganiserSession: Sendable {
    static let cookieName = "kampagne_arrangor"
    static let lifetime: TimeInterval = 12 * 3600
    let secret: InstallationSecret

    func value(for organiser: Organiser, now: Date = Date()) -> String {
        let body = "\(organiser.id ?? 0).\(organiser.sessionVersion).\(Int(now.addingTimeInterval(Self.lifetime).timeIntervalSince1970))"
        return body + "." + secret.signature(of: body, purpose: "session")
    }

    /// The organiser the cookie belongs to, if it is genuine, unexpired and current.
    func organiser(from cookie: String?, organisers: Organisers, now: Date = Date()) -> Organiser? {
        guard let cookie else { return nil }
        let parts = cookie.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, let id = Int64(parts[0]), let version = Int(parts[1]), let expiry = TimeInterval(parts[2]),
              expiry > now.timeIntervalSince1970 else { return nil }
        guard secret.isSignature(parts[3], of: parts[0...2].joined(separator: "."), purpose: "session") else { return nil }
        guard let organiser = try? organisers.find(id: id), organiser.sessionVersion == version else { return nil }
        return organiser
    }
}
