#!/usr/bin/env bash
# demo.sh BIN — `make demo`: Lifeboat's main job on a generated sample home.
#
# A user's profile was deleted and recreated: the platform gave them a new, empty home
# (uid 200002) while their work sits in the old one (uid 200001). This script builds such an
# old home (notebooks, nested dirs, a symlink, a hard link, a large and a sparse file, and the
# AWS blog's user1.txt), runs `lifeboat copy` with the owner remapped into the new home, prints
# the report, checks that everything arrived with the new owner, runs the copy again (nothing
# to do), and cleans up. Exits non-zero if any check fails.
set -euo pipefail

BIN=${1:?usage: scripts/demo.sh path/to/lifeboat}
[ -x "$BIN" ] || { echo "demo: $BIN is not an executable (run 'make build' first)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
volume=$work/home-volume
old=$volume/200001
new=$volume/200002
report=$work/report.json
old_uid=200001
new_uid=200002
gid=1001
if [ "$(id -u)" -ne 0 ]; then
  # chown to other ids needs root: remap our own id to itself so the demo still runs.
  echo "demo: not root, so the owner remap maps uid $(id -u) to itself"
  old_uid=$(id -u)
  new_uid=$(id -u)
  gid=$(id -g)
fi

# shellcheck source=scripts/demo_lib.sh
. "$(dirname "$0")/demo_lib.sh"
# A top-level integer or string field of the JSON report.
field() { grep -o "\"$1\": *\"\{0,1\}[A-Za-z0-9_]*" "$report" | head -n 1 | sed 's/.*: *"\{0,1\}//'; }

step "1. The old home: $old (owner $old_uid)"
mkdir -p "$old"
cd "$old"
echo "i don't want to lose access to this file" > user1.txt
for p in vision nlp forecasting; do
  mkdir -p "projects/$p/notebooks" "projects/$p/data/raw" "projects/$p/src/pkg"
  for i in $(seq 1 30); do
    printf '{"cells": [{"cell_type": "code", "source": ["print(%d)"]}], "nbformat": 4}\n' "$i" \
      > "projects/$p/notebooks/experiment-$i.ipynb"
    printf 'id,value\n%d,%d\n' "$i" "$((i * i))" > "projects/$p/data/raw/part-$i.csv"
  done
  for i in $(seq 1 20); do
    printf 'def f%d():\n    return %d\n' "$i" "$i" > "projects/$p/src/pkg/module_$i.py"
  done
  echo "# $p" > "projects/$p/README.md"
done
mkdir -p .config/jupyter .cache/empty-dir
echo '{"theme": "dark"}' > .config/jupyter/settings.json
head -c $((24 * 1024 * 1024)) /dev/urandom > projects/vision/data/model.ckpt
truncate -s 512M projects/nlp/data/embeddings.sparse
printf 'data at the start' | dd of=projects/nlp/data/embeddings.sparse conv=notrunc status=none
ln -s projects/vision/notebooks/experiment-1.ipynb latest.ipynb
ln projects/forecasting/README.md forecasting-readme.md
chmod 0700 .config
cd - >/dev/null
if [ "$(id -u)" -eq 0 ]; then chown -hR "$old_uid:$gid" "$old"; fi
echo "  $(find "$old" -type f | wc -l) files, $(find "$old" -type d | wc -l) directories," \
  "$(du -sh --apparent-size "$old" | cut -f1) apparent size, $(du -sh "$old" | cut -f1) on disk"

step "2. The profile is recreated: a new, empty home $new (owner $new_uid)"
mkdir -p "$new"
echo "written in the new home before the copy ran" > "$new/notes-after-recreate.txt"
if [ "$(id -u)" -eq 0 ]; then chown -R "$new_uid:$gid" "$new"; fi
echo "  the user already wrote notes-after-recreate.txt there; --overwrite older keeps it"

step "3. lifeboat copy $old $new --owner map:$old_uid=$new_uid --overwrite older"
rc=0
"$BIN" --output table copy "$old" "$new" --owner "map:$old_uid=$new_uid" --overwrite older \
  --report "$report" || rc=$?
echo "  exit code $rc; the report as written to --report FILE:"
if [ -f "$report" ]; then sed 's/^/  /' "$report"; else echo "  (no report was written)"; fi

step "4. Checks"
check "exit code 0 and status SUCCESS" test "$rc" -eq 0 -a "$(field status)" = SUCCESS
listing() {  # path, type, mode, mtime and link target of every entry but the new home's own note
  (cd "$1" && find . -mindepth 1 ! -name notes-after-recreate.txt \
    -printf '%P|%y|%m|%T@|%l\n' | LC_ALL=C sort)
}
check "every entry arrived with its type, mode, mtime and link target" \
  diff <(listing "$old") <(listing "$new")
same_contents() {
  local f
  while IFS= read -r -d '' f; do cmp -s "$old/$f" "$new/$f" || { echo "  differs: $f"; return 1; }; done \
    < <(cd "$old" && find . -type f -printf '%P\0')
}
check "every file has the same contents" same_contents
check "everything copied is owned by $new_uid" \
  test -z "$(find "$new" -mindepth 1 ! -user "$new_uid" -print -quit)"
check "user1.txt says what the user wrote" \
  grep -qx "i don't want to lose access to this file" "$new/user1.txt"
check "the symlink is still a symlink" test -L "$new/latest.ipynb"
check "the hard link is still a hard link" \
  test "$(stat -c %i "$new/forecasting-readme.md")" = "$(stat -c %i "$new/projects/forecasting/README.md")"
check "the sparse file is still sparse (512 MiB apparent, little on disk)" \
  test "$(stat -c %b "$new/projects/nlp/data/embeddings.sparse")" -lt 10000
check "the note written in the new home is kept" test -f "$new/notes-after-recreate.txt"

step "5. Run it again: nothing has changed, so nothing is transferred"
rc=0
"$BIN" copy "$old" "$new" --owner "map:$old_uid=$new_uid" --overwrite older \
  --report "$report" >/dev/null || rc=$?
echo "  files_transferred=$(field files_transferred) files_skipped=$(field files_skipped)" \
  "total_duration_ms=$(field total_duration_ms)"
check "second run: exit 0 and files_transferred 0" \
  test "$rc" -eq 0 -a "$(field files_transferred)" = 0

echo
if [ "$failures" -ne 0 ]; then
  echo "demo: $failures check(s) failed" >&2
  exit 1
fi
echo "demo: the new home holds everything from the old one, owned by its new owner."
