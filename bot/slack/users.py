"""Slack user id → display name, for the conversation's metadata (tickets, engineers).

Names come from ``users.info`` (scope ``users:read``) and are cached for an hour: a busy
conversation must not cost a Web API call per message, and a renamed person shows up under the
new name soon enough. A failed lookup is cached briefly and yields None; the conversation goes
on without a name.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from bot.slack.client import SlackClient

NAME_TTL = 3600.0
FAILURE_TTL = 300.0
# A name is nice to have: never hold a reply for long because Slack is slow to tell it.
LOOKUP_BUDGET = 5.0
MAX_CACHED = 10_000


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


class UserDirectory:
    """Cached display names."""

    def __init__(self, client: SlackClient, clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._clock = clock
        self._cache: Dict[str, Tuple[float, Optional[str]]] = {}

    async def display_name(self, user_id: str) -> Optional[str]:
        """The user's display name, or None if Slack would not tell.

        Args:
            user_id: Slack user id (``U…``/``W…``).
        """
        now = self._clock()
        cached = self._cache.get(user_id)
        if cached and cached[0] > now:
            return cached[1]
        result = await self._client.call("users.info", give_up_after=LOOKUP_BUDGET, user=user_id)
        name = display_name(result.data.get("user") or {}) if result.ok else None
        if len(self._cache) >= MAX_CACHED:
            self._cache.clear()  # crude, but bounded; names are cheap to fetch again
        self._cache[user_id] = (now + (NAME_TTL if result.ok else FAILURE_TTL), name)
        return name
