"""A background loop in the action server: runs its jobs now and then, or at once when woken.

The jobs are the outbox dispatcher (deliveries to external ticket systems) and the handoff's
"post waiting tickets to the engineers' desk". Each round runs every job; a job that raises is
logged and the loop carries on. :meth:`BackgroundWorker.wake` (called after an escalation)
starts the next round immediately instead of at the next tick.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Optional, Sequence, Tuple

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[Any]]


class BackgroundWorker:
    """Runs ``jobs`` every ``interval`` seconds in the running event loop.

    Args:
        jobs: ``(name, coroutine function)`` pairs, run in order each round.
        interval: seconds between rounds when nobody wakes the worker.
    """

    def __init__(self, jobs: Sequence[Tuple[str, Job]], interval: float = 2.0) -> None:
        self.jobs = tuple(jobs)
        self.interval = interval
        self._task: Optional["asyncio.Task[None]"] = None
        self._wake: Optional[asyncio.Event] = None
        self.rounds = 0

    async def start(self) -> None:
        """Start the loop (idempotent); call from within the server's event loop."""
        if self._task is not None or not self.jobs:
            return
        self._wake = asyncio.Event()
        self._task = asyncio.ensure_future(self._loop())
        log.info("background worker started: %s every %.1fs", ", ".join(n for n, _ in self.jobs), self.interval)

    def wake(self) -> None:
        """Run the next round now (safe to call when not started: does nothing)."""
        if self._wake is not None:
            self._wake.set()

    async def run_round(self) -> None:
        """Run every job once (what each loop iteration does)."""
        for name, job in self.jobs:
            try:
                await job()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("background job %s failed; it runs again next round", name)
        self.rounds += 1

    async def _loop(self) -> None:
        assert self._wake is not None
        while True:
            self._wake.clear()
            await self.run_round()
            try:
                await asyncio.wait_for(self._wake.wait(), self.interval)
            except asyncio.TimeoutError:
                pass

    async def stop(self) -> None:
        """Stop the loop, letting a round in progress be cancelled."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
