#!/usr/bin/env python3
"""Helper of bench/many_hosts.sh: the load and the measurements against running daemons.

Every sub-command prints one JSON object on standard output (the shell script collects
them into a JSON-lines file); progress goes to standard error.

  events --ports P1,P2,... --token T --events N --batch B --threads K --rounds R --tag TAG
      R rounds; each round posts N CloudEvents (per profile a CreateUserProfile then a
      DeleteUserProfile, so nothing is recreated and no recovery starts) in batches of B,
      from K client threads, the batches spread round-robin over the ports. Every event
      must come back `applied`. Prints the events/s of each round and their median.

  recoveries --ports ... --token T --count N --volume DIR --uid-base U --gid G --batch B --tag TAG
      Creates N profiles whose old homes (DIR/o<i>, 5 files of 1 KiB, owned by U+i) exist,
      deletes them, makes each new home (DIR/n<i>, owned by U+N+i) and then posts the N
      recreations in batches of B round-robin over the ports, starting the clock just before
      the first. Polls GET /v1/executions?status=SUCCEEDED until N executions succeeded (or
      one failed, or the timeout). Prints recoveries per minute (N over the time from the
      first recreation POST to the last execution's stopDate), the per-execution duration
      (stopDate - startDate) median, the delay from the POST to the first SUCCEEDED, and
      how the SUCCEEDED executions were spread over the daemons (the node of their steps is
      not in the list, so: counts per minute bucket only).

  load --ports ... --token T --from A --to B --batch B --threads K
      Creates profiles A..B-1 (CreateUserProfile only, homes that do not exist: no
      recovery) through POST /v1/events in big batches. Prints the seconds it took.

  list --port P --token T --runs R --pid PID [--cli CMD...]
      GET /v1/profiles, every page of 1,000, R times (median seconds, bytes, profiles), then the daemon's VmRSS and
      VmHWM; with --cli, runs that command R times (its output to /dev/null; median seconds).
"""

import argparse
import concurrent.futures
import datetime
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

BASE = datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc)


def stamp(seconds):
    return (BASE + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def event(eid, etype, name, home, uid, gid, seconds):
    return {"specversion": "1.0", "id": eid, "source": "bench", "time": stamp(seconds),
            "type": etype,
            "data": {"domainId": "d-bench", "domainName": "bench", "userProfileName": name,
                     "homeEfsFileSystemId": "home", "homeEfsFileSystemUid": str(home),
                     "ownerUid": uid, "ownerGid": gid}}


def domain_event(eid):
    return {"specversion": "1.0", "id": eid, "source": "bench", "time": stamp(0),
            "type": "CreateDomain",
            "data": {"domainId": "d-bench", "domainName": "bench", "homeEfsFileSystemId": "home"}}


class Client:
    def __init__(self, ports, token):
        self.ports = ports
        self.token = token
        self.next = 0
        self.lock = threading.Lock()
        self.retries = 0
        self.errors = {}

    def port(self):
        with self.lock:
            p = self.ports[self.next % len(self.ports)]
            self.next += 1
            return p

    def get(self, path, port=None):
        req = urllib.request.Request(f"http://127.0.0.1:{port or self.ports[0]}{path}",
                                     headers={"Authorization": f"Bearer {self.token}"})
        with urllib.request.urlopen(req, timeout=600) as r:
            return r.read()

    def post(self, events, port=None, allowed=("applied",)):
        body = json.dumps(events).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{port or self.port()}/v1/events",
                                     data=body, method="POST",
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"Bearer {self.token}"})
        for attempt in range(50):
            try:
                with urllib.request.urlopen(req, timeout=600) as r:
                    answer = json.load(r)
                break
            except urllib.error.HTTPError as e:
                # 503: the handler queue is full, or the store gave up (PostgreSQL
                # serialisation failures retried 10 times); the batch is sent again, and
                # what it already applied then comes back `duplicate`.
                text = e.read()[:300]
                with self.lock:
                    self.retries += 1
                    self.errors.setdefault(e.code, text.decode(errors="replace"))
                if e.code != 503 or attempt == 49:
                    raise RuntimeError(f"POST /v1/events answered {e.code}: {text!r}")
                allowed = tuple(allowed) + ("duplicate",)
                time.sleep(0.05)
        items = answer["results"]
        bad = [i for i in items if i.get("outcome") not in allowed]
        if bad:
            raise RuntimeError(f"{len(bad)} of {len(events)} events not {allowed}: {bad[0]}")
        return len(items)


def post_batches(client, batches, threads):
    with concurrent.futures.ThreadPoolExecutor(max_workers=threads) as pool:
        for f in concurrent.futures.as_completed([pool.submit(client.post, b) for b in batches]):
            f.result()


def cmd_events(a):
    client = Client([int(p) for p in a.ports.split(",")], a.token)
    client.post([domain_event(f"{a.tag}-domain")], allowed=("applied", "duplicate"))
    rates = []
    for r in range(a.rounds):
        events = []
        for i in range(a.events // 2):
            name = f"{a.tag}-r{r}-p{i}"
            home = 10_000_000 + r * 1_000_000 + i
            events.append(event(f"{name}-c", "CreateUserProfile", name, home, 300000 + i, 1001, 60))
            events.append(event(f"{name}-d", "DeleteUserProfile", name, home, 300000 + i, 1001, 120))
        # A profile's create and delete stay in one batch, in order.
        batches = [events[k:k + a.batch] for k in range(0, len(events), a.batch)]
        t0 = time.monotonic()
        post_batches(client, batches, a.threads)
        dt = time.monotonic() - t0
        rates.append(len(events) / dt)
        print(f"  {a.tag} round {r + 1}: {len(events)} events in {dt:.2f} s = {rates[-1]:.0f}/s",
              file=sys.stderr)
    print(json.dumps({"kind": "events", "tag": a.tag, "daemons": len(client.ports),
                      "events": a.events, "batch": a.batch, "threads": a.threads,
                      "rates": [round(x, 1) for x in rates],
                      "retried_posts": client.retries, "errors": client.errors,
                      "median": round(statistics.median(rates), 1)}))


def iso_s(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def cmd_recoveries(a):
    client = Client([int(p) for p in a.ports.split(",")], a.token)
    client.post([domain_event(f"{a.tag}-domain")], allowed=("applied", "duplicate"))
    n = a.count
    payload = os.urandom(1024)
    for i in range(n):
        old = os.path.join(a.volume, f"{a.tag}o{i}")
        os.makedirs(os.path.join(old, "work"))
        for k in range(5):
            with open(os.path.join(old, "work", f"f{k}.txt"), "wb") as f:
                f.write(payload)
        for root, dirs, files in os.walk(old):
            for x in dirs + files:
                os.chown(os.path.join(root, x), a.uid_base + i, a.gid)
        os.chown(old, a.uid_base + i, a.gid)
    first = []
    for i in range(n):
        name = f"{a.tag}-u{i}"
        first.append(event(f"{name}-c", "CreateUserProfile", name, f"{a.tag}o{i}", a.uid_base + i, a.gid, 60))
        first.append(event(f"{name}-d", "DeleteUserProfile", name, f"{a.tag}o{i}", a.uid_base + i, a.gid, 120))
    post_batches(client, [first[k:k + a.batch] for k in range(0, len(first), a.batch)], 2)
    for i in range(n):
        new = os.path.join(a.volume, f"{a.tag}n{i}")
        os.mkdir(new)
        os.chown(new, a.uid_base + n + i, a.gid)
    before = {e["id"] for e in json.loads(client.get("/v1/executions"))["executions"]}
    again = [event(f"{a.tag}-u{i}-r", "CreateUserProfile", f"{a.tag}-u{i}", f"{a.tag}n{i}",
                   a.uid_base + n + i, a.gid, 180) for i in range(n)]
    batches = [again[k:k + a.batch] for k in range(0, len(again), a.batch)]
    t0 = time.time()
    post_batches(client, batches, a.threads)
    t_posted = time.time() - t0
    deadline = time.monotonic() + a.timeout
    done = []
    while time.monotonic() < deadline:
        mine = [e for e in json.loads(client.get("/v1/executions"))["executions"]
                if e["id"] not in before]
        failed = [e for e in mine if e["status"] not in ("RUNNING", "SUCCEEDED")]
        if failed:
            raise SystemExit(f"many_hosts: an execution ended {failed[0]['status']}: {failed[0]}")
        done = [e for e in mine if e["status"] == "SUCCEEDED"]
        if len(done) >= n:
            break
        time.sleep(0.2)
    if len(done) < n:
        raise SystemExit(f"many_hosts: only {len(done)} of {n} recoveries SUCCEEDED after {a.timeout} s")
    stops = sorted(iso_s(e["stopDate"]) for e in done)
    durations = [iso_s(e["stopDate"]) - iso_s(e["startDate"]) for e in done]
    elapsed = stops[-1] - t0
    # The files really arrived: every new home holds the 5 files.
    missing = [i for i in range(n)
               if len(os.listdir(os.path.join(a.volume, f"{a.tag}n{i}", "work"))) != 5]
    if missing:
        raise SystemExit(f"many_hosts: {len(missing)} new homes lack files, e.g. n{missing[0]}")
    print(f"  {a.tag}: {n} recoveries in {elapsed:.1f} s = {n / elapsed * 60:.0f}/min", file=sys.stderr)
    print(json.dumps({"kind": "recoveries", "tag": a.tag, "daemons": len(client.ports),
                      "count": n, "seconds": round(elapsed, 2),
                      "per_minute": round(n / elapsed * 60, 1),
                      "post_seconds": round(t_posted, 2), "retried_posts": client.retries,
                      "first_done_s": round(stops[0] - t0, 2),
                      "median_execution_s": round(statistics.median(durations), 3),
                      "p90_execution_s": round(sorted(durations)[int(0.9 * (n - 1))], 3)}))


def cmd_load(a):
    client = Client([int(p) for p in a.ports.split(",")], a.token)
    client.post([domain_event("load-domain")], allowed=("applied", "duplicate"))
    events = [event(f"load-{i}", "CreateUserProfile", f"user-{i:06d}", 50_000_000 + i,
                    400000 + i, 1001, 60) for i in range(a.start, a.end)]
    batches = [events[k:k + a.batch] for k in range(0, len(events), a.batch)]
    t0 = time.monotonic()
    post_batches(client, batches, a.threads)
    dt = time.monotonic() - t0
    print(json.dumps({"kind": "load", "from": a.start, "to": a.end, "seconds": round(dt, 2),
                      "retried_posts": client.retries,
                      "per_second": round(len(events) / dt, 1)}))


def status_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


def cmd_list(a):
    client = Client([a.port], a.token)
    times, size, count = [], 0, 0
    rss0, hwm0 = status_kib(a.pid, "VmRSS"), status_kib(a.pid, "VmHWM")
    for _ in range(a.runs):
        # Every page of 1,000 (the API pages its lists; README "Lists and pagination").
        t0 = time.monotonic()
        size, count, cursor = 0, 0, None
        while True:
            body = client.get("/v1/profiles?limit=1000" + (f"&cursor={cursor}" if cursor else ""))
            size += len(body)
            page = json.loads(body)
            count += len(page["profiles"])
            cursor = page["nextCursor"]
            if not cursor:
                break
        times.append(time.monotonic() - t0)
    rss, hwm = status_kib(a.pid, "VmRSS"), status_kib(a.pid, "VmHWM")
    cli = []
    if a.cli:
        for _ in range(a.runs):
            t0 = time.monotonic()
            subprocess.run(a.cli, check=True, stdout=subprocess.DEVNULL)
            cli.append(time.monotonic() - t0)
    print(json.dumps({"kind": "list", "profiles": count, "bytes": size,
                      "api_s": [round(x, 3) for x in times],
                      "api_median_s": round(statistics.median(times), 3),
                      "cli_s": [round(x, 3) for x in cli],
                      "cli_median_s": round(statistics.median(cli), 3) if cli else None,
                      "rss_before_kib": rss0, "hwm_before_kib": hwm0,
                      "rss_kib": rss, "hwm_kib": hwm}))


def cmd_summary(a):
    rows = [json.loads(l) for l in open(a.jsonl) if l.strip()]
    names = {"sqlite": "1 daemon, SQLite", "pg1": "1 daemon, PostgreSQL",
             "pg3": "3 daemons, PostgreSQL", "pgreg": "PostgreSQL (source of the copies)",
             "sqlite-copy": "1 daemon, SQLite (store copied from PostgreSQL)"}
    ev = {r["setup"]: r for r in rows if r["kind"] == "events"}
    rc = {r["setup"]: r for r in rows if r["kind"] == "recoveries"}

    def ratio(x, y):
        return f"{x / y:.2f}x" if x and y else "-"

    print("\n| set-up | events/s (median of rounds) | rounds | recoveries/min | median execution s"
          " | p90 execution s | first SUCCEEDED s |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for k in ("sqlite", "pg1", "pg3"):
        if k not in ev and k not in rc:
            continue
        e, r = ev.get(k, {}), rc.get(k, {})
        print(f"| {names[k]} | {e.get('median', '-'):.0f} | {', '.join(f'{x:.0f}' for x in e.get('rates', []))}"
              f" | {r.get('per_minute', '-')} | {r.get('median_execution_s', '-')}"
              f" | {r.get('p90_execution_s', '-')} | {r.get('first_done_s', '-')} |")
    g = lambda d, k, f: d.get(k, {}).get(f)
    print(f"\nratios: events/s PG1/SQLite {ratio(g(ev, 'pg1', 'median'), g(ev, 'sqlite', 'median'))}, "
          f"PG3/PG1 {ratio(g(ev, 'pg3', 'median'), g(ev, 'pg1', 'median'))}; recoveries/min "
          f"PG1/SQLite {ratio(g(rc, 'pg1', 'per_minute'), g(rc, 'sqlite', 'per_minute'))}, "
          f"PG3/PG1 {ratio(g(rc, 'pg3', 'per_minute'), g(rc, 'pg1', 'per_minute'))}")
    for r in rows:
        if r["kind"] == "load" and r["setup"] == "pgreg":
            print(f"pgreg load to {r['to']}: {r['seconds']} s, {r['per_second']:.0f}/s")
    print("\n| store | profiles | load s (this step) | events/s loading | GET /v1/profiles s | MiB answered"
          " | `profiles list` s | VmRSS MiB | VmHWM MiB | store MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    load = {}
    for r in rows:
        if r["kind"] == "load":
            load = r
        if r["kind"] == "list" and r["setup"] == "sqlite-copy":
            c = [x for x in rows if x["kind"] == "copy" and x["profiles"] == r["profiles"]]
            load = {"seconds": f"copy {c[0]['seconds']:.1f}" if c else "-", "per_second": float("nan")}
        if r["kind"] == "list":
            print(f"| {names[r['setup']]} | {r['profiles']} | {load['seconds']} | {load['per_second']:.0f}"
                  f" | {r['api_median_s']} | {r['bytes'] / 2**20:.1f} | {r['cli_median_s']}"
                  f" | {r['rss_kib'] / 1024:.0f} | {r['hwm_kib'] / 1024:.0f} | {r['store_bytes'] / 2**20:.1f} |")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("events")
    e.add_argument("--ports", required=True)
    e.add_argument("--token", required=True)
    e.add_argument("--events", type=int, default=5000)
    e.add_argument("--batch", type=int, default=50)
    e.add_argument("--threads", type=int, default=4)
    e.add_argument("--rounds", type=int, default=3)
    e.add_argument("--tag", required=True)
    r = sub.add_parser("recoveries")
    r.add_argument("--ports", required=True)
    r.add_argument("--token", required=True)
    r.add_argument("--count", type=int, default=200)
    r.add_argument("--volume", required=True)
    r.add_argument("--uid-base", type=int, required=True)
    r.add_argument("--gid", type=int, required=True)
    r.add_argument("--batch", type=int, default=50)
    r.add_argument("--threads", type=int, default=3)
    r.add_argument("--timeout", type=float, default=1200)
    r.add_argument("--tag", required=True)
    lo = sub.add_parser("load")
    lo.add_argument("--ports", required=True)
    lo.add_argument("--token", required=True)
    lo.add_argument("--from", dest="start", type=int, required=True)
    lo.add_argument("--to", dest="end", type=int, required=True)
    lo.add_argument("--batch", type=int, default=1000)
    lo.add_argument("--threads", type=int, default=2)
    li = sub.add_parser("list")
    li.add_argument("--port", type=int, required=True)
    li.add_argument("--token", required=True)
    li.add_argument("--runs", type=int, default=3)
    li.add_argument("--pid", type=int, required=True)
    li.add_argument("--cli", nargs=argparse.REMAINDER)
    su = sub.add_parser("summary")
    su.add_argument("--jsonl", required=True)
    a = p.parse_args()
    {"summary": cmd_summary, "events": cmd_events, "recoveries": cmd_recoveries, "load": cmd_load, "list": cmd_list}[a.cmd](a)


if __name__ == "__main__":
    main()
