#!/usr/bin/env bash
# The schema floor of an import: SQLite alone (its own shell's .import, no Swift, no parsing
# of our CSV, no keys to compute) writing exactly the rows a `contacts import` wrote into
# IMPORTED (its contacts, roles, list memberships and sources, as CSV once), into a fresh
# `init`ed database, in one transaction with the import's settings (WAL, synchronous NORMAL,
# a 32 MB page cache, foreign keys on) and its secondary indexes built after the rows, as
# `DeferredIndexes` does. Prints the wall time in seconds.
#
# What it tells: how much of the import's time is our code and how much is what this schema
# costs SQLite to write (bench/RESULTS.md, "Issue 16, session 11").
# Usage: BIN=.../kampagne bench/import-floor.sh IMPORTED.sqlite WORKDIR
set -euo pipefail
SRC=$1 W=$2 BIN=${BIN:?BIN: the kampagne binary}
TABLES="contact contactRole listMembership contactSource"
mkdir -p "$W"
for t in $TABLES; do
  [ -s "$W/$t.csv" ] || sqlite3 -csv "$SRC" "SELECT * FROM $t" >"$W/$t.csv"
done
rm -f "$W"/floor.sqlite*
$BIN init --db "$W/floor.sqlite" >/dev/null
in_tables="'${TABLES// /\',\'}'"
indexes=$(sqlite3 "$W/floor.sqlite" "SELECT sql || ';' FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ($in_tables) ORDER BY rowid")
drops=$(sqlite3 "$W/floor.sqlite" "SELECT 'DROP ' || type || ' ' || name || ';' FROM sqlite_schema
  WHERE (type = 'index' AND sql IS NOT NULL OR type = 'trigger') AND tbl_name IN ($in_tables)")
# The shell knows none of the application's SQL functions, so the triggers go too: with every
# key in the rows the insert trigger would not fire, and the others fire on updates and deletes.
sqlite3 "$W/floor.sqlite" "ATTACH '$SRC' AS src; INSERT INTO dataSource SELECT * FROM src.dataSource;
  INSERT INTO mailingList SELECT * FROM src.mailingList; $drops"
{
  echo "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768; PRAGMA foreign_keys = ON; BEGIN;"
  for t in $TABLES; do echo ".import --csv $W/$t.csv $t"; done
  echo "$indexes"
  echo "COMMIT;"
} >"$W/floor.sql"
sync  # no write-back of the setup inside the timed part
start=$(date +%s.%N)
sqlite3 -bail "$W/floor.sqlite" <"$W/floor.sql" >/dev/null
end=$(date +%s.%N)
for t in $TABLES; do
  [ "$(sqlite3 "$W/floor.sqlite" "SELECT count(*) FROM $t")" = "$(sqlite3 "$SRC" "SELECT count(*) FROM $t")" ] \
    || { echo "import-floor: $t differs from $SRC" >&2; exit 1; }
done
awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f\n", b - a}'
