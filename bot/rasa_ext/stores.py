"""Tracker and lock stores configured by one URL each (see endpoints.yml).

Rasa's SQLTrackerStore wants dialect/host/port/db as separate keys; Frontline has a single
``FRONTLINE_DATABASE_URL`` shared with its own tables, so this adapter splits the URL.
"""

from __future__ import annotations

from typing import Any, Optional, Text

from rasa.core.brokers.broker import EventBroker
from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy.engine import make_url


class UrlSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore configured by an SQLAlchemy URL (``host`` carries the URL)."""

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
        super().__init__(
            domain=domain,
            dialect=dialect,
            host=url.host,
            port=url.port,
            db=url.database or "",
            username=url.username,
            password=url.password,
            event_broker=event_broker,
            query=dict(url.query) or None,
        )


class UrlLockStore(LockStore):
    """Lock store chosen by URL: ``memory`` (one server) or ``redis://host:port/db``."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None) -> None:
        url = (endpoint_config.url if endpoint_config else None) or "memory"
        self._inner: LockStore
        if url in ("memory", "in_memory"):
            self._inner = InMemoryLockStore()
        else:
            parsed = make_url(url)
            if parsed.get_backend_name() not in ("redis", "rediss"):
                raise ValueError(
                    f"FRONTLINE_LOCK_STORE_URL={url!r}: expected 'memory' or a redis:// URL"
                )
            self._inner = RedisLockStore(
                host=parsed.host or "localhost",
                port=parsed.port or 6379,
                db=int(parsed.database or 0),
                password=parsed.password,
                use_ssl=parsed.get_backend_name() == "rediss",
            )
        super().__init__()

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        """Fetch the lock for ``conversation_id`` from the configured store."""
        return self._inner.get_lock(conversation_id)

    def delete_lock(self, conversation_id: Text) -> None:
        """Delete the lock for ``conversation_id`` in the configured store."""
        self._inner.delete_lock(conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        """Save ``lock`` in the configured store."""
        self._inner.save_lock(lock)
