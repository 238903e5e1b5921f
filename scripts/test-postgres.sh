#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: `start DIR` makes a fresh cluster in DIR
# that listens only on a Unix socket in DIR (no TCP port, so parallel builds never clash;
# when DIR's path is too long for a socket, in a short directory under /tmp instead), and
# writes the admin connection URL to DIR/url; `stop DIR` stops it and removes DIR.
#
# ctest runs these as the fixture tests postgres.start / postgres.stop (tests/CMakeLists.txt);
# by hand:
#   scripts/test-postgres.sh start /tmp/lifeboat-pg
#   LIFEBOAT_TEST_POSTGRES=/tmp/lifeboat-pg build/src/store/store_tests
#   scripts/test-postgres.sh stop /tmp/lifeboat-pg
#
# PostgreSQL refuses to run as root: when run as root the cluster belongs to the `postgres`
# user (DIR is chowned to it). Authentication is `trust` on the socket, which only users
# who can reach DIR can use. Both commands are idempotent: `start` stops and replaces a
# stale cluster left in DIR by a killed run.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}
[[ $# -eq 2 ]] || usage
cmd=$1
dir=$2
[[ -n "$dir" && "$dir" != "/" ]] || usage
case "$dir" in
  /*) ;;
  *) dir="$PWD/$dir" ;;
esac

bindir=${LIFEBOAT_PG_BINDIR:-}
if [[ -z "$bindir" ]]; then
  for candidate in /usr/lib/postgresql/*/bin; do
    [[ -x "$candidate/pg_ctl" ]] && bindir=$candidate
  done
fi
if [[ -z "$bindir" || ! -x "$bindir/pg_ctl" ]]; then
  echo "test-postgres: no PostgreSQL server binaries (pg_ctl) under /usr/lib/postgresql/*/bin;" \
    "install postgresql or set LIFEBOAT_PG_BINDIR" >&2
  exit 1
fi

data="$dir/data"
log="$dir/server.log"

# Runs a command as the cluster's owner: `postgres` when we are root, else ourselves.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

stop_cluster() {
  if [[ -f "$data/postmaster.pid" ]]; then
    as_owner "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    # pg_ctl cannot stop a server whose data directory is half gone: kill it by its pid.
    local pid
    pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
    if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
      kill -QUIT "$pid" 2>/dev/null || true
      for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
    fi
  fi
  if [[ -f "$dir/socket_dir" ]]; then
    rm -rf "$(cat "$dir/socket_dir")"
  fi
  rm -rf "$dir"
}

start_cluster() {
  stop_cluster
  mkdir -p "$dir"
  chmod 0700 "$dir"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$dir"
    # The owner must be able to reach DIR through its parents (e.g. a build tree under /work).
    if ! runuser -u postgres -- test -x "$dir"; then
      echo "test-postgres: user postgres cannot reach $dir; use a directory it can traverse" >&2
      exit 1
    fi
  fi
  if ! as_owner "$bindir/initdb" -D "$data" --auth=trust --username=postgres \
    --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    exit 1
  fi
  # A Unix socket path has at most 107 bytes: under a deep build tree, put the socket in a
  # short directory of its own (removed by `stop`).
  local sockets=$dir
  if (( ${#dir} > 80 )); then
    sockets=$(mktemp -d /tmp/lifeboat-pg.XXXXXX)
    chmod 0755 "$sockets"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$sockets"
    echo "$sockets" >"$dir/socket_dir"
  fi
  cat >>"$data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$sockets'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
  if ! as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null; then
    cat "$log" >&2 || true
    exit 1
  fi
  # The URL libpq takes: a Unix socket directory as host, the bootstrap superuser.
  echo "postgresql:///postgres?host=$sockets&user=postgres" >"$dir/url"
  chmod 0644 "$dir/url"
  echo "test-postgres: running in $dir ($(cat "$dir/url"))"
}

case "$cmd" in
  start) start_cluster ;;
  stop) stop_cluster ;;
  *) usage ;;
esac
