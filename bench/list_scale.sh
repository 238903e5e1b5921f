#!/usr/bin/env bash
# list_scale.sh [--bin DIR] [--dir DIR]        (QUICK=1 for the quick mode)
#
# The paged lists at a large platform's scale (bench/RESULTS.md "Lists at scale"): a
# SQLite store seeded by list_scale_seed (full: 100,000 profiles and 1,000,000 history
# rows; QUICK=1: 20,000 and 200,000), one real `lifeboat serve` on it, then
# bench/list_scale.py walks GET /v1/profiles (every sort and filter), a profile's
# /history, /v1/executions and /v1/transfers page by page at limit 100 and 1000, timing
# each page and sampling the daemon's VmRSS after each. Also prints SQLite's plan for each
# list query (bench/list_scale_explain.py) and times `lifeboat profiles list` walking
# every page. --bin is the build directory holding src/cli/lifeboat and
# bench/list_scale_seed (default: build/). The daemon is stopped on exit, failure or Ctrl-C.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bindir=$root/build
dir=${TMPDIR:-/tmp}
quick=${QUICK:-0}
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bindir=${2:?--bin needs a directory}; shift ;;
    --dir) dir=${2:?--dir needs a directory}; shift ;;
    -h | --help) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 0 ;;
    *) echo "list_scale: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
lifeboat=$bindir/src/cli/lifeboat
seed=$bindir/bench/list_scale_seed
for f in "$lifeboat" "$seed"; do
  [ -x "$f" ] || { echo "list_scale: $f is missing; build it (cmake --build --preset default --target lifeboat list_scale_seed)" >&2; exit 2; }
done
if [ "$quick" = 1 ]; then profiles=20000; history=200000; else profiles=100000; history=1000000; fi

work=$(mktemp -d "$dir/lifeboat-list-scale.XXXXXX")
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

mkdir -p "$work/data" "$work/home"
start=$(date +%s.%N)
"$seed" "sqlite://$work/data/lifeboat.db" "$profiles" "$history"
echo "seeded in $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s"
echo "SQLite's plans for the list queries:"
python3 "$root/bench/list_scale_explain.py" "$work/data/lifeboat.db" | sed 's/^/  /'
printf '[[volumes]]\nid = "home"\npath = "%s"\n' "$work/home" >"$work/lifeboat.toml"
"$lifeboat" --data-dir "$work/data" serve --config "$work/lifeboat.toml" --listen 127.0.0.1:0 \
  --port-file "$work/port" >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 300); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { cat "$work/serve.log" >&2; echo "list_scale: serve did not start" >&2; exit 1; }
mkdir -p "$root/bench/results"
python3 "$root/bench/list_scale.py" --port "$(cat "$work/port")" --token "$(cat "$work/data/api-token")" \
  --pid "$pid" ${quick:+$([ "$quick" = 1 ] && echo --quick)} \
  --out "$root/bench/results/list-scale$([ "$quick" = 1 ] && echo -quick).jsonl"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
start=$(date +%s.%N)
/usr/bin/time -f "lifeboat profiles list (every page): %e s, max RSS %M KiB" \
  "$lifeboat" --data-dir "$work/data" --output json profiles list >"$work/all.json"
echo "  ($(python3 -c "import json; print(len(json.load(open('$work/all.json'))))") profiles printed)"
