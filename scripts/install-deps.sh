#!/usr/bin/env bash
# Installs exactly the Debian packages Lifeboat's build, tests and benchmarks need.
# Idempotent: when every package is already installed it only runs dpkg-query, and npm ci
# only when tests/browser/node_modules does not match its lock file.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config make
  # libraries (docs/architecture.md, "Modules")
  libcli11-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libboost-dev
  libcurl4-openssl-dev libsqlite3-dev libpqxx-dev libpq-dev libtomlplusplus-dev
  libxxhash-dev libacl1-dev libattr1-dev
  libssl-dev  # libcrypto: ASL States.Hash (workflow), SigV4 SHA-256/HMAC (aws)
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev clang-format clang-tidy
  clang libclang-rt-14-dev llvm  # fuzz/: libFuzzer and the sanitizer runtimes; llvm-symbolizer
  acl attr sqlite3 rsync rclone fuse3 libfuse3-dev postgresql
  time  # /usr/bin/time -f %M: peak RSS in bench/run.sh
  curl  # scripts/demo_recovery.sh and bench/recovery_latency.sh talk to the daemon
  python3  # bench/gen_results.py, bench/recovery_latency.py
  # tests/fakes/ (the fake SageMaker, STS, IMDS and ECS endpoints) check signatures and
  # shapes with botocore; used when the python3 on PATH has no botocore of its own.
  python3-botocore python3-boto3
  git  # bench/gen_trees.py builds a real repository for tree (d)
  # `make deb` (scripts/build-deb.sh) and its test (tests/packaging/): dpkg-shlibdeps,
  # the man page from --help, lintian, systemd-analyze for the unit, setpriv (util-linux)
  # to run a copy with the unit's capabilities only
  dpkg-dev help2man lintian binutils systemd util-linux
  prometheus  # promtool: `check metrics` on GET /metrics, `check/test rules` on packaging/prometheus/
  chromium  # tests/browser/: the dashboard driven by playwright-core (npm, below)
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done

# node and npm run tests/browser/. A machine that has them from elsewhere (a nodejs build
# that bundles npm conflicts with Debian's npm package) keeps them.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -ne 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  if ! $SUDO apt-get install -y --no-install-recommends "${missing[@]}"; then
    $SUDO apt-get update
    $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
  fi
fi

# The browser tests' npm packages (playwright-core, axe-core), exactly as pinned in
# tests/browser/package-lock.json. Skipped when node_modules already matches the lock.
browser_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
if ! cmp -s "$browser_dir/package-lock.json" "$browser_dir/node_modules/.package-lock.json.installed"; then
  echo "install-deps: npm ci in tests/browser"
  (cd "$browser_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$browser_dir/package-lock.json" "$browser_dir/node_modules/.package-lock.json.installed"
fi

# Debian's prometheus package (wanted for promtool only) enables and starts a Prometheus
# server on :9090 where a service manager runs. Nothing here needs it: stop and disable it.
if [[ " ${missing[*]} " == *" prometheus "* ]]; then
  if [ -d /run/systemd/system ]; then
    $SUDO systemctl disable --now prometheus.service || true
  elif [ -x /etc/init.d/prometheus ]; then
    $SUDO /etc/init.d/prometheus stop || true
    $SUDO update-rc.d prometheus disable || true
  fi
fi
