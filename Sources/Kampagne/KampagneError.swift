import Foundation
import GRDB

/// One wrong value in a form or a record: which field (the key a form posts, e.g. `name`,
/// `email`, `organisation`, `municipality`, `q-kost` for a meeting's question) and why, in Danish.
/// The message names no command-line option: the command line renders the field as its option
/// (`--date: …`), a form shows the message next to the field.
public struct FieldError: Error, Equatable, Sendable, Codable {
    /// The field the error is about; `FieldError.request` when it is about the request as a whole
    /// (a list that still has members, an activity entered twice).
    public var field: String
    public var message: String
    /// The value looks wrong but may be right: the person can confirm it (a tick box on a form,
    /// an option on the command line) and try again.
    public var confirmable: Bool
    /// The field that confirms it: `force` for an unlikely value or a far-reaching change,
    /// `again` for something done twice on purpose.
    public var confirmation: String
    /// Other fields, any one of which settles the error: a choice not made (`list`, `segment`,
    /// `role`), a name that matches several people (`email`).
    public var choices: [String]

    /// The field name of an error about the whole request rather than one value.
    public static let request = ""

    public init(_ field: String, _ message: String, confirmable: Bool = false, confirmation: String = "force", choices: [String] = []) {
        self.field = field
        self.message = message
        self.confirmable = confirmable
        self.confirmation = confirmation
        self.choices = choices
    }
}

/// Every failure a user can cause or meet, with a Danish message that says what and where.
/// Code branches on the case; people read `message`. Messages name no command-line flag:
/// the command line and the web each add their own hint (see `importRejected`).
public enum KampagneError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The user's input is wrong: a file, an argument, a value.
    case invalidInput(String)
    /// One or more named fields are wrong: a form shows each next to its field.
    case fields([FieldError])
    /// Something named does not exist; `kind` when it is a record named by its id, so the
    /// command line can point to the command that lists them and the web to its page.
    case notFound(String, kind: RecordKind? = nil)
    /// The request conflicts with what is stored.
    case conflict(String)
    /// Another run holds the outbox (cron, `kampagne serve`): try again later, nothing is lost.
    case busy(String)
    /// A file could not be read or written.
    case io(String)
    /// The database refused or failed.
    case database(String)
    /// The configuration file is wrong.
    case config(String)
    /// An import found bad rows and wrote nothing; the report lists them.
    case importRejected(ImportReport)

    /// The record `id` of `kind` does not exist ("Møde 7 findes ikke").
    public static func unknown(_ kind: RecordKind, _ id: Int64) -> KampagneError {
        .notFound("\(kind.danish) \(id) findes ikke", kind: kind)
    }

    /// A single field error.
    public static func field(_ field: String, _ message: String, confirmable: Bool = false) -> KampagneError {
        .fields([FieldError(field, message, confirmable: confirmable)])
    }

    /// A choice not made: one of `choices` (fields) settles it; `field` names what is chosen.
    public static func choice(_ field: String, _ message: String, among choices: [String]) -> KampagneError {
        .fields([FieldError(field, message, choices: choices)])
    }

    /// Something that needs confirming with `confirmation` (`force`, `again`) to go ahead.
    public static func unconfirmed(_ message: String, confirmation: String = "force") -> KampagneError {
        .fields([FieldError(FieldError.request, message, confirmable: true, confirmation: confirmation)])
    }

    public var message: String {
        switch self {
        case .invalidInput(let m), .notFound(let m, _), .conflict(let m), .busy(let m), .io(let m), .database(let m), .config(let m):
            return m
        case .fields(let errors):
            return errors.map(\.message).joined(separator: "\n")
        case .importRejected(let report):
            let shown = report.errors.prefix(20).map(\.description)
            var lines = ["Importen er afvist: \(report.errors.count) fejl. Intet er gemt."] + shown
            if report.errors.count > shown.count {
                lines.append("… og \(report.errors.count - shown.count) fejl mere.")
            }
            lines.append("Ret filen og prøv igen.")
            return lines.joined(separator: "\n")
        }
    }

    /// The field errors, keyed by field (several for one field are joined); empty for other cases.
    public var fieldMessages: [String: String] {
        guard case .fields(let errors) = self else { return [:] }
        return errors.reduce(into: [:]) { result, error in
            result[error.field] = result[error.field].map { $0 + " " + error.message } ?? error.message
        }
    }

    public var description: String { message }

    public static func wrap(_ error: any Error) -> KampagneError {
        if let error = error as? KampagneError { return error }
        if let error = error as? FieldError { return .fields([error]) }
        if let error = error as? DatabaseError {
            if error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
                return .database("Databasen er optaget af en anden proces; prøv igen om lidt")
            }
            return .database("Databasefejl: \(error.message ?? error.description)")
        }
        return .database("\(error)")
    }
}

/// The kinds of record a person names by id (on the command line, in an address).
public enum RecordKind: String, Sendable, Equatable, CaseIterable {
    case meeting, edition, campaign, activity, story

    /// The record in Danish, as a sentence starts it.
    public var danish: String {
        switch self {
        case .meeting: return "Møde"
        case .edition: return "Udgave"
        case .campaign: return "Udsendelse"
        case .activity: return "Aktivitet"
        case .story: return "Historie"
        }
    }
}

/// The longest value accepted per kind of field, in characters: one set for the importer,
/// the web forms, the sign-up and the command line.
public enum InputLimits {
    /// A person's name (whole, or first or last name alone), a list name, a field name.
    public static let name = 200
    /// An organisation, on a form or in an import.
    public static let organisation = 200
    /// Other short text in an import: a title, an address line.
    public static let text = 500
    public static let phone = 50
    /// An extra column's value, or a list of roles.
    public static let attribute = 4_000
    /// An answer to a meeting's question.
    public static let answer = 1_000
    /// A meeting's title.
    public static let title = 200
    /// A login name or password typed into the login form.
    public static let credential = 200

    /// "Højst 200 tegn." for a form field.
    public static func tooLong(_ limit: Int) -> String { "Højst \(limit) tegn." }
}
