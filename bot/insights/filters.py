"""The period and filters every figure is computed for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional, Tuple

from bot.insights.conversations import CHANNELS

# Our channel names (``web``) → what Rasa and the tickets record (``socketio``).
RAW_CHANNELS = {ours: raw for raw, ours in CHANNELS.items()}
KNOWN_CHANNELS = ("slack", "web", "rest")


@dataclass(frozen=True)
class Filters:
    """A half-open period ``[since, until)`` and optional channel and flow.

    Attributes:
        since: start (aware UTC).
        until: end (aware UTC), exclusive.
        channel: ``slack``, ``web`` or ``rest``; None for all.
        flow: a flow id; None for all.
    """

    since: datetime
    until: datetime
    channel: Optional[str] = None
    flow: Optional[str] = None

    def __post_init__(self) -> None:
        if self.since.tzinfo is None or self.until.tzinfo is None:
            raise ValueError("insights periods need timezone-aware datetimes")
        if self.until <= self.since:
            raise ValueError(f"the period ends ({self.until:%Y-%m-%d}) before it starts ({self.since:%Y-%m-%d})")

    @property
    def raw_channel(self) -> Optional[str]:
        """The channel as Rasa and the ticket tables record it."""
        return RAW_CHANNELS.get(self.channel, self.channel) if self.channel else None

    @property
    def length(self) -> timedelta:
        """How long the period is."""
        return self.until - self.since

    def previous(self) -> "Filters":
        """The period of the same length just before this one, with the same filters."""
        return Filters(self.since - self.length, self.since, self.channel, self.flow)

    def span(self) -> Tuple[datetime, datetime]:
        """``(since, until)``."""
        return self.since, self.until
