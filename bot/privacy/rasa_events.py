"""Direct access to Rasa's tracker-store table (``events``) for export, erasure and retention.

Rasa OSS has no API to read or delete a person's conversations across sessions (RasaHQ/rasa#10719),
and its SQL tracker store shares our database, so these functions work on its table with plain SQL
(same statements on SQLite and PostgreSQL). The table exists once the Rasa server has started.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List

from sqlalchemy import Float, Integer, String, Text, column, delete, func, inspect, or_, select, table
from sqlalchemy.engine import Connection

EVENTS = table(
    "events",
    column("id", Integer),
    column("sender_id", String),
    column("type_name", String),
    column("timestamp", Float),
    column("intent_name", String),
    column("action_name", String),
    column("data", Text),
)


def has_events_table(connection: Connection) -> bool:
    """True once Rasa's tracker store has created its table in this database."""
    return inspect(connection).has_table("events")


def conversations_mentioning(connection: Connection, needles: Iterable[str]) -> List[str]:
    """Sender ids whose events contain any of ``needles`` (e.g. a Slack user id in a thread)."""
    wanted = [n for n in needles if n]
    if not wanted or not has_events_table(connection):
        return []
    query = select(EVENTS.c.sender_id).where(or_(*[EVENTS.c.data.contains(n) for n in wanted])).distinct()
    return [row[0] for row in connection.execute(query)]


def sender_ids_like(connection: Connection, suffix: str) -> List[str]:
    """Sender ids ending in ``suffix`` (``:U123`` finds ``slack:T1:U123``)."""
    if not has_events_table(connection):
        return []
    query = select(EVENTS.c.sender_id).where(EVENTS.c.sender_id.like(f"%{suffix}")).distinct()
    return [row[0] for row in connection.execute(query)]


def events_of(connection: Connection, sender_ids: Iterable[str]) -> Dict[str, List[Dict[str, Any]]]:
    """Every stored event of each sender, in order, as Rasa stored it (JSON)."""
    ids = sorted(set(sender_ids))
    if not ids or not has_events_table(connection):
        return {}
    result: Dict[str, List[Dict[str, Any]]] = {sender: [] for sender in ids}
    query = select(EVENTS.c.sender_id, EVENTS.c.data).where(EVENTS.c.sender_id.in_(ids)).order_by(EVENTS.c.id)
    for sender, data in connection.execute(query):
        result[sender].append(json.loads(data))
    return {sender: events for sender, events in result.items() if events}


def delete_events_of(connection: Connection, sender_ids: Iterable[str]) -> int:
    """Delete every event of these senders; returns how many rows went."""
    ids = sorted(set(sender_ids))
    if not ids or not has_events_table(connection):
        return 0
    return connection.execute(delete(EVENTS).where(EVENTS.c.sender_id.in_(ids))).rowcount or 0


def delete_events_before(connection: Connection, cutoff: float) -> int:
    """Retention: delete events older than ``cutoff`` (a Unix timestamp) that belong to a finished
    conversation session, or to a conversation with nothing newer. The current session of an
    active conversation is never cut in half.
    """
    if not has_events_table(connection):
        return 0
    inner = EVENTS.alias("later")
    last_session_start = (
        select(func.max(inner.c.timestamp))
        .where(inner.c.sender_id == EVENTS.c.sender_id, inner.c.type_name == "session_started")
        .scalar_subquery()
    )
    last_event = select(func.max(inner.c.timestamp)).where(inner.c.sender_id == EVENTS.c.sender_id).scalar_subquery()
    statement = delete(EVENTS).where(
        EVENTS.c.timestamp < cutoff,
        or_(last_event < cutoff, EVENTS.c.timestamp < last_session_start),
    )
    return connection.execute(statement).rowcount or 0
