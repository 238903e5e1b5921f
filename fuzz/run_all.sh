#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR for SECONDS each (run_fuzzer.sh), FUZZ_JOBS at
# a time (default 1), and fails when any of them found something.
#   run_all.sh BUILD_DIR SECONDS WORK_DIR
# FUZZ_TARGETS="event_pattern json_path" limits the run to those targets. Each target's
# corpus grows in WORK_DIR/<name>/corpus across runs; its log is WORK_DIR/<name>/log.txt.
set -uo pipefail

build=$1
seconds=$2
work=$3
here=$(cd "$(dirname "$0")" && pwd)
jobs=${FUZZ_JOBS:-1}

targets=()
for binary in "$build"/*_fuzzer; do
  [ -x "$binary" ] || continue
  name=$(basename "$binary" _fuzzer)
  if [ -n "${FUZZ_TARGETS:-}" ] && [[ " $FUZZ_TARGETS " != *" $name "* ]]; then continue; fi
  targets+=("$name")
done
if [ ${#targets[@]} -eq 0 ]; then
  echo "run_all: no fuzz targets in $build (build them with: cmake --build --preset fuzz)" >&2
  exit 1
fi

mkdir -p "$work"
echo "run_all: ${targets[*]}: ${seconds}s each, $jobs at a time; work dir $work"
failed=()
running=0
declare -A pid_of
for name in "${targets[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
  "$here/run_fuzzer.sh" "$build/${name}_fuzzer" "$seconds" "$work/$name" \
    > "$work/$name.out" 2>&1 &
  pid_of[$name]=$!
  running=$((running + 1))
done
for name in "${targets[@]}"; do
  if ! wait "${pid_of[$name]}"; then failed+=("$name"); fi
  cat "$work/$name.out"
  rm -f "$work/$name.out"
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "run_all: findings in: ${failed[*]} (reproducers listed above)" >&2
  exit 1
fi
echo "run_all: no findings"
