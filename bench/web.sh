#!/usr/bin/env bash
# Web server benchmark: wrk against `kampagne serve` (release build, --no-scheduler) on
# loopback. GETs of an empty meeting's page; sign-up POSTs (bench/web-signup.lua, a new
# address per request), each connection count on a fresh meeting, checking that the meeting's
# registered count matches the thank-you pages wrk saw; then GETs of the fullest meeting's page.
# Targets (2 cores): at least 2,000 GET/s and 300 sign-up POST/s, p99 under 50 ms.
# Knobs: DURATION (default 15s), GET_CONNS (default "4 16 64"), POST_CONNS (default "2 8 32").
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-15s}
GET_CONNS=${GET_CONNS:-"4 16 64"}
POST_CONNS=${POST_CONNS:-"2 8 32"}
OUT=bench/out/web
rm -rf "$OUT"; mkdir -p "$OUT"
BIN=$(bench/release-build.sh)
DB=$PWD/$OUT/kampagne.sqlite

$BIN init --db "$DB" >/dev/null
sed -i -e 's/^posts_per_minute = 30$/posts_per_minute = 1000000/' \
       -e "s|^path = \"Templates\"\$|path = \"$PWD/Templates\"|" "$OUT/kampagne.toml"
grep -q '^posts_per_minute = 1000000$' "$OUT/kampagne.toml"
grep -q "^path = \"$PWD/Templates\"\$" "$OUT/kampagne.toml"

cp bench/moede.md "$OUT/moede.md"
# One meeting per POST run, so every run starts from an empty meeting (a page's cost grows
# with its number of sign-ups; see bench/RESULTS.md).
new_meeting() {  # prints "id publicId"
  local id
  id=$($BIN events create "$OUT/moede.md" --db "$DB")
  $BIN events show "$id" --json --db "$DB" | /usr/bin/python3 -c 'import json,sys; e=json.load(sys.stdin)["event"]; print(e["id"], e["publicId"])'
}
registered() {  # id
  $BIN events show "$1" --json --db "$DB" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["event"]["registered"])'
}

PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$BIN serve --db "$DB" --port "$PORT" --no-scheduler >"$OUT/serve.out" 2>"$OUT/serve.err" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  grep -q "lytter på" "$OUT/serve.err" 2>/dev/null && break
  kill -0 $SERVER 2>/dev/null || { cat "$OUT/serve.err"; exit 1; }
  sleep 0.1
done
grep -q "lytter på" "$OUT/serve.err" || { echo "server did not start"; cat "$OUT/serve.err"; exit 1; }
BASE=http://127.0.0.1:$PORT

csrf() {  # url: the token from the page's form
  local token
  token=$(curl -fsS "$1" | grep -o 'name="csrf" value="[^"]*"' | head -n 1 | sed -e 's/.*value="//' -e 's/"$//')
  [ -n "$token" ] || { echo "no csrf token in $1" >&2; exit 1; }
  echo "$token"
}

# CPU seconds the server has used so far (user + system, all threads).
server_cpu() { awk -v tk="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / tk}' "/proc/$SERVER/stat"; }

summary() {  # label, wrk output file, server CPU seconds during the run
  awk -v l="$1" -v cpu="$3" '
    /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /^Requests\/sec:/ {rps=$2}
    /Non-2xx or 3xx responses:/ {non2xx=$NF} /Socket errors:/ {sub(/^ +/, ""); errs=$0}
    /^ +[0-9]+ requests in / {n=$1; secs=$4; sub(/s,$/, "", secs)}
    END {printf "%-40s %7.0f req/s  p50 %8s  p99 %8s  server %.2f cores, %.1f ms CPU/req%s%s\n", l, rps, p50, p99,
         cpu / secs, 1000 * cpu / n, (non2xx ? "  non-2xx " non2xx : ""), (errs ? "  " errs : "")}' "$2"
}

echo "wrk on 127.0.0.1:$PORT, $(nproc) cores, $DURATION per run"
M=$(new_meeting); read -r _ GET_PUBLIC <<<"$M"
for C in $GET_CONNS; do
  before=$(server_cpu)
  wrk -t2 -c"$C" -d"$DURATION" --latency "$BASE/moede/$GET_PUBLIC" >"$OUT/get-c$C.txt"
  summary "GET meeting page, empty (2 thr, $C conn)" "$OUT/get-c$C.txt" "$(awk -v a="$before" -v b="$(server_cpu)" 'BEGIN {print b - a}')"
done

FULLEST=""; MOST=-1
for C in $POST_CONNS; do
  M=$(new_meeting); read -r ID PUBLIC <<<"$M"
  URL=$BASE/moede/$PUBLIC
  token=$(csrf "$URL")
  before=$(server_cpu)
  CSRF=$token RUN=c$C wrk -t2 -c"$C" -d"$DURATION" --latency -s bench/web-signup.lua "$URL" >"$OUT/post-c$C.txt"
  used=$(awk -v a="$before" -v b="$(server_cpu)" 'BEGIN {print b - a}')
  sleep 1  # requests still in flight when wrk stopped finish on the server
  summary "POST sign-up (2 thr, $C conn)" "$OUT/post-c$C.txt" "$used"
  ok=$(awk '/^signups ok:/ {print $3}' "$OUT/post-c$C.txt")
  sent=$(awk '/^requests built:/ {print $3}' "$OUT/post-c$C.txt")
  grep -E '^(200 without|status [0-9]+:)' "$OUT/post-c$C.txt" | grep -v ': 0$' | sed 's/^/  /' || true
  n=$(registered "$ID")
  echo "  thank-you pages counted by wrk: $ok; registered on the meeting: $n (requests sent: $sent)"
  if [ "$n" -gt "$MOST" ]; then MOST=$n; FULLEST=$PUBLIC; fi
done

if [ -n "$FULLEST" ]; then
  C=16
  before=$(server_cpu)
  wrk -t2 -c"$C" -d"$DURATION" --latency "$BASE/moede/$FULLEST" >"$OUT/get-full-c$C.txt"
  summary "GET page, $MOST signed up (2 thr, $C conn)" "$OUT/get-full-c$C.txt" "$(awk -v a="$before" -v b="$(server_cpu)" 'BEGIN {print b - a}')"
fi
