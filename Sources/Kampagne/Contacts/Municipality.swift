import Foundation

/// One of Denmark's five regions.
public enum Region: String, CaseIterable, Codable, Sendable {
    case hovedstaden = "Region Hovedstaden"
    case sjaelland = "Region Sjælland"
    case syddanmark = "Region Syddanmark"
    case midtjylland = "Region Midtjylland"
    case nordjylland = "Region Nordjylland"

    public var name: String { rawValue }

    /// Finds a region from what people write: "Syddanmark", "region syddanmark", "Sjaelland".
    public static func lookup(_ text: String) -> Region? {
        let key = DanishText.identifierKey(text.replacingOccurrences(of: "æ", with: "ae")
            .replacingOccurrences(of: "Æ", with: "ae"))
        let bare = key.hasPrefix("region") ? String(key.dropFirst("region".count)) : key
        return allCases.first { region in
            let regionKey = DanishText.identifierKey(region.rawValue.replacingOccurrences(of: "æ", with: "ae"))
            return regionKey == key || regionKey == "region" + bare
        }
    }
}

/// A Danish municipality (kommune) with its official code and region: reference data that
/// turns the many ways offices write a municipality into one name.
public struct Municipality: Hashable, Codable, Sendable {
    public let code: Int
    public let name: String
    public let region: Region

    public init(code: Int, name: String, region: Region) {
        self.code = code
        self.name = name
        self.region = region
    }

    private static let byKey: [String: Municipality] = {
        var map: [String: Municipality] = [:]
        for municipality in all {
            map[matchKey(municipality.name)] = municipality
        }
        map[matchKey("Kbh")] = map[matchKey("København")]
        map[matchKey("Copenhagen")] = map[matchKey("København")]
        map[matchKey("Vesthimmerlands")] = map[matchKey("Vesthimmerland")]
        map[matchKey("Nordfyn")] = map[matchKey("Nordfyns")]
        map[matchKey("Bornholms Regionskommune")] = map[matchKey("Bornholm")]
        return map
    }()

    private static let byName: [String: Municipality] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.name, $0) })

    private static func matchKey(_ text: String) -> String {
        var key = DanishText.singleLine(text).lowercased()
        for word in ["regionskommune", "kommune"] {
            key = key.replacingOccurrences(of: word, with: "")
        }
        key = key.replacingOccurrences(of: "aa", with: "å")
        return String(key.unicodeScalars.filter { CharacterSet.letters.contains($0) }.map(Character.init))
    }

    /// Normalises what an office wrote ("Århus", "Københavns Kommune", "0101") to a municipality.
    public static func lookup(_ text: String) -> Municipality? {
        let trimmed = DanishText.singleLine(text)
        if let code = Int(trimmed) {
            return all.first { $0.code == code }
        }
        let key = matchKey(trimmed)
        if key.isEmpty { return nil }
        if let found = byKey[key] { return found }
        if key.hasSuffix("s"), let found = byKey[String(key.dropLast())] { return found }
        return nil
    }

    /// The municipality with exactly this canonical name.
    public static func named(_ name: String) -> Municipality? { byName[name] }

    /// The municipality an organisation's name gives away: "Jobcenter Kolding", "Vejle Kommune".
    public static func of(organisation: String) -> Municipality? {
        let words = organisation.split(separator: " ").map(String.init)
        guard words.count >= 2 else { return nil }
        let first = DanishText.searchKey(words[0])
        if first == "jobcenter" || first == "jobcentret" { return lookup(words.dropFirst().joined(separator: " ")) }
        if DanishText.searchKey(words[words.count - 1]) == "kommune" { return lookup(words.joined(separator: " ")) }
        return nil
    }

    /// Canonical names of the municipalities in `region`.
    public static func names(in region: Region) -> [String] {
        all.filter { $0.region == region }.map(\.name)
    }
}
