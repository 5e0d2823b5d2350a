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
            writer.row([c.firstName, c.lastName, c.email, c.organisation, c.title, c.municipality ?? "",
                        c.region ?? "", c.phone, c.roles.joined(separator: ", ")]
                       + attributeNames.map { c.attributes[$0] ?? "" })
        }
        return writer.data
    }
}
