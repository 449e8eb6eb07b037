"""Tracker retrieval on PostgreSQL with and without the ``events.sender_id`` index (migration 0007).

    nice -n 10 .venv/bin/python bench/tracker_index.py --events 100000 --senders 1000 --lookups 300 --rounds 3

Creates a throwaway database on the test PostgreSQL server (FRONTLINE_TEST_PG_URL, default
postgresql+psycopg2://postgres@127.0.0.1:5432/test), migrates it (so ``events`` has the index),
fills ``events`` with Rasa-shaped rows (each sender: a session start, then user/bot/action
events), and times the exact query Rasa's SQLTrackerStore runs to retrieve a tracker
(``_event_query(...).all()``, the latest session's events) for random senders, first with the
index, then after dropping it (``ANALYZE`` both times). Each round times ``--lookups`` lookups;
the table reports the median of the per-round p50/p95 and the min-max spread across rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import time
import uuid
import warnings
from datetime import datetime, timezone
from typing import Dict, List

from sqlalchemy import text
from sqlalchemy.engine import make_url

PG = os.environ.get("FRONTLINE_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


def fill(url: str, events: int, senders: int) -> None:
    from bot.db.engine import make_engine

    per = events // senders
    engine = make_engine(url)
    rows: List[Dict[str, object]] = []
    t0 = 1.7e9
    for s in range(senders):
        sender = f"rest:bench-{s:06d}"
        for i in range(per):
            kind = "session_started" if i == 1 else ("user", "bot", "action")[i % 3]
            data = {"event": kind, "timestamp": t0 + s * 1000 + i, "text": f"message {i}" if kind in ("user", "bot") else None}
            rows.append({"sender_id": sender, "type_name": kind, "timestamp": t0 + s * 1000 + i,
                         "intent_name": "greet" if kind == "user" else None, "action_name": "action_listen" if kind == "action" else None,
                         "data": json.dumps(data)})
    random.Random(1).shuffle(rows)  # conversations interleave in a real table
    with engine.begin() as connection:
        for start in range(0, len(rows), 5000):
            connection.execute(text("INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                                    "VALUES (:sender_id, :type_name, :timestamp, :intent_name, :action_name, :data)"), rows[start:start + 5000])
        connection.execute(text("ANALYZE events"))
    engine.dispose()


def time_lookups(store: object, senders: int, lookups: int, seed: int) -> List[float]:
    rng = random.Random(seed)
    times = []
    for _ in range(lookups):
        sender = f"rest:bench-{rng.randrange(senders):06d}"
        start = time.perf_counter()
        with store.session_scope() as session:  # type: ignore[attr-defined]
            rows = store._event_query(session, sender, fetch_events_from_all_sessions=False).all()  # type: ignore[attr-defined]
        times.append((time.perf_counter() - start) * 1000)
        assert rows, sender
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--senders", type=int, default=1000)
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from bot.db.engine import make_engine
    from bot.db.migrate import upgrade
    from bot.db.tracker_events import SENDER_INDEX
    from bot.rasa_ext.stores import UrlSQLTrackerStore

    name = f"fl_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        fill(url, args.events, args.senders)
        results: Dict[str, List[List[float]]] = {}
        for label in ("with index", "without index"):
            if label == "without index":
                engine = make_engine(url)
                with engine.begin() as connection:
                    connection.execute(text(f"DROP INDEX {SENDER_INDEX}"))
                    connection.execute(text("ANALYZE events"))
                engine.dispose()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                store = UrlSQLTrackerStore(host=url)
                if label == "without index":  # the plug-in would restore it on start; keep it dropped for the bench
                    with store.engine.begin() as connection:
                        connection.execute(text(f"DROP INDEX IF EXISTS {SENDER_INDEX}"))
                        connection.execute(text("ANALYZE events"))
            time_lookups(store, args.senders, 20, seed=99)  # warm the pool and the cache
            results[label] = [time_lookups(store, args.senders, args.lookups, seed=r) for r in range(args.rounds)]
            store.engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; PostgreSQL at {make_url(PG).host}; "
          f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; {args.events} events, {args.senders} senders, "
          f"{args.rounds} rounds x {args.lookups} lookups")
    print("| events table | p50 ms (spread) | p95 ms (spread) | mean ms |\n|---|---|---|---|")
    for label, rounds in results.items():
        p50s = [statistics.median(r) for r in rounds]
        p95s = [sorted(r)[int(len(r) * 0.95) - 1] for r in rounds]
        mean = statistics.mean(t for r in rounds for t in r)
        print(f"| {label} | {statistics.median(p50s):.2f} ({min(p50s):.2f}-{max(p50s):.2f}) | "
              f"{statistics.median(p95s):.2f} ({min(p95s):.2f}-{max(p95s):.2f}) | {mean:.2f} |")


if __name__ == "__main__":
    main()
