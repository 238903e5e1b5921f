#!/usr/bin/env bash
# recovery_latency.sh [--quick] [--runs N] [--bin PATH] [--dir DIR] [--no-loop] [--no-publish] [--out FILE]
#
# The recovery latency target: the time from a recreated profile's create event (POST
# /v1/events) to the last file of its old home in place in the new home, for a home of
# 1,000 files / 10 MiB. Target: median under 500 ms on a 2-core machine.
#
# Starts one `lifeboat serve` (the Release build) on a temporary data dir with a local
# volume, then per run: a fresh profile is created with a copy of the generated home, deleted,
# its new home made (new owner) and the profile recreated — only that last POST is timed, by
# bench/recovery_latency.py (see there for what each figure means). One warm-up run, then N
# timed runs; medians and min-max go into bench/RESULTS.md between the recovery-latency
# markers (the rest of that file is bench/gen_results.py's); the raw figures go to
# bench/results/recovery-latency-raw.tsv and recovery-latency-machine.txt (not in git).
#
#   --quick       5 runs instead of 11
#   --runs N      N timed runs
#   --bin PATH    the lifeboat binary (default build-release/src/cli/lifeboat, built if missing)
#   --dir DIR     where the work directory goes (default $TMPDIR or /tmp)
#   --no-loop     put the volume and data dir on DIR's file system itself. By default (as root,
#                 with mkfs.ext4) they go on a dedicated 1 GiB ext4 (journaled, default
#                 options) on a loop device with direct I/O inside DIR, so that the copy's
#                 inode allocation and syncfs do not share a file system with whatever else
#                 the machine is doing (here: other benchmarks creating and deleting GBs)
#   --no-publish  print the figures, leave bench/RESULTS.md alone
#   --out FILE    write the section into FILE instead of bench/RESULTS.md
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
runs=11
bin=""
dir=${TMPDIR:-/tmp}
publish=1
loop=1
out=$root/bench/RESULTS.md
command_line="bench/recovery_latency.sh"
while [ $# -gt 0 ]; do
  case $1 in
    --quick) runs=5; command_line="bench/recovery_latency.sh --quick" ;;
    --runs) runs=${2:?--runs needs a number}; shift; command_line="bench/recovery_latency.sh --runs $runs" ;;
    --bin) bin=${2:?--bin needs a path}; shift ;;
    --dir) dir=${2:?--dir needs a directory}; shift ;;
    --no-publish) publish=0 ;;
    --no-loop) loop=0 ;;
    --out) out=${2:?--out needs a file}; shift ;;
    -h | --help) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 0 ;;
    *) echo "recovery_latency: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
case $runs in '' | *[!0-9]* | 0) echo "recovery_latency: --runs wants a positive number, not '$runs'" >&2; exit 2 ;; esac
command -v curl >/dev/null || { echo "recovery_latency: curl is missing (scripts/install-deps.sh)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "recovery_latency: python3 is missing" >&2; exit 2; }

if [ -z "$bin" ]; then
  bin=$root/build-release/src/cli/lifeboat
  if [ ! -x "$bin" ]; then
    echo "recovery_latency: building the Release binary (cmake --preset release)"
    (cd "$root" && cmake --preset release >/dev/null && cmake --build --preset release)
  fi
fi
[ -x "$bin" ] || { echo "recovery_latency: $bin is not an executable" >&2; exit 2; }
bin=$(realpath "$bin")

work=$(mktemp -d "$dir/lifeboat-latency.XXXXXX")
fs_root=$work
log=$work/daemon.log
# start_daemon, shared with the demos (sets daemon_pid and port; calls die on failure).
# shellcheck source=scripts/demo_lib.sh
. "$root/scripts/demo_lib.sh"
daemon_pid=""
loop_dev=""
cleanup() {
  if [ -n "$daemon_pid" ]; then
    kill -TERM "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
  fi
  if [ -n "$loop_dev" ]; then
    umount "$work/fs" 2>/dev/null || umount -l "$work/fs" 2>/dev/null || true
    losetup -d "$loop_dev" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ "$loop" -eq 1 ] && [ "$(id -u)" -eq 0 ] && command -v mkfs.ext4 >/dev/null; then
  truncate -s 1G "$work/fs.img"
  mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$work/fs.img"
  loop_dev=$(losetup --direct-io=on -f --show "$work/fs.img" 2>/dev/null || losetup -f --show "$work/fs.img")
  mkdir "$work/fs"
  mount "$loop_dev" "$work/fs"
  fs_root=$work/fs
  fs_note="a dedicated 1 GiB ext4 (journaled, default mkfs options) on $loop_dev (direct I/O) over a file in $dir"
fi
volume=$fs_root/volume
data=$fs_root/data
die() {
  echo "recovery_latency: $*" >&2
  echo "--- last lines of the daemon's log ---" >&2
  tail -n 20 "$log" >&2 || true
  exit 1
}

# As root the homes get distinct, unprivileged owners (events may not name uid or gid 0).
if [ "$(id -u)" -eq 0 ]; then uid_base=700000; gid=700000; else uid_base=""; gid=$(id -g); fi
uid_of() { # uid_of N: the owner of home N (root: distinct ids; otherwise our own id)
  if [ -n "$uid_base" ]; then echo $((uid_base + $1)); else id -u; fi
}

# The home: 20 project directories of 50 files each, 1,000 files and 10 MiB in all.
template=$fs_root/template
echo "recovery_latency: generating the home (1,000 files, 10 MiB) in $template"
for p in $(seq -w 1 20); do
  mkdir -p "$template/projects/p$p/data"
  head -c $((512 * 1024)) /dev/urandom >"$work/blob"
  split -n 50 -d -a 2 --additional-suffix=.bin "$work/blob" "$template/projects/p$p/data/part-"
done
rm -f "$work/blob"
files=$(find "$template" -type f | wc -l)
bytes=$(find "$template" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
if [ "$files" -ne 1000 ] || [ "$bytes" -ne $((10 * 1024 * 1024)) ]; then
  die "the generated home has $files files / $bytes bytes, not 1000 / 10485760"
fi

mkdir -p "$volume" "$data"
printf '[[volumes]]\nid = "home"\npath = "%s"\n' "$volume" >"$work/lifeboat.toml"
start_daemon "$bin" "$data" "$work/lifeboat.toml" "$work/port" "$log"
token=$("$bin" --data-dir "$data" token) || die "lifeboat token could not read the API token"

event() { # event ID RUN SECOND TYPE PROFILE HOME_DIR OWNER_UID (each run has its own minute)
  printf '{"specversion":"1.0","id":"%s","source":"bench","time":"2026-11-29T%02d:%02d:%02dZ","type":"%s","data":{"domainId":"d-bench","domainName":"bench","userProfileName":"%s","homeEfsFileSystemId":"home","homeEfsFileSystemUid":"%s","ownerUid":%s,"ownerGid":%s}}' \
    "$1" "$((10 + $2 / 60))" "$(($2 % 60))" "$3" "$4" "$5" "$6" "$7" "$gid"
}
post() {
  local code
  code=$(curl -sS -o "$work/resp" -w '%{http_code}' -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $token" \
    --data-binary "$1" "http://127.0.0.1:$port/v1/events") || die "POST /v1/events failed"
  [ "$code" = 200 ] || die "POST /v1/events answered $code: $(cat "$work/resp")"
  if grep -q '"outcome":"refused"' "$work/resp"; then die "an event was refused: $(cat "$work/resp")"; fi
}

machine=$work/machine.txt
psi() { sed -n 's/^some avg10=[0-9.]* avg60=\([0-9.]*\).*/\1/p' /proc/pressure/cpu 2>/dev/null || echo "?"; }
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpus: $(nproc)"
  echo "kernel: Linux $(uname -r)"
  echo "fs: ${fs_note:-$(stat -f -c %T "$volume") on $(df --output=source "$volume" | tail -n 1) ($(findmnt -no OPTIONS -T "$volume" 2>/dev/null || echo '?'))}"
  echo "binary: $(realpath --relative-to="$root" "$bin" 2>/dev/null || echo "$bin") ($("$bin" --version 2>/dev/null | head -n 1), built $(date -u -r "$bin" '+%H:%M UTC') from the working tree; HEAD $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?') when measured$(git -C "$root" diff --quiet HEAD -- src 2>/dev/null || echo ', with uncommitted changes under src/'))"
  echo "tree: 20 directories × 50 files of about 10 KiB, random data"
  echo "files: $files"
  echo "bytes: $bytes"
  echo "load_before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "psi_before: $(psi)"
} >"$machine"

tsv=$work/runs.tsv
: >"$tsv"
echo "recovery_latency: daemon on port $port; 1 warm-up + $runs timed run(s)"
printf '  %-8s %9s %9s %11s %9s %10s %10s %8s %8s  %s\n' run answered started copy_start copy_end last_file SUCCEEDED cpu_ms sys_ms status
for i in $(seq 0 "$runs"); do
  name=bench$i
  old=$(uid_of $((2 * i + 1)))
  new=$(uid_of $((2 * i + 2)))
  old_dir=h$((2 * i + 1))
  new_dir=h$((2 * i + 2))
  cp -a "$template" "$volume/$old_dir"
  chown -R "$old:$gid" "$volume/$old_dir"
  post "[$(event "c$i" "$i" 0 CreateUserProfile "$name" "$old_dir" "$old"),
    $(event "d$i" "$i" 1 DeleteUserProfile "$name" "$old_dir" "$old")]"
  mkdir "$volume/$new_dir"
  chown "$new:$gid" "$volume/$new_dir"
  event "r$i" "$i" 2 CreateUserProfile "$name" "$new_dir" "$new" >"$work/event.json"
  sync
  sleep 0.5
  row=$(python3 "$root/bench/recovery_latency.py" measure --port "$port" --token "$token" --pid "$daemon_pid" \
    --event "$work/event.json" --event-id "r$i" --target "$volume/$new_dir") ||
    die "run $i: the measurement failed"
  IFS=$'\t' read -r ack start cstart cend last done_ms nfiles nbytes status _ cpu sys <<<"$row"
  label=$i
  [ "$i" -gt 0 ] || label=warm-up
  printf '  %-8s %9s %9s %11s %9s %10s %10s %8s %8s  %s (%s files, %s bytes)\n' "$label" \
    "$ack" "$start" "$cstart" "$cend" "$last" "$done_ms" "$cpu" "$sys" "$status" "$nfiles" "$nbytes"
  [ "$i" -eq 0 ] || echo "$row" >>"$tsv"
  [ "$status" = SUCCEEDED ] || die "run $i: the recovery ended $status"
done
{
  echo "load_after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "psi_after: $(psi)"
} >>"$machine"

if [ "$publish" -eq 1 ]; then
  # The raw figures stay beside the section: `bench/recovery_latency.py report` can rewrite it.
  mkdir -p "$root/bench/results"
  cp "$tsv" "$root/bench/results/recovery-latency-raw.tsv"
  cp "$machine" "$root/bench/results/recovery-latency-machine.txt"
  python3 "$root/bench/recovery_latency.py" report --tsv "$tsv" --machine "$machine" \
    --command "$command_line" --out "$out"
else
  python3 "$root/bench/recovery_latency.py" report --tsv "$tsv" --machine "$machine" \
    --command "$command_line" --out "$work/section.md" >/dev/null
  sed -n '/^\*\*/p' "$work/section.md"
fi
