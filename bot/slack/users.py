"""Slack user id → display name and e-mail address, for the conversation's metadata (tickets,
engineers, linking a person's tickets across channels).

Both come from one ``users.info`` call (scopes ``users:read`` and ``users:read.email``) and are
cached for an hour: a busy conversation must not cost a Web API call per message, and a renamed
person shows up under the new name soon enough. A failed lookup is cached briefly and yields
nothing; the conversation goes on without a name or address. The e-mail address is personal
data: it is never logged, and it reaches our tables only as a ticket's requester e-mail (covered
by privacy export, erasure and retention, ``bot/privacy``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from bot.slack.client import SlackClient

NAME_TTL = 3600.0
FAILURE_TTL = 300.0
# A name is nice to have: never hold a reply for long because Slack is slow to tell it.
LOOKUP_BUDGET = 5.0
MAX_CACHED = 10_000


@dataclass(frozen=True)
class SlackProfile:
    """What Slack tells about a user.

    Attributes:
        name: the name Slack shows (:func:`display_name`), if any.
        email: the profile e-mail address (needs ``users:read.email``); absent for bots and
            when the scope is missing.
    """

    name: Optional[str] = None
    email: Optional[str] = None


NOBODY = SlackProfile()


def display_name(user: Mapping[str, Any]) -> Optional[str]:
    """The name Slack shows for a user: display name, else real name, else handle.

    Args:
        user: the ``user`` object of ``users.info``.
    """
    profile = user.get("profile") or {}
    for candidate in (profile.get("display_name"), profile.get("real_name"), user.get("real_name"), user.get("name")):
        if candidate and str(candidate).strip():
            return str(candidate).strip()
    return None


def profile_of(user: Mapping[str, Any]) -> SlackProfile:
    """Name and e-mail address from the ``user`` object of ``users.info``."""
    profile = user.get("profile") or {}
    email = profile.get("email") if isinstance(profile, Mapping) else None
    return SlackProfile(display_name(user), email.strip() if isinstance(email, str) and email.strip() else None)


class UserDirectory:
    """Cached Slack profiles (names and e-mail addresses)."""

    def __init__(self, client: SlackClient, clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._clock = clock
        self._cache: Dict[str, Tuple[float, SlackProfile]] = {}

    async def profile(self, user_id: str) -> SlackProfile:
        """The user's name and e-mail address (each None if Slack would not tell).

        Args:
            user_id: Slack user id (``U…``/``W…``).
        """
        now = self._clock()
        cached = self._cache.get(user_id)
        if cached and cached[0] > now:
            return cached[1]
        result = await self._client.call("users.info", give_up_after=LOOKUP_BUDGET, user=user_id)
        found = profile_of(result.data.get("user") or {}) if result.ok else NOBODY
        if len(self._cache) >= MAX_CACHED:
            self._cache.clear()  # crude, but bounded; profiles are cheap to fetch again
        self._cache[user_id] = (now + (NAME_TTL if result.ok else FAILURE_TTL), found)
        return found

    async def display_name(self, user_id: str) -> Optional[str]:
        """The user's display name, or None if Slack would not tell (same cache as :meth:`profile`).

        Args:
            user_id: Slack user id (``U…``/``W…``).
        """
        return (await self.profile(user_id)).name
