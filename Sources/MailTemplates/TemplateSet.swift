import Foundation
import Mustache

/// The Mustache templates in a folder (the bundled `Templates/` or a user's copy), parsed
/// once. Each file `name.mustache` is available as `name`, also as a partial.
public struct TemplateSet: Sendable {
    public let directory: String
    let library: MustacheLibrary
    let names: Set<String>

    /// Loads every `*.mustache` file in `directory` and its sub-folders. A syntax error names
    /// the file and line.
    public init(directory: String) throws(TemplateError) {
        self.directory = directory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw TemplateError(file: directory, line: 0, message: "skabelonmappen findes ikke")
        }
        var library = MustacheLibrary()
        var names: Set<String> = []
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var files: [String] = []
        while let path = enumerator?.nextObject() as? String {
            if path.hasSuffix(".mustache") { files.append(path) }
        }
        for path in files.sorted() {
            let full = (directory as NSString).appendingPathComponent(path)
            guard let data = FileManager.default.contents(atPath: full), let text = String(data: data, encoding: .utf8) else {
                throw TemplateError(file: full, line: 0, message: "kan ikke læses som UTF-8")
            }
            let name = String((path as NSString).lastPathComponent.dropLast(".mustache".count))
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
