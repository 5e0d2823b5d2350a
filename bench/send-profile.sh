#!/usr/bin/env bash
# Load-independent figures for the send path (issue 16): instructions per message and per
# queued row under valgrind's callgrind, system calls per message (strace -c), and peak
# memory (/usr/bin/time -v). Each figure is the difference of two runs of different sizes
# (SMALL and LARGE), divided by the difference in messages, so the start-up cost cancels.
#
#   BIN=.build-release/release/kampagne bench/send-profile.sh [what...]
#   what: send (callgrind of queue + send), queue (callgrind of --queue-only), syscalls,
#         memory (send 100,000 and queue 100,000, peak RSS); default: all four.
# Knobs: SMALL (1000), LARGE (3000), N (100000: the memory runs), OUT (bench/out/profile).
# Needs postfix's smtp-sink, valgrind and strace (bench-deps installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-$PWD/.build-release/release/kampagne}
SMALL=${SMALL:-1000}
LARGE=${LARGE:-3000}
N=${N:-100000}
OUT=${OUT:-$PWD/bench/out/profile}
WHAT=${*:-"send queue syscalls memory"}
mkdir -p "$OUT"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
/usr/sbin/smtp-sink -u nobody 127.0.0.1:"$port" 1000 &
PIDS+=("$!")
sleep 0.3
echo "send-profile: $BIN, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"

prepare() {  # folder, contacts: template.sqlite with the contacts on list Bench and edition 1
  local dir=$1 count=$2
  [ -f "$dir/template.sqlite" ] && return
  mkdir -p "$dir"
  /usr/bin/python3 bench/gen-contacts.py "$count" "$dir/contacts.csv" >/dev/null
  bench/newsletter-fixture.sh "$dir" "$port"
  "$BIN" init --db "$dir/template.sqlite" >/dev/null
  "$BIN" contacts import "$dir/contacts.csv" --db "$dir/template.sqlite" --list Bench >/dev/null
  "$BIN" newsletter create "$dir/udgave.md" --db "$dir/template.sqlite" >/dev/null
  sqlite3 "$dir/template.sqlite" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
}
fresh() {  # folder: a copy of the template as kampagne.sqlite, its toml pointing at this sink
  rm -f "$1"/kampagne.sqlite*
  cp "$1/template.sqlite" "$1/kampagne.sqlite"
  sed -i "s|127.0.0.1:[0-9]*\"|127.0.0.1:$port\"|" "$1/kampagne.toml"
}
# Valgrind cannot read the release build's DWARF ("Possibly corrupted debuginfo file"): it
# profiles a copy without debug information (the symbol table stays, so functions are named).
VGBIN=$OUT/kampagne-nodebug
objcopy --strip-debug "$BIN" "$VGBIN"
# Instructions of a whole command under callgrind (all threads).
instructions() {  # label, command...
  local label=$1; shift
  [ "$1" = "$BIN" ] && { shift; set -- "$VGBIN" "$@"; }
  valgrind --tool=callgrind --callgrind-out-file="$OUT/$label.callgrind" "$@" >"$OUT/$label.out" 2>"$OUT/$label.vg"
  awk '/Collected :/ {print $NF}' "$OUT/$label.vg"
}
per() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN {printf "%.0f", (b - a) / n}'; }

for n in "$SMALL" "$LARGE"; do prepare "$OUT/c$n" "$n"; done
for what in $WHAT; do
  case $what in
  send | queue)
    # Instructions of a SMALL and a LARGE run; their difference per message or queued row.
    declare -A ins
    flags=(); [ "$what" = queue ] && flags=(--queue-only)
    for n in "$SMALL" "$LARGE"; do
      fresh "$OUT/c$n"
      ins[$n]=$(instructions "$what-$n" "$BIN" newsletter send 1 --list Bench "${flags[@]}" --config "$OUT/c$n/kampagne.toml" --db "$OUT/c$n/kampagne.sqlite")
      echo "$what $n: ${ins[$n]} instructions ($(sqlite3 "$OUT/c$n/kampagne.sqlite" "select count(*) from outbox where state = 'sent'") sent)"
    done
    echo "$what: $(per "${ins[$SMALL]}" "${ins[$LARGE]}" $(( LARGE - SMALL ))) instructions per $( [ "$what" = queue ] && echo "queued row" || echo "message (queue + send)")"
    ;;
  syscalls)
    declare -A sc
    for n in "$SMALL" "$LARGE"; do
      fresh "$OUT/c$n"
      strace -f -c -o "$OUT/strace-$n.txt" "$BIN" newsletter send 1 --list Bench --config "$OUT/c$n/kampagne.toml" --db "$OUT/c$n/kampagne.sqlite" >/dev/null
      sc[$n]=$(awk '$NF == "total" {print $(NF-2)}' "$OUT/strace-$n.txt")
    done
    echo "syscalls: $(per "${sc[$SMALL]}" "${sc[$LARGE]}" $(( LARGE - SMALL ))) per message; by call ($LARGE messages):"
    sort -k4 -n -r "$OUT/strace-$LARGE.txt" | awk 'NF >= 5 && $NF != "total" && $NF != "syscall" {printf "  %-18s %8d\n", $NF, $4}' | head -n 14
    ;;
  memory)
    prepare "$OUT/c$N" "$N"
    for mode in queue send; do
      fresh "$OUT/c$N"
      flag=""; [ "$mode" = queue ] && flag="--queue-only"
      /usr/bin/time -v "$BIN" newsletter send 1 --list Bench $flag --config "$OUT/c$N/kampagne.toml" --db "$OUT/c$N/kampagne.sqlite" >"$OUT/$mode-$N.out" 2>"$OUT/$mode-$N.time"
      awk -v m="$mode" -v n="$N" '/Elapsed \(wall clock\)/ {w=$NF} /Maximum resident set size/ {r=$NF} END {printf "%s %d: %s wall, %.1f MB peak (load '"$(cut -d' ' -f1 /proc/loadavg)"')\n", m, n, w, r/1024}' "$OUT/$mode-$N.time"
    done
    ;;
  esac
done
