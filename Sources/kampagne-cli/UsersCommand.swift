import ArgumentParser
import Foundation
import Kampagne

struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Medarbejderkonti til webserverens /admin med roller: admin, sekretariat, arrangør, kommunikation.",
        subcommands: [Add.self, List.self, Role.self, Remove.self])

    static func roles(_ names: [String]) throws -> Set<StaffRole> {
        var roles = Set<StaffRole>()
        for name in names.flatMap({ $0.split(separator: ",").map(String.init) }) { roles.insert(try StaffRole.parse(name)) }
        return roles
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Opret en konto, eller sæt en ny adgangskode (alle logins for kontoen afsluttes); skriver id.",
            discussion: "Adgangskoden læses fra en prompt eller fra standard input, aldrig fra kommandolinjen. Uden --role bliver en ny konto arrangør; en eksisterende beholder sine roller.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Brugernavnet, fx en e-mailadresse.") var username: String
        @Option(name: .customLong("role"), help: "admin, sekretariat, arrangør eller kommunikation. Kan gentages.") var roles: [String] = []
        @Flag(name: .customLong("password-stdin"), help: "Læs adgangskoden fra standard input (til scripts).") var passwordStdin = false

        func run() throws {
            let roles = try UsersCommand.roles(self.roles)
            let password: String
            if passwordStdin || !Output.stdinIsTerminal {
                password = (readLine(strippingNewline: true) ?? "")
            } else {
                guard let first = getpass("Adgangskode: ").map({ String(cString: $0) }),
                      let second = getpass("Gentag adgangskoden: ").map({ String(cString: $0) }) else {
                    throw KampagneError.invalidInput("Ingen adgangskode")
                }
                guard first == second else { throw KampagneError.invalidInput("Adgangskoderne er ikke ens") }
                password = first
            }
            let (db, _) = try store.open()
            print(try StaffAccounts(store: db).set(username: username, password: password, roles: roles))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Vis medarbejderkonti og deres roller.")
        @OptionGroup var store: StoreOptions
        @Flag(help: "Skriv som JSON.") var json = false
        @Flag(help: "Skriv som CSV til Excel (semikolon, UTF-8 med BOM), som /admin/brugere.csv.") var csv = false

        func run() throws {
            let (db, _) = try store.open()
            let users = try StaffAccounts(store: db).list()
            if json { return try Output.json(users) }
            if csv { return try Output.write(StaffAccountView.csv(users), to: nil) }
            Output.table(["Id", "Brugernavn", "Roller", "Oprettet", "Sidst logget ind"], users.map {
                [String($0.id), $0.username, $0.roles.map(\.danish).joined(separator: ", "), DanishDate.short($0.createdAt),
                 $0.lastLoginAt.map(DanishDate.short) ?? "–"]
            })
        }
    }

    struct Role: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "role", abstract: "Giv en konto præcis disse roller.")
        @OptionGroup var store: StoreOptions
        @Argument var username: String
        @Argument(help: "En eller flere roller: admin, sekretariat, arrangør, kommunikation.") var roles: [String]

        func run() throws {
            let roles = try UsersCommand.roles(self.roles)
            let (db, _) = try store.open()
            try StaffAccounts(store: db).setRoles(username: username, roles)
            print("\(username): \(roles.sorted().map(\.danish).joined(separator: ", "))")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Slet en konto (dens logins ophører straks).")
        @OptionGroup var store: StoreOptions
        @Argument var username: String

        func run() throws {
            let (db, _) = try store.open()
            try StaffAccounts(store: db).remove(username: username)
            print("Slettet: \(username)")
        }
    }
}

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Revisionsloggen: hvem har gjort hvad, hvornår og hvorfra (også hvem der har set en persons data).",
        discussion: "Fx kampagne log --object contact:anna@kommune.example for en indsigtsanmodning.")
    @OptionGroup var store: StoreOptions
    @Option(help: "Kun denne aktør (brugernavn, cli:<bruger> eller --as-adressen).") var actor: String?
    @Option(help: "Kun dette objekt, fx contact:EMAIL, event:3; 'contact:' giver alle kontakter.") var object: String?
    @Option(help: "Fra og med denne dato (ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ).") var from: String?
    @Option(help: "Til og med denne dato.") var to: String?
    @Option(help: "Højst så mange rækker (nyeste først).") var limit: Int = 1000
    @Flag(help: "Skriv som JSON.") var json = false

    func run() throws {
        func day(_ text: String?, option: String) throws -> Date? {
            guard let text else { return nil }
            guard let date = DanishDate.parse(text) else { throw KampagneError.invalidInput("Ukendt dato '\(text)' (\(option))") }
            return date
        }
        let end = try day(to, option: "til").map { $0.addingTimeInterval(24 * 3600) }
        let (db, _) = try store.open()
        let page = try AuditLog(store: db).query(AuditQuery(actor: actor, object: object, from: try day(from, option: "fra"), to: end,
                                                            limit: limit))
        if json { return try Output.json(page) }
        Output.table(["Tid", "Aktør", "Handling", "Objekt", "Resumé", "Fra"], page.entries.map {
            [DanishDate.short($0.at), $0.actor, $0.action, $0.object, $0.summary, $0.client]
        })
        if page.total > page.entries.count { Output.note("Viser \(page.entries.count) af \(page.total) rækker") }
    }
}
