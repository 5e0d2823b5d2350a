import ArgumentParser
import Foundation
import Kampagne

/// A command that leaves a row in the audit trail when it succeeds: every change, and every
/// view of personal data. The action is the command's path (`contacts.erase`); the command
/// only names its object. The runner (`KampagneCommand.main`) writes the row, so no command
/// writes its own.
protocol AuditedCommand: ParsableCommand {
    var store: StoreOptions { get }
    /// `kind:key`, e.g. `contact:anna@kommune.example`; empty when there is no single object.
    var auditObject: String { get }
    /// A short summary in Danish; no more personal data than the object already names.
    var auditSummary: String { get }
}

extension AuditedCommand {
    var auditObject: String { "" }
    var auditSummary: String { "" }
}

enum CommandAudit {
    /// The subcommand names from the root to `type`, e.g. ["contacts", "erase"].
    static func path(of type: any ParsableCommand.Type, under root: any ParsableCommand.Type = KampagneCommand.self) -> [String]? {
        for child in root.configuration.subcommands {
            if child == type { return [child._commandName] }
            if let rest = path(of: type, under: child) { return [child._commandName] + rest }
        }
        return nil
    }

    /// The actor of the command line: `--as EMAIL`, else `cli:<operating-system user>`.
    static func actor(_ given: String?) -> String {
        if let given = given.map(DanishText.singleLine), !given.isEmpty { return given.lowercased() }
        return "cli:" + NSUserName()
    }

    /// The actor of this process's command line, for records a command keeps itself (who moved a send).
    static var currentActor: String { actor(GlobalOptions(Array(CommandLine.arguments.dropFirst())).actor) }

    static func record(_ command: any ParsableCommand, actor given: String?) throws {
        guard let audited = command as? any AuditedCommand else { return }
        let action = (path(of: type(of: command)) ?? [type(of: command)._commandName]).joined(separator: ".")
        try AuditLog.append(toDatabaseAt: audited.store.workspace.databasePath, actor: actor(given), action: action,
                            object: audited.auditObject, summary: audited.auditSummary)
    }
}

/// `kampagne --db PATH contacts list`: options every command takes, typed before the
/// subcommand as git and sqlite3 users do, are moved behind the subcommand's path. `--as EMAIL`
/// there names the actor for the audit trail; it is taken out, since after the subcommand
/// `--as` may mean something else (`stories publish --as article`).
struct GlobalOptions {
    static let moved: Set<String> = ["--db", "--config"]
    static let actorOption = "--as"
    /// What the parser gets.
    var arguments: [String]
    var actor: String?

    init(_ arguments: [String], root: any ParsableCommand.Type = KampagneCommand.self) {
        var rest = arguments[...]
        var globals: [String] = []
        var actor: String?
        while let first = rest.first {
            let name = first.firstIndex(of: "=").map { String(first[..<$0]) } ?? first
            let inline = name != first ? String(first[first.index(after: first.firstIndex(of: "=") ?? first.startIndex)...]) : nil
            guard Self.moved.contains(name) || name == Self.actorOption, inline != nil || rest.count >= 2 else { break }
            let value = inline ?? rest.dropFirst().first ?? ""
            if name == Self.actorOption { actor = value } else { globals += [name, value] }
            rest = rest.dropFirst(inline == nil ? 2 : 1)
        }
        self.actor = actor
        guard !globals.isEmpty else {
            self.arguments = Array(rest)
            return
        }
        var path: [String] = []
        var node = root
        while let next = rest.first, let child = node.configuration.subcommands.first(where: {
            $0._commandName == next || $0.configuration.aliases.contains(next)
        }) {
            path.append(next)
            rest = rest.dropFirst()
            node = child
        }
        self.arguments = path + globals + rest
    }
}

// MARK: What each command records

extension ContactsCommand.Import: AuditedCommand {
    var auditSummary: String { dryRun ? "prøvekørsel: \(files.joined(separator: ", "))" : files.joined(separator: ", ") }
}
extension ContactsCommand.Show: AuditedCommand { var auditObject: String { AuditLog.contact(email) } }
extension ContactsCommand.Update: AuditedCommand { var auditObject: String { AuditLog.contact(email) } }
extension ContactsCommand.Export: AuditedCommand { var auditSummary: String { "eksport af kontakter" } }
extension ContactsCommand.Unsubscribe: AuditedCommand { var auditObject: String { AuditLog.contact(email) } }
extension ContactsCommand.ExportPerson: AuditedCommand { var auditObject: String { AuditLog.contact(email) } }
/// The erased person's address must not come back into the log with the row about it.
extension ContactsCommand.Erase: AuditedCommand {
    var auditObject: String { "contact:" + AuditLog.erased }
    var auditSummary: String { "en person er slettet efter anmodning" }
}
extension ListsCommand.Create: AuditedCommand { var auditObject: String { "list:" + name } }
extension ListsCommand.Delete: AuditedCommand { var auditObject: String { "list:" + name } }
extension ListsCommand.Show: AuditedCommand { var auditObject: String { "list:" + name } }
extension ListsCommand.Add: AuditedCommand {
    var auditObject: String { "list:" + name }
    var auditSummary: String { "\(emails.count) tilføjet" }
}
extension ListsCommand.Remove: AuditedCommand {
    var auditObject: String { "list:" + name }
    var auditSummary: String { "\(emails.count) fjernet" }
}
extension SegmentsCommand.Create: AuditedCommand { var auditObject: String { "segment:" + name } }
extension SegmentsCommand.Update: AuditedCommand { var auditObject: String { "segment:" + (newName ?? name) } }
extension ListsCommand.Rename: AuditedCommand { var auditObject: String { "list:" + newName } }
extension SegmentsCommand.Delete: AuditedCommand { var auditObject: String { "segment:" + name } }
extension SegmentsCommand.Show: AuditedCommand { var auditObject: String { "segment:" + name } }
extension NewsletterCommand.Create: AuditedCommand { var auditSummary: String { file } }
extension NewsletterCommand.Test: AuditedCommand { var auditObject: String { "edition:\(id)" } }
extension NewsletterCommand.Send: AuditedCommand { var auditObject: String { "edition:\(id)" } }
extension OutboxCommand.Run: AuditedCommand {}
extension BouncesCommand.Run: AuditedCommand {}
extension OutboxCommand.RetryFailed: AuditedCommand { var auditObject: String { "campaign:\(campaign)" } }
extension EventsCommand.Create: AuditedCommand { var auditSummary: String { file } }
extension EventsCommand.Update: AuditedCommand { var auditObject: String { "event:\(id)" } }
extension EventsCommand.Invite: AuditedCommand { var auditObject: String { "event:\(id)" } }
extension EventsCommand.Register: AuditedCommand { var auditObject: String { "event:\(id)" } }
extension EventsCommand.CancelRegistration: AuditedCommand { var auditObject: String { "event:\(id)" } }
extension EventsCommand.Accept: AuditedCommand { var auditObject: String { "event:\(id)" } }
extension EventsCommand.Decline: AuditedCommand { var auditObject: String { "event:\(id)" } }
extension EventsCommand.Go: AuditedCommand { var auditObject: String { "event:\(id)" } }
extension EventsCommand.Cancel: AuditedCommand { var auditObject: String { "event:\(id)" } }
extension EventsCommand.Message: AuditedCommand { var auditObject: String { "event:\(id)" } }
extension EventsCommand.CheckIn: AuditedCommand { var auditObject: String { "event:\(id)" } }
/// The door list and the participant export name people: viewing them counts.
extension EventsCommand.DoorList: AuditedCommand { var auditObject: String { "event:\(id)" } }
extension EventsCommand.Export: AuditedCommand { var auditObject: String { "event:\(id)" } }
extension StoriesCommand.New: AuditedCommand {}
extension StoriesCommand.Import: AuditedCommand { var auditSummary: String { file } }
extension StoriesCommand.Edit: AuditedCommand { var auditObject: String { "story:\(id)" } }
extension StoriesCommand.Save: AuditedCommand { var auditObject: String { "story:\(id)" } }
extension StoriesCommand.Consent: AuditedCommand { var auditObject: String { "story:\(id)" } }
extension StoriesCommand.WithdrawConsent: AuditedCommand { var auditObject: String { "story:\(id)" } }
extension StoriesCommand.RequestReview: AuditedCommand { var auditObject: String { "story:\(id)" } }
extension StoriesCommand.Approve: AuditedCommand { var auditObject: String { "story:\(id)" } }
extension StoriesCommand.Publish: AuditedCommand { var auditObject: String { "story:\(id)" } }
extension StoriesCommand.Photo.Add: AuditedCommand {
    var auditObject: String { "story:\(id)" }
    var auditSummary: String { (file as NSString).lastPathComponent }
}
extension StoriesCommand.Photo.Remove: AuditedCommand {
    var auditObject: String { "story:\(id)" }
    var auditSummary: String { name }
}
extension StoriesCommand.Withdraw: AuditedCommand { var auditObject: String { "story:\(id)" } }
extension StoriesCommand.Reopen: AuditedCommand { var auditObject: String { "story:\(id)" } }
extension ActivityCommand.Add: AuditedCommand {}
extension ActivityCommand.Remove: AuditedCommand { var auditObject: String { "activity:\(id)" } }
extension UsersCommand.Add: AuditedCommand {
    var auditObject: String { "account:" + username.lowercased() }
    var auditSummary: String { roles.isEmpty ? "adgangskode sat" : "roller: " + roles.joined(separator: ", ") }
}
extension UsersCommand.Role: AuditedCommand {
    var auditObject: String { "account:" + username.lowercased() }
    var auditSummary: String { "roller: " + roles.joined(separator: ", ") }
}
extension UsersCommand.Remove: AuditedCommand { var auditObject: String { "account:" + username.lowercased() } }
