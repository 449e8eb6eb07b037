"""The action server's background worker runs its jobs periodically, at once when woken, and
survives a failing job."""

import asyncio
from typing import List


def test_worker_runs_every_job_each_round_and_survives_errors() -> None:
    from bot.tickets.worker import BackgroundWorker

    calls: List[str] = []

    async def ok() -> None:
        calls.append("ok")

    async def broken() -> None:
        calls.append("broken")
        raise RuntimeError("sink misconfigured")

    async def scenario() -> None:
        worker = BackgroundWorker([("broken", broken), ("ok", ok)], interval=60)
        await worker.start()
        await asyncio.sleep(0.05)
        assert calls == ["broken", "ok"]  # the first round runs at start
        worker.wake()
        await asyncio.sleep(0.05)
        assert calls == ["broken", "ok", "broken", "ok"]  # woken long before the 60 s interval
        await worker.stop()
        worker.wake()
        await asyncio.sleep(0.05)
        assert len(calls) == 4

    asyncio.run(scenario())
