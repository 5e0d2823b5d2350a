import Testing
@testable import Kampagne
@Test func version() { #expect(!KampagneVersion.value.isEmpty) }
