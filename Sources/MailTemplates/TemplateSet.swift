import Foundation
import Mustache

/// The Mustache templates in a folder (the bundled `Templates/` or a user's copy), parsed
/// once. Each file `name.mustache` is available as `name`, also as a partial.
public struct TemplateSet: Sendable {
    public let directory: String
    let library: MustacheLibrary
    let names: Set<String>
    /// Whether any template branches on a personal value (`{{#recipient…}}`, `{{^greeting}}`):
    /// then every recipient gets a full render.
    let branchesOnRecipient: Bool

    /// Loads every `*.mustache` file in `directory` and its sub-folders, except those under
    /// `skipping` (the web pages' folder, say). A syntax error names the file and line.
    public init(directory: String, skipping: [String] = ["web", "print"]) throws(TemplateError) {
        self.directory = directory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw TemplateError(file: directory, line: 0, message: "skabelonmappen findes ikke")
        }
        var library = MustacheLibrary()
        var names: Set<String> = []
        var branches = false
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var files: [String] = []
        while let path = enumerator?.nextObject() as? String {
            if path.hasSuffix(".mustache"), !skipping.contains(where: { path.hasPrefix($0 + "/") }) { files.append(path) }
        }
        for path in files.sorted() {
            let full = (directory as NSString).appendingPathComponent(path)
            guard let data = FileManager.default.contents(atPath: full), let text = String(data: data, encoding: .utf8) else {
                throw TemplateError(file: full, line: 0, message: "kan ikke læses som UTF-8")
            }
            let name = String((path as NSString).lastPathComponent.dropLast(".mustache".count))
            branches = branches || TemplateSet.branchesOnPersonalValue(text)
            do {
                library.register(try MustacheTemplate(string: text), named: name)
            } catch let error as MustacheTemplate.ParserError {
                throw TemplateError(file: full, line: error.context.lineNumber,
                                    message: "fejl i skabelonen (kolonne \(error.context.columnNumber)): \(error.error)")
            } catch {
                throw TemplateError(file: full, line: 0, message: "fejl i skabelonen: \(error)")
            }
            names.insert(name)
        }
        self.library = library
        self.names = names
        self.branchesOnRecipient = branches
    }

    static let personalKeys = ["recipient", "greeting", "unsubscribeURL", "listName"]

    static func branchesOnPersonalValue(_ text: String) -> Bool {
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            let tag = rest[open.upperBound...].drop { $0 == " " }
            if let kind = tag.first, kind == "#" || kind == "^" {
                let name = tag.dropFirst().drop { $0 == " " }
                if personalKeys.contains(where: { name.hasPrefix($0) }) { return true }
            }
            rest = rest[open.upperBound...]
        }
        return false
    }

    /// Renders template `name` with `context`; a missing template is an error naming it.
    public func render(_ name: String, _ context: [String: Any]) throws(TemplateError) -> String {
        guard names.contains(name), let output = library.render(context, withTemplate: name) else {
            throw TemplateError(file: (directory as NSString).appendingPathComponent(name + ".mustache"), line: 0,
                                message: "skabelonen mangler")
        }
        return output
    }

    public func has(_ name: String) -> Bool { names.contains(name) }
}
