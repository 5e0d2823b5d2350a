#ifndef KAMPAGNE_CSQLITECONFIG_H
#define KAMPAGNE_CSQLITECONFIG_H

/// SQLite's process-wide settings, which `sqlite3_config` (variadic, so not callable from
/// Swift) takes only before SQLite's first use in the process: multi-thread mode (no mutex
/// around each call on a connection: GRDB uses every connection from one thread at a time)
/// and no memory statistics (no global mutex around each allocation). Returns 1 when SQLite
/// took both, 0 when it was already in use (it then keeps its defaults, which are correct,
/// only slower).
int km_sqlite_configure(void);

#endif
