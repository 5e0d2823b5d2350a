import Foundation

/// Contacts as a CSV file that imports again and that Excel in Denmark opens correctly.
public enum ContactExport {
    /// The fixed columns; each attribute found on any contact follows as its own column.
    static let headers = ["Fornavn", "Efternavn", "E-mail", "Organisation", "Titel", "Kommune", "Region", "Telefon", "Roller"]

    public static func csv(_ contacts: [ContactView], excel: Bool) -> Data {
        let attributeNames = DanishText.sorted(Array(Set(contacts.flatMap(\.attributes.keys)))) { [$0] }
        var writer = CSVWriter(excel: excel)
        writer.row(headers + attributeNames)
        for c in contacts {
            writer.row(row(c, attributeNames: attributeNames))
        }
        return writer.data
    }

    /// The same file as `csv`, written to `output` row by row straight from the database.
    /// Returns the number of contacts written.
    @discardableResult
    public static func write(_ directory: ContactDirectory, _ filter: ContactFilter, segment: String?,
                             excel: Bool, to output: ByteOutput) throws(KampagneError) -> Int {
        let writer = CSVWriter(excel: excel)
        var names: [String] = []
        var count = 0
        try output.append(writer.preamble)
        try directory.each(filter, segment: segment, attributeNames: { found in
            names = found
            try output.append(writer.line(headers + found))
        }) { c in
            try output.append(writer.line(row(c, attributeNames: names)))
            count += 1
        }
        try output.flush()
        return count
    }

    static func row(_ c: ContactView, attributeNames: [String]) -> [String] {
        [c.firstName, c.lastName, c.email, c.organisation, c.title, c.municipality ?? "",
         c.region ?? "", c.phone, c.roles.joined(separator: ", ")]
            + attributeNames.map { c.attributes[$0] ?? "" }
    }
}
