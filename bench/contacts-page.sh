#!/usr/bin/env bash
# The staff area's contact table at 100,000 contacts: time per page for the first page, a deep
# page, a search, a filter, sorts by organisation and municipality (first and deep pages), the
# suppression filter (both ways) and the segment editor's live count, over HTTP
# against `kampagne serve` (median of 5, milliseconds, whole request as curl sees it).
#
#   BIN=.build/release/kampagne N=100000 bench/contacts-page.sh
set -euo pipefail
BIN=${BIN:-.build/release/kampagne}
N=${N:-100000}
OUT=$(mktemp -d)
trap 'kill $SERVE 2>/dev/null || true; rm -rf "$OUT"' EXIT
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
cd "$OUT"
"$BIN" init >/dev/null
sed -i "s|path = \"Templates\"|path = \"$ROOT/Templates\"|" kampagne.toml
/usr/bin/python3 "$ROOT/bench/gen-contacts.py" "$N" contacts.csv
"$BIN" contacts import contacts.csv --list Bench >/dev/null
for email in $(tail -n +2 contacts.csv | head -50 | cut -d, -f3); do "$BIN" contacts unsubscribe "$email" >/dev/null; done
echo "hemmelig-kode-42" | "$BIN" users add bench@partnerskab.example --role sekretariat --password-stdin >/dev/null
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" serve --port "$PORT" --no-scheduler >serve.log 2>&1 &
SERVE=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do curl -s -o /dev/null "$BASE/" && break; sleep 0.1; done
CSRF=$(curl -s "$BASE/admin/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
curl -s -c jar -o /dev/null --data-urlencode "csrf=$CSRF" --data-urlencode "username=bench@partnerskab.example" \
  --data-urlencode "password=hemmelig-kode-42" "$BASE/admin/login"
page() {
  local path=$1 times=()
  for _ in 1 2 3 4 5; do
    times+=("$(curl -s -b jar -o /dev/null -w '%{time_total}' "$BASE$path")")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 3p | awk -v p="$path" '{ printf "%-55s %6.1f ms\n", p, $1 * 1000 }'
}
echo "contacts: $N ($("$BIN" --version 2>/dev/null || echo kampagne))"
page "/admin/kontakter"
page "/admin/kontakter?side=1000"
page "/admin/kontakter?q=hansen"
page "/admin/kontakter?q=zzzz-ingen"
page "/admin/kontakter?kommune=Vejle"
page "/admin/kontakter?region=Region+Syddanmark&side=50"
page "/admin/kontakter?sorter=organisation"
page "/admin/kontakter?sorter=organisation&retning=ned&side=1000"
page "/admin/kontakter?sorter=kommune"
page "/admin/kontakter?sorter=kommune&side=1000"
page "/admin/kontakter?sorter=email&retning=ned&side=500"
page "/admin/kontakter?spaerret=ja"
page "/admin/kontakter?spaerret=nej&side=1000"
page "/admin/kontakter/segment?kommune=Vejle"
