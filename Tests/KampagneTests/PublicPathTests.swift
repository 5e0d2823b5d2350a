import Foundation
import Testing
@testable import Kampagne

/// `PublicPath.path` fills the parameter from the pattern split once; it must give what
/// searching the pattern gives, for every path and value.
@Suite struct PublicPathTests {
    @Test func pathsAreThoseOfSearchingThePattern() {
        for path in PublicPath.allCases {
            for value in ["", "ab12", "u.2s.AbCd-_x", ":id", ":token", "æøå", "a/b?c=d"] {
                #expect(path.path(value) == path.pathBySearching(value), "\(path) \(value)")
                #expect(path.url(base: "https://x.example", value) == "https://x.example" + path.pathBySearching(value))
            }
        }
    }
}
