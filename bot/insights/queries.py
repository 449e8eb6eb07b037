"""The dashboard's SQL: one function per group of figures (2.0-style SQLAlchemy Core).

Every function takes an open connection and the :class:`~bot.insights.filters.Filters`, and
returns plain rows; :mod:`bot.insights.report` turns them into rates. ``cutoff`` is the moment
before which a conversation's last message must lie for it to count as ended (now minus the
idle time).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Optional, Sequence, Tuple

from sqlalchemy import Integer, and_, case, cast, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement

from bot.db.models import (
    HandoffRow,
    InsightsConversationRow,
    InsightsStepRow,
    KbAnswerRow,
    TicketEventRow,
    TicketRow,
)
from bot.insights.filters import Filters

conv = InsightsConversationRow.__table__.c
steps = InsightsStepRow.__table__.c
kb = KbAnswerRow.__table__.c
tickets = TicketRow.__table__.c
ticket_events = TicketEventRow.__table__.c
handoffs = HandoffRow.__table__.c

SUMMED = (
    "user_turns", "fallbacks", "after_clarify_topic", "after_clarify_rephrased", "after_clarify_human",
    "after_clarify_fallback", "after_clarify_left",
)


def _conv_where(f: Filters) -> List[ColumnElement[bool]]:
    where: List[ColumnElement[bool]] = [conv.started_at >= f.since, conv.started_at < f.until]
    if f.channel:
        where.append(conv.channel == f.channel)
    if f.flow:
        where.append(conv.flow == f.flow)
    return where


def _ended(cutoff: datetime) -> ColumnElement[Any]:
    return case((conv.last_event_at <= cutoff, 1), else_=0)


def conversation_groups(c: Connection, f: Filters, cutoff: datetime, by: Sequence[str] = ()) -> List[Dict[str, Any]]:
    """Conversation counts grouped by ``by`` columns (e.g. ``day``, ``channel``), outcome and end.

    Returns:
        Dicts with the ``by`` columns, ``outcome``, ``escalation_reason``, ``ended`` (0/1),
        ``conversations``, ``clarified`` (conversations with a clarifying question) and the
        sums of :data:`SUMMED`.
    """
    keys = [conv[name] for name in by]
    ended = _ended(cutoff).label("ended")
    query = (
        select(
            *keys, conv.outcome, conv.escalation_reason, ended,
            func.count().label("conversations"),
            func.sum(case((conv.clarifications > 0, 1), else_=0)).label("clarified"),
            *[func.sum(conv[name]).label(name) for name in SUMMED],
        )
        .where(*_conv_where(f))
        .group_by(*keys, conv.outcome, conv.escalation_reason, ended)
    )
    return [dict(row._mapping) for row in c.execute(query)]


def flow_counts(c: Connection, f: Filters, cutoff: datetime) -> List[Dict[str, Any]]:
    """Ended conversations and escalations per flow (the first flow a conversation ran)."""
    query = (
        select(
            conv.flow, func.count().label("conversations"),
            func.sum(case((conv.outcome == "escalated", 1), else_=0)).label("escalated"),
            func.sum(case((conv.outcome == "abandoned", 1), else_=0)).label("abandoned"),
        )
        .where(*_conv_where(f), conv.flow.is_not(None), conv.last_event_at <= cutoff)
        .group_by(conv.flow)
    )
    return [dict(row._mapping) for row in c.execute(query)]


def funnel_rows(c: Connection, f: Filters, cutoff: datetime) -> List[Dict[str, Any]]:
    """Per flow and step: runs that reached it, and runs that ended there by outcome.

    Only ended conversations count, so an ``open`` run is one the person left.
    """
    where = [steps.started_at >= f.since, steps.started_at < f.until, steps.last_event_at <= cutoff]
    if f.channel:
        where.append(steps.channel == f.channel)
    if f.flow:
        where.append(steps.flow == f.flow)

    def ended_as(outcome: str) -> Any:
        return func.sum(case((and_(steps.last.is_(True), steps.run_outcome == outcome), 1), else_=0))

    query = (
        select(
            steps.flow, steps.step,
            func.count().label("reached"),
            func.min(steps.ordinal).label("first_ordinal"),
            func.avg(steps.ordinal).label("mean_ordinal"),
            func.sum(case((steps.ordinal == 0, 1), else_=0)).label("runs"),
            ended_as("open").label("left"),
            ended_as("escalated").label("escalated"),
            ended_as("cancelled").label("cancelled"),
            ended_as("resolved").label("resolved"),
        )
        .where(*where)
        .group_by(steps.flow, steps.step)
    )
    return [dict(row._mapping) for row in c.execute(query)]


def _kb_where(f: Filters) -> List[ColumnElement[bool]]:
    where: List[ColumnElement[bool]] = [kb.created_at >= f.since, kb.created_at < f.until]
    if f.raw_channel:
        where.append(kb.channel == f.raw_channel)
    return where


def kb_summary(c: Connection, f: Filters) -> Dict[str, int]:
    """Knowledge-base questions, answered (confident), and the Yes/No feedback."""
    row = c.execute(
        select(
            func.count().label("questions"),
            func.sum(case((kb.found.is_(True), 1), else_=0)).label("answered"),
            func.sum(case((kb.helpful.is_(True), 1), else_=0)).label("yes"),
            func.sum(case((kb.helpful.is_(False), 1), else_=0)).label("no"),
        ).where(*_kb_where(f))
    ).one()
    return {key: int(value or 0) for key, value in row._mapping.items()}


def kb_unanswered(c: Connection, f: Filters, limit: int = 5000) -> List[str]:
    """The newest questions the knowledge base had no confident answer for (for gap grouping)."""
    query = (
        select(kb.query).where(*_kb_where(f), kb.found.is_(False)).order_by(kb.created_at.desc()).limit(limit)
    )
    return [str(text) for text in c.execute(query).scalars()]


def _ticket_where(f: Filters, column: Any) -> List[ColumnElement[bool]]:
    where: List[ColumnElement[bool]] = [column >= f.since, column < f.until]
    if f.raw_channel:
        where.append(tickets.channel == f.raw_channel)
    if f.flow:
        where.append(tickets.category == f.flow)
    return where


def ticket_groups(c: Connection, f: Filters) -> List[Dict[str, Any]]:
    """Tickets opened in the period by team, priority, category (flow) and channel."""
    query = (
        select(tickets.team, tickets.priority, tickets.category, tickets.channel, func.count().label("tickets"))
        .where(*_ticket_where(f, tickets.created_at))
        .group_by(tickets.team, tickets.priority, tickets.category, tickets.channel)
    )
    return [dict(row._mapping) for row in c.execute(query)]


def handoff_times(c: Connection, f: Filters) -> List[Tuple[str, Optional[float], Optional[float], bool]]:
    """Per handoff opened in the period: team, seconds to the first engineer reply, seconds to
    resolution, and whether it was claimed.

    The first engineer reply is the first ``message`` event on the ticket after the handoff
    opened whose author is not the requester.
    """
    # Engineers' messages come after the handoff opened, so only messages since the period's
    # start can be anyone's first reply: one grouped pass instead of a lookup per handoff.
    events_tickets = TicketEventRow.__table__.join(TicketRow.__table__, tickets.id == ticket_events.ticket_id)
    first = (
        select(ticket_events.ticket_id.label("ticket_id"), func.min(ticket_events.created_at).label("first_reply"))
        .select_from(events_tickets)
        .where(ticket_events.kind == "message", ticket_events.actor != tickets.requester_id,
               ticket_events.created_at >= f.since)
        .group_by(ticket_events.ticket_id)
        .subquery()
    )
    joined = HandoffRow.__table__.join(TicketRow.__table__, tickets.id == handoffs.ticket_id).outerjoin(
        first, first.c.ticket_id == handoffs.ticket_id)
    query = (
        select(tickets.team, handoffs.created_at, first.c.first_reply, handoffs.ended_at,
               handoffs.state, handoffs.claimed_at)
        .select_from(joined)
        .where(*_ticket_where(f, handoffs.created_at))
    )
    out = []
    for team, opened, reply, ended, state, claimed in c.execute(query):
        opened = _aware(opened)
        reply_s = (_aware(reply) - opened).total_seconds() if reply is not None else None
        resolved_s = (_aware(ended) - opened).total_seconds() if ended is not None and state == "resolved" else None
        out.append((str(team), reply_s, resolved_s, claimed is not None))
    return out


def ratings(c: Connection, f: Filters) -> Tuple[int, List[int]]:
    """Handoffs that ended in the period (each asked for a rating) and the ratings given for them."""
    ended_where = [*_ticket_where(f, handoffs.ended_at), handoffs.state.in_(("resolved", "returned"))]
    joined = HandoffRow.__table__.join(TicketRow.__table__, tickets.id == handoffs.ticket_id)
    asked = c.execute(select(func.count()).select_from(joined).where(*ended_where)).scalar_one()
    given = c.execute(
        select(cast(ticket_events.body, Integer))
        .select_from(joined.join(TicketEventRow.__table__, ticket_events.ticket_id == tickets.id))
        .where(*ended_where, ticket_events.kind == "rating")
    ).scalars()
    return int(asked), [int(value) for value in given if value is not None]


def channels_seen(c: Connection) -> List[str]:
    """Every channel with a conversation (for the filter menus)."""
    return sorted(str(x) for x in c.execute(select(conv.channel).distinct()).scalars())


def flows_seen(c: Connection) -> List[str]:
    """Every flow a conversation ran (for the filter menus)."""
    return sorted(str(x) for x in c.execute(select(conv.flow).where(conv.flow.is_not(None)).distinct()).scalars())


def _aware(value: Any) -> datetime:
    """Handoff/ticket times come back aware via UTCDateTime; subquery results may not."""
    from datetime import timezone

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


__all__ = [
    "conversation_groups", "flow_counts", "funnel_rows", "kb_summary", "kb_unanswered", "ticket_groups",
    "handoff_times", "ratings", "channels_seen", "flows_seen",
]
