"""Rate limits: how many messages (or new tickets) one key may send within a window.

A fixed-window counter per key, in memory for one server, or in Redis when several servers
share the limits (the same Redis as the lock store). Fixed windows are coarse (a burst can
straddle two windows) but cost one atomic ``INCR`` per message and need no clean-up: each
window's counter expires by itself. That is the right trade for abuse protection, which only
has to stop floods, not meter exact rates.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable, Dict, Optional, Protocol, Tuple

log = logging.getLogger(__name__)

Clock = Callable[[], float]


class RateLimiter(Protocol):
    """Counts hits per key and says whether one more is allowed."""

    def hit(self, key: str) -> bool:
        """Record one hit for ``key``; False if it is over the limit (the hit still counts)."""
        ...


class MemoryRateLimiter:
    """Fixed-window counters in this process.

    Args:
        limit: hits allowed per window and key.
        window: window length in seconds.
        clock: seconds (injected in tests).
        max_keys: counters kept at most; the oldest windows are dropped first.
    """

    def __init__(self, limit: int, window: float, clock: Clock = time.monotonic, max_keys: int = 100_000) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._max_keys = max_keys
        self._counts: Dict[Tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> bool:
        """Record a hit; True while ``key`` is within its limit for the current window."""
        slot = int(self._clock() // self.window)
        with self._lock:
            if len(self._counts) >= self._max_keys:
                self._counts = {k: v for k, v in self._counts.items() if k[1] >= slot}
                if len(self._counts) >= self._max_keys:  # a flood of distinct keys: start over
                    self._counts.clear()
            count = self._counts.get((key, slot), 0) + 1
            self._counts[(key, slot)] = count
            # Old windows of this key are no longer needed.
            self._counts.pop((key, slot - 1), None)
        return count <= self.limit


class RedisRateLimiter:
    """Fixed-window counters in Redis, shared by every server using the same prefix.

    Args:
        client: a ``redis.Redis`` client.
        prefix: key prefix (one per deployment and limit).
        limit: hits allowed per window and key.
        window: window length in seconds.
        clock: seconds since the epoch (windows must agree between servers).
        fail_open: allow hits when Redis is unreachable (logged), rather than refuse everyone.
    """

    def __init__(self, client: Any, prefix: str, limit: int, window: float, clock: Clock = time.time,
                 fail_open: bool = True) -> None:
        self.client = client
        self.prefix = prefix
        self.limit = limit
        self.window = window
        self._clock = clock
        self._fail_open = fail_open

    def hit(self, key: str) -> bool:
        """Record a hit in Redis; True while ``key`` is within its limit."""
        slot = int(self._clock() // self.window)
        name = f"{self.prefix}:{slot}:{key}"
        try:
            pipe = self.client.pipeline()
            pipe.incr(name)
            pipe.expire(name, int(self.window) + 1)
            count, _ = pipe.execute()
        except Exception as exc:  # an unreachable Redis must not take the bot down
            log.warning("rate limit store unavailable (%s); allowing the request", type(exc).__name__)
            return self._fail_open
        return int(count) <= self.limit


def make_limiter(store_url: Optional[str], prefix: str, limit: int, window: float) -> RateLimiter:
    """A Redis limiter when ``store_url`` is a redis:// URL, else an in-memory one.

    Args:
        store_url: FRONTLINE_LOCK_STORE_URL (``memory`` or ``redis://…``).
        prefix: Redis key prefix.
        limit: hits per window.
        window: seconds.
    """
    if store_url and store_url.startswith(("redis://", "rediss://")):
        import redis

        return RedisRateLimiter(redis.Redis.from_url(store_url, socket_timeout=1.0, socket_connect_timeout=1.0),
                                prefix, limit, window)
    return MemoryRateLimiter(limit, window)
