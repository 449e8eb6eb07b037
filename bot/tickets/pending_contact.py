"""Contact routes given before any ticket existed, kept until the conversation's ticket takes them.

"Call me on 07700 900123" in the middle of a flow, with no ticket yet: the bot promises the
number goes on the ticket if the flow escalates. The flow state lives in the tracker store,
which stores every event redacted, so a number kept there comes back as ``[PHONE]``; it waits
here instead, readable, and the escalation takes it (:meth:`PendingContactStore.take`) and puts
it on the ticket's ``contact_route``.
"""

from __future__ import annotations

from typing import Optional

from sqlalchemy import delete, select
from sqlalchemy.orm import sessionmaker

from bot.db.models import PendingContactRow
from bot.db.repositories import Clock, utc_now


class PendingContactStore:
    """One contact route per conversation, waiting for its ticket.

    Args:
        session_factory: factory from :func:`bot.db.engine.make_session_factory`.
        clock: returns the current time as an aware datetime.
    """

    def __init__(self, session_factory: sessionmaker, clock: Clock = utc_now) -> None:
        self._session_factory = session_factory
        self._clock = clock

    def remember(self, conversation_id: str, route: str) -> None:
        """Keep ``route`` for the conversation's ticket (a later route replaces an earlier one)."""
        with self._session_factory.begin() as session:
            row = session.get(PendingContactRow, conversation_id)
            if row is None:
                session.add(PendingContactRow(conversation_id=conversation_id, route=route, created_at=self._clock()))
            else:
                row.route, row.created_at = route, self._clock()

    def take(self, conversation_id: str) -> Optional[str]:
        """The route waiting for this conversation's ticket, removed from here (None if none)."""
        with self._session_factory.begin() as session:
            route = session.scalar(select(PendingContactRow.route).where(PendingContactRow.conversation_id == conversation_id))
            if route is not None:
                session.execute(delete(PendingContactRow).where(PendingContactRow.conversation_id == conversation_id))
            return route
