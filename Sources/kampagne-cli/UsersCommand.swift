import ArgumentParser
import Foundation
import Kampagne

struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Arrangørkonti til webserverens arrangørsider (oversigt og indtjekning).",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Opret en konto, eller sæt en ny adgangskode (alle logins for kontoen afsluttes); skriver id.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Brugernavnet, fx en e-mailadresse.") var username: String
        @Flag(name: .customLong("password-stdin"), help: "Læs adgangskoden fra standard input (til scripts).") var passwordStdin = false

        func run() throws {
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
            print(try Organisers(store: db).set(username: username, password: password))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Vis arrangørkonti.")
        @OptionGroup var store: StoreOptions
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            let (db, _) = try store.open()
            let users = try Organisers(store: db).list()
            if json { return try Output.json(users) }
            Output.table(["Id", "Brugernavn", "Oprettet", "Sidst logget ind"], users.map {
                [String($0.id), $0.username, DanishDate.short($0.createdAt), $0.lastLoginAt.map(DanishDate.short) ?? "–"]
            })
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Slet en konto (dens logins ophører straks).")
        @OptionGroup var store: StoreOptions
        @Argument var username: String

        func run() throws {
            let (db, _) = try store.open()
            try Organisers(store: db).remove(username: username)
            print("Slettet: \(username)")
        }
    }
}
