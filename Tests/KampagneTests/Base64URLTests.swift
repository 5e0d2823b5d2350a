import Foundation
import Testing
@testable import Kampagne

/// `InstallationSecret.base64URL` replaces Foundation's base64 and three string replacements
/// in every signature (form tokens, personal links): the same text for every length.
@Suite struct Base64URLTests {
    @Test func theSameTextAsFoundationsBase64MadeURLSafe() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...40 {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let foundation = Data(bytes).base64EncodedString()
                    .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                    .replacingOccurrences(of: "=", with: "")
                #expect(InstallationSecret.base64URL(bytes) == foundation, "\(bytes)")
            }
        }
        #expect(InstallationSecret.base64URL([0xFB, 0xFF]) == "-_8")
    }
}
