import Foundation

/// A login's secrets from the configuration: a password from an environment variable or a
/// file, and an OAuth2 token from a file. Never from the database. Shared by `[smtp]` and
/// `[bounces]`, so both read and report them alike.
struct Credentials {
    var password: String?
    var token: String?

    /// `section` names the table in messages ("smtp", "bounces"); `resolve` turns a path
    /// relative to the configuration into a full one.
    init(section: String, passwordEnv: String?, passwordFile: String?, tokenFile: String?,
         environment: [String: String], resolve: (String) -> String) throws(KampagneError) {
        func read(_ path: String, what: String, key: String) throws(KampagneError) -> String {
            guard let text = try? String(contentsOfFile: resolve(path), encoding: .utf8) else {
                throw .config("Kan ikke læse \(what) fra \(path) ([\(section)] \(key))")
            }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let name = passwordEnv {
            guard let value = environment[name], !value.isEmpty else {
                throw .config("Miljøvariablen \(name) (fra [\(section)] password_env) er ikke sat")
            }
            password = value
        } else if let path = passwordFile {
            password = try read(path, what: "adgangskoden", key: "password_file")
        }
        if let path = tokenFile { token = try read(path, what: "OAuth2-token", key: "oauth2_token_file") }
    }

    var isEmpty: Bool { password == nil && token == nil }
}
