import Foundation
import HTTPTypes
import Hummingbird
import Kampagne

/// `/admin/brugere` (administrators only): add an account, change its roles, reset its
/// password, remove it. Removing and resetting ask once more first; every change is logged.
struct AdminUsers: Sendable {
    let site: Site
    var admin: AdminPages { AdminPages(site: site) }
    var gate: StaffGate { StaffGate(site: site) }
    var accounts: StaffAccounts { StaffAccounts(store: site.store) }

    static func roleChoices(_ chosen: Set<StaffRole>) -> [[String: Any]] {
        StaffRole.allCases.map { ["key": $0.rawValue, "name": $0.danish, "checked": chosen.contains($0)] }
    }

    func list(_ request: Request, _ context: WebContext, status: HTTPResponse.Status = .ok, errors: [String: String] = [:],
              typed: [String: String] = [:], flash: String? = nil) async throws -> Response {
        try await gate.open(.users, request, context) { staff in
            try await listPage(staff, request, status: status, errors: errors, typed: typed, flash: flash)
        }
    }

    static let columns = [AdminTableSort.Column(key: StaffAccountSort.username.rawValue, title: "Brugernavn"),
                          AdminTableSort.Column(key: StaffAccountSort.roles.rawValue, title: "Roller"),
                          AdminTableSort.Column(key: StaffAccountSort.lastLogin.rawValue, title: "Sidst logget ind", descendingFirst: true,
                                                className: "hide-narrow")]

    /// The accounts in the order the request asks for (`?sort=…&retning=…`), and that order.
    func sortedAccounts(_ request: Request) async throws -> ([StaffAccountView], AdminTableSort) {
        let sort = AdminTableSort(request, Self.columns, default: StaffAccountSort.username.rawValue, descending: false)
        let accounts = self.accounts
        let users = try await offLoop { try accounts.list() }
        return (StaffAccountView.sorted(users, by: StaffAccountSort(rawValue: sort.key) ?? .username, descending: sort.descending), sort)
    }

    func listPage(_ staff: Staff, _ request: Request, status: HTTPResponse.Status = .ok, errors: [String: String] = [:],
                  typed: [String: String] = [:], flash: String? = nil) async throws -> Response {
        let (users, sort) = try await sortedAccounts(request)
        let rows = users.map { u -> [String: Any] in
            let path = "/admin/brugere/\(u.id)"
            return ["username": u.username, "roles": u.roles.map(\.danish).joined(separator: ", "),
                    "lastLogin": u.lastLoginAt.map { "\(DanishDate.numeric($0)) kl. \(DanishDate.time($0))" } ?? "–",
                    "locked": u.lockedUntil.map { $0 > Date() ? "låst til \(DanishDate.time($0))" : "" } ?? "",
                    "rolesAction": path + "/roller", "rolesCsrf": gate.token(staff, path + "/roller"),
                    "choices": Self.roleChoices(Set(u.roles)), "id": String(u.id),
                    "removeLink": path + "/slet", "resetLink": path + "/nulstil"]
        }
        let typedRoles = Set(StaffRole.allCases.filter { typed["role-" + $0.rawValue] != nil })
        return admin.page(status, staff, .users, title: "Brugere", "admin-brugere", [
            "users": rows, "count": DanishNumber.int(users.count),
            "sort": sort.headers(path: "/admin/brugere", keeping: []),
            "csv": "/admin/brugere.csv" + (sort.parameters.isEmpty ? "" : "?" + sort.parameters.map { "\($0.0)=\($0.1)" }.joined(separator: "&")),
            "addAction": "/admin/brugere", "addCsrf": gate.token(staff, "/admin/brugere"),
            "newChoices": Self.roleChoices(typedRoles), "typedUsername": typed["username"] ?? "", "errors": errors,
        ], request: request, flash: flash)
    }

    /// The list as CSV for Danish Excel, in the order shown; a view of personal data, so it is logged.
    func csv(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.users, request, context) { staff in
            let (users, _) = try await sortedAccounts(request)
            try await admin.audit(staff, request, context, action: "users.export", object: "account:", summary: "\(users.count) konti")
            return FileDownload(name: "kampagne-brugere.csv", type: FileDownload.csv, bytes: StaffAccountView.csv(users)).response
        }
    }

    struct AddForm: StaffForm {
        var csrf: String?
        var username: String?
        var password: String?
        var roleAdmin: String?
        var roleSecretariat: String?
        var roleOrganiser: String?
        var roleAdvisor: String?

        enum CodingKeys: String, CodingKey {
            case csrf, username, password
            case roleAdmin = "role-admin", roleSecretariat = "role-secretariat", roleOrganiser = "role-organiser", roleAdvisor = "role-advisor"
        }

        var roles: Set<StaffRole> {
            var roles = Set<StaffRole>()
            if roleAdmin != nil { roles.insert(.admin) }
            if roleSecretariat != nil { roles.insert(.secretariat) }
            if roleOrganiser != nil { roles.insert(.organiser) }
            if roleAdvisor != nil { roles.insert(.advisor) }
            return roles
        }
    }

    /// A new account. An empty password field makes a random one, shown once.
    func add(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.users, request, context) { staff in
            guard let form = try await admin.verifiedForm(AddForm.self, staff, "/admin/brugere", request, context) else {
                return admin.expired(staff, .users)
            }
            let username = DanishText.singleLine(form.username ?? "").lowercased()
            var typed = ["username": username]
            for role in form.roles { typed["role-" + role.rawValue] = "on" }
            var errors: [String: String] = [:]
            if username.isEmpty { errors["username"] = "Skriv brugernavnet (e-mailadressen)." }
            if form.roles.isEmpty { errors["roles"] = "Vælg mindst én rolle." }
            let accounts = self.accounts
            if !username.isEmpty, try await offLoop({ try accounts.find(username: username) }) != nil {
                errors["username"] = "Der findes allerede en bruger med det navn."
            }
            let given = form.password ?? ""
            let password = given.isEmpty ? StaffAccounts.randomPassword() : given
            if errors.isEmpty {
                do {
                    let roles = form.roles
                    _ = try await offLoop { try accounts.set(username: username, password: password, roles: roles) }
                } catch let error as KampagneError {
                    errors[error.message.contains("Adgangskoden") ? "password" : "username"] = error.message
                }
            }
            guard errors.isEmpty else { return try await listPage(staff, request, status: .unprocessableContent, errors: errors, typed: typed) }
            try await admin.audit(staff, request, context, action: "users.add", object: "account:" + username,
                                  summary: "roller: " + form.roles.sorted().map(\.rawValue).joined(separator: ", "))
            if given.isEmpty {
                return admin.page(.ok, staff, .users, title: "Brugeren er oprettet", "admin-besked", [
                    "heading": "Brugeren er oprettet",
                    "message": "Adgangskoden til \(username) er: \(password) – giv den videre på en sikker måde. Den vises kun denne ene gang.",
                    "back": "/admin/brugere",
                ])
            }
            return admin.redirect("/admin/brugere?besked=bruger-gemt")
        }
    }

    /// The account a `/admin/brugere/:id/...` path names.
    func account(_ context: WebContext) async throws -> (id: Int64, username: String)? {
        guard let id = Int64(try context.parameters.require("id")), let (account, _) = try await accounts.find(id: id) else { return nil }
        return (id, account.username)
    }

    typealias RolesForm = AddForm

    func setRoles(_ request: Request, _ context: WebContext) async throws -> Response {
        try await gate.open(.users, request, context) { staff in
            guard let account = try await account(context) else { return admin.message(.notFound, staff, .users, "Brugeren findes ikke", "") }
            let path = "/admin/brugere/\(account.id)/roller"
            guard let form = try await admin.verifiedForm(RolesForm.self, staff, path, request, context) else {
                return admin.expired(staff, .users)
            }
            let (accounts, roles) = (self.accounts, form.roles)
            do {
                try await offLoop { try accounts.setRoles(username: account.username, roles) }
            } catch let error as KampagneError {
                return try await listPage(staff, request, status: .unprocessableContent, errors: ["rolesRow": "\(account.username): \(error.message)"])
            }
            try await admin.audit(staff, request, context, action: "users.role", object: "account:" + account.username,
                                  summary: "roller: " + roles.sorted().map(\.rawValue).joined(separator: ", "))
            return admin.redirect("/admin/brugere?besked=roller-gemt")
        }
    }

    enum Confirmed { case remove, reset }

    /// The question before an irreversible step, with its consequence.
    func confirmPage(_ request: Request, _ context: WebContext, _ what: Confirmed) async throws -> Response {
        try await gate.open(.users, request, context) { staff in
            guard let account = try await account(context) else { return admin.message(.notFound, staff, .users, "Brugeren findes ikke", "") }
            let path = "/admin/brugere/\(account.id)/" + (what == .remove ? "slet" : "nulstil")
            return admin.page(.ok, staff, .users, title: "Bekræft", "admin-bekraeft", [
                "heading": what == .remove ? "Slet brugeren \(account.username)?" : "Ny adgangskode til \(account.username)?",
                "consequence": what == .remove
                    ? "Kontoen slettes, og alle dens logins ophører straks. Det kan ikke fortrydes; loggen over dens handlinger bevares."
                    : "Der laves en ny tilfældig adgangskode, som vises én gang. Den gamle holder op med at virke, og personen logges ud alle steder.",
                "button": what == .remove ? "Slet" : "Lav ny adgangskode",
                "action": path, "csrf": gate.token(staff, path), "back": "/admin/brugere",
            ])
        }
    }

    func confirmed(_ request: Request, _ context: WebContext, _ what: Confirmed) async throws -> Response {
        try await gate.open(.users, request, context) { staff in
            guard let account = try await account(context) else { return admin.message(.notFound, staff, .users, "Brugeren findes ikke", "") }
            let path = "/admin/brugere/\(account.id)/" + (what == .remove ? "slet" : "nulstil")
            guard try await admin.verifiedForm(TokenForm.self, staff, path, request, context) != nil else {
                return admin.expired(staff, .users)
            }
            let accounts = self.accounts
            switch what {
            case .remove:
                do {
                    try await offLoop { try accounts.remove(username: account.username) }
                } catch let error as KampagneError {
                    return admin.message(.conflict, staff, .users, "Brugeren kan ikke slettes", error.message)
                }
                try await admin.audit(staff, request, context, action: "users.remove", object: "account:" + account.username)
                return admin.redirect("/admin/brugere?besked=bruger-slettet")
            case .reset:
                let password = StaffAccounts.randomPassword()
                _ = try await offLoop { try accounts.set(username: account.username, password: password) }
                try await admin.audit(staff, request, context, action: "users.reset-password", object: "account:" + account.username,
                                      summary: "ny adgangskode; alle logins afsluttet")
                return admin.page(.ok, staff, .users, title: "Ny adgangskode", "admin-besked", [
                    "heading": "Ny adgangskode",
                    "message": "Den nye adgangskode til \(account.username) er: \(password) – giv den videre på en sikker måde. Den vises kun denne ene gang.",
                    "back": "/admin/brugere",
                ])
            }
        }
    }
}
