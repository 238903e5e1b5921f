#!/usr/bin/env python3
"""Writes bench/RESULTS.md from the raw measurements of bench/run.sh.

Inputs: the raw TSV (tree, tool, run, seconds, peak RSS KiB, user s, sys s, exit code; run 0
is the warm-up and is left out of every statistic), the machine description (key: value
lines), the copy checks, and the lifeboat --report JSON files in the log directory.
Everything after the ANALYSIS_MARKER line of an existing output file is hand-written
analysis and is kept as it is; so is every `<!-- NAME:begin --> ... <!-- NAME:end -->` block
that other benchmark scripts (bench/recovery_latency.sh) maintain in the same file.
"""

import argparse
import json
import os
import re
import statistics

ANALYSIS_MARKER = "<!-- analysis: hand-written below this line; bench/gen_results.py keeps it -->"

TREES = {
    "a": "(a) large files",
    "b": "(b) many small files",
    "c": "(c) no-change re-run of (b)",
    "d": "(d) realistic ML home",
    "e": "(e) small files on latencyfs",
    "f": "(f) small files on the work directory's own file system",
}
TOOLS = ["lifeboat", "cp", "rsync", "rclone"]
COMMANDS = {
    "lifeboat": "lifeboat copy SRC DST --report FILE",
    "cp": "cp -a SRC/. DST",
    "rsync": "rsync -aHAX SRC/ DST/",
    "rclone": "rclone sync --links --metadata --create-empty-src-dirs -q SRC DST",
}
# (tree, peer, max ratio of lifeboat's median to the peer's median): the targets the engine is held to.
RATIO_TARGETS = [("a", "cp", 1.1), ("b", "rsync", 0.5), ("b", "cp", 1.0), ("c", "rsync", 0.5),
                 ("d", "rsync", 0.5), ("e", "rsync", 0.15)]
# Small files must beat rsync on the dedicated benchmark file system (b) and on the one the
# work directory lives on (f) alike.
BOTH_FS_TREES = ("b", "f")
RSS_LIMIT_MIB = 64
RSS_GROWTH_SLACK_MIB = 2


def read_rows(path):
    rows = []
    with open(path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 8:
                continue
            rows.append({"tree": p[0], "tool": p[1], "run": int(p[2]), "secs": float(p[3]),
                         "rss_kib": int(p[4] or 0), "cpu": float(p[5] or 0) + float(p[6] or 0),
                         "user": float(p[5] or 0), "sys": float(p[6] or 0), "rc": int(p[7])})
    return rows


def read_machine(path):
    out = {}
    with open(path) as f:
        for line in f:
            if ": " in line:
                k, v = line.rstrip("\n").split(": ", 1)
                out[k] = v
    return out


class Stat:
    def __init__(self, runs):
        self.runs = runs
        secs = [r["secs"] for r in runs]
        self.median = statistics.median(secs)
        self.min = min(secs)
        self.max = max(secs)
        self.rss_mib = max(r["rss_kib"] for r in runs) / 1024
        self.cpu = statistics.median(r["cpu"] for r in runs)
        self.failed = [r for r in runs if r["rc"] != 0]
        # the run whose time is closest to the median, for its lifeboat report
        self.median_run = min(runs, key=lambda r: abs(r["secs"] - self.median))["run"]


def stats_by(rows):
    groups = {}
    for r in rows:
        if r["run"] == 0:
            continue
        groups.setdefault((r["tree"], r["tool"]), []).append(r)
    return {k: Stat(v) for k, v in groups.items()}


def lifeboat_report(logs, tree, run):
    path = os.path.join(logs, f"{tree}.lifeboat.{run}.report.json")
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def fmt_s(x):
    return f"{x:.2f}" if x < 100 else f"{x:.0f}"


def report_summary(rep):
    if not rep:
        return ""
    keys = ["status", "files_transferred", "files_skipped", "bytes_written",
            "prepare_duration_ms", "transfer_duration_ms", "verify_duration_ms",
            "total_duration_ms"]
    return ", ".join(f"{k} {rep[k]}" for k in keys if k in rep)



def pressure_avg60(text):
    """The avg60 figure of a /proc/pressure/cpu line ("some avg10=… avg60=5.75 …"), or 0."""
    match = re.search(r"avg60=([0-9.]+)", text or "")
    return float(match.group(1)) if match else 0.0

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--machine", required=True)
    ap.add_argument("--checks", required=True)
    ap.add_argument("--logs", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    rows = read_rows(args.raw)
    m = read_machine(args.machine)
    st = stats_by(rows)
    nproc = int(m.get("cpus", "1"))

    kept = ""
    if os.path.exists(args.out):
        with open(args.out) as f:
            text = f.read()
        before = text
        if ANALYSIS_MARKER in text:
            before, kept = text.split(ANALYSIS_MARKER, 1)
        # Sections other scripts own, found outside the kept part, move below it.
        for block in re.finditer(r"<!-- ([\w-]+):begin -->.*?<!-- \1:end -->", before, re.S):
            kept = kept.rstrip("\n") + "\n\n" + block.group(0) + "\n"

    L = []
    w = L.append
    w("# Lifeboat benchmark results")
    w("")
    w(f"Generated by `bench/run.sh{' --quick' if m.get('mode') == 'quick' else ''}` on "
      f"{m.get('date')} at commit {m.get('commit')}; the timing took {m.get('elapsed')} s. "
      "Every number below was measured in that run; re-run `bench/run.sh` to reproduce.")
    w("")
    w("## Machine")
    w("")
    w(f"- {m.get('cpus')} CPUs ({m.get('cpu')}), {m.get('ram')} RAM, kernel {m.get('kernel')}")
    w(f"- trees and targets on {m.get('fs')}; tree (f) on {m.get('fs_f')}")
    busy = max(pressure_avg60(m.get("cpu_pressure_start")),
               pressure_avg60(m.get("cpu_pressure_end"))) >= 30.0
    w(f"- load average (1, 5, 15 min): {m.get('load')}; CPU pressure (/proc/pressure/cpu) "
      f"{m.get('cpu_pressure_start')} at the start, {m.get('cpu_pressure_end')} at the end. "
      + ("**The machine was busy with other work during the run**: when `some` is near "
         "100 %, runnable tasks wait for a CPU nearly all the time, so absolute times carry "
         "noise and multi-threaded tools get a larger share of the contended CPUs than "
         "single-threaded ones. " if busy else
         "The machine was quiet (under 30 % CPU pressure over a minute at both ends); it is "
         "shared with other engineers, so some noise remains. ")
      + "Tools were alternated run by run so that noise falls on all of them alike.")
    w(f"- {m.get('lifeboat')}; {m.get('cp')}; {m.get('rsync')}; {m.get('rclone')}; "
      f"{m.get('fuse')}")
    cache = m.get("cache")
    if cache == "cold":
        w("- page cache: **cold** — `echo 3 > /proc/sys/vm/drop_caches` before every run")
    else:
        w("- page cache: **warm** — before every timed run the source tree is read once "
          "(`cat` of every file, outside the timing), so every tool starts with the whole "
          "source in the page cache. This matters: rclone drops the cached pages of each "
          "file it reads (`posix_fadvise(DONTNEED)`), so without it whichever tool ran right "
          "after rclone read the tree from disk and took up to 2.5x as long (the spread of "
          "the runs before this was found). Dropping caches is allowed here "
          "(`bench/run.sh --cold`), but it would slow the other engineers' builds and "
          "measure the virtual disk more than the tools.")
    w("")
    w("## Method")
    w("")
    w(f"- One warm-up run, then {m.get('runs')} timed runs per tool and tree; the order of the "
      "tools rotates run by run. Medians, min–max and peak RSS exclude the warm-up. Tree (e) "
      f"is the exception: {m.get('e_runs')} run(s) per tool and no warm-up — every run mounts "
      "a fresh latencyfs, so there is no cache to warm, and cp and rsync need minutes per run "
      "there (`bench/run.sh --e-runs 5` gives the full protocol in about an hour).")
    w("- Wall time of `TOOL SRC DST && sync -f DST`: each copy is timed until it is durable "
      "(lifeboat does its own syncfs; the sync then finds nothing to write). The target is "
      "removed, outside the timing, before every run — except (c), where each tool re-runs "
      "onto the finished copy it made of (b) itself.")
    w("- Peak RSS: `/usr/bin/time -f %M` (for rsync, the largest of its processes). CPU: "
      "user + system seconds of the tool and its children, median run.")
    w("- Commands (default options otherwise):")
    for t in TOOLS:
        w(f"  - {t}: `{COMMANDS[t]}`" + (f" {m['lifeboat_args']}" if t == "lifeboat" and
                                         m.get("lifeboat_args") else ""))
    w("  - rclone has no hard links, sparse files, ACLs or xattrs; `--links` stores symlinks "
      "as links, `--metadata` keeps mode, owner and times. rsync runs without `-S`, as the "
      "issue names it, so it writes the holes of sparse files as zeros. cp is left out of "
      "(c): it has no incremental mode.")
    w(f"- Trees ({m.get('sizes')}):")
    w(f"  - (a) {m.get('tree_a')}")
    w(f"  - (b) {m.get('tree_b')}, 4 KiB each; (c) re-runs (b)")
    w(f"  - (d) {m.get('tree_d')}: a venv (site-packages with .py/.pyc/.so-like files, "
      "dist-info, bin/ symlinks), a conda-like package cache hard-linked into it, a real git "
      "repository packed by `git gc`, notebooks with embedded images, data shards and a "
      "checkpoint (hard-linked), a symlink, xattrs, two sparse files, an empty directory")
    w(f"  - (e) {m.get('tree_e')}, read from and written to `bench/latencyfs` mounted fresh "
      f"for every run, {m.get('latency_us')} µs per metadata operation and open, "
      "kernel attribute/entry cache 1 s (libfuse's default)")
    w(f"  - (f) {m.get('tree_f')}: (b)'s shape, on the file system holding the benchmark "
      f"directory ({m.get('fs_f')}); lifeboat, cp and rsync, each target removed before "
      "every run outside the timing")
    w("")

    w("## Results")
    w("")
    for tree, title in TREES.items():
        tools = [t for t in TOOLS if (tree, t) in st]
        if not tools:
            continue
        w(f"### {title}")
        w("")
        w("| tool | median s | min–max s | peak RSS MiB | CPU s | lifeboat ÷ tool |")
        w("|---|---:|---:|---:|---:|---:|")
        lb = st.get((tree, "lifeboat"))
        for t in tools:
            s = st[(tree, t)]
            ratio = "—" if t == "lifeboat" or lb is None else f"{lb.median / s.median:.2f}×"
            flag = f" ({len(s.failed)} runs exited {s.failed[0]['rc']})" if s.failed else ""
            w(f"| {t}{flag} | {fmt_s(s.median)} | {fmt_s(s.min)}–{fmt_s(s.max)} | "
              f"{s.rss_mib:.1f} | {fmt_s(s.cpu)} | {ratio} |")
        if tree == "f":
            w("")
            w(f"File system: {m.get('fs_f')}.")
        if lb is not None:
            rep = report_summary(lifeboat_report(args.logs, tree, lb.median_run))
            if rep:
                w("")
                w(f"lifeboat's report for its median run: {rep}.")
        w("")

    w("## Targets")
    w("")
    w("| target | measured | verdict |")
    w("|---|---:|---|")
    misses = []
    for tree, peer, limit in RATIO_TARGETS:
        lb, ps = st.get((tree, "lifeboat")), st.get((tree, peer))
        name = f"({tree}) lifeboat ≤ {limit}× {peer}"
        if lb is None or ps is None:
            w(f"| {name} | not run | — |")
            continue
        ratio = lb.median / ps.median
        ok = ratio <= limit and not lb.failed
        w(f"| {name} | {ratio:.2f}× ({fmt_s(lb.median)} s vs {fmt_s(ps.median)} s) | "
          f"{'met' if ok else '**MISSED**'} |")
        if not ok:
            misses.append((name, tree, lb, ps, peer))
    both = [(t, st.get((t, "lifeboat")), st.get((t, "rsync"))) for t in BOTH_FS_TREES]
    name = "lifeboat ≤ rsync on both file systems ((b) and (f))"
    if any(lb is None or ps is None for _, lb, ps in both):
        w(f"| {name} | not run | — |")
    else:
        ok = all(lb.median <= ps.median and not lb.failed for _, lb, ps in both)
        measured = "; ".join(f"({t}) {lb.median / ps.median:.2f}×" for t, lb, ps in both)
        w(f"| {name} | {measured} | {'met' if ok else '**MISSED**'} |")
        if not ok:
            for t, lb, ps in both:
                if lb.median > ps.median or lb.failed:
                    misses.append((f"({t}) lifeboat ≤ rsync", t, lb, ps, "rsync"))
    lb_b, lb_small = st.get(("b", "lifeboat")), st.get(("rss", "lifeboat"))
    if lb_b is not None:
        ok = lb_b.rss_mib < RSS_LIMIT_MIB
        w(f"| (b) lifeboat peak RSS < {RSS_LIMIT_MIB} MiB | {lb_b.rss_mib:.1f} MiB | "
          f"{'met' if ok else '**MISSED**'} |")
        if not ok:
            misses.append((f"(b) peak RSS < {RSS_LIMIT_MIB} MiB", "b", lb_b, None, None))
    if lb_b is not None and lb_small is not None:
        growth = lb_b.rss_mib - lb_small.rss_mib
        ok = growth <= RSS_GROWTH_SLACK_MIB
        w(f"| peak RSS not growing with files (≤ {RSS_GROWTH_SLACK_MIB} MiB more at 5× the "
          f"files) | {lb_small.rss_mib:.1f} MiB at {m.get('sizes', '').split('rss=')[-1]} → "
          f"{lb_b.rss_mib:.1f} MiB on (b) | {'met' if ok else '**MISSED**'} |")
        if not ok:
            misses.append(("peak RSS not growing with files", "b", lb_b, None, None))
    w("")
    if misses:
        w("### Why the missed targets were missed (measured)")
        w("")
        for name, tree, lb, ps, peer in misses:
            cpu_share = lb.cpu / (lb.median * nproc) if lb.median > 0 else 0
            line = (f"- {name}: lifeboat {fmt_s(lb.median)} s wall, {fmt_s(lb.cpu)} s CPU "
                    f"({cpu_share:.0%} of the {nproc} CPUs over its wall time)")
            if ps is not None:
                line += f"; {peer} {fmt_s(ps.median)} s wall, {fmt_s(ps.cpu)} s CPU"
            if lb.failed:
                line += f"; {len(lb.failed)} lifeboat runs failed (exit {lb.failed[0]['rc']})"
            rep = report_summary(lifeboat_report(args.logs, tree, lb.median_run))
            if rep:
                line += f". Report: {rep}"
            w(line + ". See the analysis below.")
        w("")

    w("## Copy checks (entries and apparent bytes, source vs. the last run's copy)")
    w("")
    w("| tree.tool | source | copy | |")
    w("|---|---|---|---|")
    with open(args.checks) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) == 3:
                same = "same" if p[1][4:] == p[2][4:] else "**differs**"
                w(f"| {p[0]} | {p[1][4:]} | {p[2][4:]} | {same} |")
    w("")
    w("rclone drops hard links (each link becomes a file) and keeps entries; differences in "
      "bytes come from directory sizes and symlinks stored differently, not from file data.")
    w("")
    w("<details><summary>Every run (run 0 is the warm-up)</summary>")
    w("")
    w("| tree | tool | run | s | RSS KiB | user s | sys s | exit |")
    w("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        w(f"| {r['tree']} | {r['tool']} | {r['run']} | {r['secs']:.3f} | {r['rss_kib']} | "
          f"{r['user']:.2f} | {r['sys']:.2f} | {r['rc']} |")
    w("")
    w("</details>")
    w("")
    w("## Analysis")
    w("")
    w(ANALYSIS_MARKER + (kept if kept else "\n\n(none yet)\n"))
    with open(args.out, "w") as f:
        f.write("\n".join(L) if not L[-1].endswith("\n") else "\n".join(L))


if __name__ == "__main__":
    main()
