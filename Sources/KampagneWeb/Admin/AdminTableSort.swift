import Foundation
import Hummingbird

/// A staff table's sortable columns as plain links, so sorting works without JavaScript:
/// `?sort=KEY&retning=stigende|faldende`, keeping the page's filters. The sorted column's
/// header carries `aria-sort`; clicking it again turns the direction.
struct AdminTableSort: Sendable {
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

    /// The order a request asks for; an unknown column or direction is the default.
    init(_ request: Request, _ columns: [Column], default defaultKey: String, descending defaultDescending: Bool) {
        self.columns = columns
        let asked = request.uri.queryParameters.get("sort").map { String($0) }
        let direction = request.uri.queryParameters.get("retning").map { String($0) }
        if let asked, let column = columns.first(where: { $0.key == asked }) {
            key = column.key
            switch direction {
            case Self.ascending: descending = false
            case Self.descending: descending = true
            default: descending = column.descendingFirst
            }
        } else {
            key = defaultKey
            descending = defaultDescending
        }
        isDefault = key == defaultKey && descending == defaultDescending
    }

    /// The sort as query parameters for the page's other links (paging, CSV); none for the default.
    var parameters: [(String, String)] {
        isDefault ? [] : [("sort", key), ("retning", descending ? Self.descending : Self.ascending)]
    }

    /// One header per column for the template, keyed by column: `title`, `link`, and for the
    /// sorted column `ariaSort` and `arrow`. `keeping` are the page's filters, in link order.
    func headers(path: String, keeping: [(String, String)]) -> [String: Any] {
        var headers: [String: Any] = [:]
        for column in columns {
            let current = column.key == key
            let next = current ? !descending : column.descendingFirst
            let parts = keeping.filter { !$0.1.isEmpty } + [("sort", column.key), ("retning", next ? Self.descending : Self.ascending)]
            var header: [String: Any] = [
                "title": column.title,
                "link": path + "?" + parts.map { "\($0.0)=\(AdminLinks.query($0.1))" }.joined(separator: "&"),
            ]
            if !column.className.isEmpty { header["className"] = column.className }
            if current {
                header["ariaSort"] = descending ? "descending" : "ascending"
                header["arrow"] = descending ? "▼" : "▲"
            }
            headers[column.key] = header
        }
        return headers
    }
}
