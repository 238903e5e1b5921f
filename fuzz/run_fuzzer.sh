#!/usr/bin/env bash
# Runs one libFuzzer target for a while from its seed corpus and fails on any finding.
#   run_fuzzer.sh FUZZER_BINARY SECONDS WORK_DIR [fresh]
# The seeds are fuzz/corpus/<name>/ and the dictionary fuzz/dictionaries/<name>.dict,
# where <name> is the binary's name without "_fuzzer". New corpus entries go to
# WORK_DIR/corpus (never into the repository), a finding's reproducer to WORK_DIR/artifacts/.
# Re-run a reproducer with: FUZZER_BINARY WORK_DIR/artifacts/<file>
# With "fresh" the corpus kept from earlier runs is dropped first (the ctest smoke tests:
# seeds plus a few seconds, the same work every time). Findings of an earlier run are
# always cleared.
set -uo pipefail

binary=$1
seconds=$2
work=$3
here=$(cd "$(dirname "$0")" && pwd)
name=$(basename "$binary")
name=${name%_fuzzer}
seeds="$here/corpus/$name"
dict="$here/dictionaries/$name.dict"

if [ "${4:-}" = fresh ]; then rm -rf "$work/corpus"; fi
rm -rf "$work/artifacts"
mkdir -p "$work/corpus" "$work/artifacts"
args=(-max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560 -max_len=16384
      -print_final_stats=1 -print_funcs=0 -artifact_prefix="$work/artifacts/")
[ -f "$dict" ] && args+=(-dict="$dict")
# Extra libFuzzer flags, e.g. FUZZ_FLAGS="-fork=1 -ignore_crashes=1" to keep going after a
# finding and collect every distinct one in the time given.
read -r -a extra <<< "${FUZZ_FLAGS:-}"
args+=("${extra[@]}")

# ASan's leak check and UBSan's reports end the run; both print a stack.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
"$binary" "${args[@]}" "$work/corpus" "$seeds" 2>&1 | tee "$work/log.txt" | grep -v '^#[0-9]' 
status=${PIPESTATUS[0]}

# A slow-unit file is a warning (the input took over 10 s), not a finding: a shared,
# loaded machine makes those. Timeouts (over -timeout) are findings.
findings=$(find "$work/artifacts" -type f ! -name 'slow-unit-*' 2>/dev/null)
if [ "$status" -ne 0 ] || [ -n "$findings" ]; then
  echo "run_fuzzer: $name FAILED (exit $status); full log: $work/log.txt" >&2
  for f in $findings; do
    echo "run_fuzzer: reproducer: $f  (re-run: $binary $f)" >&2
  done
  exit 1
fi
stats=$(grep -E '^#[0-9]+' "$work/log.txt" | tail -1)
echo "run_fuzzer: $name ok after ${seconds}s; corpus $(find "$work/corpus" -type f | wc -l) new entries; $stats"
