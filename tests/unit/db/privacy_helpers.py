"""Helpers of the privacy DB tests: a real Rasa tracker store on the test database, and a search
of every table for strings."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Sequence

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.policy import load_policy
from bot.privacy.redact import Redactor
from bot.rasa_ext.privacy_store import RedactingSQLTrackerStore
from tests.privacy_search import every_string, hits  # noqa: F401  (re-exported for the DB tests)

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
