"""How long the Rasa server's event loop stalls while the tracker store waits for a locked
SQLite database: Rasa's SQLTrackerStore (blocking calls on the loop) against Frontline's
UrlSQLTrackerStore (worker thread). A stalled loop means every other conversation and every
endpoint waits too.

Run: ``nice -n 19 python bench/tracker_store_lock.py [--runs 5] [--lock 2.0]``. Prints the
longest gap between 10 ms timer ticks during each save, per store, over several runs.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, List

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext.stores import UrlSQLTrackerStore


def _tracker(sender: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, [])
    tracker.update(UserUttered("hello"))
    return tracker


async def _worst_gap(store: Any, lock_seconds: float, db: Path) -> float:
    locker = sqlite3.connect(db, timeout=0, check_same_thread=False)
    locker.execute("BEGIN EXCLUSIVE")
    ticks: List[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.01)


    async def save() -> None:
        try:
            await store.save(_tracker(f"bench-{time.perf_counter_ns()}"))
        except Exception:  # noqa: BLE001 (a failed save is still a measured save)
            pass
        finally:
            done.set()

    # The release runs in a thread so a blocked loop cannot delay it (that would flatter Rasa).
    releaser = asyncio.get_running_loop().run_in_executor(None, lambda: (time.sleep(lock_seconds), locker.rollback()))
    await asyncio.gather(ticker(), save())
    await releaser
    locker.close()
    return max(b - a for a, b in zip(ticks, ticks[1:])) if len(ticks) > 1 else lock_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lock", type=float, default=2.0, help="seconds the database stays locked")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    results = {}
    for name, make in (
        ("rasa SQLTrackerStore", lambda db: SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))),
        ("frontline UrlSQLTrackerStore", lambda db: UrlSQLTrackerStore(Domain.empty(), host=f"sqlite:///{db}")),
    ):
        db = work / f"{name.split()[0]}.db"
        store = make(db)
        asyncio.run(store.save(_tracker("warmup")))
        results[name] = [asyncio.run(_worst_gap(store, args.lock, db)) for _ in range(args.runs)]
    print(f"database locked for {args.lock:.1f} s, {args.runs} runs; longest event-loop stall during one save:")
    for name, gaps in results.items():
        print(f"  {name:30s} median {statistics.median(gaps) * 1000:7.0f} ms   min {min(gaps) * 1000:7.0f}   max {max(gaps) * 1000:7.0f}")


if __name__ == "__main__":
    main()
