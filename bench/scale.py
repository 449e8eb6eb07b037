"""Throughput and turn latency of a Frontline cluster at 10 and 50 users, one and two Rasa replicas.

Starts the cluster of tests/cluster/harness.py (nginx round robin, two Rasa servers, two action
servers, a worker, PostgreSQL tracker store, Redis locks) once. "Two replicas" sends the load to
nginx; "one replica" sends it to the first Rasa server's own port (the harness always starts two;
the second sits idle then). Each user is a thread that sends its turns one after another, waiting
for the reply, with the REST ``seq`` numbering the lock store orders by.

Per run it reports throughput, p50/p95 turn latency, PostgreSQL transactions and row reads/writes
per turn (pg_stat_database deltas of the run's database), Redis commands per turn (INFO
commandstats deltas; Redis is shared, so other users of it show up too) and Rasa CPU ms per turn
(utime+stime of the Rasa process groups, from /proc), and the same for the action servers.

Usage::

    nice -n 10 .venv/bin/python -m bench.scale --users 10 50 --turns 6 --rounds 2
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

SAYINGS = ("hi", "my vpn keeps dropping", "thanks", "what can you do", "my laptop is slow", "ok")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def post(url: str, token: str, sender: str, text: str, seq: int, timeout: float) -> Tuple[bool, float]:
    """One REST turn; returns (answered with HTTP 200, seconds)."""
    body = json.dumps({"sender": sender, "message": text, "seq": seq}).encode()
    req = urllib.request.Request(
        f"{url}/webhooks/rest/webhook", data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            resp.read()
            ok = resp.status == 200
    except (urllib.error.URLError, OSError):
        ok = False
    return ok, time.monotonic() - started


def group_cpu_seconds(pgids: Sequence[int]) -> float:
    """utime+stime of every live process in the given process groups (Rasa and its children)."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        # fields[0] is state (stat field 3): pgrp is field 5, utime 14, stime 15.
        if int(fields[2]) in pgids:
            total += (int(fields[11]) + int(fields[12])) / CLK_TCK
    return total


def pg_counters(database_url: str) -> Dict[str, int]:
    """pg_stat_database counters of the run's database."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from bot.db.engine import make_engine

    engine = make_engine(database_url)
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_stat_clear_snapshot()"))
        row = conn.execute(
            text(
                "SELECT xact_commit + xact_rollback AS xacts, tup_returned, tup_fetched, tup_inserted,"
                " tup_updated, tup_deleted FROM pg_stat_database WHERE datname = :db"
            ),
            {"db": make_url(database_url).database},
        ).mappings().one()
    engine.dispose()
    return {k: int(v) for k, v in row.items()}


def redis_calls(redis_url: str) -> int:
    """Total commands Redis has run (INFO commandstats), minus the INFO calls themselves."""
    import redis

    stats = redis.Redis.from_url(redis_url).info("commandstats")
    return sum(int(v["calls"]) for k, v in stats.items() if k != "cmdstat_info")


def load(url: str, token: str, users: int, turns: int, budget: float) -> Tuple[List[float], int, float]:
    """``users`` users, each sending ``turns`` turns in sequence; returns latencies, failures, wall."""
    run = uuid.uuid4().hex[:8]
    latencies: List[float] = []
    failures = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + budget

    def user(index: int) -> None:
        sender = f"scale-{run}-{index}"  # new senders every run: Redis remembers seq numbers for a day
        for n in range(turns):
            if time.monotonic() > deadline:
                return
            ok, seconds = post(url, token, sender, SAYINGS[(index + n) % len(SAYINGS)], n + 1, timeout=budget)
            with lock:
                if ok:
                    latencies.append(seconds)
                else:
                    failures[0] += 1

    started = time.monotonic()
    with ThreadPoolExecutor(users) as pool:
        list(pool.map(user, range(users)))
    return latencies, failures[0], time.monotonic() - started


def percentile(values: List[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] if ordered else float("nan")


def measure(cluster: Any, replicas: int, users: int, turns: int, budget: float) -> Dict[str, Any]:
    """One run: load plus counter deltas."""
    from tests.cluster.harness import REDIS_URL

    url = cluster.url if replicas == 2 else f"http://127.0.0.1:{cluster.rasa[0].settings.rasa_port}"
    pgids = [r.processes[0].popen.pid for r in cluster.rasa]
    action_pgids = [a.processes[0].popen.pid for a in cluster.actions]
    db = cluster.settings.database_url
    pg0, redis0, cpu0 = pg_counters(db), redis_calls(REDIS_URL), group_cpu_seconds(pgids)
    act0 = group_cpu_seconds(action_pgids)
    latencies, failures, wall = load(url, cluster.settings.rest_token or "", users, turns, budget)
    pg1, redis1, cpu1 = pg_counters(db), redis_calls(REDIS_URL), group_cpu_seconds(pgids)
    act1 = group_cpu_seconds(action_pgids)
    done = max(1, len(latencies))
    return {
        "replicas": replicas, "users": users, "turns": len(latencies), "failed": failures,
        "wall": wall, "tps": len(latencies) / wall,
        "p50": percentile(latencies, 0.50), "p95": percentile(latencies, 0.95),
        "pg_xacts": (pg1["xacts"] - pg0["xacts"]) / done,
        "pg_rows_read": (pg1["tup_returned"] - pg0["tup_returned"] + pg1["tup_fetched"] - pg0["tup_fetched"]) / done,
        "pg_rows_written": sum(pg1[k] - pg0[k] for k in ("tup_inserted", "tup_updated", "tup_deleted")) / done,
        "redis_ops": (redis1 - redis0) / done,
        "rasa_cpu_ms": (cpu1 - cpu0) * 1000 / done,
        "actions_cpu_ms": (act1 - act0) * 1000 / done,
    }


def spread(values: List[float], fmt: str) -> str:
    """min-max of the rounds (a single value if they agree or there is one round)."""
    lo, hi = min(values), max(values)
    return format(lo, fmt) if format(lo, fmt) == format(hi, fmt) else f"{lo:{fmt}}–{hi:{fmt}}"


def table(results: List[Dict[str, Any]]) -> str:
    """Markdown table, one row per configuration, min–max over rounds."""
    lines = [
        "| replicas | users | rounds | turns ok / failed | turns/s | p50 s | p95 s | PG xacts/turn "
        "| PG rows read/turn | PG rows written/turn | Redis ops/turn | Rasa CPU ms/turn | action servers CPU ms/turn |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    keys = sorted({(r["replicas"], r["users"]) for r in results})
    for replicas, users in keys:
        rs = [r for r in results if (r["replicas"], r["users"]) == (replicas, users)]
        col = lambda k, f, rs=rs: spread([r[k] for r in rs], f)  # noqa: E731
        lines.append(
            f"| {replicas} | {users} | {len(rs)} | {sum(r['turns'] for r in rs)} / {sum(r['failed'] for r in rs)} "
            f"| {col('tps', '.1f')} | {col('p50', '.2f')} | {col('p95', '.2f')} | {col('pg_xacts', '.1f')} "
            f"| {col('pg_rows_read', '.0f')} | {col('pg_rows_written', '.1f')} | {col('redis_ops', '.1f')} "
            f"| {col('rasa_cpu_ms', '.0f')} | {col('actions_cpu_ms', '.0f')} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Start the cluster, run every configuration ``--rounds`` times, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2], choices=[1, 2])
    parser.add_argument("--turns", type=int, default=6, help="turns per user")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--budget", type=float, default=120.0, help="seconds per run at most")
    parser.add_argument("--stop-at", type=float, default=0.0, help="skip runs after this many seconds")
    args = parser.parse_args()

    from tests.cluster.harness import build_cluster, drop_database

    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="fl-scale-"))
    cluster = build_cluster(work, {"FRONTLINE_LOCK_LEASE_SECONDS": "10"})
    results: List[Dict[str, Any]] = []
    try:
        cluster.start()
        print(f"cluster up in {time.monotonic() - started:.0f}s", flush=True)
        load(cluster.url, cluster.settings.rest_token or "", 2, 2, 120)  # warm-up, not measured
        for round_ in range(args.rounds):
            for replicas in args.replicas:
                for users in args.users:
                    if args.stop_at and time.monotonic() - started > args.stop_at:
                        print(f"time's up: skipped round {round_ + 1} {replicas}r/{users}u", flush=True)
                        continue
                    r = measure(cluster, replicas, users, args.turns, args.budget)
                    results.append(r)
                    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in r.items()}), flush=True)
    finally:
        cluster.stop()
        drop_database(cluster.settings.database_url)
    print(table(results))
    print(f"median Rasa CPU ms/turn over all runs: {statistics.median(r['rasa_cpu_ms'] for r in results):.0f}" if results else "")


if __name__ == "__main__":
    main()
