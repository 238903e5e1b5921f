#!/usr/bin/env bash
# many_hosts.sh [--bin PATH] [--dir DIR] [--out FILE]     (QUICK=1 for the quick mode)
#
# The many-hosts benchmarks, with real `lifeboat serve` daemons (the Release build) on this
# machine, for three set-ups: 1 daemon on SQLite, 1 daemon on PostgreSQL, 3 daemons on one
# PostgreSQL database (each its own [cluster] node_id, one shared token_file, the same
# [[volumes]]). PostgreSQL 15 is a throwaway server started by scripts/test-postgres.sh
# (Unix socket only, fsync off — see there); each set-up gets a fresh database.
#
#   1. events applied per second: POST /v1/events, batches of 50 CloudEvents (per profile a
#      CreateUserProfile and a DeleteUserProfile), 6 client threads, the batches spread
#      round-robin over the daemons; 3 rounds, median.
#   2. recoveries per minute: N profiles created with an old home of 5 files of 1 KiB,
#      deleted, their new homes made, then all N recreations posted (batches of 50,
#      round-robin); until every execution is SUCCEEDED (GET /v1/executions).
#   3. the registry at scale (1 daemon on SQLite, 1 on PostgreSQL): profiles loaded through
#      POST /v1/events in batches of 1,000 (timed), then at each size the latency of
#      GET /v1/profiles and of `lifeboat profiles list` (median of 3), the daemon's VmRSS
#      and VmHWM afterwards, and the store's size (SQLite: the .db and -wal files;
#      PostgreSQL: pg_database_size). SQLite is loaded through the API only up to
#      MANY_HOSTS_SQLITE_API_MAX profiles (full mode: 30,000; each create scans the profiles
#      table there, so the load is quadratic); for the sizes above it, and again at every
#      size, SQLite stores are made by `lifeboat store copy` from a PostgreSQL store loaded
#      through the API (set-up "sqlite-copy").
#
# Sizes: full: 9,000 events x 3 rounds, 200 recoveries, 10,000 / 30,000 / 100,000 profiles.
# QUICK=1: 2,000 events x 3 rounds, 30 recoveries, 1,000 / 3,000 / 10,000 profiles.
# Set-ups: MANY_HOSTS_SETUPS=sqlite,pg1,pg3 (default all three) chooses among them;
# MANY_HOSTS_SIZES="10000 30000" replaces the registry's profile counts.
#
# Writes the raw results (one JSON object per line) to bench/results/many-hosts[-quick].jsonl
# (git-ignored) and a summary table to standard output; the analysis in bench/RESULTS.md is
# hand-written from them. Runs as root (the homes get distinct owners, PostgreSQL runs as
# user postgres through scripts/test-postgres.sh). Every daemon and the PostgreSQL server are
# stopped on exit, failure or Ctrl-C included.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=""
dir=${TMPDIR:-/tmp}
quick=${QUICK:-0}
setups=${MANY_HOSTS_SETUPS:-sqlite,pg1,pg3}
out=""
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --bin) bin=${2:?--bin needs a path}; shift ;;
    --dir) dir=${2:?--dir needs a directory}; shift ;;
    --out) out=${2:?--out needs a file}; shift ;;
    -h | --help) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 0 ;;
    *) echo "many_hosts: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ "$(id -u)" -eq 0 ] || { echo "many_hosts: run as root (homes with distinct owners; PostgreSQL as user postgres)" >&2; exit 2; }
for tool in curl python3 psql; do
  command -v $tool >/dev/null || { echo "many_hosts: $tool is missing (scripts/install-deps.sh)" >&2; exit 2; }
done

if [ "$quick" = 1 ]; then
  events=2000 recoveries=30 sizes="1000 3000 10000" suffix=-quick
else
  events=9000 recoveries=200 sizes="10000 30000 100000" suffix=""
fi
sizes=${MANY_HOSTS_SIZES:-$sizes}
[ -n "$out" ] || out=$root/bench/results/many-hosts$suffix.jsonl

if [ -z "$bin" ]; then
  bin=$root/build-release/src/cli/lifeboat
  if [ ! -x "$bin" ]; then
    echo "many_hosts: building the Release binary (cmake --preset release, target lifeboat)"
    (cd "$root" && cmake --preset release -DLIFEBOAT_WERROR=OFF >/dev/null && cmake --build build-release --target lifeboat)
  fi
fi
[ -x "$bin" ] || { echo "many_hosts: $bin is not an executable" >&2; exit 2; }
bin=$(realpath "$bin")

# The work directory must be reachable by user postgres (test-postgres.sh chowns its own
# directory to it).
work=$(mktemp -d "$dir/lifeboat-hosts.XXXXXX")
chmod 0755 "$work"
pgdir=$work/pg
pids=()
pg_started=0
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  pids=()
  if [ "$pg_started" = 1 ]; then "$root/scripts/test-postgres.sh" stop "$pgdir" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
die() {
  echo "many_hosts: $*" >&2
  for f in "$work"/daemon-*.log; do
    [ -f "$f" ] || continue
    echo "--- last lines of $f ---" >&2
    tail -n 15 "$f" >&2 || true
  done
  exit 1
}

volume=$work/volume
mkdir -p "$volume" "$(dirname "$out")"
: >"$out.tmp"
# One token for every daemon (regular file, ours, mode 0600).
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/api-token"
chmod 0600 "$work/api-token"
token=$(cat "$work/api-token")
gid=700000

# start_daemons STORE_ARGS... -- N: starts N daemons on the store, sets ports and pids.
ports=()
daemon_pids=()
start_daemons() {
  local n=$1 url=$2 i
  ports=()
  daemon_pids=()
  for i in $(seq 1 "$n"); do
    cat >"$work/node$i.toml" <<EOF
token_file = "$work/api-token"
workers = 4
per_volume_concurrency = 8
max_body_bytes = 16777216
[cluster]
node_id = "bench-node-$i"
[[volumes]]
id = "home"
path = "$volume"
EOF
    rm -f "$work/port$i"
    "$bin" --store "$url" serve --config "$work/node$i.toml" --listen 127.0.0.1:0 \
      --port-file "$work/port$i" >"$work/daemon-$i.log" 2>&1 &
    pids+=($!)
    daemon_pids+=($!)
  done
  for i in $(seq 1 "$n"); do
    local pid=${daemon_pids[$((i - 1))]} ok=0
    for _ in $(seq 1 300); do
      kill -0 "$pid" 2>/dev/null || die "daemon $i exited during start-up"
      if [ -s "$work/port$i" ] && curl -fsS "http://127.0.0.1:$(cat "$work/port$i")/readyz" >/dev/null 2>&1; then
        ok=1
        break
      fi
      sleep 0.1
    done
    [ "$ok" = 1 ] || die "daemon $i did not answer /readyz within 30 s"
    ports+=("$(cat "$work/port$i")")
  done
}
stop_daemons() {
  local pid rest=()
  for pid in "${daemon_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${daemon_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    case " ${daemon_pids[*]} " in *" $pid "*) ;; *) rest+=("$pid") ;; esac
  done
  pids=("${rest[@]}")
  daemon_pids=()
}

pg_url() { # pg_url DB: the URL of database DB on the throwaway server
  sed "s|^postgresql:///postgres?|postgresql:///$1?|" "$pgdir/url"
}
new_store() { # new_store SETUP: prints the URL of a fresh, empty store for SETUP
  case $1 in
    sqlite)
      rm -rf "$work/sqlite"
      mkdir -p "$work/sqlite"
      echo "sqlite://$work/sqlite/lifeboat.db"
      ;;
    pg*)
      psql -q -X "$(cat "$pgdir/url")" -c "DROP DATABASE IF EXISTS lb_$1" \
        -c "CREATE DATABASE lb_$1 LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0" >/dev/null
      pg_url "lb_$1"
      ;;
  esac
}
store_bytes() { # store_bytes SETUP
  case $1 in
    sqlite) du -cb "$work"/sqlite/lifeboat.db* | tail -n 1 | cut -f1 ;;
    pg*) psql -X -At "$(cat "$pgdir/url")" -c "SELECT pg_database_size('lb_$1')" ;;
  esac
}
daemons_of() { case $1 in pg3) echo 3 ;; *) echo 1 ;; esac; }
record() { # record SETUP JSON: adds the set-up's name to a helper's line
  python3 -c 'import json,sys; d=json.loads(sys.argv[2]); d["setup"]=sys.argv[1]; print(json.dumps(d))' "$1" "$2" >>"$out.tmp"
}
helper() { python3 "$root/bench/many_hosts.py" "$@"; }
joined() { local IFS=,; echo "$*"; }

sqlite_api_max=${MANY_HOSTS_SQLITE_API_MAX:-$(if [ "$quick" = 1 ]; then echo 100000000; else echo 30000; fi)}
sqlite_copy=0
case ",$setups," in *,sqlite,*) [ "${sizes##* }" -le "$sqlite_api_max" ] || sqlite_copy=1 ;; esac
case ",$setups,$sqlite_copy" in
  *,pg1,* | *,pg3,* | *1)
    "$root/scripts/test-postgres.sh" start "$pgdir" >/dev/null || die "PostgreSQL did not start"
    pg_started=1
    ;;
esac

psi() { sed -n 's/^some avg10=[0-9.]* avg60=\([0-9.]*\).*/\1/p' /proc/pressure/cpu 2>/dev/null || echo "?"; }
{
  echo "{\"kind\": \"machine\", \"date\": \"$(date -u '+%Y-%m-%d %H:%M UTC')\", \"cpus\": $(nproc),"
  echo " \"load_before\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"cpu_psi_avg60_before\": \"$(psi)\","
  echo " \"head\": \"$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')\", \"quick\": $quick,"
  echo " \"postgres\": \"$(psql --version | head -n 1)\", \"fs\": \"$(stat -f -c %T "$work")\"}"
} | tr -d '\n' >>"$out.tmp"
echo >>"$out.tmp"
t_start=$(date +%s)

for setup in ${setups//,/ }; do
  n=$(daemons_of "$setup")
  echo "many_hosts: == $setup ($n daemon(s)) =="
  url=$(new_store "$setup")
  start_daemons "$n" "$url"
  p=$(joined "${ports[@]}")
  echo "many_hosts: $setup: events per second ($events events x 3 rounds, batches of 50, 6 threads)"
  line=$(helper events --ports "$p" --token "$token" --events "$events" --batch 50 --threads 6 \
    --rounds 3 --tag "ev-$setup") || die "$setup: the events benchmark failed"
  record "$setup" "$line"
  echo "many_hosts: $setup: $recoveries recoveries"
  line=$(helper recoveries --ports "$p" --token "$token" --count "$recoveries" --volume "$volume" \
    --uid-base $((710000 + 10000 * n + ${#setup} * 1000)) --gid $gid --batch 50 --threads 3 \
    --tag "rc$setup") || die "$setup: the recoveries benchmark failed"
  record "$setup" "$line"
  stop_daemons
  rm -rf "${volume:?}"/*

  [ "$setup" = pg3 ] && continue
  # The registry at scale, on a fresh store. SQLite is loaded through the API only up to
  # MANY_HOSTS_SQLITE_API_MAX profiles (each create scans the profiles table there, so
  # loading is quadratic; see bench/RESULTS.md); the larger SQLite stores are made below
  # by `store copy` from PostgreSQL.
  url=$(new_store "$setup")
  start_daemons 1 "$url"
  loaded=0
  for size in $sizes; do
    if [ "$setup" = sqlite ] && [ "$size" -gt "$sqlite_api_max" ]; then break; fi
    echo "many_hosts: $setup: loading profiles $loaded..$size"
    line=$(helper load --ports "${ports[0]}" --token "$token" --from "$loaded" --to "$size" \
      --batch 1000 --threads 2) || die "$setup: loading profiles failed"
    record "$setup" "$line"
    loaded=$size
    echo "many_hosts: $setup: listing $size profiles"
    line=$(helper list --port "${ports[0]}" --token "$token" --runs 3 --pid "${daemon_pids[0]}" \
      --cli "$bin" --store "$url" --output json profiles list) || die "$setup: listing failed"
    line=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["store_bytes"]=int(sys.argv[2]); print(json.dumps(d))' \
      "$line" "$(store_bytes "$setup")")
    record "$setup" "$line"
  done
  stop_daemons
done

# SQLite at every size, its stores copied (`lifeboat store copy`) from a PostgreSQL store
# loaded through the API: same rows, without the quadratic load.
if [ "$sqlite_copy" = 1 ]; then
  echo "many_hosts: == sqlite-copy (SQLite stores copied from PostgreSQL) =="
  url=$(new_store pgreg)
  start_daemons 1 "$url"
  loaded=0
  for size in $sizes; do
    echo "many_hosts: pgreg: loading profiles $loaded..$size, then store copy to SQLite"
    line=$(helper load --ports "${ports[0]}" --token "$token" --from "$loaded" --to "$size" \
      --batch 1000 --threads 2) || die "pgreg: loading profiles failed"
    record pgreg "$line"
    loaded=$size
    mkdir -p "$work/copy-$size"
    t0=$(date +%s.%N)
    "$bin" store copy --from "$url" --to "sqlite://$work/copy-$size/lifeboat.db" >/dev/null ||
      die "store copy to SQLite failed"
    record sqlite-copy "{\"kind\": \"copy\", \"profiles\": $size, \"seconds\": $(echo "$(date +%s.%N) - $t0" | bc)}"
  done
  stop_daemons
  for size in $sizes; do
    curl_url="sqlite://$work/copy-$size/lifeboat.db"
    start_daemons 1 "$curl_url"
    echo "many_hosts: sqlite-copy: listing $size profiles"
    line=$(helper list --port "${ports[0]}" --token "$token" --runs 3 --pid "${daemon_pids[0]}" \
      --cli "$bin" --store "$curl_url" --output json profiles list) || die "sqlite-copy: listing failed"
    line=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["store_bytes"]=int(sys.argv[2]); print(json.dumps(d))' \
      "$line" "$(du -cb "$work/copy-$size"/lifeboat.db* | tail -n 1 | cut -f1)")
    record sqlite-copy "$line"
    stop_daemons
    rm -rf "$work/copy-$size"
  done
fi

echo "{\"kind\": \"end\", \"seconds\": $(($(date +%s) - t_start)), \"load_after\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"cpu_psi_avg60_after\": \"$(psi)\"}" >>"$out.tmp"
mv "$out.tmp" "$out"
python3 "$root/bench/many_hosts.py" summary --jsonl "$out"
echo "many_hosts: raw results in $out"
