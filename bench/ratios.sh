#!/usr/bin/env bash
# Issue 16: every hot path as a ratio to the best tool for the same job, measured side by
# side in one run on this machine, median of ROUNDS (>= 3) alternating runs, so that the
# load of a shared machine cancels out. Peak memory (/usr/bin/time -v) is load-independent.
#
#   job                                      anchor (same run, same input)
#   meeting page GET, wrk -t2 -c16           nginx serving the same bytes as a static file
#   the page with 2,000 sign-ups             the empty page
#   sign-up POST, wrk -t2 -c8                (absolute: rate and p99)
#   newsletter send 10,000 (queue + send)    smtp-source -s 4, same message size, same sink
#   send 100,000, whole command              (peak memory)
#   queue 100,000 recipients                 (time)
#   import 100,000 new contacts              sqlite3 .import into a table with a unique NOCASE index;
#                                            and SQLite alone writing the import's own rows
#                                            (bench/import-floor.sh: the schema's floor)
#   contacts list --json / export --excel    (memory and time, 100,000)
#
# Knobs: ROUNDS (3), DURATION (wrk seconds per run, 5s), N (contacts, 100000),
# SEND_N (10000), SIGNUPS (2000), ONLY ("web smtp import list": a subset), BIN (the binary;
# default: the release build in .build-release, made by bench/release-build.sh).
# Needs postfix (smtp-sink, smtp-source), wrk and nginx-light: `make bench` installs them.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5s}
N=${N:-100000}
SEND_N=${SEND_N:-10000}
SIGNUPS=${SIGNUPS:-2000}
ONLY=${ONLY:-"web smtp import list"}
OUT=$PWD/bench/out/ratios
rm -rf "$OUT"; mkdir -p "$OUT"
if [ -z "${BIN:-}" ]; then  # BIN=...: measure another build (e.g. a baseline) instead
  BIN=$(bench/release-build.sh)
fi
RESULTS=$OUT/results.tsv   # job \t figure \t value, one line per measurement
: >"$RESULTS"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$RESULTS"; }
# The 1-minute load average, recorded with each round's figures (the machine is shared).
load() { cut -d' ' -f1 /proc/loadavg; }
now() { date +%s.%N; }
# Runs a command under /usr/bin/time -v; sets WALL (s) and RSS (MB).
timed() {  # label, command...
  local label=$1; shift
  /usr/bin/time -v "$@" >"$OUT/$label.out" 2>"$OUT/$label.time"
  WALL=$(awk '/Elapsed \(wall clock\)/ {n = split($NF, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$OUT/$label.time")
  RSS=$(awk '/Maximum resident set size/ {printf "%.1f", $NF / 1024}' "$OUT/$label.time")
}
wrk_rate() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
wrk_p99() {  # in ms
  awk '/^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us$/, "", v); v /= 1000} else if (v ~ /ms$/) {sub(/ms$/, "", v)} else if (v ~ /s$/) {sub(/s$/, "", v); v *= 1000}; print v}' "$1"
}
echo "bench/ratios.sh: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $ROUNDS rounds, $(date -u +%FT%TZ)"

/usr/bin/python3 bench/gen-contacts.py "$N" "$OUT/contacts.csv" >/dev/null

# ---------------------------------------------------------------- web
web() {
  local W=$OUT/web DB=$OUT/web/kampagne.sqlite
  mkdir -p "$W"
  $BIN init --db "$DB" >/dev/null
  sed -i -e 's/^posts_per_minute = 30$/posts_per_minute = 1000000/' \
         -e "s|^path = \"Templates\"\$|path = \"$PWD/Templates\"|" "$W/kampagne.toml"
  cp bench/moede.md "$W/moede.md"
  new_meeting() {
    local id; id=$($BIN events create "$W/moede.md" --db "$DB")
    $BIN events show "$id" --json --db "$DB" | /usr/bin/python3 -c 'import json,sys; e=json.load(sys.stdin)["event"]; print(e["id"], e["publicId"])'
  }
  registered() { $BIN events show "$1" --json --db "$DB" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["event"]["registered"])'; }
  local port; port=$(free_port)
  $BIN serve --db "$DB" --port "$port" --no-scheduler >"$W/serve.out" 2>"$W/serve.err" &
  local server=$!; PIDS+=("$server")
  for _ in $(seq 100); do grep -q "lytter på" "$W/serve.err" 2>/dev/null && break; sleep 0.1; done
  grep -q "lytter på" "$W/serve.err" || { echo "kampagne serve did not start"; cat "$W/serve.err"; exit 1; }
  local base=http://127.0.0.1:$port
  csrf() { curl -fsS "$1" | grep -o 'name="csrf" value="[^"]*"' | head -n 1 | sed -e 's/.*value="//' -e 's/"$//'; }

  local empty full full_id
  read -r _ empty <<<"$(new_meeting)"
  read -r full_id full <<<"$(new_meeting)"
  # The full meeting: exactly SIGNUPS sign-ups through the real form (web-signup.lua with
  # LIMIT: each thread sends its share of POSTs, then only GETs).
  CSRF=$(csrf "$base/moede/$full") RUN=seed LIMIT=$(( SIGNUPS / 2 )) \
    wrk -t2 -c8 -d"$(( SIGNUPS / 200 + 5 ))s" -s bench/web-signup.lua "$base/moede/$full" >"$W/seed.txt"
  sleep 1
  local n; n=$(registered "$full_id")
  echo "web: meeting $full has $n sign-ups (wanted $SIGNUPS)"

  # nginx serving the empty meeting's page bytes as a static file at the same path.
  local root=$W/nginx; mkdir -p "$root/html/moede"; chmod -R 755 "$W"
  curl -fsS "$base/moede/$empty" >"$root/html/moede/$empty"
  local nport; nport=$(free_port)
  cat >"$root/nginx.conf" <<NGINX
worker_processes auto;
daemon off;
pid $root/nginx.pid;
error_log $root/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $root/tmp-body;
  proxy_temp_path $root/tmp-proxy;
  fastcgi_temp_path $root/tmp-fastcgi;
  uwsgi_temp_path $root/tmp-uwsgi;
  scgi_temp_path $root/tmp-scgi;
  default_type text/html;
  server { listen 127.0.0.1:$nport; root $root/html; }
}
NGINX
  /usr/sbin/nginx -c "$root/nginx.conf" -p "$root" &
  local nginx=$!; PIDS+=("$nginx")
  for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$nport/moede/$empty" 2>/dev/null && break; sleep 0.1; done
  cmp -s <(curl -fsS "http://127.0.0.1:$nport/moede/$empty" | wc -c) <(curl -fsS "$base/moede/$empty" | wc -c) \
    || echo "web: note: the page size differs between nginx and kampagne"

  for r in $(seq "$ROUNDS"); do
    wrk -t2 -c16 -d"$DURATION" --latency "http://127.0.0.1:$nport/moede/$empty" >"$W/nginx-$r.txt"
    wrk -t2 -c16 -d"$DURATION" --latency "$base/moede/$empty" >"$W/get-$r.txt"
    wrk -t2 -c16 -d"$DURATION" --latency "$base/moede/$full" >"$W/get-full-$r.txt"
    local m; read -r _ m <<<"$(new_meeting)"
    CSRF=$(csrf "$base/moede/$m") RUN=r$r wrk -t2 -c8 -d"$DURATION" --latency -s bench/web-signup.lua "$base/moede/$m" >"$W/post-$r.txt"
    local ng kg kf pr pp
    ng=$(wrk_rate "$W/nginx-$r.txt"); kg=$(wrk_rate "$W/get-$r.txt"); kf=$(wrk_rate "$W/get-full-$r.txt")
    pr=$(wrk_rate "$W/post-$r.txt"); pp=$(wrk_p99 "$W/post-$r.txt")
    record "web" "nginx GET/s" "$ng"; record "web" "kampagne GET/s" "$kg"; record "web" "kampagne GET/s, $n sign-ups" "$kf"
    record "web" "GET / nginx" "$(awk -v a="$kg" -v b="$ng" 'BEGIN {print a / b}')"
    record "web" "full / empty" "$(awk -v a="$kf" -v b="$kg" 'BEGIN {print a / b}')"
    record "web" "sign-up POST/s" "$pr"; record "web" "sign-up p99 ms" "$pp"
    record "web" "load" "$(load)"
    echo "web round $r: load $(load), nginx $ng/s, kampagne $kg/s, with $n sign-ups $kf/s, sign-ups $pr/s p99 ${pp} ms"
  done
  kill "$nginx" "$server" 2>/dev/null || true
}

# ---------------------------------------------------------------- smtp
smtp() {
  local S=$OUT/smtp; mkdir -p "$S"
  local port; port=$(free_port)
  /usr/sbin/smtp-sink -u nobody 127.0.0.1:"$port" 1000 &
  PIDS+=("$!")
  sleep 0.5
  prepare() {  # folder, contacts: a database with the contacts on list Bench and edition 1
    local dir=$1 count=$2
    mkdir -p "$dir"
    head -n $(( count + 1 )) "$OUT/contacts.csv" >"$dir/contacts.csv"
    bench/newsletter-fixture.sh "$dir" "$port"
    $BIN init --db "$dir/template.sqlite" >/dev/null  # keeps the fixture's kampagne.toml
    $BIN contacts import "$dir/contacts.csv" --db "$dir/template.sqlite" --list Bench >/dev/null
    $BIN newsletter create "$dir/udgave.md" --db "$dir/template.sqlite" >/dev/null
  }
  fresh() {  # folder: a copy of the prepared database as kampagne.sqlite
    rm -f "$1"/kampagne.sqlite*
    sqlite3 "$1/template.sqlite" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    cp "$1/template.sqlite" "$1/kampagne.sqlite"
  }
  prepare "$S/small" "$SEND_N"
  # The size of one of our messages on the wire, for smtp-source -l.
  local dport; dport=$(free_port)
  mkdir -p "$S/dump"; chmod 777 "$S/dump"  # smtp-sink -u nobody writes the dump
  /usr/sbin/smtp-sink -u nobody -d "$S/dump/%H%M%S." 127.0.0.1:"$dport" 10 &
  local dumper=$!; PIDS+=("$dumper")
  sleep 0.3
  fresh "$S/small"
  sed "s|127.0.0.1:$port|127.0.0.1:$dport|" "$S/small/kampagne.toml" >"$S/small/dump.toml"
  $BIN newsletter test 1 --to "bench@kommune.example" --config "$S/small/dump.toml" --db "$S/small/kampagne.sqlite" >/dev/null
  sleep 0.5
  kill "$dumper" 2>/dev/null || true
  local size
  size=$(find "$S/dump" -type f -printf '%s\n' | head -n 1)
  # smtp-sink's dump adds its X-Client/X-Helo/X-Mail/X-Rcpt lines (about 150 bytes);
  # smtp-source -l is the body length, its own headers add about as much.
  size=${size:-8192}
  echo "smtp: one message is about $size bytes; smtp-source -s 4 -l $size"

  for r in $(seq "$ROUNDS"); do
    local t0 t1 ref
    t0=$(now)
    /usr/sbin/smtp-source -s 4 -m "$SEND_N" -l "$size" -f bench@partnerskab.example -t sink@kommune.example 127.0.0.1:"$port"
    t1=$(now)
    ref=$(awk -v n="$SEND_N" -v a="$t0" -v b="$t1" 'BEGIN {print n / (b - a)}')
    fresh "$S/small"
    timed "send-$SEND_N-$r" $BIN newsletter send 1 --list Bench --config "$S/small/kampagne.toml" --db "$S/small/kampagne.sqlite"
    local sent; sent=$(sqlite3 "$S/small/kampagne.sqlite" "select count(*) from outbox where state = 'sent'")
    local rate; rate=$(awk -v n="$sent" -v s="$WALL" 'BEGIN {print n / s}')
    record "smtp" "smtp-source msg/s" "$ref"; record "smtp" "send $SEND_N msg/s (queue + send)" "$rate"
    record "smtp" "send / smtp-source" "$(awk -v a="$rate" -v b="$ref" 'BEGIN {print a / b}')"
    record "smtp" "send $SEND_N peak MB" "$RSS"
    record "smtp" "load" "$(load)"
    echo "smtp round $r: load $(load), smtp-source $ref msg/s; newsletter send $sent in $WALL s = $rate msg/s, $RSS MB"
  done

  prepare "$S/big" "$N"
  for r in $(seq "$ROUNDS"); do
    fresh "$S/big"
    timed "queue-$N-$r" $BIN newsletter send 1 --list Bench --queue-only --config "$S/big/kampagne.toml" --db "$S/big/kampagne.sqlite"
    record "smtp" "queue $N s" "$WALL"; record "smtp" "queue $N peak MB" "$RSS"
    echo "smtp round $r: load $(load), queue $N in $WALL s, $RSS MB"
  done
  fresh "$S/big"
  timed "send-$N" $BIN newsletter send 1 --list Bench --config "$S/big/kampagne.toml" --db "$S/big/kampagne.sqlite"
  record "smtp" "send $N peak MB (whole command)" "$RSS"; record "smtp" "send $N s (whole command)" "$WALL"
  echo "smtp: load $(load), send $N (queue + send) in $WALL s, $RSS MB"
}

# ---------------------------------------------------------------- import
import_() {
  local I=$OUT/import; mkdir -p "$I"
  for r in $(seq "$ROUNDS"); do
    rm -rf "$I"/anchor.sqlite* "$I"/kampagne.sqlite* "$I/floor"
    sqlite3 "$I/anchor.sqlite" "CREATE TABLE contact (firstName TEXT, lastName TEXT, email TEXT, municipality TEXT, role TEXT, organisation TEXT, phone TEXT);
      CREATE UNIQUE INDEX contact_email ON contact (email COLLATE NOCASE);"
    # Each timed write starts with no dirty pages of the one before: the kernel's write-back of
    # the last 200-300 MB otherwise lands in whichever run comes next.
    sync
    timed "sqlite-import-$r" sqlite3 "$I/anchor.sqlite" ".import --csv --skip 1 $OUT/contacts.csv contact"
    local anchor=$WALL
    $BIN init --db "$I/kampagne.sqlite" >/dev/null  # an import needs an existing database
    sync
    timed "import-$r" $BIN contacts import "$OUT/contacts.csv" --db "$I/kampagne.sqlite" --list Bench
    record "import" "sqlite3 .import s" "$anchor"; record "import" "import $N s" "$WALL"; record "import" "import $N peak MB" "$RSS"
    record "import" "import / sqlite3" "$(awk -v a="$WALL" -v b="$anchor" 'BEGIN {print a / b}')"
    local imported=$WALL rss=$RSS loaded floor
    loaded=$(load)
    record "import" "load" "$loaded"
    # SQLite alone writing the very rows this import wrote: what the schema costs.
    floor=$(BIN=$BIN bench/import-floor.sh "$I/kampagne.sqlite" "$I/floor")
    record "import" "schema floor s (sqlite3, the import's rows)" "$floor"
    record "import" "schema floor / sqlite3" "$(awk -v a="$floor" -v b="$anchor" 'BEGIN {print a / b}')"
    record "import" "import / schema floor" "$(awk -v a="$imported" -v b="$floor" 'BEGIN {print a / b}')"
    echo "import round $r: load $loaded, sqlite3 .import $anchor s, kampagne $imported s ($rss MB), schema floor $floor s"
  done
}

# ---------------------------------------------------------------- list / export
list_() {
  local L=$OUT/list; mkdir -p "$L"
  rm -f "$L"/kampagne.sqlite*
  $BIN init --db "$L/kampagne.sqlite" >/dev/null
  $BIN contacts import "$OUT/contacts.csv" --db "$L/kampagne.sqlite" --list Bench >/dev/null
  for r in $(seq "$ROUNDS"); do
    timed "list-json-$r" $BIN contacts list --json --db "$L/kampagne.sqlite"
    record "list" "list --json s" "$WALL"; record "list" "list --json peak MB" "$RSS"
    local lw=$WALL lr=$RSS
    timed "export-excel-$r" $BIN contacts export --excel --out "$L/export.csv" --db "$L/kampagne.sqlite"
    record "list" "export --excel s" "$WALL"; record "list" "export --excel peak MB" "$RSS"
    record "list" "load" "$(load)"
    echo "list round $r: load $(load), list --json $lw s, $lr MB; export --excel $WALL s, $RSS MB"
  done
  echo "list: $(grep -c '"email"' "$OUT/list-json-1.out") contacts in the JSON, $(( $(wc -l <"$L/export.csv") - 1 )) rows in the export"
}

for part in $ONLY; do
  case $part in
    web) web ;; smtp) smtp ;; import) import_ ;; list) list_ ;;
    *) echo "unknown part $part"; exit 2 ;;
  esac
done

echo
echo "Medians of $ROUNDS alternating runs (ranges in brackets); raw figures in $RESULTS"
/usr/bin/python3 - "$RESULTS" <<'PY'
import statistics, sys
rows = {}
order = []
for line in open(sys.argv[1], encoding="utf-8"):
    job, figure, value = line.rstrip("\n").split("\t")
    key = (job, figure)
    if key not in rows:
        rows[key] = []
        order.append(key)
    rows[key].append(float(value))
for job, figure in order:
    v = rows[(job, figure)]
    med = statistics.median(v)
    fmt = (lambda x: f"{x:,.2f}") if med < 10 else (lambda x: f"{x:,.0f}")
    span = f"  [{fmt(min(v))}-{fmt(max(v))}]" if len(v) > 1 else ""
    print(f"  {job:7} {figure:40} {fmt(med):>10}{span}")
PY
