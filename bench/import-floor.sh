#!/usr/bin/env bash
# The schema floor of an import: SQLite alone (its own shell, no Swift, no CSV of ours, no
# keys to compute) writing exactly the rows a `contacts import` wrote into IMPORTED (its
# contacts, roles, list memberships and sources, read from that file as they are, NULLs and
# all) into a fresh `init`ed database, in one transaction with the import's settings (WAL,
# synchronous NORMAL, a 32 MB page cache, foreign keys on) and its secondary indexes built
# after the rows, as `DeferredIndexes` does. `WHERE true` keeps SQLite from copying the
# b-trees page by page (its transfer optimisation): every row is inserted. Prints the wall
# time in seconds.
#
# What it tells: how much of the import's time is our code and how much is what this schema
# costs SQLite to write (bench/RESULTS.md, "Issue 16, session 11").
# Usage: BIN=.../kampagne bench/import-floor.sh IMPORTED.sqlite WORKDIR
set -euo pipefail
SRC=$1 W=$2 BIN=${BIN:?BIN: the kampagne binary}
TABLES="contact contactRole listMembership contactSource"
mkdir -p "$W"
DB="$W/floor.sqlite"
rm -f "$DB" "$DB-wal" "$DB-shm"
"$BIN" init --db "$DB" >/dev/null
in_tables=$(printf "'%s'," $TABLES); in_tables=${in_tables%,}
indexes=$(sqlite3 "$DB" "SELECT sql || ';' FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ($in_tables) ORDER BY rowid")
# The shell knows none of the application's SQL functions, so the triggers go too: with every
# key in the rows the insert trigger would not fire, and the others fire on updates and deletes.
drops=$(sqlite3 "$DB" "SELECT 'DROP ' || type || ' ' || name || ';' FROM sqlite_schema
  WHERE (type = 'index' AND sql IS NOT NULL OR type = 'trigger') AND tbl_name IN ($in_tables)")
attach="ATTACH '${SRC//\'/\'\'}' AS src;"
sqlite3 "$DB" "$attach INSERT INTO dataSource SELECT * FROM src.dataSource; INSERT INTO mailingList SELECT * FROM src.mailingList; $drops"
inserts=""
for t in $TABLES; do inserts+="INSERT INTO main.$t SELECT * FROM src.$t WHERE true; "; done
sync  # no write-back of the setup inside the timed part
start=$(date +%s.%N)
sqlite3 -bail "$DB" "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768; PRAGMA foreign_keys = ON; $attach
  BEGIN; $inserts $indexes COMMIT;" >/dev/null
end=$(date +%s.%N)
for t in $TABLES; do
  [ "$(sqlite3 "$DB" "SELECT count(*) FROM $t")" = "$(sqlite3 "$SRC" "SELECT count(*) FROM $t")" ] \
    || { echo "import-floor: $t differs from $SRC" >&2; exit 1; }
done
awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f\n", b - a}'
