"""Run a job on one worker at a time: a PostgreSQL advisory lock around it.

Several workers may run (``frontline run --role worker`` on several machines); jobs that must
not run twice at once (posting waiting tickets to the engineers' desk, retention, KB ingestion)
take ``pg_try_advisory_lock`` on a connection of their own and skip the round when another
worker holds it. The lock is the session's, so a worker that dies releases it with its
connection. SQLite is single-machine: there the job simply runs.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import Any, Awaitable, Callable, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[Any]]


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (advisory locks are numbered)."""
    return int.from_bytes(hashlib.sha256(f"frontline:{name}".encode()).digest()[:8], "big", signed=True)


def try_lock(engine: Engine, name: str) -> Optional[Connection]:
    """The connection holding the lock ``name``, or None if another session holds it."""
    conn = engine.connect()
    if engine.dialect.name != "postgresql":
        return conn
    try:
        got = conn.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": lock_key(name)}).scalar()
        conn.commit()
    except Exception:
        conn.close()
        raise
    if not got:
        conn.close()
        return None
    return conn


def unlock(conn: Connection, name: str) -> None:
    """Release the lock ``name`` held by ``conn`` and return the connection to the pool."""
    try:
        if conn.engine.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": lock_key(name)})
            conn.commit()
    finally:
        conn.close()


def singleton(engine: Engine, name: str, job: Job) -> Job:
    """``job``, run only while holding the advisory lock ``name`` (skipped when another holds it)."""

    async def run() -> Any:
        conn = await asyncio.to_thread(try_lock, engine, name)
        if conn is None:
            log.debug("job %s runs on another worker this round", name)
            return None
        try:
            return await job()
        finally:
            await asyncio.to_thread(unlock, conn, name)

    return run
