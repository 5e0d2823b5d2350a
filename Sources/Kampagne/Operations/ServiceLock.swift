import Foundation

/// An advisory lock (`flock`) on `<database>.lock` that `serve` holds for as long as it runs
/// and `restore` takes while it swaps files. The kernel drops it when the holder exits, even
/// on a crash or `kill -9`, so a stale lock file never blocks anything; the file itself stays.
public final class ServiceLock: Sendable {
    public let path: String
    private let descriptor: Int32

    /// The lock file that belongs to the database at `databasePath`.
    public static func path(for databasePath: String) -> String { databasePath + ".lock" }

    /// Takes the lock or throws at once (never waits): `holder` says in Danish who wanted it.
    public init(databasePath: String, purpose: Purpose) throws(KampagneError) {
        path = Self.path(for: databasePath)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io("Kan ikke oprette låsefilen \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            close(fd)
            if busy { throw .conflict(purpose.refusal(path: path)) }
            throw .io("Kan ikke låse \(path): \(String(cString: strerror(errno)))")
        }
        // The holder's pid, for a person looking at the file; the lock itself is what counts.
        _ = ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(fd, $0, strlen($0)) }
        descriptor = fd
    }

    /// Whether some process holds the lock now (without taking it).
    public static func isHeld(databasePath: String) -> Bool {
        let fd = open(path(for: databasePath), O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return errno == EWOULDBLOCK }
        flock(fd, LOCK_UN)
        return false
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Who wants the lock, for the refusal when someone else has it.
    public enum Purpose: Sendable {
        case serve, restore

        func refusal(path: String) -> String {
            switch self {
            case .serve:
                return "Der kører allerede en kampagne serve mod denne database (låst: \(path)), eller en gendannelse er i gang"
            case .restore:
                return "kampagne serve kører mod denne database (låst: \(path)). Stop tjenesten først (fx systemctl stop kampagne), og prøv igen"
            }
        }
    }
}
