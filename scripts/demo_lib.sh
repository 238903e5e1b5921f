# Shared by the demo scripts (sourced): step headings and ok/FAIL checks.
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
