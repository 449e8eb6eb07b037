"""Retention: delete what is older than FRONTLINE_RETENTION_DAYS, once a day.

Removed: conversations in Rasa's tracker store (finished sessions older than the window), flow
runs and knowledge-base answers older than the window, and, when FRONTLINE_RETENTION_TICKETS is
on, closed or resolved tickets last updated before it (with their events, deliveries and handoff).
Runs as a job of the action server's background worker; the clock is injected.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Dict, Optional

from sqlalchemy import delete, select
from sqlalchemy.orm import sessionmaker

from bot.db.models import FlowRunRow, HandoffRow, KbAnswerRow, OutboxRow, PendingContactRow, PrivacyAuditRow, TicketEventRow, TicketRow
from bot.db.repositories import CLOSED_TICKET_STATUSES
from bot.privacy import rasa_events

log = logging.getLogger(__name__)


def _bulk(session: Any, statement: Any) -> Any:
    """Run a bulk DELETE/UPDATE (the rows are not loaded in this session, nothing to sync)."""
    return session.execute(statement, execution_options={"synchronize_session": False})

Clock = Callable[[], datetime]
DAY = timedelta(days=1)


def purge(sessions: sessionmaker, now: datetime, days: int, tickets: bool = False) -> Dict[str, int]:
    """Delete everything older than ``days`` days before ``now``.

    Args:
        sessions: session factory on the Frontline database (which holds Rasa's events too).
        now: the current time (aware UTC).
        days: the retention window; 0 deletes nothing.
        tickets: also delete closed/resolved tickets last updated before the window.

    Returns:
        Rows deleted per table.
    """
    counts: Dict[str, int] = {}
    if days <= 0:
        return counts
    cutoff = now - timedelta(days=days)
    with sessions.begin() as session:
        connection = session.connection()
        counts["events"] = rasa_events.delete_events_before(connection, cutoff.timestamp())
        counts["flow_runs"] = _bulk(session, delete(FlowRunRow).where(FlowRunRow.ended_at < cutoff)).rowcount or 0
        counts["kb_answers"] = _bulk(session, delete(KbAnswerRow).where(KbAnswerRow.created_at < cutoff)).rowcount or 0
        # A contact route no ticket took (the flow never escalated) goes with the conversation's events.
        counts["pending_contacts"] = _bulk(session, delete(PendingContactRow).where(PendingContactRow.created_at < cutoff)).rowcount or 0
        if tickets:
            old = select(TicketRow.id).where(TicketRow.status.in_(CLOSED_TICKET_STATUSES), TicketRow.updated_at < cutoff)
            ids = [row[0] for row in session.execute(old)]
            if ids:
                _bulk(session, delete(OutboxRow).where(OutboxRow.ticket_id.in_(ids)))
                _bulk(session, delete(HandoffRow).where(HandoffRow.ticket_id.in_(ids)))
                _bulk(session, delete(TicketEventRow).where(TicketEventRow.ticket_id.in_(ids)))
                _bulk(session, delete(FlowRunRow).where(FlowRunRow.ticket_id.in_(ids)))
                _bulk(session, delete(TicketRow).where(TicketRow.id.in_(ids)))
            counts["tickets"] = len(ids)
        if any(counts.values()):  # what went, never who: counts only
            session.add(PrivacyAuditRow(action="retention", actor="retention", via="job", counts=dict(counts), created_at=now))
    return counts


@dataclass
class RetentionJob:
    """Runs :func:`purge` at most once per day (a background-worker job)."""

    sessions: sessionmaker
    clock: Clock
    days: int
    tickets: bool = False
    last_run: Optional[datetime] = None

    def due(self) -> bool:
        """True when a day has passed since the last run (or it never ran)."""
        return self.days > 0 and (self.last_run is None or self.clock() - self.last_run >= DAY)

    async def run_if_due(self) -> Dict[str, int]:
        """Purge if due (in a thread: it is blocking database work); returns the counts."""
        if not self.due():
            return {}
        now = self.clock()
        counts = await asyncio.to_thread(purge, self.sessions, now, self.days, self.tickets)
        self.last_run = now
        log.info("retention (%d days): removed %s", self.days, ", ".join(f"{v} {k}" for k, v in counts.items()) or "nothing")
        return counts
