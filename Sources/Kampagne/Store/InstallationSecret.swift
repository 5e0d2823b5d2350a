import Crypto
import Foundation
import GRDB
import Synchronization

/// A random key made once per installation and kept in the database: it keys the hashes on
/// the suppression list and signs personal links, so neither can be forged or guessed.
public struct InstallationSecret: Sendable {
    private let keyBytes: Data
    /// The key's HMAC state, made once per secret instead of once per signature.
    private let keyed: KeyedHMAC

    /// The secret of the installation whose database `store` is.
    public init(store: Store) throws(KampagneError) {
        self = try store.read { try InstallationSecret.load($0) }
    }

    private init(keyBytes: Data) {
        self.keyBytes = keyBytes
        keyed = KeyedHMAC(key: keyBytes)
    }

    static let settingKey = "installation-secret"
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Loads the secret, creating it on first use (`Store` does that when it opens the file).
    static func load(_ db: Database) throws -> InstallationSecret {
        if let stored = try SignUpStatements.setting(settingKey, in: db), let data = Data(base64Encoded: stored.value) {
            return InstallationSecret(keyBytes: data)
        }
        let key = SymmetricKey(size: .bits256)
        let encoded = key.withUnsafeBytes { Data($0).base64EncodedString() }
        try Setting(key: settingKey, value: encoded).insert(db)
        return InstallationSecret(keyBytes: key.withUnsafeBytes { Data($0) })
    }

    /// Raw HMAC-SHA256 of `message` under this installation's key.
    func macBytes(_ message: String) -> [UInt8] {
        keyed.code(prefix: "", message)
    }

    /// HMAC-SHA256 the way every signature was made before `KeyedHMAC`: keyed anew from the
    /// key's bytes for each message. The reference `KeyedHMACTests` compares against.
    func macBytesKeyedAnew(_ message: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: keyBytes)))
    }

    /// A URL- and cookie-safe signature of `message` for one purpose ("link", "csrf",
    /// "session"): a signature made for one purpose never passes as another's. (The MAC of
    /// `purpose + ":" + message`, fed in pieces instead of joined.)
    public func signature(of message: String, purpose: String) -> String {
        Self.base64URL(keyed.code(prefix: purpose, separator: true, message).prefix(16))
    }

    private static let base64URLDigits = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Unpadded base64url (RFC 4648 §5) of `bytes`: what `base64EncodedString()` with `+` → `-`,
    /// `/` → `_` and the `=` dropped gives, without three Foundation string replacements per
    /// signature (5 % of a cached meeting page view's CPU; every form token and link is one).
    static func base64URL(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((input.count * 4 + 2) / 3)
        var index = 0
        while index < input.count {
            let remaining = input.count - index
            let b0 = UInt32(input[index])
            let b1 = remaining > 1 ? UInt32(input[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(input[index + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            output.append(base64URLDigits[Int(triple >> 18 & 63)])
            output.append(base64URLDigits[Int(triple >> 12 & 63)])
            if remaining > 1 { output.append(base64URLDigits[Int(triple >> 6 & 63)]) }
            if remaining > 2 { output.append(base64URLDigits[Int(triple & 63)]) }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether `given` is the signature of `message` for `purpose`, compared in constant time.
    public func isSignature<S: StringProtocol>(_ given: S, of message: String, purpose: String) -> Bool {
        let expected = Array(signature(of: message, purpose: purpose).utf8)
        let actual = Array(given.utf8)
        guard expected.count == actual.count else { return false }
        return zip(expected, actual).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Hex HMAC-SHA256 of `message` under this installation's key.
    func mac(_ message: String) -> String {
        let code = macBytes(message)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in code {
            hex.append(Self.hexDigits[Int(byte >> 4)])
            hex.append(Self.hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}

/// HMAC-SHA256 under one key with the key's inner and outer pads hashed once: swift-crypto's
/// own `HMAC` value as `init(key:)` leaves it, copied for each message (its hash states are
/// copy-on-write) instead of being keyed again. Keying costs two SHA-256 blocks, a
/// `SymmetricKey`, two padded key arrays and four digest contexts; a message the size of a
/// link token or an address is one block more. Every message the send path makes costs three
/// of these (the unsubscribe token, the bounce reference, the suppression hash), a queued
/// row on a list with suppressions one (bench/RESULTS.md, "Issue 16, session 7, send path",
/// has the instruction counts). `KeyedHMACTests` checks it against keying anew for empty,
/// Danish, multi-block and 1,000 random messages.
///
/// swift-crypto's `HMAC` is not `Sendable`, so the state lives behind a `Mutex`; the work
/// under the lock is the hashing of one short message.
final class KeyedHMAC: Sendable {
    private let state: Mutex<HMAC<SHA256>>

    init(key: Data) {
        state = Mutex(HMAC<SHA256>(key: SymmetricKey(data: key)))
    }

    /// The MAC of `prefix`, a ":" when `separator`, and `message`, as one text.
    func code(prefix: String, separator: Bool = false, _ message: String) -> [UInt8] {
        state.withLock { keyed in
            var hmac = keyed
            var prefix = prefix
            var message = message
            if !prefix.isEmpty { prefix.withUTF8 { hmac.update(data: UnsafeRawBufferPointer($0)) } }
            if separator { withUnsafeBytes(of: UInt8(ascii: ":")) { hmac.update(data: $0) } }
            message.withUTF8 { hmac.update(data: UnsafeRawBufferPointer($0)) }
            return Array(hmac.finalize())
        }
    }
}
