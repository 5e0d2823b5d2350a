import Testing
@testable import Kampagne

/// The CLI caps glibc's malloc arenas at start (`MallocArenas`), unless the operator set
/// `MALLOC_ARENA_MAX` themselves. What the cap saves is measured in bench/RESULTS.md.
@Suite struct MallocArenasTests {
    @Test func glibcTakesTheCapAndAnOperatorsOwnSettingWins() {
        #expect(MallocArenas.apply(environment: ["MALLOC_ARENA_MAX": "8"]) == false)
        #if canImport(Glibc)
        #expect(MallocArenas.apply(environment: [:]))
        #endif
    }
}
