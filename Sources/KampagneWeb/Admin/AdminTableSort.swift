import Foundation
import Hummingbird

/// A staff table's sortable columns as plain links, so sorting works without JavaScript:
/// `?sort=KEY&retning=stigende|faldende`, keeping the page's filters. The sorted column's
/// header carries `aria-sort`; clicking it again turns the direction. Every sortable header
/// is rendered by the `admin-sortkolonne` partial from `headers` or `headerList`.
struct AdminTableSort: Sendable {
    /// How the order is spelled in a link.
    struct Parameters: Sendable {
        var sort = "sort"
        /// The value for ascending; nil: ascending is the absence of the direction parameter.
        var ascending: String? = AdminTableSort.ascending
        var descending = AdminTableSort.descending
        /// Links leave out the default column (a direction alone applies to it).
        var omitsDefault = false

        static let standard = Parameters()
        /// The contact table's links, bookmarked since before the shared sort: `sorter=KEY`
        /// (none for the name), `retning=ned` (none for ascending).
        static let contacts = Parameters(sort: "sorter", ascending: nil, descending: "ned", omitsDefault: true)
    }

    struct Column: Sendable {
        let key: String
        let title: String
        /// The direction a first click sorts in (dates: newest first).
        var descendingFirst = false
        /// The header cell's class (`hide-narrow` for a column hidden on a phone).
        var className = ""
    }

    static let ascending = "stigende"
    static let descending = "faldende"

    let columns: [Column]
    let key: String
    let descending: Bool
    let isDefault: Bool
    let defaultKey: String
    let spelling: Parameters

    /// The order a request asks for; an unknown column or direction is the default.
    init(_ request: Request, _ columns: [Column], default defaultKey: String, descending defaultDescending: Bool,
         parameters spelling: Parameters = .standard) {
        self.columns = columns
        self.defaultKey = defaultKey
        self.spelling = spelling
        let asked = request.uri.queryParameters.get(spelling.sort).map { String($0) }
        let direction = request.uri.queryParameters.get("retning").map { String($0) }
        let column = asked.flatMap { asked in columns.first { $0.key == asked } }
            ?? (spelling.omitsDefault ? columns.first { $0.key == defaultKey } : nil)
        if let column {
            key = column.key
            switch direction {
            case spelling.descending: descending = true
            case spelling.ascending ?? "": descending = false
            default: descending = spelling.ascending == nil ? false : column.descendingFirst
            }
        } else {
            key = defaultKey
            descending = defaultDescending
        }
        isDefault = key == defaultKey && descending == defaultDescending
    }

    /// The sort as query parameters for the page's other links (paging, CSV); none for the default.
    var parameters: [(String, String)] {
        isDefault ? [] : items(key: key, descending: descending)
    }

    /// The query parameters of the order by `key`, `descending` or not.
    func items(key: String, descending: Bool) -> [(String, String)] {
        var items: [(String, String)] = []
        if !(spelling.omitsDefault && key == defaultKey) { items.append((spelling.sort, key)) }
        if descending {
            items.append(("retning", spelling.descending))
        } else if let ascending = spelling.ascending {
            items.append(("retning", ascending))
        }
        return items
    }

    /// `path` with `items`, those with an empty value left out.
    static func link(_ path: String, _ items: [(String, String)]) -> String {
        let parts = items.filter { !$0.1.isEmpty }
        return parts.isEmpty ? path : path + "?" + parts.map { "\($0.0)=\(AdminLinks.query($0.1))" }.joined(separator: "&")
    }

    /// One header per column for the template, keyed by column: `title`, `link`, and for the
    /// sorted column `ariaSort` and `arrow`. `keeping` are the page's filters, in link order.
    func headers(path: String, keeping: [(String, String)]) -> [String: Any] {
        var headers: [String: Any] = [:]
        for (column, header) in zip(columns, headerList(path: path, keeping: keeping)) { headers[column.key] = header }
        return headers
    }

    /// The headers of `headers` as a list in column order (a table whose columns are all sortable).
    func headerList(path: String, keeping: [(String, String)]) -> [[String: Any]] {
        columns.map { column in
            let current = column.key == key
            let next = current ? !descending : (spelling.ascending == nil ? false : column.descendingFirst)
            var header: [String: Any] = [
                "title": column.title, "link": Self.link(path, keeping + items(key: column.key, descending: next)),
            ]
            if !column.className.isEmpty { header["className"] = column.className }
            if current {
                header["ariaSort"] = descending ? "descending" : "ascending"
                header["arrow"] = descending ? "▼" : "▲"
            }
            return header
        }
    }
}
