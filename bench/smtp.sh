#!/usr/bin/env bash
# Sending benchmark (issue #3): a personalised ~8 KB newsletter to N recipients over 4
# connections to postfix's smtp-sink on loopback, against smtp-source -s 4 to the same sink.
# Targets: at least half smtp-source's rate; peak memory < 100 MB at 100,000 and not growing
# with the list; enqueueing 100,000 under 3 s.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"10000 100000"}
OUT=bench/out/smtp
rm -rf "$OUT"; mkdir -p "$OUT"
BIN=$(bench/release-build.sh)
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
/usr/sbin/smtp-sink -u nobody 127.0.0.1:$PORT 1000 &
SINK=$!
trap 'kill $SINK 2>/dev/null || true' EXIT
sleep 0.5

measure() {  # label, command...
  local label=$1; shift
  /usr/bin/time -v "$@" >"$OUT/$label.out" 2>"$OUT/$label.time"
  awk -v l="$label" '/Elapsed \(wall clock\)/ {w=$NF} /Maximum resident set size/ {r=$NF} END {printf "%-34s %10s  %7.1f MB\n", l, w, r/1024}' "$OUT/$label.time"
}

echo "smtp-sink on 127.0.0.1:$PORT, $(nproc) cores"
for N in $SIZES; do
  start=$(date +%s.%N)
  /usr/sbin/smtp-source -s 4 -m "$N" -l 8192 -f bench@partnerskab.example -t sink@kommune.example 127.0.0.1:$PORT
  end=$(date +%s.%N)
  awk -v n=$N -v s=$start -v e=$end 'BEGIN { printf "smtp-source -s 4, %d x 8 KB: %.2f s, %.0f msg/s\n", n, e-s, n/(e-s) }'
  reference=$(awk -v n=$N -v s=$start -v e=$end 'BEGIN { printf "%.0f", n/(e-s) }')

  work="$OUT/n$N"; mkdir -p "$work"
  /usr/bin/python3 bench/gen-contacts.py "$N" "$work/contacts.csv" >/dev/null
  bench/newsletter-fixture.sh "$work" "$PORT"
  K="$BIN --db $work/kampagne.sqlite"
  $BIN init --db "$work/kampagne.sqlite" >/dev/null
  $BIN contacts import "$work/contacts.csv" --db "$work/kampagne.sqlite" --list Bench >/dev/null
  $BIN newsletter create "$work/udgave.md" --db "$work/kampagne.sqlite" >/dev/null
  measure "enqueue $N" $BIN newsletter send 1 --list Bench --queue-only --db "$work/kampagne.sqlite"
  measure "send $N (4 connections)" $BIN outbox run --db "$work/kampagne.sqlite"
  head -n 1 "$OUT/send $N (4 connections).out"
  # The whole process (start-up and the final count included) against smtp-source's rate.
  awk -v n=$N -v ref=$reference '/Elapsed \(wall clock\)/ { split($NF, t, ":"); s = t[1] * 60 + t[2] }
    END { printf "  send rate: %.0f msg/s, %.0f %% of smtp-source in this run\n", n / s, 100 * n / s / ref }' \
    "$OUT/send $N (4 connections).time"
  size=$(sqlite3 "$work/kampagne.sqlite" "select count(*) from outbox where state='sent'")
  echo "  sent rows: $size"
done
