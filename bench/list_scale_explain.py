#!/usr/bin/env python3
"""Prints SQLite's plan for each paged-list query the API runs (bench/list_scale.sh).

list_scale_explain.py DB_FILE

The statements are those store/page.h's run_keyset_query builds for the main filter and
sort combinations (a page after a cursor), so the plans show which index serves each:
"SEARCH ... USING INDEX x" without "USE TEMP B-TREE FOR ORDER BY" is one range scan.
"""
import sqlite3
import sys

C = 'COLLATE "C"'
P = "domain_name, kind, name, status, updated_at"


def keyset(where, keys, desc=False):
    cmp = "<" if desc else ">"
    order = ", ".join(k + (" DESC" if desc else " ASC") for k in keys)
    marks = ", ".join("?" for _ in keys)
    conds = "".join(f" AND {w}" for w in where)
    return (f"SELECT {P} FROM profiles WHERE 1 = 1{conds} AND ({', '.join(keys)}) {cmp} ({marks}) "
            f"ORDER BY {order} LIMIT ?")


NAME = [f"name {C}", f"domain_name {C}", "kind"]
NAME_D = [f"name {C}", "kind"]
UPD = [f"updated_at {C}", f"domain_name {C}", "kind", f"name {C}"]
UPD_D = [f"updated_at {C}", "kind", f"name {C}"]
PREFIX = [f"name {C} >= ?", f"name {C} < ?"]
CASES = [
    ("profiles sort=name", keyset([], NAME)),
    ("profiles sort=-name", keyset([], NAME, True)),
    ("profiles sort=-updated", keyset([], UPD, True)),
    ("profiles domain", keyset(["domain_name = ?"], NAME_D)),
    ("profiles domain sort=-updated", keyset(["domain_name = ?"], UPD_D, True)),
    ("profiles status", keyset(["status = ?"], NAME)),
    ("profiles status sort=updated", keyset(["status = ?"], UPD)),
    ("profiles prefix", keyset(PREFIX, NAME)),
    ("profiles domain prefix", keyset(["domain_name = ?"] + PREFIX, NAME_D)),
    ("profiles kind replication", keyset(["kind = ?", "replication = ?"], NAME)),
    ("history newest first",
     "SELECT seq FROM profile_history WHERE 1 = 1 AND domain_name = ? AND kind = ? AND name = ? "
     "AND (seq) < (?) ORDER BY seq DESC LIMIT ?"),
    ("executions -started",
     f"SELECT id FROM executions WHERE 1 = 1 AND parent_id IS NULL AND (start_time {C}, id {C}) "
     f"< (?, ?) ORDER BY start_time {C} DESC, id {C} DESC LIMIT ?"),
    ("executions status",
     f"SELECT id FROM executions WHERE 1 = 1 AND parent_id IS NULL AND status = ? AND "
     f"(start_time {C}, id {C}) < (?, ?) ORDER BY start_time {C} DESC, id {C} DESC LIMIT ?"),
    ("executions profile",
     f"SELECT id FROM executions WHERE 1 = 1 AND parent_id IS NULL AND profile_key = ? AND "
     f"(start_time {C}, id {C}) < (?, ?) ORDER BY start_time {C} DESC, id {C} DESC LIMIT ?"),
    ("transfers domain",
     "SELECT seq FROM transfers WHERE 1 = 1 AND domain_name = ? AND (seq) < (?) "
     "ORDER BY seq DESC LIMIT ?"),
    ("held events",
     f"SELECT event_id FROM held_events WHERE 1 = 1 AND (next_attempt_at {C}, event_id {C}) > "
     f"(?, ?) ORDER BY next_attempt_at {C} ASC, event_id {C} ASC LIMIT ?"),
    ("dead letters",
     f"SELECT id FROM dead_letters WHERE 1 = 1 AND (created_at {C}, id {C}) < (?, ?) "
     f"ORDER BY created_at {C} DESC, id {C} DESC LIMIT ?"),
]


def main():
    db = sqlite3.connect(sys.argv[1])
    # The store's byte-order collation (store/sqlite_session.cpp).
    db.create_collation("C", lambda a, b: (a.encode() > b.encode()) - (a.encode() < b.encode()))
    for what, sql in CASES:
        n = sql.count("?")
        plan = db.execute("EXPLAIN QUERY PLAN " + sql, [None] * n).fetchall()
        print(f"{what}: " + " | ".join(row[-1] for row in plan))


if __name__ == "__main__":
    main()
