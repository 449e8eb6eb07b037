"""The ``handoffs`` table: one live handoff per ticket, its state and where it sits on the desk.

State changes are conditional updates (``... WHERE state IN (allowed)``), so when two engineers
click Claim at the same moment exactly one of them gets the conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional, Sequence

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.db.models import HANDOFF_STATES, HandoffRow
from bot.db.repositories import Clock, utc_now

ACTIVE_STATES = ("waiting", "claimed")
ENDED_STATES = ("returned", "resolved")


class HandoffConflict(RuntimeError):
    """The handoff is not in a state that allows the change (e.g. already claimed).

    Attributes:
        current: the handoff as it is now.
    """

    def __init__(self, message: str, current: "Handoff") -> None:
        super().__init__(message)
        self.current = current


@dataclass(frozen=True)
class Handoff:
    """A ticket's live handoff.

    Attributes:
        id: database id.
        ticket_id: the ticket.
        conversation_id: the user's Rasa conversation.
        channel: the user's input channel (rest, socketio, slack, ...).
        state: waiting, claimed, returned or resolved.
        engineer_id: who claimed it (desk user id).
        engineer_name: their display name.
        desk_channel: where the ticket was posted on the desk (Slack channel id), once posted.
        desk_thread: the posted message's id (Slack ts), once posted.
        created_at: when the handoff was opened.
        updated_at: last change.
        claimed_at: when it was claimed.
        ended_at: when it was resolved or returned.
    """

    id: int
    ticket_id: int
    conversation_id: str
    channel: str
    state: str
    engineer_id: Optional[str]
    engineer_name: Optional[str]
    desk_channel: Optional[str]
    desk_thread: Optional[str]
    created_at: datetime
    updated_at: datetime
    claimed_at: Optional[datetime]
    ended_at: Optional[datetime]

    @property
    def posted(self) -> bool:
        """Whether the ticket is on the desk."""
        return bool(self.desk_channel and self.desk_thread)

    @property
    def active(self) -> bool:
        """Waiting for or with an engineer."""
        return self.state in ACTIVE_STATES


def _handoff(row: HandoffRow) -> Handoff:
    return Handoff(
        id=row.id, ticket_id=row.ticket_id, conversation_id=row.conversation_id, channel=row.channel,
        state=row.state, engineer_id=row.engineer_id, engineer_name=row.engineer_name,
        desk_channel=row.desk_channel, desk_thread=row.desk_thread, created_at=row.created_at,
        updated_at=row.updated_at, claimed_at=row.claimed_at, ended_at=row.ended_at,
    )


class HandoffStore:
    """Reads and changes handoffs.

    Args:
        session_factory: from :func:`bot.db.engine.make_session_factory`.
        clock: returns aware UTC datetimes.
    """

    def __init__(self, session_factory: sessionmaker, clock: Clock = utc_now) -> None:
        self._sessions = session_factory
        self._clock = clock

    def open(self, ticket_id: int, conversation_id: str, channel: str) -> Handoff:
        """The ticket's handoff, created in state ``waiting`` if it has none yet."""
        existing = self.for_ticket(ticket_id)
        if existing is not None:
            return existing
        now = self._clock()
        try:
            with self._sessions.begin() as session:
                row = HandoffRow(
                    ticket_id=ticket_id, conversation_id=conversation_id, channel=channel or "unknown",
                    state="waiting", created_at=now, updated_at=now,
                )
                session.add(row)
                session.flush()
                return _handoff(row)
        except IntegrityError:  # opened concurrently by another process: use theirs
            found = self.for_ticket(ticket_id)
            if found is None:
                raise
            return found

    def get(self, handoff_id: int) -> Optional[Handoff]:
        """A handoff by id."""
        with self._sessions() as session:
            row = session.get(HandoffRow, handoff_id)
            return _handoff(row) if row is not None else None

    def for_ticket(self, ticket_id: int) -> Optional[Handoff]:
        """The ticket's handoff, if any."""
        return self._first(select(HandoffRow).where(HandoffRow.ticket_id == ticket_id))

    def for_conversation(self, conversation_id: str, states: Sequence[str] = ACTIVE_STATES) -> Optional[Handoff]:
        """The conversation's most recent handoff in one of ``states``."""
        return self._first(
            select(HandoffRow)
            .where(HandoffRow.conversation_id == conversation_id, HandoffRow.state.in_(list(states)))
            .order_by(HandoffRow.id.desc())
        )

    def for_desk_thread(self, desk_channel: str, desk_thread: str) -> Optional[Handoff]:
        """The handoff whose desk message is ``desk_thread`` in ``desk_channel``."""
        return self._first(
            select(HandoffRow).where(HandoffRow.desk_channel == desk_channel, HandoffRow.desk_thread == desk_thread)
        )

    def unposted(self) -> List[Handoff]:
        """Waiting handoffs not on the desk yet, oldest first."""
        statement = (
            select(HandoffRow)
            .where(HandoffRow.state == "waiting", HandoffRow.desk_thread.is_(None))
            .order_by(HandoffRow.id)
        )
        with self._sessions() as session:
            return [_handoff(row) for row in session.execute(statement).scalars()]

    def set_desk(self, handoff_id: int, desk_channel: str, desk_thread: str) -> Handoff:
        """Record where the ticket was posted on the desk."""
        return self._update(handoff_id, HANDOFF_STATES, desk_channel=desk_channel, desk_thread=desk_thread)

    def transition(self, handoff_id: int, to: str, allowed_from: Sequence[str], **values: Any) -> Handoff:
        """Move to state ``to`` if the handoff is in one of ``allowed_from``.

        Args:
            handoff_id: the handoff.
            to: the new state.
            allowed_from: states the change is allowed from.
            **values: other columns to set (engineer_id, engineer_name, ...).

        Returns:
            The changed handoff.

        Raises:
            HandoffConflict: it is in another state (carries the current handoff).
            ValueError: ``to`` is not a state.
        """
        if to not in HANDOFF_STATES:
            raise ValueError(f"unknown handoff state {to!r}")
        now = self._clock()
        if to == "claimed":
            values.setdefault("claimed_at", now)
        if to in ENDED_STATES:
            values.setdefault("ended_at", now)
        return self._update(handoff_id, allowed_from, state=to, **values)

    def _update(self, handoff_id: int, allowed_from: Sequence[str], **values: Any) -> Handoff:
        values["updated_at"] = self._clock()
        with self._sessions.begin() as session:
            result = session.execute(
                update(HandoffRow)
                .where(HandoffRow.id == handoff_id, HandoffRow.state.in_(list(allowed_from)))
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            row = session.get(HandoffRow, handoff_id, populate_existing=True)
            if row is None:
                raise LookupError(f"no handoff with id {handoff_id}")
            if result.rowcount != 1:
                current = _handoff(row)
                raise HandoffConflict(f"handoff {handoff_id} is {current.state}", current)
            return _handoff(row)

    def _first(self, statement: Any) -> Optional[Handoff]:
        with self._sessions() as session:
            row = session.execute(statement.limit(1)).scalars().first()
            return _handoff(row) if row is not None else None


def as_dict(handoff: Handoff) -> Dict[str, Any]:
    """A JSON-friendly view (for logs and API answers)."""
    return {
        "ticket_id": handoff.ticket_id, "conversation_id": handoff.conversation_id, "channel": handoff.channel,
        "state": handoff.state, "engineer": handoff.engineer_name or handoff.engineer_id,
        "posted": handoff.posted,
    }
