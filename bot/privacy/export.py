"""Export: everything stored about one person, as one JSON document."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Dict, List, Optional, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.db.models import FlowRunRow, HandoffRow, KbAnswerRow, OutboxRow, PendingContactRow, SlackSeenRow, TicketEventRow, TicketRow
from bot.privacy import rasa_events
from bot.privacy.subjects import Subject


def _plain(row: Any) -> Dict[str, Any]:
    """A row's columns as JSON-ready values."""
    out: Dict[str, Any] = {}
    for column in row.__table__.columns:
        value = getattr(row, column.key)
        out[column.key] = value.isoformat() if isinstance(value, (datetime, date)) else value
    return out


def ticket_ids_of(session: Session, subject: Subject) -> List[int]:
    """Database ids of the person's tickets."""
    ids = subject.conversation_ids | subject.requester_ids
    if not ids:
        return []
    query = select(TicketRow.id).where(or_(TicketRow.requester_id.in_(ids), TicketRow.conversation_id.in_(ids)))
    return sorted(row[0] for row in session.execute(query))


def collect(session: Session, subject: Subject, now: datetime) -> Dict[str, Any]:
    """Everything stored about ``subject``: conversations (every tracker event), tickets with their
    events and handoff, ratings, knowledge-base feedback and flow runs.
    """
    conversations = sorted(subject.conversation_ids)
    tickets: List[Dict[str, Any]] = []
    ratings: List[Dict[str, Any]] = []
    ticket_ids = ticket_ids_of(session, subject)
    for ticket in session.scalars(select(TicketRow).where(TicketRow.id.in_(ticket_ids)).order_by(TicketRow.id)):
        record = _plain(ticket)
        events = session.scalars(select(TicketEventRow).where(TicketEventRow.ticket_id == ticket.id).order_by(TicketEventRow.id))
        record["events"] = [_plain(event) for event in events]
        ratings.extend({"ticket": ticket.reference, **e} for e in record["events"] if e["kind"] == "rating")
        handoff = session.scalars(select(HandoffRow).where(HandoffRow.ticket_id == ticket.id)).first()
        record["handoff"] = _plain(handoff) if handoff is not None else None
        deliveries = session.scalars(select(OutboxRow).where(OutboxRow.ticket_id == ticket.id).order_by(OutboxRow.id))
        record["deliveries"] = [_plain(row) for row in deliveries]
        tickets.append(record)
    flow_runs = _rows(session, FlowRunRow, FlowRunRow.conversation_id, conversations)
    kb = _rows(session, KbAnswerRow, KbAnswerRow.conversation_id, conversations)
    contacts = _rows(session, PendingContactRow, PendingContactRow.conversation_id, conversations)
    seen = [SlackSeenRow.key.like(f"%{conversation}%") for conversation in conversations]
    slack = [_plain(row) for row in session.scalars(select(SlackSeenRow).where(or_(*seen)))] if seen else []
    return {
        "subject": subject.given,
        "generated_at": now.isoformat(),
        "conversation_ids": conversations,
        "conversations": rasa_events.events_of(session.connection(), conversations),
        "tickets": tickets,
        "ratings": ratings,
        "kb_feedback": kb,
        "flow_runs": flow_runs,
        "pending_contacts": contacts,
        "slack_records": slack,
    }


def _rows(session: Session, model: Any, column: Any, ids: Sequence[str]) -> List[Dict[str, Any]]:
    if not ids:
        return []
    order = getattr(model, "id", column)  # pending_contacts is keyed by its conversation
    return [_plain(row) for row in session.scalars(select(model).where(column.in_(ids)).order_by(order))]


def counts(document: Dict[str, Any]) -> Dict[str, int]:
    """How many records of each kind an export holds (for the audit record)."""
    return {
        "conversations": len(document["conversations"]),
        "events": sum(len(events) for events in document["conversations"].values()),
        "tickets": len(document["tickets"]),
        "ticket_events": sum(len(t["events"]) for t in document["tickets"]),
        "ratings": len(document["ratings"]),
        "kb_feedback": len(document["kb_feedback"]),
        "flow_runs": len(document["flow_runs"]),
        "pending_contacts": len(document.get("pending_contacts") or []),
        "slack_records": len(document["slack_records"]),
    }


def is_empty(document: Optional[Dict[str, Any]]) -> bool:
    """True when nothing is stored about the person."""
    return not document or not any(counts(document).values())
