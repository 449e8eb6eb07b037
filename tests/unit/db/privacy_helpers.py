"""Helpers of the privacy DB tests: a real Rasa tracker store on the test database, and a search
of every table for strings."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from bot.privacy.policy import load_policy
from bot.privacy.redact import Redactor
from bot.privacy.tracker_store import RedactingSQLTrackerStore

ROOT = Path(__file__).resolve().parents[3]


def shipped_redactor() -> Redactor:
    """The redactor with config/privacy.yml."""
    return Redactor(load_policy(ROOT / "config" / "privacy.yml"))


def tracker_store(db_url: str, redactor: Redactor) -> RedactingSQLTrackerStore:
    """Rasa's SQL tracker store (our redacting subclass) on ``db_url``."""
    return RedactingSQLTrackerStore(domain=Domain.empty(), host=db_url, redactor=redactor)


def converse(store: RedactingSQLTrackerStore, sender: str, messages: Sequence[str], at: float = 1_700_000_000.0) -> DialogueStateTracker:
    """Store a conversation in which ``sender`` typed ``messages`` (with entities and a slot)."""
    tracker = DialogueStateTracker.from_events(sender, [SessionStarted(timestamp=at)], slots=[])
    for index, message in enumerate(messages):
        stamp = at + 10 * (index + 1)
        tracker.update(
            UserUttered(
                message,
                intent={"name": "describe_problem", "confidence": 0.9},
                entities=[{"entity": "detail", "value": message, "start": 0, "end": len(message)}],
                parse_data={"text": message, "intent": {"name": "describe_problem", "confidence": 0.9}},
                timestamp=stamp,
            )
        )
        tracker.update(ActionExecuted("action_flow", timestamp=stamp + 1))
        tracker.update(SlotSet("flow_state", {"trail": [{"said": message}]}, timestamp=stamp + 2))
        tracker.update(BotUttered(f"You said: {message}", timestamp=stamp + 3))
    asyncio.run(store.save(tracker))
    return tracker


def every_string(engine: Engine) -> List[Tuple[str, Dict[str, Any]]]:
    """Every row of every table, as (table, row) with values rendered to strings."""
    rows: List[Tuple[str, Dict[str, Any]]] = []
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')).mappings():
                rows.append((table, {key: _render(value) for key, value in row.items()}))
    return rows


def _render(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def hits(engine: Engine, needles: Sequence[str]) -> List[Tuple[str, str, str]]:
    """(table, column, needle) for every stored value that contains one of ``needles``."""
    found = []
    for table, row in every_string(engine):
        for column, value in row.items():
            for needle in needles:
                if needle and needle in value:
                    found.append((table, column, needle))
    return found
