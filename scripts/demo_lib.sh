# shellcheck shell=bash
# Shared by the demo scripts (sourced): step headings, ok/FAIL checks, starting and
# stopping processes.
# After sourcing, `failures` counts the checks that failed.

demo_bold="" demo_plain=""
if [ -t 1 ]; then demo_bold=$'\033[1m' demo_plain=$'\033[0m'; fi

step() { printf '\n%s== %s%s\n' "$demo_bold" "$*" "$demo_plain"; }

failures=0
check() { # check DESCRIPTION COMMAND...: runs COMMAND, prints ok/FAIL
  local what=$1
  shift
  if "$@"; then
    printf '  ok    %s\n' "$what"
  else
    printf '  FAIL  %s\n' "$what"
    failures=$((failures + 1))
  fi
}

# start_daemon BIN DATA CONFIG PORT_FILE LOG: starts `BIN serve` in the background (the
# daemon itself, not a subshell, so SIGTERM reaches it) and waits up to 30 s until it
# answers /healthz. Sets daemon_pid and port; calls the script's die() when it fails.
start_daemon() {
  local bin=$1 data=$2 config=$3 port_file=$4 log=$5
  "$bin" --data-dir "$data" serve --config "$config" --listen 127.0.0.1:0 \
    --port-file "$port_file" >"$log" 2>&1 &
  daemon_pid=$!
  port=""
  for _ in $(seq 1 300); do
    kill -0 "$daemon_pid" 2>/dev/null || { daemon_pid=""; die "the daemon exited during start-up"; }
    if [ -s "$port_file" ]; then
      port=$(cat "$port_file")
      if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then return 0; fi
    fi
    port=""
    sleep 0.1
  done
  die "the daemon did not answer /healthz within 30 s"
}

# stop_process PID NAME: SIGTERM, wait up to 20 s, then SIGKILL; sets stopped_rc (the
# process's exit status; 0 when PID is empty).
stop_process() {
  stopped_rc=0
  [ -n "$1" ] || return 0
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 1 200); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$1" 2>/dev/null; then
    echo "demo: $2 did not stop within 20 s of SIGTERM; killing it" >&2
    kill -KILL "$1" 2>/dev/null || true
  fi
  # shellcheck disable=SC2034 # read by the scripts that source this file
  wait "$1" 2>/dev/null || stopped_rc=$?
}
