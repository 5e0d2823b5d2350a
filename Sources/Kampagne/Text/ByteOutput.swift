import Foundation

/// Bytes to a file descriptor through one 64 KB buffer: the streaming `contacts list --json`
/// and `contacts export` write 100,000 rows with a few hundred `write` calls and without
/// holding the whole output (bench/RESULTS.md, "Streaming list and export").
public final class ByteOutput {
    private let descriptor: Int32
    private let name: String
    private var buffer: [UInt8] = []
    private static let capacity = 1 << 16

    /// `name` says where the bytes go in an error message ("skærmen", a file's path).
    public init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
        buffer.reserveCapacity(Self.capacity + 4_096)
    }

    public func append(_ text: String) throws(KampagneError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.capacity { try flush() }
    }

    public func append(_ bytes: [UInt8]) throws(KampagneError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.capacity { try flush() }
    }

    /// Writes out what is buffered; call it once at the end.
    public func flush() throws(KampagneError) {
        var failure: Int32 = 0
        buffer.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count, let base = bytes.baseAddress {
                let written = write(descriptor, base + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
        if failure != 0 {
            throw KampagneError.io("Kan ikke skrive til \(name): \(String(cString: strerror(failure)))")
        }
    }
}
