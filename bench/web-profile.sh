#!/usr/bin/env bash
# Figures for the public web paths (issue 16) that a busy machine disturbs less than a rate:
# the server's CPU time per request of a cached meeting page GET and of a sign-up POST
# (`perf stat -e task-clock` on `kampagne serve` while one client sends N requests on one
# keep-alive connection, bench/web-client.py), and a sampled profile of each batch
# (`perf record`, its top functions printed demangled). Valgrind's callgrind cannot run the
# server (it dies in libdispatch's signal thread), and this VM has no hardware counters.
#
#   BIN=.build-release/release/kampagne bench/web-profile.sh
# Knobs: N (2000 requests per batch), OUT (bench/out/web-profile), TOP (25 functions).
# Needs perf (linux-perf).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-$PWD/.build-release/release/kampagne}
N=${N:-2000}
TOP=${TOP:-25}
OUT=${OUT:-$PWD/bench/out/web-profile}
rm -rf "$OUT"; mkdir -p "$OUT"
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true; }
trap cleanup EXIT
echo "web-profile: $BIN, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"

DB=$OUT/kampagne.sqlite
"$BIN" init --db "$DB" >/dev/null
sed -i -e 's/^posts_per_minute = 30$/posts_per_minute = 1000000/' \
       -e "s|^path = \"Templates\"\$|path = \"$PWD/Templates\"|" "$OUT/kampagne.toml"
id=$("$BIN" events create bench/moede.md --db "$DB")
public=$("$BIN" events show "$id" --json --db "$DB" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["event"]["publicId"])')
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

"$BIN" serve --db "$DB" --config "$OUT/kampagne.toml" --port "$port" --no-scheduler >"$OUT/serve.out" 2>"$OUT/serve.err" &
SERVER=$!
for _ in $(seq 600); do grep -q "lytter på" "$OUT/serve.err" 2>/dev/null && break; sleep 0.1; done
grep -q "lytter på" "$OUT/serve.err" || { echo "kampagne serve did not start"; cat "$OUT/serve.err"; exit 1; }
client() { /usr/bin/python3 bench/web-client.py "http://127.0.0.1:$port/moede/$public" "$@"; }

client get 200 >/dev/null; client post 200 warm >/dev/null
demangle() { if command -v swift-demangle >/dev/null; then swift-demangle --simplified; else cat; fi; }
for what in get post; do
  perf stat -e task-clock -x, -o "$OUT/$what.stat" -p "$SERVER" -- /usr/bin/python3 bench/web-client.py "http://127.0.0.1:$port/moede/$public" "$what" "$N" "$what" >"$OUT/$what.client"
  ms=$(awk -F, '$3 == "task-clock" {print $1}' "$OUT/$what.stat")
  perf record -q -F 2999 -g -o "$OUT/$what.perf" -p "$SERVER" -- /usr/bin/python3 bench/web-client.py "http://127.0.0.1:$port/moede/$public" "$what" "$N" "$what-rec" >/dev/null 2>&1
  perf report -q -i "$OUT/$what.perf" --no-children -g none --sort dso,symbol --percent-limit 0.5 2>/dev/null | grep -v "^$" | head -n "$TOP" | demangle | cut -c1-200 >"$OUT/$what.top"
  echo "$what: $(awk -v ms="$ms" -v n="$N" 'BEGIN {printf "%.0f", ms * 1000 / n}') µs of server CPU per request ($(cat "$OUT/$what.client"); load $(cut -d' ' -f1 /proc/loadavg)); top functions:"
  sed 's/^/  /' "$OUT/$what.top"
done
