#!/usr/bin/env python3
"""Walks the paged lists of a running `lifeboat serve` and measures each page.

list_scale.py --port P --token T --pid PID [--quick] [--out FILE]

For each endpoint and filter: every page (or, for the big ones, the first MAX_PAGES
pages) with limit=100 and limit=1000, timing each GET (wall clock, client side, on
loopback) and sampling the daemon's VmRSS after each page. Prints a summary table and
writes one JSON object per case to --out. See bench/list_scale.sh and bench/RESULTS.md.
"""
import argparse
import json
import statistics
import time
import urllib.parse
import urllib.request


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def get(port, token, path):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                 headers={"Authorization": f"Bearer {token}"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req, timeout=120) as r:
        body = r.read()
    return time.perf_counter() - t0, json.loads(body)


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def walk(args, path, key, params, limit, max_pages):
    times, rss, rows, pages = [], [], 0, 0
    cursor = None
    while pages < max_pages:
        q = dict(params, limit=str(limit))
        if cursor:
            q["cursor"] = cursor
        dt, body = get(args.port, args.token, path + "?" + urllib.parse.urlencode(q))
        times.append(dt * 1000.0)
        rss.append(rss_kib(args.pid))
        rows += len(body[key])
        pages += 1
        cursor = body["nextCursor"]
        if not cursor:
            break
    return {"path": path, "params": params, "limit": limit, "pages": pages, "rows": rows,
            "median_ms": statistics.median(times), "p95_ms": pct(times, 95),
            "p99_ms": pct(times, 99), "max_ms": max(times),
            "rss_min_mib": min(rss) / 1024.0, "rss_max_mib": max(rss) / 1024.0,
            "complete": cursor is None}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    full_walk = 10**9
    capped = 50 if args.quick else 200
    cases = [
        ("/v1/profiles", "profiles", {}, full_walk),
        ("/v1/profiles", "profiles", {"sort": "-updated"}, capped),
        ("/v1/profiles", "profiles", {"domain": "domain-3"}, capped),
        ("/v1/profiles", "profiles", {"domain": "domain-3", "sort": "-updated"}, capped),
        ("/v1/profiles", "profiles", {"status": "pending"}, capped),
        ("/v1/profiles", "profiles", {"replication": "off", "kind": "space"}, capped),
        ("/v1/profiles", "profiles", {"prefix": "user-00012"}, capped),
        ("/v1/profiles/domain-1/user/user-0000001/history", "history", {}, capped),
        ("/v1/executions", "executions", {}, capped),
        ("/v1/transfers", "transfers", {}, capped),
    ]
    results = []
    print(f"{'endpoint':<48} {'params':<36} {'limit':>5} {'pages':>6} {'rows':>7} "
          f"{'median':>8} {'p95':>8} {'p99':>8} {'RSS MiB':>13}")
    for path, key, params, max_pages in cases:
        for limit in (100, 1000):
            r = walk(args, path, key, params, limit, max_pages)
            results.append(r)
            print(f"{path:<48} {urllib.parse.urlencode(params):<36} {limit:>5} {r['pages']:>6} "
                  f"{r['rows']:>7} {r['median_ms']:>6.1f}ms {r['p95_ms']:>6.1f}ms "
                  f"{r['p99_ms']:>6.1f}ms {r['rss_min_mib']:>6.1f}-{r['rss_max_mib']:<6.1f}",
                  flush=True)
    if args.out:
        with open(args.out, "w") as f:
            for r in results:
                f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
