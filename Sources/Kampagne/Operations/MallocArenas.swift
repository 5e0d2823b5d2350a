import CMalloc

/// Caps glibc's malloc arenas for the process. glibc gives a thread that finds the arenas busy
/// an arena of its own, up to eight per core, and each keeps the memory it once held: a send's
/// four connection threads and its renderer grew the whole command by 6 MB (68.8 → 62.7 MB
/// peak for 100,000 messages with two arenas, and no slower; bench/RESULTS.md, session 8).
/// An operator's own `MALLOC_ARENA_MAX` wins. (Without glibc this does nothing.)
public enum MallocArenas {
    public static let limit: Int32 = 2

    /// Applies `limit` unless the environment sets one; true when glibc took it.
    @discardableResult
    public static func apply(environment: [String: String]) -> Bool {
        guard environment["MALLOC_ARENA_MAX"] == nil else { return false }
        return km_limit_malloc_arenas(limit) == 1
    }
}
