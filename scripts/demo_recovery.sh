#!/usr/bin/env bash
# demo_recovery.sh BIN — `make demo`: the reference blog's scenario I, played through the daemon.
#
# Starts `BIN serve` on a temporary data dir with one temporary local volume ("home"), then,
# over the HTTP API with curl, does what the platform would do: create a domain, a user
# profile (user1) and a space (space1); the user and the space write files into their homes;
# both are deleted and recreated with new, empty home directories. Lifeboat notices the
# changed homes and copies each old home into the new one with the new owner. The script
# waits for both recoveries, prints the profiles, each execution's state path and the
# transfer figures, checks that every file is back (contents, symlink targets, modes, mtimes)
# and owned by the new owner, and stops the daemon with SIGTERM.
#
# Needs root (the homes belong to uids 200001..200004) and only curl and coreutils.
# Exits non-zero with a message naming what is missing if anything went wrong.
set -euo pipefail

BIN=${1:?usage: scripts/demo_recovery.sh path/to/lifeboat}
[ -x "$BIN" ] || { echo "demo: $BIN is not an executable (run 'make build' first)" >&2; exit 2; }
BIN=$(realpath "$BIN")
if [ "$(id -u)" -ne 0 ]; then
  echo "demo: run as root — the demo gives the homes to uids 200001..200004 (try: sudo make demo)" >&2
  exit 2
fi
command -v curl >/dev/null || {
  echo "demo: curl is missing (scripts/install-deps.sh installs it)" >&2
  exit 2
}

work=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-demo-recovery.XXXXXX")
volume=$work/volume # the "EFS" volume: one directory per home, named after its uid
data=$work/data     # the daemon's SQLite store
config=$work/lifeboat.toml
log=$work/daemon.log
gid=1001
daemon_pid=""

# shellcheck source=scripts/demo_lib.sh
. "$(dirname "$0")/demo_lib.sh"
stop_daemon() { stop_process "$daemon_pid" "the daemon"; daemon_pid=""; daemon_rc=$stopped_rc; }
cleanup() {
  stop_daemon
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

show_log() {
  echo "--- last lines of the daemon's log ($log) ---" >&2
  tail -n 30 "$log" >&2 || true
}
die() {
  echo "demo: $*" >&2
  show_log
  exit 1
}

# api METHOD PATH [JSON]: one request; the body lands in $work/resp. Dies on a non-2xx answer.
api() {
  local method=$1 path=$2 body=${3:-} code
  local args=(-sS -o "$work/resp" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $token"
    "http://127.0.0.1:$port$path")
  [ -z "$body" ] || args+=(-H 'Content-Type: application/json' --data-binary "$body")
  code=$(curl "${args[@]}") || die "$method $path: curl could not reach the daemon"
  case $code in
    2??) ;;
    *) die "$method $path answered HTTP $code: $(cat "$work/resp")" ;;
  esac
}
# count REGEX: how often REGEX occurs in the last response.
count() { { grep -oE "$1" "$work/resp" || true; } | wc -l; }
# post_events JSON: POST /v1/events and print what the daemon did with each event.
post_events() {
  api POST /v1/events "$1"
  grep -o '"message":"[^"]*"' "$work/resp" | sed 's/^"message":"/  -> /; s/"$//' || true
  if grep -q '"outcome":"refused"' "$work/resp"; then die "an event was refused: $(cat "$work/resp")"; fi
}

# A CloudEvents envelope as the platform sends it (README "HTTP API"): cloud_event ID MINUTE TYPE DATA
cloud_event() {
  printf '{"specversion":"1.0","id":"%s","source":"platform.local","time":"2026-11-29T10:%02d:00Z","type":"%s","data":%s}' \
    "$1" "$2" "$3" "$4"
}
# profile_data FIELD NAME HOME_UID OWNER_UID: the data of a user profile or space event.
profile_data() {
  printf '{"domainId":"d-demo","domainName":"demo","%s":"%s","homeEfsFileSystemId":"home","homeEfsFileSystemUid":"%s","ownerUid":%s,"ownerGid":%s}' \
    "$1" "$2" "$3" "$4" "$gid"
}
user1() { profile_data userProfileName user1 "$1" "$1"; }
space1() { profile_data spaceName space1 "$1" "$1"; }

step "1. Start the daemon: $BIN serve (data dir $data, volume \"home\" at $volume)"
mkdir -p "$volume" "$data"
printf '[[volumes]]\nid = "home"\npath = "%s"\n' "$volume" >"$config"
sed 's/^/  | /' "$config"
start_daemon "$BIN" "$data" "$config" "$work/port" "$log"
# The daemon made its API token in the data dir; the CLI finds it the same way.
token=$("$BIN" --data-dir "$data" token) || die "lifeboat token could not read the API token"
echo "  listening on http://127.0.0.1:$port (pid $daemon_pid); API token in $("$BIN" --data-dir "$data" token --path)"

step "2. The platform creates domain demo, user profile user1 (home 200001) and space space1 (home 200002)"
post_events "[$(cloud_event e1 0 CreateDomain \
  '{"domainId":"d-demo","domainName":"demo","homeEfsFileSystemId":"home"}'),
  $(cloud_event e2 1 CreateUserProfile "$(user1 200001)"),
  $(cloud_event e3 2 CreateSpace "$(space1 200002)")]"

step "3. user1 and space1 work in their homes"
u1=$volume/200001
s1=$volume/200002
mkdir -p "$u1" "$s1"
(
  cd "$u1"
  echo "i don't want to lose access to this file" >user1.txt
  mkdir -p projects/churn/notebooks projects/churn/data/raw projects/churn/src/features .config/jupyter
  for i in 1 2 3; do
    printf '{"cells": [{"cell_type": "code", "source": ["print(%d)"]}], "nbformat": 4}\n' "$i" \
      >"projects/churn/notebooks/experiment-$i.ipynb"
    printf 'id,churned\n%d,%d\n' "$i" $((i % 2)) >"projects/churn/data/raw/part-$i.csv"
  done
  printf 'def build(df):\n    return df\n' >projects/churn/src/features/build.py
  echo '{"theme": "dark"}' >.config/jupyter/settings.json
  chmod 0700 .config
  head -c $((8 * 1024 * 1024)) /dev/urandom >projects/churn/data/model.ckpt
  ln -s projects/churn/notebooks/experiment-3.ipynb latest.ipynb
)
(
  cd "$s1"
  mkdir -p shared/datasets/sales/2026 shared/reports
  echo "# space1: the team's shared notes" >shared/notes.md
  printf 'region,revenue\nnorth,%d\nsouth,%d\n' 120 95 >shared/datasets/sales/2026/q3.csv
  echo "Q3 looks fine." >shared/reports/q3.txt
  head -c $((4 * 1024 * 1024)) /dev/urandom >shared/datasets/sales/2026/events.bin
  ln -s shared/datasets/sales/2026 current-sales
)
chown -hR 200001:$gid "$u1"
chown -hR 200002:$gid "$s1"
for h in "$u1" "$s1"; do
  echo "  $h: $(find "$h" -type f | wc -l) files, $(find "$h" -type l | wc -l) symlink," \
    "$(find "$h" -mindepth 1 -type d | wc -l) directories, $(du -sh --apparent-size "$h" | cut -f1)," \
    "owner $(stat -c %u "$h")"
done

step "4. Both are deleted (the homes stay on the volume)"
post_events "[$(cloud_event e4 3 DeleteUserProfile "$(user1 200001)"),
  $(cloud_event e5 4 DeleteSpace "$(space1 200002)")]"

step "5. Both are recreated: the platform makes new, empty homes 200003 and 200004"
u1_new=$volume/200003
s1_new=$volume/200004
mkdir -p "$u1_new" "$s1_new"
chown 200003:$gid "$u1_new"
chown 200004:$gid "$s1_new"
# The user is quick: a file written in the new home before the recovery must be kept.
echo "written in the new home right after recreation" >"$u1_new/new-work.txt"
chown 200003:$gid "$u1_new/new-work.txt"
echo "  $u1_new (owner 200003) already holds new-work.txt; $s1_new (owner 200004) is empty"
start_ns=$(date +%s%N)
post_events "[$(cloud_event e6 5 CreateUserProfile "$(user1 200003)"),
  $(cloud_event e7 6 CreateSpace "$(space1 200004)")]"

step "6. Wait for the two recoveries (GET /v1/executions)"
finished=0
for _ in $(seq 1 600); do # 120 s
  api GET /v1/executions
  running=$(count '"status":"RUNNING"')
  done_count=$(count '"status":"(SUCCEEDED|FAILED|TIMED_OUT|ABORTED)"')
  if [ "$done_count" -ge 2 ] && [ "$running" -eq 0 ]; then
    finished=1
    break
  fi
  sleep 0.2
done
[ "$finished" -eq 1 ] || die "the recoveries did not finish within 120 s: $(cat "$work/resp")"
echo "  both finished $(( ($(date +%s%N) - start_ns) / 1000000 )) ms after the create events were posted" \
  "(polled every 200 ms)"
ids=$(grep -o '"id":"[^"]*"' "$work/resp" | sed 's/^"id":"//; s/"$//' | sort -t- -k2,2n)

step "7. lifeboat profiles list"
"$BIN" --data-dir "$data" --output table profiles list | sed 's/^/  /'

step "8. Each execution's state path (lifeboat executions show ID)"
for id in $ids; do
  "$BIN" --data-dir "$data" --output table executions show "$id" >"$work/show"
  api GET "/v1/executions/$id"
  who=$(grep -oE '"(domainName|kind|profileName)":"[^"]*"' "$work/resp" | head -n 3 |
    sed 's/^"[a-zA-Z]*":"//; s/"$//' | paste -sd/)
  echo "  $id ($who): $(awk 'NR == 2 {print $3}' "$work/show")"
  grep '^path:' "$work/show" | sed 's/^path: /    /'
done

step "9. lifeboat transfers list"
"$BIN" --data-dir "$data" --output table transfers list | sed 's/^/  /'

step "10. Checks"
executions_succeeded() {
  local n
  n=$(count '"status":"SUCCEEDED"')
  [ "$n" -eq 2 ] || { echo "        $(cat "$work/resp")"; return 1; }
}
listing() { # path, type, mode, mtime, size and link target of every entry but new-work.txt
  (cd "$1" && find . -mindepth 1 ! -name new-work.txt -printf '%P|%y|%m|%T@|%s|%l\n' | LC_ALL=C sort)
}
same_tree() { # same_tree OLD NEW
  local d
  d=$(diff <(listing "$1") <(listing "$2")) || {
    echo "$d" | sed -n 's/^< /        old home has: /p; s/^> /        new home has: /p'
    return 1
  }
}
same_contents() { # same_contents OLD NEW
  local f
  while IFS= read -r -d '' f; do
    cmp -s "$1/$f" "$2/$f" || { echo "        differs or missing: $2/$f"; return 1; }
  done < <(cd "$1" && find . -type f -printf '%P\0')
}
owned_by() { # owned_by DIR UID: DIR and everything in it
  local stray
  stray=$(find "$1" ! -user "$2" -printf '%p (uid %U)\n' | head -n 5)
  [ -z "$stray" ] || { echo "$stray" | sed 's/^/        not owned by '"$2"': /'; return 1; }
}
profile_recovered() { # profile_recovered KIND NAME NEW_HOME
  api GET "/v1/profiles/demo/$1/$2"
  grep -q '"replication_status":"SUCCESS"' "$work/resp" && grep -q "\"efs_uid\":\"$3\"" "$work/resp"
}
api GET /v1/executions
check "both recovery executions SUCCEEDED" executions_succeeded
check_home() { # check_home OLD NEW NEW_UID
  check "every entry of $(basename "$1") is in $(basename "$2") (type, mode, mtime, size, link)" \
    same_tree "$1" "$2"
  check "every file in $(basename "$2") has the old contents" same_contents "$1" "$2"
  check "everything in $(basename "$2") is owned by the new owner $3" owned_by "$2" "$3"
}
check_home "$u1" "$u1_new" 200003
check_home "$s1" "$s1_new" 200004
check "user1.txt says what the user wrote" \
  grep -qsx "i don't want to lose access to this file" "$u1_new/user1.txt"
check "latest.ipynb is a symlink to projects/churn/notebooks/experiment-3.ipynb" \
  test "$(readlink "$u1_new/latest.ipynb")" = projects/churn/notebooks/experiment-3.ipynb
check "current-sales is a symlink to shared/datasets/sales/2026" \
  test "$(readlink "$s1_new/current-sales")" = shared/datasets/sales/2026
check "the 8 MiB model.ckpt is whole" \
  test "$(stat -c %s "$u1_new/projects/churn/data/model.ckpt")" -eq $((8 * 1024 * 1024))
check "new-work.txt, written in the new home before the recovery, is kept" \
  grep -qsx "written in the new home right after recreation" "$u1_new/new-work.txt"
check "user1's profile: home 200003, last replication SUCCESS" profile_recovered user user1 200003
check "space1's profile: home 200004, last replication SUCCESS" profile_recovered space space1 200004

step "11. Stop the daemon (SIGTERM)"
stop_daemon
check "the daemon stopped cleanly (exit code $daemon_rc)" test "$daemon_rc" -eq 0

echo
if [ "$failures" -ne 0 ]; then
  echo "demo: $failures check(s) failed" >&2
  show_log
  exit 1
fi
echo "demo: user1 and space1 were recreated with new homes and got all their files back."
