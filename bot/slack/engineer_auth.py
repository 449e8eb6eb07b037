"""Who may act on tickets in Slack: members of the engineers' channel, or of a user group.

Slack signs every request, but a signature only proves the click came through Slack, not that
the person is an engineer: any workspace member who could see a ticket message (or forge a
click payload from a DM) could Claim or Resolve it. Membership is asked from Slack
(``conversations.members``, and ``usergroups.users.list`` when FRONTLINE_ENGINEERS_GROUP is
set) and cached for a few minutes, so a click costs no extra Web API call most of the time and
someone removed from the channel loses access within the cache's lifetime.

Scopes: ``channels:read`` and ``groups:read`` (public/private engineers' channel),
``usergroups:read`` (only with a group).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Callable, FrozenSet, Optional, Set, Tuple

from bot.slack.client import SlackClient

log = logging.getLogger(__name__)

Clock = Callable[[], float]
CACHE_SECONDS = 300.0
# A refused lookup is retried sooner: a transient Slack error must not lock engineers out long.
FAILED_CACHE_SECONDS = 30.0
MAX_PAGES = 50

REFUSAL = (
    "Sorry — only members of the engineers' channel can claim, resolve or answer tickets, "
    "and only from that channel. If you should have access, ask your support lead to add you."
)


class EngineerAuthorizer:
    """Decides whether a Slack user may act on tickets.

    Args:
        client: the retrying Web API client.
        channel: the engineers' channel id.
        group: optional user group id (``S…``) whose members are engineers too.
        ttl: seconds a membership list is trusted.
        clock: monotonic seconds (injected in tests).
    """

    def __init__(self, client: SlackClient, channel: str, group: Optional[str] = None,
                 ttl: float = CACHE_SECONDS, clock: Clock = time.monotonic) -> None:
        self.client = client
        self.channel = channel
        self.group = group
        self.ttl = ttl
        self._clock = clock
        self._cache: Optional[Tuple[float, FrozenSet[str]]] = None
        self._lock = asyncio.Lock()

    async def allowed(self, user_id: str, channel: Optional[str]) -> bool:
        """True if ``user_id`` acts from the engineers' channel and is an engineer."""
        if not user_id or channel != self.channel:
            return False
        return user_id in await self.engineers()

    async def engineers(self) -> FrozenSet[str]:
        """The current engineers (channel members plus group members), cached."""
        async with self._lock:
            now = self._clock()
            if self._cache is not None and self._cache[0] > now:
                return self._cache[1]
            members, complete = await self._fetch()
            self._cache = (now + (self.ttl if complete else FAILED_CACHE_SECONDS), members)
            return members

    async def _fetch(self) -> Tuple[FrozenSet[str], bool]:
        users: Set[str] = set()
        complete = True
        cursor = ""
        for _ in range(MAX_PAGES):
            params = {"channel": self.channel, "limit": 1000}
            if cursor:
                params["cursor"] = cursor
            result = await self.client.call("conversations.members", give_up_after=10.0, **params)
            if not result.ok:
                log.error("cannot list the engineers' channel members (%s); only cached engineers may act", result.error)
                complete = False
                break
            users.update(str(m) for m in result.data.get("members") or [])
            cursor = str((result.data.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                break
        if self.group:
            result = await self.client.call("usergroups.users.list", give_up_after=10.0, usergroup=self.group)
            if result.ok:
                users.update(str(u) for u in result.data.get("users") or [])
            else:
                log.error("cannot list the engineers' user group (%s)", result.error)
                complete = False
        if not complete and self._cache is not None:
            users.update(self._cache[1])  # keep who we knew rather than lock everyone out
        return frozenset(users), complete
