import Foundation
import GRDB

/// Every failure a user can cause or meet, with a Danish message that says what and where.
public enum KampagneError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The user's input is wrong: a file, an argument, a value.
    case invalidInput(String)
    /// Something named does not exist.
    case notFound(String)
    /// The request conflicts with what is stored.
    case conflict(String)
    /// A file could not be read or written.
    case io(String)
    /// The database refused or failed.
    case database(String)
    /// The configuration file is wrong.
    case config(String)
    /// An import found bad rows and wrote nothing; the report lists them.
    case importRejected(ImportReport)

    public var message: String {
        switch self {
        case .invalidInput(let m), .notFound(let m), .conflict(let m), .io(let m), .database(let m), .config(let m):
            return m
        case .importRejected(let report):
            let shown = report.errors.prefix(20).map(\.description)
            var lines = ["Importen er afvist: \(report.errors.count) fejl. Intet er gemt."] + shown
            if report.errors.count > shown.count {
                lines.append("… og \(report.errors.count - shown.count) fejl mere.")
            }
            lines.append("Ret filen og prøv igen, eller brug --rejects FIL for at importere de gode rækker "
                + "og skrive de afviste til FIL.")
            return lines.joined(separator: "\n")
        }
    }

    public var description: String { message }

    public static func wrap(_ error: any Error) -> KampagneError {
        if let error = error as? KampagneError { return error }
        if let error = error as? DatabaseError {
            if error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
                return .database("Databasen er optaget af en anden proces; prøv igen om lidt")
            }
            return .database("Databasefejl: \(error.message ?? error.description)")
        }
        return .database("\(error)")
    }
}
