#!/usr/bin/env bash
# Contact import benchmark: 100,000 fictional contacts into a fresh database with a release
# build, then the same file again (all updates). Prints wall time and peak memory.
# Targets (issue #2): first import < 2 s and < 150 MB; re-import < 3 s.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100000}
OUT=bench/out
mkdir -p "$OUT"
BIN=$(bench/release-build.sh)
/usr/bin/python3 bench/gen-contacts.py "$N" "$OUT/contacts.csv"
rm -f "$OUT"/bench.sqlite*

measure() {
  local label=$1; shift
  /usr/bin/time -v "$@" >"$OUT/$label.out" 2>"$OUT/$label.time"
  local wall rss
  wall=$(grep "Elapsed (wall clock)" "$OUT/$label.time" | awk '{print $NF}')
  rss=$(grep "Maximum resident set size" "$OUT/$label.time" | awk '{print $NF}')
  awk -v l="$label" -v w="$wall" -v r="$rss" 'BEGIN { printf "%-28s %10s s  %8.1f MB\n", l, w, r / 1024 }'
}

echo "contacts: $N ($(du -h "$OUT/contacts.csv" | cut -f1) CSV), $(nproc) cores"
$BIN init --db "$OUT/bench.sqlite" >/dev/null
measure "import (new)" $BIN contacts import "$OUT/contacts.csv" --db "$OUT/bench.sqlite" --list Bench --role bench
measure "re-import (unchanged)" $BIN contacts import "$OUT/contacts.csv" --db "$OUT/bench.sqlite" --list Bench --role bench
/usr/bin/python3 - "$OUT/contacts.csv" <<'PY'
import sys
p = sys.argv[1]
lines = open(p, encoding="utf-8").read().splitlines()
out = [lines[0]] + [l + "0" for l in lines[1:]]  # change the last field (phone) of every row
open(p, "w", encoding="utf-8").write("\n".join(out) + "\n")
PY
measure "re-import (all updated)" $BIN contacts import "$OUT/contacts.csv" --db "$OUT/bench.sqlite" --list Bench --role bench
measure "list --json (all)" $BIN contacts list --db "$OUT/bench.sqlite" --json
tail -n 2 "$OUT/re-import (all updated).out"
