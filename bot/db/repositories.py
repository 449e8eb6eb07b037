"""Repositories: the only code that opens sessions. They return plain frozen dataclasses.

Each repository takes a session factory (from :func:`bot.db.engine.make_session_factory`) and a
clock returning aware datetimes (default :func:`utc_now`; tests inject a fixed clock). Every
public method runs in its own transaction.

Concurrency: the Rasa server and the action server may write at the same time. Ticket
references are derived from the ticket's primary key inside the inserting transaction, so they
are unique without any counter table. Read-modify-write operations on a ticket first issue a
no-op ``UPDATE`` of that row, which takes the row lock on PostgreSQL and the write lock on SQLite
before the current values are read, so concurrent status changes are serialised and every
``status_changed`` event records the true previous status.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import (
    FLOW_OUTCOMES,
    OPEN_TICKET_STATUSES,
    TICKET_EVENT_KINDS,
    TICKET_PRIORITIES,
    TICKET_STATUSES,
    FlowRunRow,
    TicketEventRow,
    TicketRow,
)

Clock = Callable[[], datetime]
# Called inside the transaction that records a ticket event, after the event row is flushed
# (so it has its id): e.g. the outbox writer adds the event's deliveries to the same transaction.
EventHook = Callable[[Session, TicketRow, TicketEventRow], None]

REFERENCE_PREFIX = "SUP-"
REFERENCE_OFFSET = 1000
CLOSED_TICKET_STATUSES = tuple(s for s in TICKET_STATUSES if s not in OPEN_TICKET_STATUSES)


def utc_now() -> datetime:
    """Return the current time as an aware UTC datetime (the default clock)."""
    return datetime.now(timezone.utc)


def reference_for(ticket_id: int) -> str:
    """Return the human reference of the ticket with primary key ``ticket_id``.

    Args:
        ticket_id: the ticket's database id.

    Returns:
        ``SUP-<1000 + ticket_id>``, e.g. ``SUP-1001`` for the first ticket.
    """
    return f"{REFERENCE_PREFIX}{REFERENCE_OFFSET + ticket_id}"


def normalise_reference(reference: str) -> str:
    """Normalise a reference typed by a person (``" sup-1042 "`` → ``"SUP-1042"``).

    Args:
        reference: the reference as typed.

    Returns:
        The canonical upper-case form without surrounding whitespace or ``#``.
    """
    return reference.strip().lstrip("#").strip().upper()


class TicketNotFound(LookupError):
    """No ticket has the given id."""


@dataclass(frozen=True)
class FlowRun:
    """A finished flow run.

    Attributes:
        id: database id.
        conversation_id: Rasa sender/conversation id.
        channel: input channel name (slack, web, rest, ...).
        flow_id: the flow that ran.
        outcome: resolved, escalated or abandoned.
        answers: the answers saved during the run (JSON object).
        trail: the steps taken (JSON list).
        started_at: when the flow started (aware UTC).
        ended_at: when the flow ended (aware UTC).
        ticket_id: the ticket opened by an escalation, if any.
    """

    id: int
    conversation_id: str
    channel: str
    flow_id: str
    outcome: str
    answers: Dict[str, Any]
    trail: List[Any]
    started_at: datetime
    ended_at: datetime
    ticket_id: Optional[int]


@dataclass(frozen=True)
class Ticket:
    """A support ticket.

    Attributes:
        id: database id.
        reference: human reference, ``SUP-<1000 + id>``.
        status: new, claimed, waiting_on_user, resolved or closed.
        priority: low, normal, high or urgent.
        category: flow id or topic.
        team: the team the ticket is routed to.
        requester_id: channel-specific id of the person who asked for help.
        requester_name: their display name, if known.
        channel: where the conversation happened (slack, web, rest, ...).
        conversation_id: Rasa sender/conversation id.
        summary: one-paragraph summary for the agent.
        details: JSON object (entities, trail, KB articles shown, transcript, ...).
        assignee: the agent who claimed it, if any.
        created_at: creation time (aware UTC).
        updated_at: time of the last change or event (aware UTC).
        resolved_at: when it was last resolved/closed, or None while open.
        requester_email: the requester's verified e-mail (lower-case), if known.
        contact_route: a phone number or e-mail the requester gave to be contacted on, if any
            (not redacted: the engineer reads it on the ticket).
    """

    id: int
    reference: str
    status: str
    priority: str
    category: str
    team: str
    requester_id: str
    requester_name: Optional[str]
    channel: str
    conversation_id: str
    summary: str
    details: Dict[str, Any]
    assignee: Optional[str]
    created_at: datetime
    updated_at: datetime
    resolved_at: Optional[datetime]
    requester_email: Optional[str] = None
    contact_route: Optional[str] = None

    @property
    def is_open(self) -> bool:
        """Whether the ticket still needs work (new, claimed or waiting_on_user)."""
        return self.status in OPEN_TICKET_STATUSES


@dataclass(frozen=True)
class TicketEvent:
    """One entry of a ticket's history.

    Attributes:
        id: database id (increases with time).
        ticket_id: the ticket's database id.
        kind: created, status_changed, message, note, assigned or rating.
        actor: who caused it (user id, agent id, or ``frontline`` for the bot).
        body: free text (message/note text; may be empty).
        data: JSON object with kind-specific data (e.g. ``{"from": "new", "to": "claimed"}``).
        created_at: when it happened (aware UTC).
    """

    id: int
    ticket_id: int
    kind: str
    actor: str
    body: str
    data: Dict[str, Any]
    created_at: datetime


def _check_choice(name: str, value: str, allowed: Sequence[str]) -> None:
    """Raise ValueError unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"invalid {name} {value!r}; expected one of {', '.join(allowed)}")


def _aware_utc(name: str, value: datetime) -> datetime:
    """Return ``value`` in UTC, rejecting naive datetimes.

    Raises:
        ValueError: if ``value`` has no timezone.
    """
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")
    return value.astimezone(timezone.utc)


def _flow_run(row: FlowRunRow) -> FlowRun:
    """Convert an ORM row to a :class:`FlowRun`."""
    return FlowRun(
        id=row.id,
        conversation_id=row.conversation_id,
        channel=row.channel,
        flow_id=row.flow_id,
        outcome=row.outcome,
        answers=copy.deepcopy(row.answers),
        trail=copy.deepcopy(row.trail),
        started_at=row.started_at,
        ended_at=row.ended_at,
        ticket_id=row.ticket_id,
    )


def _ticket(row: TicketRow) -> Ticket:
    """Convert an ORM row to a :class:`Ticket`."""
    return Ticket(
        id=row.id,
        reference=row.reference,
        status=row.status,
        priority=row.priority,
        category=row.category,
        team=row.team,
        requester_id=row.requester_id,
        requester_name=row.requester_name,
        channel=row.channel,
        conversation_id=row.conversation_id,
        summary=row.summary,
        details=copy.deepcopy(row.details),
        assignee=row.assignee,
        created_at=row.created_at,
        updated_at=row.updated_at,
        resolved_at=row.resolved_at,
        requester_email=row.requester_email,
        contact_route=row.contact_route,
    )


def _event(row: TicketEventRow) -> TicketEvent:
    """Convert an ORM row to a :class:`TicketEvent`."""
    return TicketEvent(
        id=row.id,
        ticket_id=row.ticket_id,
        kind=row.kind,
        actor=row.actor,
        body=row.body,
        data=copy.deepcopy(row.data),
        created_at=row.created_at,
    )


class FlowRunStore:
    """Records finished flow runs (for analytics and for ticket context)."""

    def __init__(self, session_factory: sessionmaker, clock: Clock = utc_now) -> None:
        """Create the store.

        Args:
            session_factory: factory from :func:`bot.db.engine.make_session_factory`.
            clock: returns the current time as an aware datetime.
        """
        self._session_factory = session_factory
        self._clock = clock

    def record(
        self,
        conversation_id: str,
        channel: str,
        flow_id: str,
        outcome: str,
        answers: Mapping[str, Any],
        trail: Sequence[Any],
        started_at: datetime,
        *,
        ended_at: Optional[datetime] = None,
        ticket_id: Optional[int] = None,
    ) -> int:
        """Store one finished flow run.

        Args:
            conversation_id: Rasa sender/conversation id.
            channel: input channel name.
            flow_id: the flow that ran.
            outcome: ``resolved``, ``escalated`` or ``abandoned``.
            answers: the saved answers; must be JSON-serialisable.
            trail: the steps taken; must be JSON-serialisable.
            started_at: when the flow started (aware).
            ended_at: when it ended (aware); defaults to the clock's now.
            ticket_id: the ticket opened by an escalation, if any.

        Returns:
            The new run's id.

        Raises:
            ValueError: for an unknown outcome or a naive datetime.
        """
        _check_choice("outcome", outcome, FLOW_OUTCOMES)
        row = FlowRunRow(
            conversation_id=conversation_id,
            channel=channel,
            flow_id=flow_id,
            outcome=outcome,
            answers=copy.deepcopy(dict(answers)),
            trail=copy.deepcopy(list(trail)),
            started_at=_aware_utc("started_at", started_at),
            ended_at=_aware_utc("ended_at", ended_at if ended_at is not None else self._clock()),
            ticket_id=ticket_id,
        )
        with self._session_factory.begin() as session:
            session.add(row)
            session.flush()
            return int(row.id)

    def list_for_conversation(self, conversation_id: str) -> List[FlowRun]:
        """Return the runs of one conversation, oldest first.

        Args:
            conversation_id: Rasa sender/conversation id.

        Returns:
            The runs ordered by start time (then id).
        """
        statement = (
            select(FlowRunRow)
            .where(FlowRunRow.conversation_id == conversation_id)
            .order_by(FlowRunRow.started_at, FlowRunRow.id)
        )
        with self._session_factory() as session:
            return [_flow_run(row) for row in session.execute(statement).scalars()]


class TicketStore:
    """Creates, finds and updates support tickets and their append-only event log."""

    def __init__(
        self,
        session_factory: sessionmaker,
        clock: Clock = utc_now,
        event_hooks: Sequence[EventHook] = (),
    ) -> None:
        """Create the store.

        Args:
            session_factory: factory from :func:`bot.db.engine.make_session_factory`.
            clock: returns the current time as an aware datetime.
            event_hooks: called with ``(session, ticket row, event row)`` inside the transaction
                of every event recorded (created, status_changed, assigned, message, ...).
        """
        self._session_factory = session_factory
        self._clock = clock
        self._event_hooks = tuple(event_hooks)

    def _recorded(self, session: Session, ticket: TicketRow, event: TicketEventRow) -> None:
        """Flush a new event and run the event hooks in the same transaction."""
        session.flush()
        for hook in self._event_hooks:
            hook(session, ticket, event)

    def _append(
        self, session: Session, ticket: TicketRow, kind: str, actor: str, body: str, data: Dict[str, Any], now: datetime
    ) -> None:
        """Add an event of ``ticket`` to the session, flush it and run the event hooks."""
        event = TicketEventRow(ticket_id=ticket.id, kind=kind, actor=actor, body=body, data=data, created_at=now)
        session.add(event)
        self._recorded(session, ticket, event)

    def _now(self) -> datetime:
        """Return the clock's current time in UTC."""
        return _aware_utc("clock()", self._clock())

    def create(
        self,
        *,
        requester_id: str,
        category: str,
        team: str,
        summary: str,
        channel: str,
        conversation_id: str,
        priority: str = "normal",
        requester_name: Optional[str] = None,
        details: Optional[Mapping[str, Any]] = None,
        actor: str = "frontline",
        requester_email: Optional[str] = None,
    ) -> Ticket:
        """Open a new ticket (status ``new``) and record its ``created`` event.

        The reference ``SUP-<1000 + id>`` is set in the same transaction as the insert, so it
        is unique and gap-free in id order even when several processes create tickets at once.

        Args:
            requester_id: channel-specific id of the person asking for help.
            category: flow id or topic.
            team: team to route the ticket to.
            summary: one-paragraph summary for the agent.
            channel: input channel name (slack, web, rest, ...).
            conversation_id: Rasa sender/conversation id.
            priority: ``low``, ``normal``, ``high`` or ``urgent``.
            requester_name: display name, if known.
            details: JSON-serialisable context (entities, trail, KB shown, transcript, ...).
            actor: who opened it; recorded on the ``created`` event.
            requester_email: the requester's *verified* e-mail address (stored lower-case), which
                links their tickets across channels; None when unknown or unverified.

        Returns:
            The new ticket.

        Raises:
            ValueError: for an unknown priority.
        """
        _check_choice("priority", priority, TICKET_PRIORITIES)
        now = self._now()
        row = TicketRow(
            reference=f"tmp-{uuid.uuid4().hex[:28]}",  # replaced below; fits String(32)
            status="new",
            priority=priority,
            category=category,
            team=team,
            requester_id=requester_id,
            requester_name=requester_name,
            requester_email=requester_email.strip().lower() if requester_email else None,
            channel=channel,
            conversation_id=conversation_id,
            summary=summary,
            details=copy.deepcopy(dict(details or {})),
            assignee=None,
            created_at=now,
            updated_at=now,
            resolved_at=None,
        )
        with self._session_factory.begin() as session:
            session.add(row)
            session.flush()
            row.reference = reference_for(row.id)
            self._append(session, row, "created", actor, summary, {"priority": priority, "team": team, "category": category}, now)
            return _ticket(row)

    def get(self, ticket_id: int) -> Optional[Ticket]:
        """Return the ticket with database id ``ticket_id``, or None."""
        with self._session_factory() as session:
            row = session.get(TicketRow, ticket_id)
            return _ticket(row) if row is not None else None

    def get_by_reference(self, reference: str) -> Optional[Ticket]:
        """Return the ticket with this reference (case/whitespace-insensitive), or None.

        Args:
            reference: e.g. ``SUP-1042`` (``sup-1042`` and ``#SUP-1042`` also match).
        """
        statement = select(TicketRow).where(TicketRow.reference == normalise_reference(reference))
        with self._session_factory() as session:
            row = session.execute(statement).scalars().first()
            return _ticket(row) if row is not None else None

    def find_open(self, requester_id: str, category: str) -> Optional[Ticket]:
        """Return the requester's most recent open ticket in ``category``, or None.

        Used to avoid opening a duplicate ticket for the same problem.
        """
        statement = (
            select(TicketRow)
            .where(
                TicketRow.requester_id == requester_id,
                TicketRow.category == category,
                TicketRow.status.in_(OPEN_TICKET_STATUSES),
            )
            .order_by(TicketRow.created_at.desc(), TicketRow.id.desc())
            .limit(1)
        )
        with self._session_factory() as session:
            row = session.execute(statement).scalars().first()
            return _ticket(row) if row is not None else None

    def count_open_since(self, category: str, since: datetime) -> int:
        """Count the distinct requesters of open tickets in ``category`` created at or after ``since``.

        Priority rules use it to spot many people hitting the same problem at once; one person
        (or one test script) opening many tickets is not many people.
        """
        statement = select(func.count(func.distinct(TicketRow.requester_id))).where(
            TicketRow.category == category,
            TicketRow.status.in_(OPEN_TICKET_STATUSES),
            TicketRow.created_at >= _aware_utc("since", since),
        )
        with self._session_factory() as session:
            return int(session.execute(statement).scalar_one())

    def list_for_requester(self, requester_id: str, open_only: bool = False) -> List[Ticket]:
        """Return a requester's tickets, newest first.

        Args:
            requester_id: channel-specific id of the requester.
            open_only: only new, claimed and waiting_on_user tickets.
        """
        statement = select(TicketRow).where(TicketRow.requester_id == requester_id)
        if open_only:
            statement = statement.where(TicketRow.status.in_(OPEN_TICKET_STATUSES))
        statement = statement.order_by(TicketRow.created_at.desc(), TicketRow.id.desc())
        with self._session_factory() as session:
            return [_ticket(row) for row in session.execute(statement).scalars()]

    def list_for_email(self, email: str, open_only: bool = False) -> List[Ticket]:
        """Return the tickets whose requester's verified e-mail is ``email``, newest first.

        Args:
            email: a verified e-mail address (compared lower-case).
            open_only: only new, claimed and waiting_on_user tickets.
        """
        statement = select(TicketRow).where(TicketRow.requester_email == email.strip().lower())
        if open_only:
            statement = statement.where(TicketRow.status.in_(OPEN_TICKET_STATUSES))
        statement = statement.order_by(TicketRow.created_at.desc(), TicketRow.id.desc())
        with self._session_factory() as session:
            return [_ticket(row) for row in session.execute(statement).scalars()]

    def list_events(self, ticket_id: int) -> List[TicketEvent]:
        """Return a ticket's events, oldest first (empty for an unknown ticket)."""
        statement = (
            select(TicketEventRow)
            .where(TicketEventRow.ticket_id == ticket_id)
            .order_by(TicketEventRow.id)
        )
        with self._session_factory() as session:
            return [_event(row) for row in session.execute(statement).scalars()]

    @staticmethod
    def _lock(session: Session, ticket_id: int, now: Optional[datetime] = None) -> None:
        """Take the write lock on a ticket row (optionally bumping ``updated_at``).

        Raises:
            TicketNotFound: if there is no such ticket.
        """
        values: Dict[str, Any]
        if now is not None:
            values = {"updated_at": now}
        else:  # a no-op write: it only takes the lock
            values = {"status": TicketRow.status}
        result = session.execute(
            update(TicketRow)
            .where(TicketRow.id == ticket_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 0:
            raise TicketNotFound(f"no ticket with id {ticket_id}")

    def add_event(
        self,
        ticket_id: int,
        kind: str,
        actor: str,
        body: str = "",
        data: Optional[Mapping[str, Any]] = None,
    ) -> TicketEvent:
        """Append an event to a ticket's history and bump its ``updated_at``.

        Events are never updated or deleted. Use :meth:`set_status` / :meth:`assign` for
        ``status_changed`` / ``assigned`` events so that the ticket row changes too.

        Args:
            ticket_id: the ticket's database id.
            kind: ``message``, ``note``, ``rating``, ... (one of the event kinds).
            actor: who caused it.
            body: free text.
            data: JSON-serialisable extra data.

        Returns:
            The stored event.

        Raises:
            ValueError: for an unknown kind.
            TicketNotFound: if there is no such ticket.
        """
        _check_choice("event kind", kind, TICKET_EVENT_KINDS)
        now = self._now()
        with self._session_factory.begin() as session:
            self._lock(session, ticket_id, now)
            row = TicketEventRow(
                ticket_id=ticket_id,
                kind=kind,
                actor=actor,
                body=body,
                data=copy.deepcopy(dict(data or {})),
                created_at=now,
            )
            session.add(row)
            if self._event_hooks:
                self._recorded(session, session.get(TicketRow, ticket_id, populate_existing=True), row)
            else:
                session.flush()
            return _event(row)

    def set_status(self, ticket_id: int, status: str, actor: str, body: str = "") -> Ticket:
        """Change a ticket's status and record a ``status_changed`` event.

        Moving to ``resolved``/``closed`` sets ``resolved_at`` (if not already set); moving back
        to an open status clears it. Setting the current status again changes nothing and
        records no event.

        Args:
            ticket_id: the ticket's database id.
            status: the new status.
            actor: who changed it.
            body: optional comment stored on the event.

        Returns:
            The updated ticket.

        Raises:
            ValueError: for an unknown status.
            TicketNotFound: if there is no such ticket.
        """
        _check_choice("status", status, TICKET_STATUSES)
        now = self._now()
        with self._session_factory.begin() as session:
            self._lock(session, ticket_id)
            row = session.get(TicketRow, ticket_id, populate_existing=True)
            previous = row.status
            if previous == status:
                return _ticket(row)
            row.status = status
            row.updated_at = now
            if status in CLOSED_TICKET_STATUSES:
                if row.resolved_at is None:
                    row.resolved_at = now
            else:
                row.resolved_at = None
            self._append(session, row, "status_changed", actor, body, {"from": previous, "to": status}, now)
            return _ticket(row)

    def set_contact_route(self, ticket_id: int, route: str, actor: str, body: str = "") -> Ticket:
        """Store the contact route the requester gave to be contacted on and record a ``message`` event.

        The route goes to ``tickets.contact_route``, which the privacy layer does not redact (the
        person gave it so the engineer can reach them); the event is the timeline's entry and is
        redacted like every event, so ``body`` should not need the route to make sense.

        Args:
            ticket_id: the ticket's database id.
            route: the phone number or e-mail address, as given (surrounding space stripped).
            actor: who gave it (the requester).
            body: the timeline's words for it.

        Returns:
            The updated ticket.

        Raises:
            ValueError: for an empty route or one longer than 254 characters.
            TicketNotFound: if there is no such ticket.
        """
        route = route.strip()
        if not route or len(route) > 254:
            raise ValueError("contact route must be 1 to 254 characters")
        now = self._now()
        with self._session_factory.begin() as session:
            self._lock(session, ticket_id, now)
            row = session.get(TicketRow, ticket_id, populate_existing=True)
            row.contact_route = route
            self._append(session, row, "message", actor, body, {"source": "user", "contact_route": True}, now)
            return _ticket(row)

    def set_priority(self, ticket_id: int, priority: str, actor: str, body: str = "") -> Ticket:
        """Change a ticket's priority and record why as a ``note`` event.

        The event's data is ``{"priority": {"from": old, "to": new}}`` (the event kinds are a
        database constraint, so a priority change is a note with structured data). Setting the
        current priority again changes nothing and records no event.

        Args:
            ticket_id: the ticket's database id.
            priority: low, normal, high or urgent.
            actor: who changed it (the requester when they ask for it).
            body: why, in words (stored on the event).

        Returns:
            The updated ticket.

        Raises:
            ValueError: for an unknown priority.
            TicketNotFound: if there is no such ticket.
        """
        _check_choice("priority", priority, TICKET_PRIORITIES)
        now = self._now()
        with self._session_factory.begin() as session:
            self._lock(session, ticket_id)
            row = session.get(TicketRow, ticket_id, populate_existing=True)
            previous = row.priority
            if previous == priority:
                return _ticket(row)
            row.priority = priority
            row.updated_at = now
            self._append(session, row, "note", actor, body, {"priority": {"from": previous, "to": priority}}, now)
            return _ticket(row)

    def assign(self, ticket_id: int, assignee: Optional[str], actor: str) -> Ticket:
        """Set (or clear, with None) a ticket's assignee and record an ``assigned`` event.

        Args:
            ticket_id: the ticket's database id.
            assignee: the agent's id, or None to unassign.
            actor: who made the assignment.

        Returns:
            The updated ticket.

        Raises:
            TicketNotFound: if there is no such ticket.
        """
        now = self._now()
        with self._session_factory.begin() as session:
            self._lock(session, ticket_id)
            row = session.get(TicketRow, ticket_id, populate_existing=True)
            previous = row.assignee
            if previous == assignee:
                return _ticket(row)
            row.assignee = assignee
            row.updated_at = now
            self._append(session, row, "assigned", actor, "", {"from": previous, "to": assignee}, now)
            return _ticket(row)
