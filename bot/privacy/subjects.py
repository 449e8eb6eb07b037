"""Who a privacy request is about: from a sender id, an email address or a Slack user id to every
conversation id and requester id stored for that person."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Optional, Set

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.db.models import TicketRow
from bot.privacy import rasa_events
from bot.privacy.redact import Redactor

SLACK_USER = re.compile(r"^[UW][A-Z0-9]{6,}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


@dataclass
class Subject:
    """Everything that identifies one person in our stores."""

    given: str
    conversation_ids: Set[str] = field(default_factory=set)
    requester_ids: Set[str] = field(default_factory=set)
    needles: Set[str] = field(default_factory=set)  # strings their records contain (id, email, hash)

    @property
    def found(self) -> bool:
        """True when anything at all is stored for the person."""
        return bool(self.conversation_ids or self.requester_ids)


def find_subject(session: Session, user: str, redactor: Optional[Redactor] = None) -> Subject:
    """Resolve ``user`` (a Rasa sender id, an email address or a Slack user id ``U…``).

    A Slack user id finds their direct-message conversation (``slack:<team>:<user>``), the channel
    threads whose events name them, and their tickets. An email address finds conversations and
    tickets that use it as the id (also as the verified widget identity ``user:<address>``), the
    tickets stored under it as their requester's verified e-mail (a Slack user's profile address)
    with their requesters' conversations, and, with the ``hash`` policy, the records holding its hash
    (with the default ``mask`` policy an email address typed in a chat is never stored).
    """
    user = user.strip()
    subject = Subject(given=user, needles={user})
    connection = session.connection()
    candidates: Set[str] = {user}
    if SLACK_USER.match(user):
        candidates.update(rasa_events.sender_ids_like(connection, f":{user}"))
        candidates.update(rasa_events.conversations_mentioning(connection, [f'"{user}"']))
        slack_tickets = select(TicketRow.requester_id).where(TicketRow.requester_id.like(f"%:{user}"))
        candidates.update(row[0] for row in session.execute(slack_tickets))
    if EMAIL.match(user):
        # A verified widget identity is ``user:<address>``, and tickets keep their requester's
        # verified address (Slack profile): both belong to whoever owns the address.
        candidates.update({f"user:{user}", f"user:{user.lower()}"})
        by_email = select(TicketRow.requester_id).where(TicketRow.requester_email == user.lower())
        candidates.update(row[0] for row in session.execute(by_email))
    if EMAIL.match(user) and redactor is not None:
        hashed = redactor.redact(user)
        if hashed.startswith("[EMAIL:"):
            subject.needles.add(hashed)
            candidates.update(rasa_events.conversations_mentioning(connection, [hashed]))
    _add_tickets(session, subject, candidates)
    stored = rasa_events.events_of(connection, candidates)
    subject.conversation_ids.update(stored)
    return subject


def _add_tickets(session: Session, subject: Subject, candidates: Iterable[str]) -> None:
    ids = set(candidates)
    query = select(TicketRow.requester_id, TicketRow.conversation_id).where(
        or_(TicketRow.requester_id.in_(ids), TicketRow.conversation_id.in_(ids), TicketRow.requester_name.in_(ids))
    )
    for requester_id, conversation_id in session.execute(query):
        # A ticket's requester id is also the person's conversation id on REST and the widget.
        subject.requester_ids.add(requester_id)
        subject.conversation_ids.update((conversation_id, requester_id))
    subject.needles.update(subject.requester_ids)
