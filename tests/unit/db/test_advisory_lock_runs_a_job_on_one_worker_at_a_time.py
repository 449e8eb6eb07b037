"""bot/db/advisory.py: on PostgreSQL a second worker skips a job another one is running; on
SQLite (one machine) the job simply runs."""

from __future__ import annotations

import asyncio

from bot.db.advisory import singleton, try_lock, unlock
from bot.db.engine import make_engine


def test_a_job_held_by_one_worker_is_skipped_by_another_then_runs_again(db_url: str) -> None:
    one, two = make_engine(db_url), make_engine(db_url)
    runs = []

    async def job() -> str:
        runs.append("ran")
        return "done"

    try:
        held = try_lock(one, "retention")
        assert held is not None
        result = asyncio.run(singleton(two, "retention", job)())
        if one.dialect.name == "postgresql":
            assert (result, runs) == (None, [])  # the other worker holds it
        else:
            assert (result, runs) == ("done", ["ran"])
        unlock(held, "retention")
        runs.clear()
        assert asyncio.run(singleton(two, "retention", job)()) == "done"
        assert runs == ["ran"]
    finally:
        one.dispose()
        two.dispose()
