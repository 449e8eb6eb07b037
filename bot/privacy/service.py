"""Serve privacy requests: export everything about a person, or erase it from every store.

Used by ``frontline privacy export|erase``, the administrators' HTTP routes and the chat's
"delete my data". Each request leaves an audit record without personal data.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Dict, List, Optional, Sequence

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import sessionmaker

from bot.db.models import (
    OPEN_TICKET_STATUSES,
    FlowRunRow,
    HandoffRow,
    KbAnswerRow,
    OutboxRow,
    PendingContactRow,
    PrivacyAuditRow,
    SlackSeenRow,
    TicketEventRow,
    TicketRow,
)
from bot.db.repositories import TicketStore
from bot.privacy import rasa_events
from bot.privacy.export import collect, counts, ticket_ids_of
from bot.privacy.redact import Redactor
from bot.privacy.subjects import Subject, find_subject

log = logging.getLogger(__name__)


def _bulk(session: Any, statement: Any) -> Any:
    """Run a bulk DELETE/UPDATE (the rows are not loaded in this session, nothing to sync)."""
    return session.execute(statement, execution_options={"synchronize_session": False})

Clock = Callable[[], datetime]
PRIVACY_ACTOR = "privacy"
ERASED_SUMMARY = "[erased on the requester's request]"
CLOSE_NOTE = "Closed because the requester asked for their personal data to be erased."
ERASURE_NOTE = "The requester's personal data was erased on request. Erase this ticket's personal data in your system too."


@dataclass(frozen=True)
class ErasureResult:
    """What an erasure did (counts only), and which tickets it closed (references)."""

    found: bool
    counts: Dict[str, int] = field(default_factory=dict)
    closed_tickets: List[str] = field(default_factory=list)


class PrivacyService:
    """Export and erasure across Rasa's tracker store and our tables.

    Args:
        sessions: session factory on the Frontline database (Rasa's ``events`` table lives there).
        tickets: the ticket store; closures and erasure notes go through it, so the outbox tells
            external ticket systems.
        redactor: used to find hashed values of an email address.
        clock: aware UTC time.
    """

    def __init__(self, sessions: sessionmaker, tickets: TicketStore, redactor: Redactor, clock: Clock) -> None:
        self.sessions = sessions
        self.tickets = tickets
        self.redactor = redactor
        self.clock = clock

    def _subject(self, user: str, also: Sequence[str] = ()) -> Subject:
        with self.sessions() as session:
            subject = find_subject(session, user, self.redactor)
            for other in also:
                if other != user:
                    more = find_subject(session, other, self.redactor)
                    subject.conversation_ids |= more.conversation_ids
                    subject.requester_ids |= more.requester_ids
                    subject.needles |= more.needles
            return subject

    def export(self, user: str, actor: str, via: str) -> Dict[str, Any]:
        """Everything stored about ``user`` (see :func:`bot.privacy.export.collect`); audited."""
        subject = self._subject(user)
        with self.sessions() as session:
            document = collect(session, subject, self.clock())
        self._audit("export", actor, via, counts(document))
        return document

    def erase(self, user: str, actor: str, via: str, also: Sequence[str] = ()) -> ErasureResult:
        """Delete or anonymise everything stored about ``user``.

        Open tickets are closed first (a status event), the person's conversations, flow runs,
        knowledge-base answers and Slack thread records are deleted, tickets are kept for the
        team's statistics but anonymised (requester, their e-mail and contact route, summary, details, every event's text), and
        each ticket gets an erasure note that the outbox delivers to external ticket systems.
        ``also`` names more ids of the same person (the chat passes its conversation id).
        """
        subject = self._subject(user, also)
        with self.sessions() as session:
            ticket_ids = ticket_ids_of(session, subject)
            open_ids = [
                row[0]
                for row in session.execute(
                    select(TicketRow.id).where(TicketRow.id.in_(ticket_ids), TicketRow.status.in_(OPEN_TICKET_STATUSES))
                )
            ]
        closed = [self.tickets.set_status(ticket_id, "closed", PRIVACY_ACTOR, CLOSE_NOTE).reference for ticket_id in open_ids]
        result = self._delete_and_anonymise(subject, ticket_ids)
        for ticket_id in ticket_ids:
            self.tickets.add_event(ticket_id, "note", PRIVACY_ACTOR, ERASURE_NOTE, {"privacy": "erasure"})
        result["tickets_closed"] = len(closed)
        found = subject.found or any(result.values())
        self._audit("erase", actor, via, result)
        return ErasureResult(found, result, closed)

    def _delete_and_anonymise(self, subject: Subject, ticket_ids: List[int]) -> Dict[str, int]:
        conversations = sorted(subject.conversation_ids)
        out: Dict[str, int] = {}
        with self.sessions.begin() as session:
            connection = session.connection()
            out["events"] = rasa_events.delete_events_of(connection, conversations)
            run_filter = [FlowRunRow.conversation_id.in_(conversations)]
            if ticket_ids:
                run_filter.append(FlowRunRow.ticket_id.in_(ticket_ids))
            out["flow_runs"] = _bulk(session, delete(FlowRunRow).where(or_(*run_filter))).rowcount or 0
            out["kb_answers"] = _bulk(session, delete(KbAnswerRow).where(KbAnswerRow.conversation_id.in_(conversations))).rowcount or 0
            out["pending_contacts"] = _bulk(
                session, delete(PendingContactRow).where(PendingContactRow.conversation_id.in_(conversations))
            ).rowcount or 0
            seen = [SlackSeenRow.key.like(f"%{conversation}%") for conversation in conversations]
            out["slack_records"] = _bulk(session, delete(SlackSeenRow).where(or_(*seen))).rowcount or 0 if seen else 0
            out["tickets"] = len(ticket_ids)
            if ticket_ids:
                token = f"erased-{uuid.uuid4().hex[:12]}"
                session.execute(
                    update(TicketRow)
                    .where(TicketRow.id.in_(ticket_ids))
                    .values(
                        requester_id=token, requester_name=None, requester_email=None, contact_route=None,
                        conversation_id=token, summary=ERASED_SUMMARY, details={},
                    )
                )
                out["ticket_events"] = session.execute(
                    update(TicketEventRow).where(TicketEventRow.ticket_id.in_(ticket_ids)).values(body="", data={})
                ).rowcount or 0
                people = sorted(subject.requester_ids | subject.conversation_ids)
                _bulk(session, update(TicketEventRow).where(TicketEventRow.ticket_id.in_(ticket_ids), TicketEventRow.actor.in_(people)).values(actor=token))
                _bulk(session, update(HandoffRow).where(HandoffRow.ticket_id.in_(ticket_ids)).values(conversation_id=token))
                # Deliveries not yet made are cancelled (the external system never gets the data;
                # it gets the erasure note instead); those made or given up keep no copy.
                out["deliveries_cancelled"] = _bulk(
                    session, delete(OutboxRow).where(OutboxRow.ticket_id.in_(ticket_ids), OutboxRow.status == "pending")
                ).rowcount or 0
                out["deliveries"] = session.execute(
                    update(OutboxRow)
                    .where(OutboxRow.ticket_id.in_(ticket_ids))
                    .values(payload={"erased": True})
                ).rowcount or 0
        return out

    def _audit(self, action: str, actor: str, via: str, numbers: Dict[str, int]) -> None:
        with self.sessions.begin() as session:
            session.add(PrivacyAuditRow(action=action, actor=actor[:255], via=via, counts=dict(numbers), created_at=self.clock()))
        log.info("privacy %s via %s by %s: %s", action, via, actor, numbers)

    def audit_log(self, limit: int = 100) -> List[Dict[str, Any]]:
        """The latest audit records, newest first."""
        with self.sessions() as session:
            rows = session.scalars(select(PrivacyAuditRow).order_by(PrivacyAuditRow.id.desc()).limit(limit))
            return [
                {"action": r.action, "actor": r.actor, "via": r.via, "counts": r.counts, "at": r.created_at.isoformat()}
                for r in rows
            ]


def build_privacy_service(settings: Any, sessions: Optional[sessionmaker] = None, clock: Optional[Clock] = None) -> PrivacyService:
    """Wire the service for ``settings`` (CLI, HTTP routes, the action server)."""
    import os

    from bot.db.engine import make_engine, make_session_factory
    from bot.db.repositories import utc_now
    from bot.privacy.tables import install_redaction
    from bot.privacy.wiring import build_redactor
    from bot.tickets.outbox import OutboxWriter
    from bot.tickets.sinks import build_sinks

    clock = clock or utc_now
    if sessions is None:
        sessions = make_session_factory(make_engine(settings.database_url))
    redactor = build_redactor(settings)
    install_redaction(sessions, redactor)
    sinks = build_sinks(settings.ticket_webhook_url, settings.ticket_webhook_secret, settings.ticket_sinks, os.environ)
    tickets = TicketStore(sessions, clock, event_hooks=[OutboxWriter([sink.name for sink in sinks])])
    return PrivacyService(sessions, tickets, redactor, clock)
