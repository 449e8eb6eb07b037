"""Did the tracker store keep this turn? Shared between the store and the channel guard.

Rasa wraps every tracker store in ``FailSafeTrackerStore``, which on a failed save logs and
quietly saves into an in-memory store instead, and on a failed read starts an empty
conversation. The user would get normal answers that were never saved. Our store marks the
turn here when it fails; the guard (same asyncio task, so the same context) then withholds the
turn's replies and tells the user to retry.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Optional


@dataclass
class TurnHealth:
    """What went wrong with storage during one turn."""

    store_failed: bool = False


_CURRENT: contextvars.ContextVar[Optional[TurnHealth]] = contextvars.ContextVar("frontline_turn_health", default=None)


def begin() -> "tuple[TurnHealth, contextvars.Token]":
    """Start watching a turn (the guard calls this)."""
    health = TurnHealth()
    return health, _CURRENT.set(health)


def end(token: "contextvars.Token") -> None:
    """Stop watching the turn."""
    _CURRENT.reset(token)


def mark_store_failed() -> None:
    """The tracker store could not read or save during the current turn (if one is watched)."""
    health = _CURRENT.get()
    if health is not None:
        health.store_failed = True
