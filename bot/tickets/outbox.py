"""The delivery outbox: ticket events queued for external sinks, in the events' own transaction.

:class:`OutboxWriter` is a :class:`bot.db.repositories.TicketStore` event hook: whenever a ticket
event is recorded it adds one ``ticket_outbox`` row per configured sink *in the same
transaction*, so an event and its deliveries are committed (or rolled back) together and a sink
that is down loses nothing. :class:`OutboxStore` is what the dispatcher uses to claim due rows
and record the outcome of each attempt.

Ordering: only the oldest pending row of each (sink, ticket) pair is ever due, so one ticket's
events reach a sink in the order they happened; different tickets do not wait for each other.
A row that gives up (``dead``) no longer holds back the rows after it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Collection, Dict, List, Mapping, Optional, Sequence

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import OutboxRow, TicketEventRow, TicketRow
from bot.db.repositories import Clock, utc_now

PAYLOAD_VERSION = 1
# Ticket fields every delivery carries; ``created`` deliveries also carry ``details``.
TICKET_FIELDS = (
    "reference", "status", "priority", "category", "team", "requester_id", "requester_name",
    "channel", "conversation_id", "summary", "assignee",
)


def _iso(value: Optional[datetime]) -> Optional[str]:
    return value.isoformat() if value is not None else None


def idempotency_key(sink: str, event_id: int) -> str:
    """The key a sink sees on every attempt of one event's delivery."""
    return f"{sink}:{event_id}"


def delivery_payload(ticket: TicketRow, event: TicketEventRow, sink: str) -> Dict[str, Any]:
    """The JSON document delivered for ``event`` of ``ticket`` (a snapshot at event time).

    Args:
        ticket: the ticket row as it is after the event.
        event: the event row (flushed, so it has an id).
        sink: the sink's name.

    Returns:
        ``{"version", "idempotency_key", "event": {...}, "ticket": {...}}``.
    """
    snapshot: Dict[str, Any] = {name: getattr(ticket, name) for name in TICKET_FIELDS}
    snapshot.update(
        id=ticket.id,
        created_at=_iso(ticket.created_at),
        updated_at=_iso(ticket.updated_at),
        resolved_at=_iso(ticket.resolved_at),
    )
    if event.kind == "created":
        snapshot["details"] = copy.deepcopy(ticket.details)
    return {
        "version": PAYLOAD_VERSION,
        "idempotency_key": idempotency_key(sink, event.id),
        "event": {
            "id": event.id,
            "kind": event.kind,
            "actor": event.actor,
            "body": event.body,
            "data": copy.deepcopy(event.data),
            "created_at": _iso(event.created_at),
        },
        "ticket": snapshot,
    }


class OutboxWriter:
    """Ticket event hook that queues the event for every sink (same transaction).

    Args:
        sinks: names of the configured sinks.
    """

    def __init__(self, sinks: Sequence[str]) -> None:
        self.sinks = tuple(sinks)

    def __call__(self, session: Session, ticket: TicketRow, event: TicketEventRow) -> None:
        """Add one pending row per sink for ``event``."""
        for sink in self.sinks:
            session.add(
                OutboxRow(
                    sink=sink,
                    ticket_id=ticket.id,
                    event_id=event.id,
                    idempotency_key=idempotency_key(sink, event.id),
                    payload=delivery_payload(ticket, event, sink),
                    status="pending",
                    attempts=0,
                    next_attempt_at=event.created_at,
                    locked_until=None,
                    last_error=None,
                    created_at=event.created_at,
                    delivered_at=None,
                )
            )


@dataclass(frozen=True)
class OutboxEntry:
    """One outbox row.

    Attributes:
        id: row id (increases with event time).
        sink: the sink's name.
        ticket_id: the ticket.
        event_id: the ticket event.
        idempotency_key: ``<sink>:<event id>``.
        payload: the JSON document to deliver.
        status: pending, delivered or dead.
        attempts: attempts made so far.
        next_attempt_at: when a pending row is next due.
        last_error: why the last attempt failed.
        created_at: when the event happened.
        delivered_at: when it was delivered.
    """

    id: int
    sink: str
    ticket_id: int
    event_id: int
    idempotency_key: str
    payload: Dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: Optional[str]
    created_at: datetime
    delivered_at: Optional[datetime]


def _entry(row: OutboxRow) -> OutboxEntry:
    return OutboxEntry(
        id=row.id, sink=row.sink, ticket_id=row.ticket_id, event_id=row.event_id,
        idempotency_key=row.idempotency_key, payload=copy.deepcopy(row.payload), status=row.status,
        attempts=row.attempts, next_attempt_at=row.next_attempt_at, last_error=row.last_error,
        created_at=row.created_at, delivered_at=row.delivered_at,
    )


class OutboxStore:
    """Claims due deliveries and records attempts. Safe with several dispatchers at once: a
    row is claimed by a conditional update (a lease), so only one of them sends it.

    Args:
        session_factory: from :func:`bot.db.engine.make_session_factory`.
        clock: returns aware UTC datetimes.
    """

    def __init__(self, session_factory: sessionmaker, clock: Clock = utc_now) -> None:
        self._sessions = session_factory
        self._clock = clock

    def claim_due(self, sinks: Collection[str], limit: int = 50, lease: timedelta = timedelta(minutes=2)) -> List[OutboxEntry]:
        """Claim the deliveries that are due now: the oldest pending row of each (sink, ticket),
        if its time has come and nobody else holds it.

        Args:
            sinks: only rows for these sinks (others wait until their sink is configured again).
            limit: at most this many rows.
            lease: how long the claim holds; a dispatcher that dies mid-delivery releases its
                rows when the lease runs out.

        Returns:
            The claimed rows, oldest first.
        """
        if not sinks:
            return []
        now = self._clock()
        heads = (
            select(func.min(OutboxRow.id))
            .where(OutboxRow.status == "pending", OutboxRow.sink.in_(list(sinks)))
            .group_by(OutboxRow.sink, OutboxRow.ticket_id)
        )
        due = (
            select(OutboxRow.id)
            .where(
                OutboxRow.id.in_(heads.scalar_subquery()),
                OutboxRow.next_attempt_at <= now,
                or_(OutboxRow.locked_until.is_(None), OutboxRow.locked_until <= now),
            )
            .order_by(OutboxRow.id)
            .limit(limit)
            # PostgreSQL: rows another dispatcher is claiming right now are skipped, not waited
            # for (SQLite ignores it: one writer at a time anyway). The conditional update below
            # still decides, so a row is claimed by one dispatcher only.
            .with_for_update(skip_locked=True, of=OutboxRow)
        )
        claimed: List[OutboxEntry] = []
        with self._sessions.begin() as session:
            for row_id in session.execute(due).scalars().all():
                result = session.execute(
                    update(OutboxRow)
                    .where(
                        OutboxRow.id == row_id,
                        OutboxRow.status == "pending",
                        or_(OutboxRow.locked_until.is_(None), OutboxRow.locked_until <= now),
                    )
                    .values(locked_until=now + lease)
                    .execution_options(synchronize_session=False)
                )
                if result.rowcount == 1:
                    row = session.get(OutboxRow, row_id, populate_existing=True)
                    claimed.append(_entry(row))
        return claimed

    def mark_delivered(self, entry_id: int) -> None:
        """Record a successful attempt."""
        with self._sessions.begin() as session:
            session.execute(
                update(OutboxRow)
                .where(OutboxRow.id == entry_id)
                .values(status="delivered", delivered_at=self._clock(), attempts=OutboxRow.attempts + 1,
                        locked_until=None, last_error=None)
                .execution_options(synchronize_session=False)
            )

    def mark_failed(self, entry_id: int, error: str, retry_at: Optional[datetime]) -> None:
        """Record a failed attempt.

        Args:
            entry_id: the row.
            error: what went wrong (truncated to 2000 characters).
            retry_at: when to try again; None gives up (the row becomes ``dead``).
        """
        values: Dict[str, Any] = {"attempts": OutboxRow.attempts + 1, "locked_until": None, "last_error": error[:2000]}
        if retry_at is None:
            values["status"] = "dead"
        else:
            values["next_attempt_at"] = retry_at
        with self._sessions.begin() as session:
            session.execute(
                update(OutboxRow).where(OutboxRow.id == entry_id).values(**values)
                .execution_options(synchronize_session=False)
            )

    def entries(self, sink: Optional[str] = None, ticket_id: Optional[int] = None, status: Optional[str] = None) -> List[OutboxEntry]:
        """Rows, oldest first, optionally filtered (for operators and tests)."""
        statement = select(OutboxRow).order_by(OutboxRow.id)
        if sink is not None:
            statement = statement.where(OutboxRow.sink == sink)
        if ticket_id is not None:
            statement = statement.where(OutboxRow.ticket_id == ticket_id)
        if status is not None:
            statement = statement.where(OutboxRow.status == status)
        with self._sessions() as session:
            return [_entry(row) for row in session.execute(statement).scalars()]

    def counts(self) -> Mapping[str, int]:
        """Rows per status, e.g. ``{"pending": 2, "delivered": 40, "dead": 1}``."""
        statement = select(OutboxRow.status, func.count(OutboxRow.id)).group_by(OutboxRow.status)
        with self._sessions() as session:
            return {status: int(count) for status, count in session.execute(statement)}

    def next_due(self, sinks: Collection[str]) -> Optional[datetime]:
        """When the earliest pending row of these sinks is due (None if there is none)."""
        if not sinks:
            return None
        statement = select(func.min(OutboxRow.next_attempt_at)).where(
            and_(OutboxRow.status == "pending", OutboxRow.sink.in_(list(sinks)))
        )
        with self._sessions() as session:
            return session.execute(statement).scalar_one_or_none()

    def requeue_dead(self, sink: Optional[str] = None) -> int:
        """Give dead deliveries another round of attempts (after fixing the receiver).

        Returns:
            How many rows were requeued.
        """
        statement = update(OutboxRow).where(OutboxRow.status == "dead")
        if sink is not None:
            statement = statement.where(OutboxRow.sink == sink)
        with self._sessions.begin() as session:
            result = session.execute(
                statement.values(status="pending", attempts=0, next_attempt_at=self._clock(), locked_until=None)
                .execution_options(synchronize_session=False)
            )
            return int(result.rowcount)
