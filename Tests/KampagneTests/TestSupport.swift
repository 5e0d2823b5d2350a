import Foundation
import MailTemplates
@testable import Kampagne

/// A fresh folder with a real database file, removed when the test ends.
final class Sandbox {
    let folder: URL
    let store: Store

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kampagne-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try Store(path: folder.appendingPathComponent("kampagne.sqlite").path)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Writes `text` (encoded as given) to a file in the sandbox and returns its path.
    @discardableResult
    func file(_ name: String, _ text: String, encoding: String.Encoding = .utf8, bom: Bool = false) -> String {
        let url = folder.appendingPathComponent(name)
        var data = text.data(using: encoding) ?? Data()
        if bom { data = Data([0xEF, 0xBB, 0xBF]) + data }
        FileManager.default.createFile(atPath: url.path, contents: data)
        return url.path
    }

    func file(_ name: String, bytes: [UInt8]) -> String {
        let url = folder.appendingPathComponent(name)
        FileManager.default.createFile(atPath: url.path, contents: Data(bytes))
        return url.path
    }

    func importing(_ files: [String], _ configure: (inout ImportOptions) -> Void = { _ in }) throws -> ImportReport {
        var options = ImportOptions()
        configure(&options)
        return try ContactImporter(store: store).run(files, options: options)
    }

    var contacts: [ContactView] { (try? ContactDirectory(store: store).list()) ?? [] }

    var contactCount: Int { (try? store.read { try Contact.fetchCount($0) }) ?? -1 }
}

func records(_ text: String, encoding: TextEncodingChoice? = nil, delimiter: Character? = nil) throws -> [CSVRecord] {
    try records(Data(text.utf8), encoding: encoding, delimiter: delimiter)
}

func records(_ data: Data, encoding: TextEncodingChoice? = nil, delimiter: Character? = nil) throws -> [CSVRecord] {
    var reader = try CSVReader(data: data, file: "t.csv", encoding: encoding, delimiter: delimiter)
    var out: [CSVRecord] = []
    while let record = try reader.next() { out.append(record) }
    return out
}

/// The bundled templates of printed pages (report, door list).
func printTemplates() throws -> TemplateSet {
    try TemplateSet(directory: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Templates/print").path)
}
