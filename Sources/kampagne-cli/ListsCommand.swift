import ArgumentParser
import Foundation
import Kampagne

struct ListsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lists",
        abstract: "Mailinglister: opret, vis, slet, og sæt kontakter på og af.",
        subcommands: [Create.self, List.self, Show.self, Rename.self, Delete.self, Add.self, Remove.self])

    struct Rename: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rename", abstract: "Giv en liste et nyt navn.")
        @OptionGroup var store: StoreOptions
        @Argument var name: String
        @Argument var newName: String

        func run() throws {
            let (db, _) = try store.open()
            try MailingLists(store: db).rename(name, to: newName)
            print("Listen '\(name)' hedder nu '\(DanishText.singleLine(newName))'")
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Opret en liste; skriver dens id.")
        @OptionGroup var store: StoreOptions
        @Argument var name: String
        @Option(help: "En kort beskrivelse.") var description = ""

        func run() throws {
            let (db, _) = try store.open()
            print(try MailingLists(store: db).create(name, description: description))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Vis alle lister med antal medlemmer.")
        @OptionGroup var store: StoreOptions
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            let (db, _) = try store.open()
            let lists = try MailingLists(store: db).all()
            if json { return try Output.json(lists) }
            Output.table(["Liste", "Medlemmer", "Beskrivelse"], lists.map { [$0.name, String($0.members), $0.description] })
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Vis en liste og dens medlemmer.")
        @OptionGroup var store: StoreOptions
        @Argument var name: String
        @Flag(help: "Skriv som JSON.") var json = false

        struct JSONView: Encodable {
            var list: MailingListView
            var members: [ContactView]
        }

        func run() throws {
            let (db, _) = try store.open()
            let (list, members) = try MailingLists(store: db).show(name)
            if json { return try Output.json(JSONView(list: list, members: members)) }
            print("\(list.name): \(list.members) medlemmer" + (list.description.isEmpty ? "" : " – \(list.description)"))
            Output.table(["Navn", "E-mail", "Organisation", "Kommune"], members.map {
                [$0.name, $0.email, $0.organisation, $0.municipality ?? ""]
            })
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete", abstract: "Slet en liste. Kontakterne bevares.")
        @OptionGroup var store: StoreOptions
        @Argument var name: String
        @Flag(help: "Slet også en liste med medlemmer.") var force = false

        func run() throws {
            let (db, _) = try store.open()
            let members = try MailingLists(store: db).delete(name, force: force)
            print("Listen '\(name)' er slettet (\(members) medlemskaber fjernet; kontakterne er bevaret)")
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Sæt kontakter på en liste.")
        @OptionGroup var store: StoreOptions
        @Argument var name: String
        @Argument(help: "E-mailadresser på kontakter, der findes.") var emails: [String]
        @Option(help: "Retsgrundlag: consent eller legitimate-interest.") var consent = "legitimate-interest"
        @Option(help: "Hvordan samtykket blev givet.") var source = "kommandolinje"

        func run() throws {
            let basis = try ConsentBasis(parsing: consent)
            let (db, _) = try store.open()
            let added = try MailingLists(store: db).add(emails, to: name, consent: basis, source: source)
            print("\(added) tilføjet til '\(name)'" + (added < emails.count ? " (\(emails.count - added) var der allerede)" : ""))
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Tag kontakter af en liste.")
        @OptionGroup var store: StoreOptions
        @Argument var name: String
        @Argument var emails: [String]

        func run() throws {
            let (db, _) = try store.open()
            let removed = try MailingLists(store: db).remove(emails, from: name)
            print("\(removed) fjernet fra '\(name)'")
        }
    }
}

struct SegmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments",
        abstract: "Gemte segmenter: navngivne filtre, der beregnes, hver gang de bruges.",
        subcommands: [Create.self, List.self, Show.self, Update.self, Delete.self])

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update",
            abstract: "Giv et segment et nyt filter (det gamle erstattes) og eventuelt et nyt navn.")
        @OptionGroup var store: StoreOptions
        @Argument var name: String
        @Option(name: .customLong("name"), help: "Nyt navn.") var newName: String?
        @OptionGroup var filter: ContactsCommand.FilterOptions

        func run() throws {
            if filter.segment != nil { throw ValidationError("Et segment kan ikke bygge på et andet segment") }
            let (db, _) = try store.open()
            try Segments(store: db).update(name, filter: filter.filter, newName: newName)
            print("Segmentet '\(newName ?? name)' rammer nu \(try Segments(store: db).count(filter.filter)) kontakter")
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Gem et segment, fx jobcenterchefer i Region Syddanmark; skriver dets id.")
        @OptionGroup var store: StoreOptions
        @Argument var name: String
        @OptionGroup var filter: ContactsCommand.FilterOptions

        func run() throws {
            if filter.segment != nil { throw ValidationError("Et segment kan ikke bygge på et andet segment") }
            let (db, _) = try store.open()
            print(try Segments(store: db).create(name, filter: filter.filter))
            // Saved all the same: the contacts may come later. But a typo shows now.
            try ContactDirectory(store: db).warnings(filter.filter).forEach { Output.note("Advarsel: \($0)") }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Vis segmenterne og hvor mange de rammer nu.")
        @OptionGroup var store: StoreOptions
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            let (db, _) = try store.open()
            let segments = try Segments(store: db).all()
            if json { return try Output.json(segments) }
            Output.table(["Segment", "Kontakter", "Filter"], segments.map { [$0.name, String($0.members), $0.description] })
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Vis kontakterne i et segment lige nu.")
        @OptionGroup var store: StoreOptions
        @Argument var name: String
        @Flag(help: "Skriv som JSON.") var json = false

        func run() throws {
            let (db, _) = try store.open()
            let directory = ContactDirectory(store: db)
            let contacts = try directory.list(segment: name)
            if contacts.isEmpty { try directory.warnings(segment: name).forEach { Output.note("Advarsel: \($0)") } }
            if json { return try Output.json(contacts) }
            Output.table(["Navn", "E-mail", "Organisation", "Kommune"], contacts.map {
                [$0.name, $0.email, $0.organisation, $0.municipality ?? ""]
            })
            print("\(contacts.count) kontakter")
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete", abstract: "Slet et segment (ingen kontakter slettes).")
        @OptionGroup var store: StoreOptions
        @Argument var name: String

        func run() throws {
            let (db, _) = try store.open()
            try Segments(store: db).delete(name)
            print("Segmentet '\(name)' er slettet")
        }
    }
}
