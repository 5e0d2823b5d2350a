import Crypto
import Foundation
import Testing
@testable import Kampagne

/// `KeyedHMAC` reuses swift-crypto's keyed HMAC state instead of keying anew per message:
/// every MAC, signature and suppression hash must be the bytes keying anew gives.
@Suite struct KeyedHMACTests {
    static let messages: [String] = [
        "", "a", ":", "u.2s", "b.1c8", "link:u.2s", "jens.hansen@kommune.example", "søren.ærbøl@århus.dk",
        "Kære Åse Ødegård – æøå ÆØÅ é ü ß 😀", String(repeating: "x", count: 55), String(repeating: "y", count: 56),
        String(repeating: "z", count: 64), String(repeating: "æ", count: 64), String(repeating: "Lang linje. ", count: 200),
    ]

    /// An installation's secret; the sandbox holding its database is kept for the suite.
    let box: Sandbox
    init() throws { box = try Sandbox() }
    func secret() throws -> InstallationSecret { try InstallationSecret(store: box.store) }

    @Test func macsAreTheBytesOfKeyingAnew() throws {
        let secret = try secret()
        var generator = SystemRandomNumberGenerator()
        var messages = Self.messages
        for _ in 0..<1_000 {
            let length = Int.random(in: 0...300, using: &generator)
            let scalars = (0..<length).map { _ -> Character in
                let pool: [Character] = ["a", "Z", "0", ".", "@", " ", "æ", "ø", "å", "Æ", "Ø", "Å", "é", "\n", "😀"]
                return pool[Int.random(in: 0..<pool.count, using: &generator)]
            }
            messages.append(String(scalars))
        }
        for message in messages {
            #expect(secret.macBytes(message) == secret.macBytesKeyedAnew(message), "\(message)")
        }
    }

    @Test func signaturesAndHashesAreThoseOfKeyingAnew() throws {
        let secret = try secret()
        for message in Self.messages {
            for purpose in ["link", "csrf", "staff-session", "", "æøå"] {
                let anew = InstallationSecret.base64URL(secret.macBytesKeyedAnew(purpose + ":" + message).prefix(16))
                #expect(secret.signature(of: message, purpose: purpose) == anew)
                #expect(secret.isSignature(anew, of: message, purpose: purpose))
            }
            let hex = secret.macBytesKeyedAnew(message).map { String(format: "%02x", $0) }.joined()
            #expect(secret.mac(message) == hex)
        }
    }

    @Test func aKeyedStateIsNotChangedByUse() throws {
        let secret = try secret()
        let first = secret.mac("første")
        _ = secret.mac(String(repeating: "anden ", count: 100))
        #expect(secret.mac("første") == first)
    }

    @Test func concurrentSignersGetTheSameBytes() async throws {
        let secret = try secret()
        let expected = Self.messages.map { secret.macBytesKeyedAnew($0) }
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    (0..<200).allSatisfy { round in
                        let index = round % Self.messages.count
                        return secret.macBytes(Self.messages[index]) == expected[index]
                    }
                }
            }
            for await ok in group { #expect(ok) }
        }
    }
}
