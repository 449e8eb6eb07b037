"""Rasa's tracker-store ``events`` table (``rasa.core.tracker_store.SQLTrackerStore``), read-only.

Rasa creates and owns the table in the same database as ours; this mirror lets the insights
queries read it without importing Rasa (seconds of import time) and lets tests and the benchmark
create it. ``tests/unit/insights`` checks the columns against Rasa's own model.
"""

from __future__ import annotations

import json
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

# Event types whose JSON body the classifier may read; the others are decided by name alone.
PARSED_TYPES = frozenset({"user", "slot"})
# Slots the classifier follows (other slot events are skipped without parsing their JSON).
FOLLOWED_SLOTS = ("flow_state", "flow_last")


class TrackerEvent:
    """One row of ``events``, with the parts the insights need.

    The JSON body is parsed only when :attr:`data` is first read: parsing is most of the
    rollup's cost, and most user messages need only their intent.

    Attributes:
        id: the row id (increasing in insertion order).
        type_name: ``user``, ``bot``, ``action``, ``slot``, ``session_started``, ...
        timestamp: Unix time in seconds.
        intent_name: the user message's intent (user events).
        action_name: the action's name (action events).
    """

    __slots__ = ("id", "type_name", "timestamp", "intent_name", "action_name", "_raw", "_data")

    def __init__(self, id: int, type_name: str, timestamp: float, intent_name: Optional[str] = None,
                 action_name: Optional[str] = None, data: Optional[Dict[str, Any]] = None,
                 raw: Optional[str] = None) -> None:
        self.id = id
        self.type_name = type_name
        self.timestamp = timestamp
        self.intent_name = intent_name
        self.action_name = action_name
        self._raw = raw
        self._data = data

    @property
    def data(self) -> Optional[Dict[str, Any]]:
        """The parsed JSON body (user and followed slot events), else None."""
        if self._data is None and self._raw:
            try:
                parsed = json.loads(self._raw)
            except ValueError:
                parsed = None
            self._data = parsed if isinstance(parsed, dict) else None
            self._raw = None
        return self._data

    @classmethod
    def from_row(cls, row: Any) -> "TrackerEvent":
        """Build from an ``(id, type_name, timestamp, intent_name, action_name, data)`` row."""
        raw = row[5]
        kind = row[1]
        if kind not in PARSED_TYPES or (kind == "slot" and raw and not any(name in raw for name in FOLLOWED_SLOTS)):
            raw = None
        return cls(int(row[0]), str(kind), float(row[2] or 0.0), row[3], row[4], raw=raw)
