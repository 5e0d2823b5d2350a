import Foundation
import GRDB

/// Levenshtein distance, for "did you mean" suggestions on names a person typed.
enum EditDistance {
    /// The edits (insert, delete, replace one character) that turn `a` into `b`.
    static func between(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// Up to `limit` of `candidates` nearest to `text` (compared by their search keys), closest
    /// first; unless `anyDistance`, only those within a third of the length (at least 2 edits)
    /// or starting with `text` count as near.
    static func nearest(to text: String, in candidates: [String], limit: Int = 3, anyDistance: Bool = false) -> [String] {
        let key = DanishText.searchKey(text)
        let allowed = anyDistance ? Int.max : max(2, key.count / 3)
        let scored = Set(candidates).map { ($0, between(key, DanishText.searchKey($0))) }
            .filter { $0.1 <= allowed || DanishText.searchKey($0.0).hasPrefix(key) && !key.isEmpty }
        return scored.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : DanishText.sorted([$0.0, $1.0]) { [$0] }.first == $0.0 }
            .prefix(limit).map(\.0)
    }

    /// " (mente du: a, b?)" or "" when nothing is near.
    static func suggestion(for text: String, in candidates: [String]) -> String {
        let near = nearest(to: text, in: candidates)
        return near.isEmpty ? "" : " (mente du: \(near.joined(separator: ", "))?)"
    }
}

extension ContactFilter {
    /// Danish warnings for the parts of this filter that match no contact, each naming the
    /// nearest known values; and one when the parts match but not together. Unknown lists,
    /// municipalities and regions are errors (see `resolved(in:)`), not warnings.
    public func warnings(in db: Database) throws -> [String] {
        var warnings: [String] = []
        if !roles.isEmpty {
            let known = try String.fetchAll(db, sql: "SELECT DISTINCT role FROM contactRole")
            let knownKeys = Set(known.map(ContactRole.key))
            for role in roles where !knownKeys.contains(ContactRole.key(role)) {
                warnings.append("Ingen kontakter har rollen '\(role)'" + EditDistance.suggestion(for: role, in: known))
            }
        }
        for list in lists where try ContactFilter(lists: [list]).request().fetchCount(db) == 0 {
            warnings.append("Listen '\(list)' har ingen medlemmer")
        }
        for name in municipalities where try ContactFilter(municipalities: [name]).request().fetchCount(db) == 0 {
            let present = try String.fetchAll(db, sql: "SELECT DISTINCT municipality FROM contact WHERE municipality IS NOT NULL")
            let near = EditDistance.nearest(to: name, in: present, anyDistance: true)
            warnings.append("Ingen kontakter i \(Municipality.lookup(name)?.name ?? name) Kommune"
                + (near.isEmpty ? "" : " (kontakter findes fx i \(near.joined(separator: ", ")))"))
        }
        for name in regions where try ContactFilter(regions: [name]).request().fetchCount(db) == 0 {
            warnings.append("Ingen kontakter i \(Region.lookup(name)?.name ?? name)")
        }
        if !organisations.isEmpty {
            let known = try String.fetchAll(db, sql: "SELECT DISTINCT organisation FROM contact WHERE organisation <> ''")
            for organisation in organisations where try ContactFilter(organisations: [organisation]).request().fetchCount(db) == 0 {
                warnings.append("Ingen kontakter hos '\(organisation)'" + EditDistance.suggestion(for: organisation, in: known))
            }
        }
        if try warnings.isEmpty && !isEmpty && request().fetchCount(db) == 0 {
            warnings.append("Ingen kontakter passer på hele filteret (\(summary))")
        }
        return warnings
    }
}
