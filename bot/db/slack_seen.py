"""Repository of the Slack channel's "seen" keys (table ``slack_seen``, migration 0003).

A key is a string naming something the Slack channel must remember across restarts and across
several Rasa servers: an event it already handled (Slack retries events it thinks we missed), a
message whose buttons were already clicked, a channel thread the bot takes part in. Each key
has an expiry; expired keys count as unseen and are pruned.

Like :mod:`bot.db.repositories`, this is the only code touching its table; every method runs
in its own transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.db.models import SlackSeenRow
from bot.db.repositories import utc_now

Clock = Callable[[], datetime]

MAX_KEY_LENGTH = 255


def _checked(key: str) -> str:
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValueError(f"seen key must be 1-{MAX_KEY_LENGTH} characters, got {len(key)}")
    return key


class SlackSeenRepository:
    """Keys with an expiry: claim once, remember, check, prune."""

    def __init__(self, session_factory: sessionmaker, clock: Clock = utc_now) -> None:
        """Create the repository.

        Args:
            session_factory: from :func:`bot.db.engine.make_session_factory`.
            clock: returns the current aware UTC time.
        """
        self._sessions = session_factory
        self._clock = clock

    def claim(self, key: str, ttl: timedelta) -> bool:
        """Record ``key`` unless it is already recorded and unexpired.

        The primary key makes this atomic: of two servers (or two retries) claiming the same
        key at the same moment, exactly one gets True.

        Args:
            key: what to claim, e.g. ``event:T1:Ev123``.
            ttl: how long the claim lasts.

        Returns:
            True if this call claimed the key (first time seen), False if it was already claimed.
        """
        now = self._clock()
        try:
            with self._sessions.begin() as session:
                # An expired claim is as good as none; clear it so the insert can succeed.
                session.execute(
                    delete(SlackSeenRow).where(SlackSeenRow.key == _checked(key), SlackSeenRow.expires_at <= now)
                )
                session.add(SlackSeenRow(key=key, seen_at=now, expires_at=now + ttl))
        except IntegrityError:
            return False
        return True

    def remember(self, key: str, ttl: timedelta) -> None:
        """Record ``key`` (or extend it) so that it expires ``ttl`` from now.

        Args:
            key: what to remember, e.g. ``thread:slack:T1:C1:1700000000.000100``.
            ttl: how long from now it is remembered.
        """
        now = self._clock()
        try:
            with self._sessions.begin() as session:
                row = session.get(SlackSeenRow, _checked(key))
                if row is None:
                    session.add(SlackSeenRow(key=key, seen_at=now, expires_at=now + ttl))
                else:
                    row.expires_at = max(row.expires_at, now + ttl)
        except IntegrityError:
            # Someone else inserted it between our read and write: it is remembered either way.
            return

    def seen(self, key: str) -> bool:
        """True if ``key`` is recorded and has not expired."""
        now = self._clock()
        with self._sessions() as session:
            found = session.execute(
                select(SlackSeenRow.key).where(SlackSeenRow.key == _checked(key), SlackSeenRow.expires_at > now)
            ).first()
        return found is not None

    def prune(self) -> int:
        """Delete expired keys.

        Returns:
            How many were deleted.
        """
        with self._sessions.begin() as session:
            result = session.execute(delete(SlackSeenRow).where(SlackSeenRow.expires_at <= self._clock()))
        return int(result.rowcount or 0)
