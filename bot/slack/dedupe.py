"""What the Slack channel has already handled, remembered in our database.

Slack re-sends an event when it did not get our acknowledgement in time (a slow network, a
restart in the middle). Answering twice would confuse the user and, inside a flow, answer a
question twice. So every event id is claimed before it is processed, in the shared database:
the claim survives a restart and holds across several Rasa servers behind a load balancer.

The same store remembers which messages' buttons were clicked (a double click answers once)
and which channel threads the bot takes part in (so replies there need no @mention).

If the database is unreachable, the channel errs on the side of answering: a possible duplicate
is better than a silent bot.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta
from typing import Callable, Optional, Set, TypeVar

from bot.db.slack_seen import SlackSeenRepository

log = logging.getLogger(__name__)

T = TypeVar("T")

# Slack retries an event three times within about five minutes; a day is ample.
EVENT_TTL = timedelta(days=1)
CLICK_TTL = timedelta(days=30)
# A thread the bot answered in stays "ours" for this long after its last message.
THREAD_TTL = timedelta(days=30)
PRUNE_EVERY_SECONDS = 600.0


def event_key(team: str, event_id: str) -> str:
    """Key of an Events API event (the same id in every retry of it)."""
    return f"event:{team}:{event_id}"


def click_key(team: str, channel: str, message_ts: str) -> str:
    """Key of a message with buttons: only its first click counts."""
    return f"click:{team}:{channel}:{message_ts}"


def thread_key(conversation_id: str) -> str:
    """Key of a channel thread the bot takes part in."""
    return f"thread:{conversation_id}"


class SeenStore:
    """Async, failure-tolerant access to the seen keys.

    Repository calls are blocking database calls; they run in the default thread pool so the
    event loop keeps acknowledging Slack within its three seconds.
    """

    def __init__(self, repository: Optional[SlackSeenRepository], clock: Callable[[], float] = time.monotonic) -> None:
        """Create the store.

        Args:
            repository: the database repository, or None to keep keys in memory only (tests and
                experiments without a database: a restart forgets everything).
            clock: monotonic seconds, for pruning.
        """
        self._repository = repository
        self._memory: Set[str] = set()
        self._clock = clock
        self._next_prune = clock() + PRUNE_EVERY_SECONDS

    async def _run(self, what: str, call: Callable[[], T], fallback: T) -> T:
        if self._repository is None:
            return fallback
        try:
            return await asyncio.get_running_loop().run_in_executor(None, call)
        except Exception as exc:  # the database being down must not stop the bot answering
            log.warning("Slack channel could not %s (%s: %s); carrying on", what, type(exc).__name__, exc)
            return fallback

    async def first_time(self, key: str, ttl: timedelta) -> bool:
        """Claim ``key``; True if nobody had (so: handle it), False for a repeat.

        Args:
            key: from :func:`event_key` or :func:`click_key`.
            ttl: how long the claim lasts.
        """
        await self._maybe_prune()
        if self._repository is None:
            if key in self._memory:
                return False
            self._memory.add(key)
            return True
        repository = self._repository
        return await self._run("record a handled Slack event", lambda: repository.claim(key, ttl), True)

    async def join_thread(self, conversation_id: str) -> None:
        """Remember (or keep remembering) that the bot takes part in a channel thread."""
        key = thread_key(conversation_id)
        if self._repository is None:
            self._memory.add(key)
            return
        repository = self._repository
        await self._run("remember a Slack thread", lambda: repository.remember(key, THREAD_TTL), None)

    async def in_thread(self, conversation_id: str) -> bool:
        """True if the bot takes part in this channel thread (unknown if the database is down:
        then False, and the user can still @mention the bot)."""
        key = thread_key(conversation_id)
        if self._repository is None:
            return key in self._memory
        repository = self._repository
        return await self._run("look up a Slack thread", lambda: repository.seen(key), False)

    async def _maybe_prune(self) -> None:
        if self._repository is None or self._clock() < self._next_prune:
            return
        self._next_prune = self._clock() + PRUNE_EVERY_SECONDS
        repository = self._repository
        removed = await self._run("prune old Slack keys", repository.prune, 0)
        if removed:
            log.info("pruned %d expired Slack keys", removed)
