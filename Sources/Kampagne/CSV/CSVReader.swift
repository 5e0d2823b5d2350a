import Foundation

/// One record of a CSV file, with the line it starts on (1-based, as an editor shows it).
public struct CSVRecord: Sendable, Equatable {
    public var line: Int
    public var fields: [String]
}

/// Reads RFC 4180 CSV as Excel and other office tools write it: `;`, `,` or tab delimited,
/// quoted fields with embedded delimiters, doubled quotes and line breaks, and any of
/// CRLF, LF or CR as the line end.
public struct CSVReader: Sendable {
    public let delimiter: UInt8
    public let encoding: TextEncodingChoice
    public let hadBOM: Bool
    private let bytes: [UInt8]
    private var position = 0
    private var line = 1
    private let file: String

    /// Total size, for progress reporting.
    public var byteCount: Int { bytes.count }
    /// How far the reader has come.
    public var bytesRead: Int { position }

    public init(data: Data, file: String, encoding forced: TextEncodingChoice? = nil,
                delimiter forcedDelimiter: Character? = nil) throws(KampagneError) {
        let decoded = try TextDecoding.decode(data, forced: forced, file: file)
        self.bytes = Array(decoded.text.utf8)
        self.encoding = decoded.encoding
        self.hadBOM = decoded.hadBOM
        self.file = file
        if let forcedDelimiter {
            guard let ascii = forcedDelimiter.asciiValue, forcedDelimiter != "\"" else {
                throw .invalidInput("Skilletegnet skal være ét ASCII-tegn, fx ; , eller tabulator")
            }
            self.delimiter = ascii
        } else {
            self.delimiter = CSVReader.detectDelimiter(bytes)
        }
    }

    /// Picks the delimiter that occurs most often outside quotes in the first line.
    static func detectDelimiter(_ bytes: [UInt8]) -> UInt8 {
        let candidates: [UInt8] = [UInt8(ascii: ";"), UInt8(ascii: ","), UInt8(ascii: "\t")]
        var counts = [Int](repeating: 0, count: candidates.count)
        var inQuotes = false
        for byte in bytes {
            if byte == UInt8(ascii: "\"") { inQuotes.toggle(); continue }
            if inQuotes { continue }
            if byte == 0x0A || byte == 0x0D { break }
            if let index = candidates.firstIndex(of: byte) { counts[index] += 1 }
        }
        guard let best = counts.indices.max(by: { counts[$0] < counts[$1] }), counts[best] > 0 else {
            return UInt8(ascii: ",")
        }
        return candidates[best]
    }

    /// Where reading stopped, when `next()` threw: the importer reports it against its own
    /// file name instead of repeating the one in the error text.
    public private(set) var failure: CSVFailure?

    /// The next record, skipping blank lines; nil at the end of the file.
    public mutating func next() throws(KampagneError) -> CSVRecord? {
        while position < bytes.count {
            let startLine = line
            let fields = try readRecord(startLine: startLine)
            if fields.count == 1 && fields[0].isEmpty { continue }
            return CSVRecord(line: startLine, fields: fields)
        }
        return nil
    }

    private mutating func readRecord(startLine: Int) throws(KampagneError) -> [String] {
        let quote = UInt8(ascii: "\"")
        var fields: [String] = []
        var buffer: [UInt8] = []
        while true {
            buffer.removeAll(keepingCapacity: true)
            if position < bytes.count && bytes[position] == quote {
                let fieldLine = line
                position += 1
                var closed = false
                while position < bytes.count {
                    let byte = bytes[position]
                    if byte == quote {
                        if position + 1 < bytes.count && bytes[position + 1] == quote {
                            buffer.append(quote)
                            position += 2
                            continue
                        }
                        position += 1
                        closed = true
                        break
                    }
                    if byte == 0x0D {
                        line += 1
                        if position + 1 < bytes.count && bytes[position + 1] == 0x0A {
                            buffer.append(contentsOf: [0x0D, 0x0A])
                            position += 2
                            continue
                        }
                    } else if byte == 0x0A {
                        line += 1
                    }
                    buffer.append(byte)
                    position += 1
                }
                if !closed {
                    let failure = CSVFailure(line: fieldLine, column: fields.count + 1)
                    self.failure = failure
                    throw .invalidInput("\(file):\(fieldLine): " + failure.message)
                }
                // Text after the closing quote (sloppy exports): kept as written.
                while position < bytes.count, bytes[position] != delimiter,
                      bytes[position] != 0x0A, bytes[position] != 0x0D {
                    buffer.append(bytes[position])
                    position += 1
                }
                fields.append(String(decoding: buffer, as: UTF8.self))
            } else {
                let start = position
                while position < bytes.count, bytes[position] != delimiter,
                      bytes[position] != 0x0A, bytes[position] != 0x0D {
                    position += 1
                }
                fields.append(String(decoding: bytes[start..<position], as: UTF8.self))
            }
            if position >= bytes.count { return fields }
            let byte = bytes[position]
            position += 1
            if byte == delimiter { continue }
            line += 1
            if byte == 0x0D, position < bytes.count, bytes[position] == 0x0A { position += 1 }
            return fields
        }
    }
}

/// A place in a CSV file the reader could not get past (a quoted field that never ends).
public struct CSVFailure: Sendable, Equatable {
    public var line: Int
    public var column: Int

    /// The reason, without the file and line (the caller adds them).
    public var message: String {
        "kolonne \(column): et felt i anførselstegn slutter aldrig (mangler et afsluttende \"); resten af filen er ikke læst"
    }
}
