/// A choice a user may name by its English key (the raw value) or its Danish word, in any
/// case and accent: meeting kinds, story statuses, channels, what a consent covers.
protocol DanishNamed: CaseIterable, RawRepresentable where RawValue == String {
    var danish: String { get }
}

extension DanishNamed {
    /// The case `text` names, or nil.
    static func named(_ text: String) -> Self? {
        let key = DanishText.identifierKey(text)
        return allCases.first { key == DanishText.identifierKey($0.rawValue) || key == DanishText.identifierKey($0.danish) }
    }
}
