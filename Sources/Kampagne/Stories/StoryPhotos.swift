import Crypto
import Foundation
import GRDB

/// The picture formats a story's photo may have, told by the file's first bytes (never by its
/// name or the type a browser claims).
public enum PhotoType: String, Codable, Sendable, CaseIterable {
    case jpeg, png, webp

    /// The type `data` starts like, or nil for anything else (GIF, SVG, HTML, a renamed PDF).
    public init?(magic data: Data) {
        let bytes = [UInt8](data.prefix(12))
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else if bytes.count == 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) {
            self = .webp
        } else {
            return nil
        }
    }

    public var mediaType: String { "image/" + rawValue }
    public var fileExtension: String { self == .jpeg ? "jpg" : rawValue }
}

/// A photo file that belongs to a story; the caption, credit and who is in it are in the
/// story's text (`foto:` line), so they are versioned and checked with the rest of the case.
public struct StoryPhoto: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "storyPhoto"
    public var id: Int64?
    public var storyId: Int64
    /// The name the story's `foto:` line uses ("foto-3.jpg"); unique per story.
    public var name: String
    public var mediaType: String
    public var bytes: Int
    /// Hex SHA-256 of the file, to tell an upload of the same picture.
    public var sha256: String
    /// The file's path under the photo folder.
    public var path: String
    public var uploadedAt: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// What an upload did.
public struct PhotoUpload: Codable, Sendable, Equatable {
    public var photo: StoryPhoto
    public var save: StorySave
}

/// Photos for stories: checked (size, type by content), kept as files in the workspace's data
/// folder (`historie-fotos/` beside the database), recorded in `storyPhoto`, and named in the
/// story's text with their caption, credit and people, as a new version.
public struct StoryPhotos: Sendable {
    let store: Store
    /// Where the files go: `historie-fotos` in the database's folder.
    public let folder: String

    /// The largest photo accepted.
    public static let maxBytes = 8 * 1024 * 1024

    public init(store: Store) {
        self.store = store
        let base = (store.path as NSString).deletingLastPathComponent
        folder = ((base.isEmpty ? "." : base) as NSString).appendingPathComponent("historie-fotos")
    }

    /// Checks and stores `data`, and adds a `foto:` line for it to the story's text.
    public func add(_ storyId: Int64, data: Data, people: String, caption: String, credit: String,
                    now: Date = Date()) throws(KampagneError) -> PhotoUpload {
        guard !data.isEmpty else { throw .field("photo", "Vælg et foto (filen er tom).") }
        guard data.count <= Self.maxBytes else {
            throw .field("photo", "Fotoet er for stort (\(DanishNumber.int(data.count / 1024)) kB; højst \(DanishNumber.int(Self.maxBytes / 1024 / 1024)) MB).")
        }
        guard let type = PhotoType(magic: data) else {
            throw .field("photo", "Filen er ikke et JPEG-, PNG- eller WebP-billede.")
        }
        var fields = StoryFields.Photo(file: "", people: people, caption: caption, credit: credit)
        for (field, value) in [("people", people), ("caption", caption), ("credit", credit)] {
            if value.contains("|") { throw .field(field, "Tegnet | kan ikke bruges her.") }
            if DanishText.singleLine(value).count > 300 { throw .field(field, "Højst 300 tegn.") }
        }
        let stories = Stories(store: store)
        let current = try stories.source(storyId)
        let number = try store.read { db in try StoryPhoto.filter(Column("storyId") == storyId).fetchCount(db) } + 1
        var name = "foto-\(number).\(type.fileExtension)"
        let existing = try list(storyId).map(\.name)
        var n = number
        while existing.contains(name) { n += 1; name = "foto-\(n).\(type.fileExtension)" }
        fields.file = name
        let directory = (folder as NSString).appendingPathComponent(String(storyId))
        let relative = (String(storyId) as NSString).appendingPathComponent(name)
        let path = (folder as NSString).appendingPathComponent(relative)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .io("Kan ikke gemme fotoet i \(directory): \(error.localizedDescription)")
        }
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        var photo = StoryPhoto(id: nil, storyId: storyId, name: name, mediaType: type.mediaType, bytes: data.count,
                               sha256: digest, path: relative, uploadedAt: now)
        do {
            let source = try Self.adding(fields, to: current.source)
            try store.write { db in try photo.insert(db) }
            let save = try stories.save(storyId, source: source, note: "foto \(name) tilføjet", now: now)
            return PhotoUpload(photo: photo, save: save)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            if let id = photo.id { _ = try? store.write { db in try StoryPhoto.deleteOne(db, key: id) } }
            throw error
        }
    }

    public func list(_ storyId: Int64) throws(KampagneError) -> [StoryPhoto] {
        try store.read { db in
            _ = try Stories.find(storyId, in: db)
            return try StoryPhoto.filter(Column("storyId") == storyId).order(Column("id")).fetchAll(db)
        }
    }

    /// The photo named `name` and its file's full path.
    public func file(_ storyId: Int64, name: String) throws(KampagneError) -> (StoryPhoto, String) {
        guard let photo = try list(storyId).first(where: { $0.name == name }) else {
            throw .notFound("Historie \(storyId) har intet foto \(DanishText.singleLine(name))")
        }
        return (photo, (folder as NSString).appendingPathComponent(photo.path))
    }

    /// Removes the photo's file and record and its `foto:` line (a new version).
    public func remove(_ storyId: Int64, name: String, now: Date = Date()) throws(KampagneError) -> StorySave {
        let (photo, path) = try file(storyId, name: name)
        let stories = Stories(store: store)
        let source = Self.removing(name, from: try stories.source(storyId).source)
        let save = try stories.save(storyId, source: source, note: "foto \(name) fjernet", now: now)
        try store.write { db in _ = try StoryPhoto.deleteOne(db, key: photo.id) }
        try? FileManager.default.removeItem(atPath: path)
        return save
    }

    /// `source` with a `foto:` line for `photo` at the end of its front matter; the rest of the
    /// text (comments included) is kept as it was.
    static func adding(_ photo: StoryFields.Photo, to source: String) throws(KampagneError) -> String {
        var lines = source.components(separatedBy: "\n")
        guard let close = lines.indices.dropFirst().first(where: { lines[$0].trimmingCharacters(in: .whitespaces) == "---" }) else {
            throw .invalidInput("Historiens forside slutter ikke (mangler en linje med ---)")
        }
        lines.insert(photo.line { value, _ in DanishText.singleLine(value) }, at: close)
        return lines.joined(separator: "\n")
    }

    /// `source` without the front matter's `foto:` line for `name`.
    static func removing(_ name: String, from source: String) -> String {
        var lines = source.components(separatedBy: "\n")
        guard let close = lines.indices.dropFirst().first(where: { lines[$0].trimmingCharacters(in: .whitespaces) == "---" }) else {
            return source
        }
        let kept = lines.enumerated().filter { index, line in
            guard index < close, let colon = line.firstIndex(of: ":") else { return true }
            let key = DanishText.identifierKey(String(line[..<colon]))
            let file = line[line.index(after: colon)...].split(separator: "|").first.map { DanishText.trimmed(String($0)) }
            return !(["foto", "billede", "photo"].contains(key) && file == name)
        }
        lines = kept.map(\.element)
        return lines.joined(separator: "\n")
    }
}
