"""Delivers the outbox to the sinks: due rows, retries with exponential backoff and jitter,
dead-lettering after too many attempts.

:meth:`OutboxDispatcher.run_once` delivers everything that is due *now* (by the injected clock)
and returns; tests drive it step by step with a fake clock. In the action server it runs in a
background task (:class:`bot.tickets.worker.BackgroundWorker`), so no user ever waits for a sink:
an escalation only writes rows, in the ticket event's own transaction.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Dict, List, Mapping, Optional, Sequence

from bot.db.repositories import Clock
from bot.tickets.outbox import OutboxEntry, OutboxStore
from bot.tickets.sinks import Delivery, DeliveryError, TicketSink

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with "equal jitter": attempt n waits between half and all of
    ``min(cap, base * factor ** (n - 1))`` seconds, so retries from many rows spread out.

    Attributes:
        base: seconds before the first retry (before jitter).
        factor: growth per attempt.
        cap: the longest wait in seconds.
    """

    base: float = 5.0
    factor: float = 2.0
    cap: float = 3600.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        raw = min(self.cap, self.base * self.factor ** max(0, attempt - 1))
        return raw / 2 + rng.uniform(0, raw / 2)


@dataclass
class DispatchReport:
    """What one :meth:`OutboxDispatcher.run_once` did."""

    delivered: int = 0
    retried: int = 0
    dead: int = 0
    errors: List[str] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        """Deliveries attempted."""
        return self.delivered + self.retried + self.dead


class OutboxDispatcher:
    """Sends due outbox rows to their sinks.

    Args:
        store: the outbox.
        sinks: the configured sinks (rows of other sinks wait).
        clock: returns aware UTC datetimes (due times, retry times).
        backoff: the retry schedule.
        max_attempts: after this many failed attempts a row is dead-lettered.
        timeout: seconds one delivery may take before it counts as failed.
        rng: jitter source (seed it in tests).
        batch: rows claimed per round.
    """

    def __init__(
        self,
        store: OutboxStore,
        sinks: Sequence[TicketSink],
        clock: Clock,
        backoff: Backoff = Backoff(),
        max_attempts: int = 12,
        timeout: float = 30.0,
        rng: Optional[random.Random] = None,
        batch: int = 50,
    ) -> None:
        self.store = store
        self.sinks: Mapping[str, TicketSink] = {sink.name: sink for sink in sinks}
        self.clock = clock
        self.backoff = backoff
        self.max_attempts = max(1, max_attempts)
        self.timeout = timeout
        self.rng = rng or random.Random()
        self.batch = batch

    async def run_once(self, max_rounds: int = 100) -> DispatchReport:
        """Deliver everything due now, head by head per ticket, until nothing is due.

        Args:
            max_rounds: safety limit on claim rounds in one call.

        Returns:
            Counts of what happened.
        """
        report = DispatchReport()
        if not self.sinks:
            return report
        for _ in range(max_rounds):
            claimed = await asyncio.to_thread(self.store.claim_due, list(self.sinks), self.batch)
            if not claimed:
                break
            await asyncio.gather(*(self._deliver(entry, report) for entry in claimed))
        return report

    async def _deliver(self, entry: OutboxEntry, report: DispatchReport) -> None:
        sink = self.sinks[entry.sink]
        attempt = entry.attempts + 1
        delivery = Delivery(
            idempotency_key=entry.idempotency_key,
            sink=entry.sink,
            ticket_reference=str((entry.payload.get("ticket") or {}).get("reference") or ""),
            event_kind=str((entry.payload.get("event") or {}).get("kind") or ""),
            attempt=attempt,
            payload=entry.payload,
        )
        try:
            await asyncio.wait_for(sink.deliver(delivery), self.timeout)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            error = exc if isinstance(exc, DeliveryError) else DeliveryError(
                f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            )
            await self._failed(entry, attempt, error, report)
            return
        await asyncio.to_thread(self.store.mark_delivered, entry.id)
        report.delivered += 1
        log.info("delivered %s (%s) to %s on attempt %d", entry.idempotency_key, delivery.event_kind, entry.sink, attempt)

    async def _failed(self, entry: OutboxEntry, attempt: int, error: DeliveryError, report: DispatchReport) -> None:
        message = str(error) or type(error).__name__
        report.errors.append(f"{entry.idempotency_key}: {message}")
        if not error.retryable or attempt >= self.max_attempts:
            await asyncio.to_thread(self.store.mark_failed, entry.id, message, None)
            report.dead += 1
            why = "rejected" if not error.retryable else f"failed {attempt} times"
            log.error("giving up on %s to %s (%s): %s — see `python -m bot.tickets.cli outbox`", entry.idempotency_key, entry.sink, why, message)
            return
        delay = self.backoff.delay(attempt, self.rng)
        if error.retry_after is not None:
            delay = max(delay, min(error.retry_after, self.backoff.cap))
        retry_at = self.clock() + timedelta(seconds=delay)
        await asyncio.to_thread(self.store.mark_failed, entry.id, message, retry_at)
        report.retried += 1
        log.warning("delivery %s to %s failed (attempt %d): %s; retrying in %.1fs", entry.idempotency_key, entry.sink, attempt, message, delay)


def pending_by_sink(store: OutboxStore) -> Dict[str, int]:
    """Pending rows per sink (for health output)."""
    counts: Dict[str, int] = {}
    for entry in store.entries(status="pending"):
        counts[entry.sink] = counts.get(entry.sink, 0) + 1
    return counts
