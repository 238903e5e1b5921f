#!/usr/bin/env bash
# lint.sh format            — fail if any source differs from .clang-format
# lint.sh tidy BUILD_DIR    — run clang-tidy (.clang-tidy) over src/ with BUILD_DIR's compile database
# lint.sh fix               — reformat every source in place
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t sources < <(git ls-files -co --exclude-standard 'src/*.cpp' 'src/*.h' 'tests/*.cpp' 'tests/*.h' 'bench/*.cpp' 'bench/*.h' 'fuzz/*.cpp' 'fuzz/*.h' | while read -r f; do [ -f "$f" ] && echo "$f"; done)
cf=$(command -v clang-format || command -v clang-format-14)
case "${1:-}" in
  format)
    "$cf" --dry-run -Werror "${sources[@]}"
    echo "clang-format: ${#sources[@]} files formatted"
    ;;
  fix)
    "$cf" -i "${sources[@]}"
    ;;
  tidy)
    build=${2:?build dir}
    ct=$(command -v clang-tidy || command -v clang-tidy-14)
    mapfile -t units < <(printf '%s\n' "${sources[@]}" | grep '^src/.*\.cpp$' | grep -v '_test\.cpp$')
    out=$(mktemp)
    trap 'rm -f "$out"' EXIT
    status=0
    printf '%s\n' "${units[@]}" | xargs -P "$(nproc)" -n 4 "$ct" -p "$build" --quiet --warnings-as-errors='*' >"$out" 2>&1 || status=$?
    grep -v -E '^[0-9]+ warnings? generated|^Suppressed|^Use -header-filter|^$' "$out" || true
    if [ "$status" -ne 0 ]; then
      echo "clang-tidy: problems found (see above)"; exit 1
    fi
    echo "clang-tidy: ${#units[@]} files clean"
    ;;
  *) echo "usage: $0 format|fix|tidy BUILD_DIR" >&2; exit 2 ;;
esac
