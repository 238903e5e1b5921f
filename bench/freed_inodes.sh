#!/usr/bin/env bash
# freed_inodes.sh [--dir DIR] [--rounds N] [--files N] [--bin FILE] [--tools L]
#
# Small files created among just-freed inodes (bench/RESULTS.md "Small files on the root
# file system"): the state a home is restored in on ext4 without a journal, where the
# previous profile's files were removed moments before. In DIR (default: a directory
# beside this checkout, i.e. on the file system holding it), a tree of --files (20,000)
# files of 4 KiB in 200 directories is generated once; then, for each of --rounds (5)
# rounds and each tool in turn (the order rotating): the previous copy is removed and
# synced, 20,000 empty files are created beside the target and removed again (freeing
# inodes in the target's block groups), and the tool copies the tree, timed until the copy
# is durable (`sync -f`). Prints each run (wall, user and system CPU) and, per tool, the
# median wall time and its ratio to rsync's. Tools: lifeboat (`lifeboat copy`), rsync
# (`rsync -aHAX`), cp (`cp -a`). --bin is the lifeboat binary (default: build/src/cli/lifeboat,
# which `make build` makes). Run as root on the file system you want to measure.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(dirname "$root")/lifeboat-freed-inodes
rounds=5
files=20000
tools=lifeboat,rsync,cp
lifeboat=$root/build/src/cli/lifeboat
while [ $# -gt 0 ]; do
  case $1 in
    --dir) dir=${2:?--dir needs a directory}; shift ;;
    --rounds) rounds=${2:?--rounds needs a number}; shift ;;
    --files) files=${2:?--files needs a number}; shift ;;
    --bin) lifeboat=${2:?--bin needs a file}; shift ;;
    --tools) tools=${2:?--tools needs a list}; shift ;;
    -h | --help) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 0 ;;
    *) echo "freed_inodes: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "freed_inodes: --rounds must be a positive number" >&2; exit 2; }
[[ $files =~ ^[1-9][0-9]*$ ]] || { echo "freed_inodes: --files must be a positive number" >&2; exit 2; }
IFS=, read -r -a tool_list <<<"$tools"
for t in "${tool_list[@]}"; do
  case $t in
    lifeboat) [ -x "$lifeboat" ] || { echo "freed_inodes: $lifeboat is missing; build it (make build)" >&2; exit 2; } ;;
    rsync | cp) command -v "$t" >/dev/null || { echo "freed_inodes: $t is not installed" >&2; exit 2; } ;;
    *) echo "freed_inodes: unknown tool '$t' (lifeboat, rsync, cp)" >&2; exit 2 ;;
  esac
done

mkdir -p "$dir"
src=$dir/src-$files
dst=$dir/dst
stress=$dir/freed
if [ ! -d "$src" ]; then
  echo "generating $src"
  python3 "$root/bench/gen_trees.py" small --files "$files" --dirs 200 "$src" >/dev/null
fi
echo "file system: $(stat -f -c %T "$dir") on $(df --output=source "$dir" | tail -1)," \
  "mounted $(awk -v m="$(df --output=target "$dir" | tail -1)" '$2 == m {print $4}' /proc/mounts)"
echo "lifeboat: $lifeboat ($("$lifeboat" --version | head -1))"

command_for() {
  case $1 in
    lifeboat) cmd=("$lifeboat" copy "$src" "$dst") ;;
    rsync) cmd=(rsync -aHAX "$src/" "$dst/") ;;
    cp) cmd=(cp -a "$src" "$dst") ;;
  esac
}

results=$(mktemp)
trap 'rm -f "$results"' EXIT
n=${#tool_list[@]}
for ((r = 0; r < rounds; r++)); do
  for ((i = 0; i < n; i++)); do
    tool=${tool_list[$(((i + r) % n))]}
    rm -rf "$dst" "$stress"
    sync
    mkdir "$stress"
    (cd "$stress" && seq 1 20000 | xargs touch)
    rm -rf "$stress"
    start=$(date +%s.%N)
    command_for "$tool"
    /usr/bin/time -f '%U %S' -o "$results.cpu" "${cmd[@]}" >/dev/null 2>&1 ||
      { echo "freed_inodes: $tool failed" >&2; exit 1; }
    sync -f "$dir"
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    read -r user sys <"$results.cpu"
    printf 'round %d  %-8s  wall %6.2f s  user %5.2f s  sys %5.2f s\n' $((r + 1)) "$tool" "$wall" "$user" "$sys"
    echo "$tool $wall" >>"$results"
  done
done
rm -rf "$dst" "$results.cpu"
echo "medians over $rounds rounds:"
python3 - "$results" <<'EOF'
import statistics, sys
walls = {}
for line in open(sys.argv[1]):
    tool, wall = line.split()
    walls.setdefault(tool, []).append(float(wall))
med = {t: statistics.median(w) for t, w in walls.items()}
for t, m in med.items():
    ratio = f"  {m / med['rsync']:.2f}x rsync" if "rsync" in med and t != "rsync" else ""
    print(f"  {t:8s} {m:6.2f} s (min {min(walls[t]):.2f}, max {max(walls[t]):.2f}){ratio}")
EOF
