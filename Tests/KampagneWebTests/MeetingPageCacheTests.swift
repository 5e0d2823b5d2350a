import Foundation
import Hummingbird
import Testing

@testable import Kampagne
@testable import KampagneWeb

/// The cached meeting page's form token is signed once per path and second: checked against
/// what it replaces (`FormToken.make` per view).
@Suite struct MeetingPageCacheTests {
    @Test func aTokenIsMadeOncePerPathAndSecondAndIsWhatTheFormWouldMake() throws {
        let fixture = try WebFixture()
        let cache = MeetingPageCache()
        let forms = fixture.site.forms
        let second = Date(timeIntervalSince1970: 1_800_000_000.2)
        let path = PublicPath.meeting.path(fixture.publicId)
        let first = cache.token(for: path, now: second, forms: forms)
        #expect(first == forms.make(for: path, now: second))
        #expect(cache.token(for: path, now: second.addingTimeInterval(0.7), forms: forms) == first)
        let next = cache.token(for: path, now: second.addingTimeInterval(1), forms: forms)
        #expect(next == forms.make(for: path, now: second.addingTimeInterval(1)) && next != first)
        let other = cache.token(for: "/moede/andet", now: second.addingTimeInterval(1), forms: forms)
        #expect(other == forms.make(for: "/moede/andet", now: second.addingTimeInterval(1)) && other != next)
        #expect(forms.verify(next, for: path, now: second.addingTimeInterval(2)))
    }
}
