#!/usr/bin/env bash
# bench/run.sh — times `lifeboat copy` against cp -a, rsync -aHAX and rclone sync (bench/README.md).
#
#   bench/run.sh [--quick] [--runs N] [--trees a,b,c,d,e,f] [--cold] [--out FILE] [--no-build]
#
#   --quick      small trees, 1 warm-up + 2 runs (about a minute); writes
#                bench/results/RESULTS-quick.md unless --out is given
#   --runs N     timed runs per tool and tree after the warm-up (default 5)
#   --e-runs N   timed runs per tool on tree (e) (default 1, no warm-up: see below)
#   --trees L    subset of trees to run, e.g. --trees a,b; (f) is (b)'s shape at 20,000
#                files on the file system holding LIFEBOAT_BENCH_DIR itself, not the
#                loop-mounted benchmark file system (lifeboat, cp and rsync only)
#   --cold       drop the page cache (echo 3 > /proc/sys/vm/drop_caches, root only)
#                before every run; by default runs are warm-cache: the source is read
#                once before every run (rclone drops the pages of what it reads)
#   --out FILE   where the results go (default bench/RESULTS.md)
#   --no-build   use the existing build-release binaries
#   --tools L    subset of lifeboat,cp,rsync,rclone (default: all four)
#
# Environment: LIFEBOAT_BENCH_DIR (default /tmp/lifeboat-bench) holds the generated trees
# (kept between invocations, regenerated when missing) and the targets;
# LIFEBOAT_BENCH_ARGS adds options to every `lifeboat copy`.
#
# Every timed command is `<tool> SRC DST && sync -f DST`: each tool is measured until its
# copy is durable (lifeboat issues its own syncfs; the others rely on ours). The target is
# removed (outside the timing) before every run except for tree (c), which re-runs each tool
# onto the finished copy that same tool made of tree (b).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bench_dir=${LIFEBOAT_BENCH_DIR:-/tmp/lifeboat-bench}
quick=0
runs=""
e_runs=""
trees="a,b,c,d,e,f"
cold=0
out=""
build=1
tool_list="lifeboat,cp,rsync,rclone"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --runs) runs=$2; shift ;;
    --e-runs) e_runs=$2; shift ;;
    --trees) trees=$2; shift ;;
    --cold) cold=1 ;;
    --out) out=$2; shift ;;
    --no-build) build=0 ;;
    --tools) tool_list=$2; shift ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ "$quick" = 1 ]; then
  runs=${runs:-2}
  a_files=8; a_mib=256
  b_files=10000; b_dirs=100
  d_scale=0.2; d_mib=64
  e_files=500; e_dirs=5
  f_files=2000; f_dirs=20
  out=${out:-$root/bench/results/RESULTS-quick.md}
else
  runs=${runs:-5}
  a_files=8; a_mib=1024
  b_files=50000; b_dirs=500
  d_scale=0.5; d_mib=256
  e_files=10000; e_dirs=100
  f_files=20000; f_dirs=200
  out=${out:-$root/bench/RESULTS.md}
fi
# Tree (e) at 1 ms per operation costs cp about 15 s and rsync about 25 s per thousand files
# (they are serial and make 13 and 22 metadata calls per file), so five runs of each would
# take most of an hour: by default each tool runs once there. Each run gets a freshly
# mounted latencyfs, so there is no cache for a warm-up run to fill.
e_runs=${e_runs:-1}
latency_us=1000
mkdir -p "$bench_dir" "$root/bench/results" "$(dirname "$out")"
raw="$bench_dir/raw-$([ "$quick" = 1 ] && echo quick || echo full).tsv"
logs="$bench_dir/logs"
rm -rf "$logs"
mkdir -p "$logs"

say() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# ---- build ----------------------------------------------------------------------------
if [ "$build" = 1 ]; then
  say "building the Release binaries (cmake --preset release)"
  # Warnings stay warnings here: a benchmark must not fail on a compiler-specific warning
  # (g++ 12 at -O3 raises false -Wrestrict positives that -O2 builds do not see).
  (cd "$root" && cmake --preset release -DLIFEBOAT_WERROR=OFF >/dev/null &&
    cmake --build --preset release -j 2 --target lifeboat latencyfs >/dev/null)
fi
lifeboat="$root/build-release/src/cli/lifeboat"
latencyfs="$root/build-release/bench/latencyfs/latencyfs"
IFS=, read -r -a tools <<<"$tool_list"
uses() { [[ ",$tool_list," == *",$1,"* ]]; }
[ -x "$latencyfs" ] || { echo "run.sh: $latencyfs is missing; build it (cmake --build --preset release)" >&2; exit 1; }
lb_report=0
if uses lifeboat; then
  [ -x "$lifeboat" ] || { echo "run.sh: $lifeboat is missing; build it (cmake --build --preset release)" >&2; exit 1; }
  "$lifeboat" copy --help >/dev/null 2>&1 || { echo "run.sh: $lifeboat has no 'copy' command yet" >&2; exit 1; }
  "$lifeboat" copy --help 2>&1 | grep -q -- '--report' && lb_report=1
fi
command -v /usr/bin/time >/dev/null || { echo "run.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
for t in "${tools[@]}"; do
  command -v "$t" >/dev/null || [ "$t" = lifeboat ] || { echo "run.sh: $t is not installed (scripts/install-deps.sh)" >&2; exit 1; }
done

# ---- the file system the trees and copies live on -----------------------------------------
# A dedicated ext4 (default mkfs options: journaled) on a loop device with direct I/O, kept in
# $bench_dir/bench-fs.img between invocations so generated trees are reused. Why not the
# directory itself: this machine's root file system is ext4 without a journal, mounted with
# `discard` — every unlink there waits for a synchronous discard (about 5 ms per file, so
# removing one copy of (b) takes minutes), and without a journal ext4's inode allocator skips
# inodes freed in the last 5 s (300 s while their inode table block is dirty), which made each
# run's creates several times slower right after the previous copy was removed.
# LIFEBOAT_BENCH_NO_LOOP=1 (or not being root) uses $bench_dir directly.
work="$bench_dir"
loop_dev=""
work_note="the benchmark directory itself"
lfs_mounted=0
e_mnt="$bench_dir/e-mnt"
cleanup() {
  if [ "$lfs_mounted" = 1 ]; then
    fusermount3 -u "$e_mnt" 2>/dev/null || fusermount3 -uz "$e_mnt" 2>/dev/null || true
    lfs_mounted=0
  fi
  if [ -n "$loop_dev" ]; then
    sync -f "$work" 2>/dev/null || true
    # Give the blocks of removed copies back to the host: the image keeps only the trees.
    fstrim "$work" 2>/dev/null || true
    umount "$work" 2>/dev/null || umount -l "$work" 2>/dev/null || true
    losetup -d "$loop_dev" 2>/dev/null || true
    loop_dev=""
  fi
}
trap cleanup EXIT
if [ "$(id -u)" = 0 ] && [ "${LIFEBOAT_BENCH_NO_LOOP:-0}" != 1 ] && command -v mkfs.ext4 >/dev/null; then
  img="$bench_dir/bench-fs.img"
  work="$bench_dir/fs"
  mkdir -p "$work"
  if mountpoint -q "$work"; then
    say "using the file system already mounted at $work"
  else
    if [ ! -e "$img" ]; then
      say "creating the benchmark file system $img (ext4, 24 GiB sparse)"
      truncate -s 24G "$img"
      # Initialise inode tables and journal now, so no lazy-init thread writes during runs.
      mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$img"
    fi
    loop_dev=$(losetup --direct-io=on -f --show "$img" 2>/dev/null || losetup -f --show "$img")
    mount "$loop_dev" "$work"
  fi
  work_note="a dedicated ext4 (journaled, default mkfs options) on a loop device over $img"
fi

# (f) runs on the file system that holds $bench_dir (users' home volumes are not fresh loop
# devices): on this machine the root file system, ext4 without a journal mounted with
# `discard`. Removing a copy there is slow (a synchronous discard per unlink), and the next
# run's creates meet the inodes it freed; both are outside the timing or part of the case.
host_dir="$bench_dir/host"
host_note="$(findmnt -n -o FSTYPE,SOURCE,OPTIONS -T "$bench_dir" 2>/dev/null | awk '{print $1" on "$2" ("$3")"}')"
host_dev=$(basename "$(readlink -f "/sys/dev/block/$(mountpoint -d "$(findmnt -n -o TARGET -T "$bench_dir")" 2>/dev/null)" 2>/dev/null)" 2>/dev/null || true)
if [ -n "$host_dev" ] && [ -r "/sys/fs/ext4/$host_dev/journal_task" ]; then
  if [ "$(cat "/sys/fs/ext4/$host_dev/journal_task")" = "<none>" ]; then
    host_note="$host_note, no journal"
  else
    host_note="$host_note, journaled"
  fi
fi
[ "$work" = "$bench_dir" ] && host_note="$host_note — the same file system as the other trees (no loop device)"

# ---- trees ----------------------------------------------------------------------------
trees_dir="$work/trees"
mkdir -p "$trees_dir"
# ensure_tree NAME GEN_ARGS...: generates $trees_dir/NAME unless a finished one is there
# (TREES_DIR=DIR ensure_tree ... for another place).
ensure_tree() {
  local name=$1; shift
  local dir=${TREES_DIR:-$trees_dir}
  if [ -e "$dir/$name.done" ] && [ -d "$dir/$name" ]; then return; fi
  say "generating tree $name"
  rm -rf "${dir:?}/$name" "$dir/$name.done"
  mkdir -p "$dir"
  python3 "$root/bench/gen_trees.py" "$@" "$dir/$name"
  touch "$dir/$name.done"
}
want() { [[ ",$trees," == *",$1,"* ]]; }
a_tree="a-${a_files}x${a_mib}MiB"
b_tree="b-${b_files}"
d_tree="d-mlhome-${d_scale}x${d_mib}MiB"
e_tree="e-${e_files}"
want a && ensure_tree "$a_tree" large --files "$a_files" --mib "$a_mib"
{ want b || want c; } && ensure_tree "$b_tree" small --files "$b_files" --dirs "$b_dirs"
want d && ensure_tree "$d_tree" mlhome --scale "$d_scale" --data-mib "$d_mib"
# (e) lives in the backing directory of the latency file system, under src/.
e_backing="$work/e-backing-$e_files"
if want e && { [ ! -e "$e_backing/src.done" ] || [ ! -d "$e_backing/src" ]; }; then
  say "generating tree $e_tree"
  rm -rf "$e_backing"
  mkdir -p "$e_backing"
  python3 "$root/bench/gen_trees.py" small --files "$e_files" --dirs "$e_dirs" "$e_backing/src"
  touch "$e_backing/src.done"
fi
f_tree="f-${f_files}"
want f && TREES_DIR="$host_dir/trees" ensure_tree "$f_tree" small --files "$f_files" --dirs "$f_dirs"
# Tree for the memory-growth check: (b)'s layout at a fifth of the files.
rss_files=$((b_files / 5))
want b && ensure_tree "b-${rss_files}" small --files "$rss_files" --dirs $((b_dirs / 5))

# ---- latency file system ----------------------------------------------------------------
lfs_unmount() {
  if [ "$lfs_mounted" = 1 ]; then
    fusermount3 -u "$e_mnt" 2>/dev/null || fusermount3 -uz "$e_mnt" 2>/dev/null || true
    lfs_mounted=0
  fi
}
lfs_mount() {
  mkdir -p "$e_mnt"
  mountpoint -q "$e_mnt" && fusermount3 -u "$e_mnt"
  "$latencyfs" "$e_backing" "$e_mnt" -o "allow_other,default_permissions,latency_us=$latency_us"
  lfs_mounted=1
  for _ in $(seq 100); do mountpoint -q "$e_mnt" && return; sleep 0.05; done
  echo "run.sh: latencyfs did not mount at $e_mnt" >&2
  exit 1
}
# ---- one timed run ----------------------------------------------------------------------
# tool_cmd TOOL SRC DST REPORT: prints the command line for TOOL.
tool_cmd() {
  local tool=$1 src=$2 dst=$3 report=$4
  case "$tool" in
    lifeboat)
      local extra=""
      [ "$lb_report" = 1 ] && extra="--report $(printf %q "$report")"
      echo "$(printf %q "$lifeboat") copy $(printf %q "$src") $(printf %q "$dst") $extra ${LIFEBOAT_BENCH_ARGS:-}" ;;
    cp) echo "cp -a $(printf %q "$src")/. $(printf %q "$dst")" ;;
    rsync) echo "rsync -aHAX $(printf %q "$src")/ $(printf %q "$dst")/" ;;
    rclone) echo "RCLONE_CONFIG=/dev/null rclone sync --links --metadata --create-empty-src-dirs -q $(printf %q "$src") $(printf %q "$dst")" ;;
  esac
}

# warm_tree DIR: reads every file below DIR once, so that it is in the page cache.
warm_tree() {
  find "$1" -type f -print0 | xargs -0 -r cat >/dev/null 2>&1 || true
}

# measure TREE TOOL RUN SRC DST [WARM_DIR]: runs the tool once and appends a row to $raw.
# Warm runs first read the source (or WARM_DIR, where the source is reached through a mount):
# rclone drops the page-cache pages of every file it reads (posix_fadvise DONTNEED), so
# without this whichever tool ran after rclone read the whole tree from disk.
measure() {
  local tree=$1 tool=$2 run=$3 src=$4 dst=$5 warm_dir=${6:-$4}
  local tag="$tree.$tool.$run"
  local report="$logs/$tag.report.json"
  local cmd
  cmd=$(tool_cmd "$tool" "$src" "$dst" "$report")
  if [ "$cold" = 1 ]; then
    sync
    echo 3 >/proc/sys/vm/drop_caches
  else
    warm_tree "$warm_dir"
  fi
  local t0 t1 rc=0
  t0=$(date +%s%N)
  /usr/bin/time -o "$logs/$tag.time" -f '%M %U %S' bash -c "$cmd" >"$logs/$tag.log" 2>&1 || rc=$?
  sync -f "$dst" 2>/dev/null || true
  t1=$(date +%s%N)
  local rss user sys
  read -r rss user sys < <(grep -E '^[0-9]+ ' "$logs/$tag.time" | tail -1) || true
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tree" "$tool" "$run" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b-a)/1e9}')" "${rss:-0}" \
    "${user:-0}" "${sys:-0}" "$rc" >>"$raw"
  if [ "$rc" != 0 ]; then say "  $tool run $run on $tree exited $rc (log: $logs/$tag.log)"; fi
}

# tree_summary DIR: "<entries> entries, <files> files, <bytes> bytes" (regular files' sizes).
tree_summary() {
  (cd "$1" && find . -printf '%y %s\n' |
    awk '{n++; if ($1 == "f") {f++; b += $2}} END {printf "%d entries, %d files, %.0f bytes", n, f, b}')
}

# check_copy SRC DST TAG: records whether a copy has the source's entries and bytes.
check_copy() {
  local src=$1 dst=$2 tag=$3
  local s d
  s=$(tree_summary "$src")
  d=$(tree_summary "$dst")
  printf '%s\tsrc %s\tdst %s\n' "$tag" "$s" "$d" >>"$bench_dir/checks.tsv"
}

drop_target() {
  rm -rf "$1"
  mkdir -p "$(dirname "$1")"
  sync -f "$(dirname "$1")"
}

# bench_tree TREE SRC DST_BASE: warm-up + $runs runs per tool, tools rotated run by run.
bench_tree() {
  local tree=$1 src=$2 dst_base=$3
  local n=${#tools[@]}
  say "tree $tree: ${tools[*]}, 1 warm-up + $runs runs"
  for run in $(seq 0 "$runs"); do
    for i in $(seq 0 $((n - 1))); do
      local tool=${tools[$(((i + run) % n))]}
      local dst="$dst_base/$tool"
      drop_target "$dst"
      measure "$tree" "$tool" "$run" "$src" "$dst"
      if [ "$run" = "$runs" ]; then check_copy "$src" "$dst" "$tree.$tool"; fi
    done
  done
  for tool in "${tools[@]}"; do drop_target "$dst_base/$tool"; done
}

: >"$raw"
: >"$bench_dir/checks.tsv"
targets="$work/targets"
mkdir -p "$targets"
started=$(date +%s)
psi_start=$(head -1 /proc/pressure/cpu 2>/dev/null | sed 's/ total=.*//')
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

want a && bench_tree a "$trees_dir/$a_tree" "$targets/a"
want b && bench_tree b "$trees_dir/$b_tree" "$targets/b"

if want c; then
  # (c): each tool first makes its own finished copy of (b) (untimed), then re-runs onto it.
  c_tools=()
  for t in "${tools[@]}"; do [ "$t" = cp ] || c_tools+=("$t"); done
  say "tree c: preparing finished copies of (b)"
  for tool in "${c_tools[@]}"; do
    drop_target "$targets/c/$tool"
    mkdir -p "$targets/c"
    bash -c "$(tool_cmd "$tool" "$trees_dir/$b_tree" "$targets/c/$tool" /dev/null)" \
      >"$logs/c.$tool.prepare.log" 2>&1 || say "  $tool preparing (c) failed"
  done
  sync
  say "tree c: ${c_tools[*]}, 1 warm-up + $runs runs (cp has no incremental mode: skipped)"
  n=${#c_tools[@]}
  for run in $(seq 0 "$runs"); do
    for i in $(seq 0 $((n - 1))); do
      tool=${c_tools[$(((i + run) % n))]}
      measure c "$tool" "$run" "$trees_dir/$b_tree" "$targets/c/$tool"
    done
  done
  for tool in "${c_tools[@]}"; do check_copy "$trees_dir/$b_tree" "$targets/c/$tool" "c.$tool"; drop_target "$targets/c/$tool"; done
fi

want d && bench_tree d "$trees_dir/$d_tree" "$targets/d"

if want f; then
  # (f): as (b), on the file system holding $bench_dir; rclone is left out (cp and rsync are
  # the tools users compare with there). bench_tree sees this function's `tools`.
  bench_host_tree() {
    local -a tools=()
    local t
    for t in lifeboat cp rsync; do uses "$t" && tools+=("$t"); done
    [ ${#tools[@]} -gt 0 ] && bench_tree f "$host_dir/trees/$f_tree" "$host_dir/targets"
  }
  bench_host_tree
fi

if want e; then
  # (e): source and target on a fresh latencyfs mount per run (cold FUSE metadata cache,
  # like a new EFS client); the target is removed through the backing directory.
  n=${#tools[@]}
  say "tree e: ${tools[*]} on latencyfs (${latency_us} us), $e_runs runs, no warm-up"
  for run in $(seq 1 "$e_runs"); do
    for i in $(seq 0 $((n - 1))); do
      tool=${tools[$(((i + run) % n))]}
      lfs_unmount
      drop_target "$e_backing/dst"
      lfs_mount
      measure e "$tool" "$run" "$e_mnt/src" "$e_mnt/dst" "$e_backing/src"
      if [ "$run" = "$e_runs" ]; then
        lfs_unmount
        check_copy "$e_backing/src" "$e_backing/dst" "e.$tool"
      fi
    done
  done
  lfs_unmount
  drop_target "$e_backing/dst"
fi

if want b && uses lifeboat; then
  # Memory growth: lifeboat's peak RSS on (b)'s layout at 1/5 of the files, one run.
  say "memory check: lifeboat on b-${rss_files}"
  drop_target "$targets/rss"
  measure rss "lifeboat" 1 "$trees_dir/b-${rss_files}" "$targets/rss"
  drop_target "$targets/rss"
fi

elapsed=$(($(date +%s) - started))
say "timing done in ${elapsed}s; writing $out"

# ---- machine description and report ----------------------------------------------------
machine="$bench_dir/machine.txt"
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "commit: $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "cpus: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
  echo "ram: $(free -g | awk '/^Mem:/{print $2}') GiB"
  echo "kernel: $(uname -r)"
  echo "fs: $(df -T "$work" | awk 'NR==2{print $2" on "$1}'), $work_note"
  echo "fs_f: $host_note, at $host_dir"
  echo "cpu_pressure_end: $(head -1 /proc/pressure/cpu 2>/dev/null | sed 's/ total=.*//')"
  echo "load: $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
  echo "cpu_pressure_start: ${psi_start:-n/a}"
  echo "others: $(($(ps -e --no-headers | wc -l))) processes, $(who 2>/dev/null | wc -l) logins"
  echo "lifeboat: $( ("$lifeboat" --version 2>/dev/null || echo "lifeboat") | head -1) (Release build of $(date -u -r "$lifeboat" '+%H:%M UTC'))"
  echo "cp: $(cp --version | head -1)"
  echo "rsync: $(rsync --version | head -1)"
  echo "rclone: $(rclone version 2>/dev/null | head -1)"
  echo "fuse: $(fusermount3 --version 2>&1 | head -1)"
  echo "cache: $([ "$cold" = 1 ] && echo cold || echo warm)"
  echo "elapsed: $elapsed"
  echo "mode: $([ "$quick" = 1 ] && echo quick || echo full)"
  echo "runs: $runs"
  echo "e_runs: $e_runs"
  echo "latency_us: $latency_us"
  echo "sizes: a=${a_files}x${a_mib}MiB b=${b_files}files/${b_dirs}dirs d=scale${d_scale},${d_mib}MiB e=${e_files}files f=${f_files}files/${f_dirs}dirs rss=${rss_files}files"
  echo "tree_a: $(du -sh --apparent-size "$trees_dir/$a_tree" 2>/dev/null | cut -f1) $(find "$trees_dir/$a_tree" 2>/dev/null | wc -l) entries"
  echo "tree_b: $(du -sh --apparent-size "$trees_dir/$b_tree" 2>/dev/null | cut -f1) $(find "$trees_dir/$b_tree" 2>/dev/null | wc -l) entries"
  echo "tree_d: $(du -sh --apparent-size "$trees_dir/$d_tree" 2>/dev/null | cut -f1) apparent, $(du -sh "$trees_dir/$d_tree" 2>/dev/null | cut -f1) allocated, $(find "$trees_dir/$d_tree" 2>/dev/null | wc -l) entries, $(find "$trees_dir/$d_tree" -type f -links +1 2>/dev/null | wc -l) hard-linked files"
  echo "tree_e: $(du -sh --apparent-size "$e_backing/src" 2>/dev/null | cut -f1) $(find "$e_backing/src" 2>/dev/null | wc -l) entries"
  echo "tree_f: $(du -sh --apparent-size "$host_dir/trees/$f_tree" 2>/dev/null | cut -f1) $(find "$host_dir/trees/$f_tree" 2>/dev/null | wc -l) entries"
  echo "lifeboat_args: ${LIFEBOAT_BENCH_ARGS:-}"
} >"$machine"
cp "$raw" "$root/bench/results/$(basename "$raw")"
python3 "$root/bench/gen_results.py" --raw "$raw" --machine "$machine" \
  --checks "$bench_dir/checks.tsv" --logs "$logs" --out "$out"
say "wrote $out"
