"""Tracker and lock stores configured by one URL each (see endpoints.yml).

Rasa's SQLTrackerStore wants dialect/host/port/db as separate keys; Frontline has a single
``FRONTLINE_DATABASE_URL`` shared with its own tables, so this adapter splits the URL.

It also keeps turns from being lost (docs/security.md):

- Rasa's SQL store runs blocking database calls on the server's event loop, so a locked SQLite
  file froze every conversation (and every endpoint) while the lock lasted. Reads and writes run
  in a worker thread here; the per-conversation lock store keeps them in order.
- SQLite waits for a lock (``timeout``, :data:`SQLITE_BUSY_TIMEOUT` seconds unless the URL says
  otherwise) and PostgreSQL connections are checked before use (``pool_pre_ping``), so transient
  trouble is retried, not failed.
- When a read or write still fails, the turn is marked (:mod:`bot.rasa_ext.turn_health`) so the
  channel guard tells the user to retry, instead of Rasa's silent in-memory fallback.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any, Callable, Coroutine, Optional, Text, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker

from rasa.core.brokers.broker import EventBroker
from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockStore
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy.engine import make_url

from bot.db.tracker_events import SENDER_INDEX, ensure_sender_index
from bot.rasa_ext import turn_health, turn_order
from bot.rasa_ext.redis_lock import DEFAULT_LEASE_SECONDS, RedisFifoLockStore, confirm_current_lease

log = logging.getLogger(__name__)
SQLITE_BUSY_TIMEOUT = "10"
_thread = threading.local()
T = TypeVar("T")


def fenced() -> None:
    """Save fencing: fail the save of a turn whose lock lease ran out (the turn is marked, so the
    user is asked to retry), rather than write over the tracker of the turn that took over."""
    try:
        confirm_current_lease()
    except Exception:
        turn_health.mark_store_failed()
        raise


class UrlSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore configured by an SQLAlchemy URL (``host`` carries the URL)."""

    engine: sa.engine.Engine  # created by SQLTrackerStore.__init__, replaced below for servers

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[Text] = None,
        event_broker: Optional[EventBroker] = None,
        **kwargs: Any,
    ) -> None:
        if not host:
            raise ValueError("tracker store: set FRONTLINE_DATABASE_URL (an SQLAlchemy URL)")
        url = make_url(host)
        dialect = url.get_backend_name()
        query = dict(url.query)
        if dialect == "sqlite":
            query.setdefault("timeout", SQLITE_BUSY_TIMEOUT)
        super().__init__(
            domain=domain,
            dialect=dialect,
            host=url.host,
            port=url.port,
            db=url.database or "",
            username=url.username,
            password=url.password,
            event_broker=event_broker,
            query=query or None,
        )
        if dialect != "sqlite":
            # Connections dropped by a database restart or failover are replaced, not failed.
            self.engine = sa.create_engine(self.engine.url, pool_pre_ping=True, **create_engine_kwargs(self.engine.url))
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._ensure_sender_index()

    def _ensure_sender_index(self) -> None:
        """Index ``events.sender_id`` if Rasa's ``create_all`` found an old table without it.

        Migration 0007 does this too; here it covers a Rasa server started on a database nobody
        migrated (bot/db/tracker_events.py). Never fatal: a slow lookup beats no server.
        """
        try:
            with self.engine.begin() as connection:
                if ensure_sender_index(connection):
                    log.info("tracker store: created the missing index %s", SENDER_INDEX)
        except sa.exc.SQLAlchemyError as exc:
            log.warning("tracker store: could not ensure the index %s: %s", SENDER_INDEX, exc.__class__.__name__)

    async def _in_thread(self, work: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """Run one of the parent's (blocking) coroutines in a worker thread; mark the turn on failure."""

        def run() -> T:
            _thread.in_worker = True  # the event broker is fed from the server's loop, not here
            try:
                return asyncio.run(work())
            finally:
                _thread.in_worker = False

        try:
            return await asyncio.to_thread(run)
        except Exception:
            turn_health.mark_store_failed()
            raise

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Publish new events to the event broker (on the server's loop only)."""
        if not getattr(_thread, "in_worker", False):
            await super().stream_events(tracker)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Publish to the event broker, then store the tracker's new events (in a worker thread).

        A turn that lost its conversation's lock does not save (see :func:`fenced`).
        """
        fenced()
        await self.stream_events(tracker)
        await self._in_thread(lambda: SQLTrackerStore.save(self, tracker))

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The conversation's tracker (in a worker thread).

        Raises:
            turn_order.RepeatedTurn: the client-numbered turn being handled is already in it
                (the message was delivered twice); the channel answers with its saved replies.
        """
        tracker = await self._in_thread(lambda: SQLTrackerStore.retrieve(self, sender_id))
        if tracker is not None:
            turn_order.check_not_repeated(tracker.events)
        return tracker

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        """The conversation's tracker across sessions (in a worker thread)."""
        return await self._in_thread(lambda: SQLTrackerStore.retrieve_full_tracker(self, conversation_id))


class UrlLockStore(LockStore):
    """Lock store chosen by URL: ``memory`` (one server) or ``redis://host:port/db`` (several).

    With Redis it is :class:`bot.rasa_ext.redis_lock.RedisFifoLockStore`, not Rasa's
    ``RedisLockStore``, which lets two servers run turns of one conversation at once
    (RasaHQ/rasa#9213). ``lease_seconds`` (endpoints.yml, from FRONTLINE_LOCK_LEASE_SECONDS) is the
    holder's lease.
    """

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None) -> None:
        url = (endpoint_config.url if endpoint_config else None) or "memory"
        kwargs = endpoint_config.kwargs if endpoint_config else {}
        self._inner: LockStore
        if url in ("memory", "in_memory"):
            self._inner = InMemoryLockStore()
        else:
            parsed = make_url(url)
            if parsed.get_backend_name() not in ("redis", "rediss"):
                raise ValueError(
                    f"FRONTLINE_LOCK_STORE_URL={url!r}: expected 'memory' or a redis:// URL"
                )
            import redis

            lease = float(kwargs.get("lease_seconds") or DEFAULT_LEASE_SECONDS)
            self._inner = RedisFifoLockStore(redis.Redis.from_url(url, socket_timeout=10), lease_seconds=lease)
        super().__init__()

    def lock(self, conversation_id: Text, lock_lifetime: float = 0, wait_time_in_seconds: float = 1) -> Any:
        """The configured store's lock for ``conversation_id`` (an async context manager)."""
        if isinstance(self._inner, RedisFifoLockStore):
            return self._inner.lock(conversation_id)
        if lock_lifetime:
            return self._inner.lock(conversation_id, lock_lifetime, wait_time_in_seconds)
        return self._inner.lock(conversation_id, wait_time_in_seconds=wait_time_in_seconds)

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        """Fetch the lock for ``conversation_id`` from the configured store."""
        return self._inner.get_lock(conversation_id)

    def delete_lock(self, conversation_id: Text) -> None:
        """Delete the lock for ``conversation_id`` in the configured store."""
        self._inner.delete_lock(conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        """Save ``lock`` in the configured store."""
        self._inner.save_lock(lock)
