#!/usr/bin/env bash
# demo_sagemaker.sh BIN — `make demo-sagemaker`: the reference blog's scenario II, played
# against the fake SageMaker (tests/fakes/fake_sagemaker.py) through the daemon.
#
# Starts the fake SageMaker on 127.0.0.1 with a temporary volume root, and with boto3
# (scripts/demo_sagemaker_driver.py) creates domain demo with user profiles alice and bob
# and space team-lab; writes their work into their homes. Then:
#   - `BIN seed` records what the domain has (twice: the second run records nothing);
#   - `BIN serve` starts, and a relay posts the fake's CloudTrail records to
#     POST /v1/events as an EventBridge rule would;
#   - alice and team-lab are deleted and recreated: the daemon completes the records
#     from SageMaker and copies each old home into the new one;
#   - the relay stops (events are lost from now on), and the whole domain is deleted and
#     recreated on a new volume with alice, bob and team-lab: reconciling alone (every 2 s)
#     notices and copies every home from the old volume into the new one.
# After each recovery the script checks that every file is back (contents, symlink targets,
# modes, mtimes) and owned by the new home's uid:100; it prints the seed table, the
# profiles, the transfers and a summary, and stops the daemon with SIGTERM.
#
# Needs root (Studio's homes belong to uids 200001.. and gid 100), curl, and a python3 with
# boto3 and botocore (the python3 on PATH, else Debian's /usr/bin/python3 with
# python3-boto3; scripts/install-deps.sh installs them). Takes about half a minute.
# Exits non-zero with a message naming what is missing or what did not happen.
set -euo pipefail

BIN=${1:?usage: scripts/demo_sagemaker.sh path/to/lifeboat}
[ -x "$BIN" ] || { echo "demo: $BIN is not an executable (run 'make build' first)" >&2; exit 2; }
BIN=$(realpath "$BIN")
here=$(cd "$(dirname "$0")" && pwd)
fake_py=$here/../tests/fakes/fake_sagemaker.py
driver_py=$here/demo_sagemaker_driver.py
if [ "$(id -u)" -ne 0 ]; then
  echo "demo: run as root — Studio's homes belong to uids 200001.. and gid 100" \
    "(try: sudo make demo-sagemaker)" >&2
  exit 2
fi
command -v curl >/dev/null || {
  echo "demo: curl is missing (scripts/install-deps.sh installs it)" >&2
  exit 2
}
[ -f "$fake_py" ] || { echo "demo: the fake SageMaker is missing: $fake_py" >&2; exit 2; }
python=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import botocore, boto3' 2>/dev/null; then
    python=$(command -v "$candidate")
    break
  fi
done
[ -n "$python" ] || {
  echo "demo: no python3 with boto3 and botocore (neither python3 on PATH nor /usr/bin/python3);" \
    "scripts/install-deps.sh installs python3-boto3 and python3-botocore" >&2
  exit 2
}

work=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-demo-sagemaker.XXXXXX")
work=$(realpath "$work") # the copier refuses volume paths that go through a symlink
volumes=$work/efs        # the fake's volume root: one directory per domain's home EFS volume
data=$work/data          # the daemon's SQLite store
config=$work/lifeboat.toml
log=$work/daemon.log
fake_log=$work/fake.log
state=$work/state.json
access_key=AKIDLIFEBOATDEMO
secret_key=lifeboat-demo-secret-key
fake_pid="" daemon_pid="" relay_pid=""

# shellcheck source=scripts/demo_lib.sh
. "$here/demo_lib.sh"
stop_relay() { stop_process "$relay_pid" "the event relay"; relay_pid=""; }
stop_daemon() { stop_process "$daemon_pid" "the daemon"; daemon_pid=""; daemon_rc=$stopped_rc; }
stop_fake() { stop_process "$fake_pid" "the fake SageMaker"; fake_pid=""; }
cleanup() {
  stop_relay
  stop_daemon
  stop_fake
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

show_log() {
  if [ -s "$log" ]; then
    echo "--- last lines of the daemon's log ($log) ---" >&2
    tail -n 40 "$log" >&2 || true
  fi
  if [ -s "$fake_log" ]; then
    echo "--- last lines of the fake SageMaker's log ---" >&2
    tail -n 10 "$fake_log" >&2 || true
  fi
}
die() {
  echo "demo: $*" >&2
  show_log
  exit 1
}

# What lifeboat and the driver need to reach the fake — and never a user's own ~/.aws.
export AWS_ACCESS_KEY_ID=$access_key AWS_SECRET_ACCESS_KEY=$secret_key AWS_REGION=us-east-1 \
  AWS_EC2_METADATA_DISABLED=true AWS_SHARED_CREDENTIALS_FILE=$work/no-such-credentials \
  AWS_CONFIG_FILE=$work/no-such-config
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ENDPOINT_URL

# driver SUBCOMMAND [ARGS]: one step of scripts/demo_sagemaker_driver.py. driver_args sets
# driver_cmd to that command line, for a step run in the background.
driver_args() {
  local sub=$1
  shift
  driver_cmd=("$python" "$driver_py" "$sub" --endpoint "$endpoint" --access-key "$access_key"
    --secret-key "$secret_key" --volume-root "$volumes" --state "$state"
    --daemon "http://127.0.0.1:${port:-0}" --token-file "$work/token"
    --relay-status "$work/relay.json" "$@")
}
driver() {
  driver_args "$@"
  "${driver_cmd[@]}"
}
# lifeboat ARGS: a one-shot command on the demo's store (never for `serve`: $! would be a
# subshell's pid, not the daemon's).
lifeboat() { "$BIN" --data-dir "$data" "$@"; }

step "1. The fake SageMaker, with domain demo: user profiles alice and bob, space team-lab"
mkdir -p "$volumes" "$data"
"$python" "$fake_py" --volume-root "$volumes" --access-key "$access_key" --secret-key "$secret_key" \
  --port 0 --port-file "$work/fake.port" --create-delay 0.3 --delete-delay 0.2 --home-delay 0.5 \
  --self-check >/dev/null 2>"$fake_log" &
fake_pid=$!
endpoint=""
for _ in $(seq 1 300); do
  kill -0 "$fake_pid" 2>/dev/null || { fake_pid=""; die "the fake SageMaker exited during start-up"; }
  if [ -s "$work/fake.port" ]; then
    endpoint=http://127.0.0.1:$(cat "$work/fake.port")
    if curl -fsS "$endpoint/_fake/health" >/dev/null 2>&1; then break; fi
  fi
  endpoint=""
  sleep 0.1
done
[ -n "$endpoint" ] || die "the fake SageMaker did not answer /_fake/health within 30 s"
export AWS_ENDPOINT_URL_SAGEMAKER=$endpoint
echo "  fake SageMaker on $endpoint (pid $fake_pid), volumes in $volumes; created with boto3:"
driver setup || die "setting up domain demo failed (see above)"

step "2. lifeboat seed: record what the domain has now (no recovery starts)"
cat >"$config" <<EOF
[platform]
kind = "sagemaker"
region = "us-east-1"
reconcile_interval_seconds = 2
volume_path_template = "$volumes/{volume_id}"
EOF
sed 's/^/  | /' "$config"
lifeboat --output table seed --config "$config" >"$work/seed.out" 2>&1 ||
  { cat "$work/seed.out" >&2; die "lifeboat seed failed"; }
sed 's/^/  /' "$work/seed.out"
echo "  ... and once more:"
lifeboat --output json seed --config "$config" >"$work/seed2.json" 2>"$work/seed2.err" ||
  { cat "$work/seed2.err" >&2; die "the second lifeboat seed failed"; }
"$python" - "$work/seed2.json" <<'PY' || die "the second seed was expected to record nothing"
import json, sys
report = json.load(open(sys.argv[1]))
summary = report["summary"]
changed = {k: v for k, v in summary.items() if k != "unchanged"}
print(f"  second seed: {summary.get('unchanged', 0)} item(s) unchanged, "
      f"{sum(changed.values())} recorded or changed, {report['describes']} Describe call(s)")
if changed or report["describes"] != 0:
    print(f"demo: the second seed changed {changed}", file=sys.stderr)
    sys.exit(1)
PY

step "3. lifeboat serve, and an EventBridge rule relaying CloudTrail records to POST /v1/events"
start_daemon "$BIN" "$data" "$config" "$work/port" "$log"
lifeboat token >"$work/token" || die "lifeboat token could not read the API token"
echo "  daemon on http://127.0.0.1:$port (pid $daemon_pid), reconciling every 2 s"
driver_args relay
"${driver_cmd[@]}" &
relay_pid=$!
for _ in $(seq 1 100); do
  [ -s "$work/relay.json" ] && break
  kill -0 "$relay_pid" 2>/dev/null || { relay_pid=""; die "the event relay exited during start-up"; }
  sleep 0.1
done
[ -s "$work/relay.json" ] || die "the event relay did not start within 10 s"

step "4. alice (user) and team-lab (space) are deleted and recreated (events relayed, reconciling on)"
driver recreate || die "recovering alice and team-lab failed (see above)"
kill -0 "$relay_pid" 2>/dev/null || { relay_pid=""; die "the event relay stopped"; }
echo "  lifeboat profiles list:"
lifeboat --output table profiles list | sed 's/^/    /'
echo "  lifeboat transfers list:"
lifeboat --output table transfers list | sed 's/^/    /'

step "5. Events are lost from now on; the whole domain is recreated on a new volume"
stop_relay
echo "  the relay stopped: no CloudTrail record reaches Lifeboat any more"
log_mark=$(wc -l <"$log")
driver recreate-domain || die "recovering the recreated domain by reconciling failed (see above)"
echo "  what reconciling did (from the daemon's log):"
tail -n +"$((log_mark + 1))" "$log" | grep -E 'reconcile: ' | sed 's/^/    /' || true
echo "  lifeboat profiles list:"
lifeboat --output table profiles list | sed 's/^/    /'
echo "  lifeboat history --domain-name demo --profile-name alice:"
lifeboat --output table history --domain-name demo --profile-name alice | sed 's/^/    /'

step "6. Summary"
driver summary --expect-recoveries 5 || die "the recoveries were not as expected"
stop_daemon
check "the daemon stopped cleanly on SIGTERM (exit code $daemon_rc)" test "$daemon_rc" -eq 0
stop_fake
if [ "$failures" -ne 0 ]; then
  echo "demo: $failures check(s) failed" >&2
  show_log
  exit 1
fi
echo
echo "demo: done in $SECONDS s. alice, bob and team-lab got their work back twice — after alice and" \
  "team-lab were recreated (events relayed, reconciling on) and after the domain was recreated" \
  "on a new volume (reconciling alone)."
