"""Rasa's tracker-store ``events`` table (``rasa.core.tracker_store.SQLTrackerStore``), read-only.

Rasa creates and owns the table in the same database as ours; this mirror lets the insights
queries read it without importing Rasa (seconds of import time) and lets tests and the benchmark
create it. ``tests/unit/insights`` checks the columns against Rasa's own model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Optional

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text

rasa_metadata = MetaData()

events_table = Table(
    "events",
    rasa_metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)

# Event types whose JSON body the classifier reads; the others are decided by name alone.
PARSED_TYPES = frozenset({"user", "slot"})


@dataclass(frozen=True)
class TrackerEvent:
    """One row of ``events``, with the parts the insights need.

    Attributes:
        id: the row id (increasing in insertion order).
        type_name: ``user``, ``bot``, ``action``, ``slot``, ``session_started``, ...
        timestamp: Unix time in seconds.
        intent_name: the user message's intent (user events).
        action_name: the action's name (action events).
        data: the parsed JSON body for user and slot events, else empty.
    """

    id: int
    type_name: str
    timestamp: float
    intent_name: Optional[str] = None
    action_name: Optional[str] = None
    data: Optional[Dict[str, Any]] = None

    @classmethod
    def from_row(cls, row: Any) -> "TrackerEvent":
        """Build from a ``(id, type_name, timestamp, intent_name, action_name, data)`` row.

        Only user and slot bodies are parsed: they are a small share of the events, and JSON
        parsing is most of the rollup's cost.
        """
        data = None
        if row[1] in PARSED_TYPES and row[5]:
            try:
                data = json.loads(row[5])
            except ValueError:
                data = None
        return cls(int(row[0]), str(row[1]), float(row[2] or 0.0), row[3], row[4], data)
