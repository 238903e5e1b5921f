#!/usr/bin/env bash
# How long GET /metrics and GET /v1/status take on a large store (README, "Monitoring"):
# fills a fresh SQLite store with N profiles, N finished top-level executions (spread over
# the last 10 days), N transfers and N/100 dead letters with sqlite3, starts the real
# daemon on it, and times the first (uncached) and the cached answers with curl.
#   bench/metrics_scrape.sh BUILD/src/cli/lifeboat [N=100000]
set -euo pipefail
bin=${1:?path to lifeboat}
n=${2:-100000}
dir=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

"$bin" --data-dir "$dir" store status >/dev/null  # creates and migrates the store
sqlite3 "$dir/lifeboat.db" <<SQL
WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < $n)
INSERT INTO profiles (domain_name, kind, name, domain_id, replication, status, last_event_time, updated_at)
  SELECT 'demo', 'user', 'u' || x, 'd-1', x % 10 != 0, CASE WHEN x % 7 = 0 THEN 'deleted' ELSE 'active' END,
         '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z' FROM i;
WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < $n)
INSERT INTO executions (id, name, branch_index, definition, status, input, cursor, start_time, stop_time, version)
  SELECT 'e' || x, 'e' || x, 0, '{}', CASE WHEN x % 50 = 0 THEN 'FAILED' ELSE 'SUCCEEDED' END, '{}', '{}',
         strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (x % 240) || ' hours'),
         strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (x % 240) || ' hours'), 1 FROM i;
WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < $n)
INSERT INTO transfers (seq, execution_id, domain_name, kind, name, status, bytes_written, bytes_transferred,
                       files_transferred, duration_ms, recorded_at)
  SELECT x, 'e' || x, 'demo', 'user', 'u' || x, 'SUCCESS', 1000, 1000, 10, 5, '2026-11-01T00:00:00.000Z' FROM i;
WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < $n / 100)
INSERT INTO dead_letters (id, execution_id, created_at, payload, definition, error, cause, status)
  SELECT 'dl' || x, 'e' || (x * 50), '2026-11-01T00:00:00.000Z', '{}', '{}', 'E', 'C', 'PENDING' FROM i;
SQL

port=$((20000 + RANDOM % 20000))
"$bin" --data-dir "$dir" serve --listen "127.0.0.1:$port" >"$dir/log" 2>&1 &
pid=$!
token=$("$bin" --data-dir "$dir" token)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
time_of() { curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "http://127.0.0.1:$port$1"; }
echo "rows: $n profiles, $n executions, $n transfers, $((n / 100)) dead letters"
sleep 1.1; echo "GET /metrics   uncached: $(time_of /metrics) s"
echo "GET /metrics   cached:   $(time_of /metrics) s"
sleep 1.1; echo "GET /v1/status uncached: $(time_of /v1/status) s"
echo "GET /v1/status cached:   $(time_of /v1/status) s"
echo "RSS after: $(grep VmRSS /proc/$pid/status | awk '{print $2}') kB"
