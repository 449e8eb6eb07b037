"""Rasa's Pika (RabbitMQ) event broker, configured by one URL, and off when the URL is empty.

endpoints.yml always names this class with ``url: ${FRONTLINE_EVENT_BROKER_URL}``; Rasa's
own ``pika`` type would try to connect to an empty host, so "no broker" is decided here:
:meth:`UrlPikaEventBroker.from_endpoint_config` returns ``None`` for an empty URL, which Rasa
treats as no event broker. Events reach it redacted (``RedactingSQLTrackerStore``).
"""

from __future__ import annotations

import logging
from asyncio import AbstractEventLoop
from typing import Any, Dict, Optional
from urllib.parse import unquote, urlsplit

from rasa.core.brokers.pika import PikaEventBroker
from rasa.utils.endpoints import EndpointConfig

log = logging.getLogger(__name__)

DEFAULT_QUEUE = "frontline_events"
# Rasa's defaults (20 attempts, 5 s apart) keep a misconfigured server starting for 100 s.
CONNECTION_ATTEMPTS = 6
RETRY_DELAY_SECONDS = 2.0


def broker_kwargs(url: str, queue: Optional[str]) -> Dict[str, Any]:
    """PikaEventBroker's arguments for an ``amqp[s]://user:password@host:port/vhost`` URL.

    The credentials travel as ``username``/``password``, not in ``host``: Rasa logs ``host``.

    Args:
        url: the broker URL (FRONTLINE_EVENT_BROKER_URL).
        queue: the queue to declare and publish to.

    Returns:
        Keyword arguments for :class:`PikaEventBroker`.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("amqp", "amqps") or not parts.hostname:
        raise ValueError("FRONTLINE_EVENT_BROKER_URL: expected amqp://user:password@host:5672/%2F")
    port = parts.port or (5671 if parts.scheme == "amqps" else 5672)
    host = f"{parts.scheme}://{parts.hostname}:{port}{parts.path or '/'}"
    return {
        "host": host,
        "username": unquote(parts.username or "guest"),
        "password": unquote(parts.password or "guest"),
        "port": port,
        "queues": [queue or DEFAULT_QUEUE],
        "connection_attempts": CONNECTION_ATTEMPTS,
        "retry_delay_in_seconds": RETRY_DELAY_SECONDS,
    }


class UrlPikaEventBroker(PikaEventBroker):
    """PikaEventBroker from ``url`` and ``queue`` (endpoints.yml), or no broker for an empty URL."""

    @classmethod
    async def from_endpoint_config(
        cls,
        broker_config: Optional[EndpointConfig],
        event_loop: Optional[AbstractEventLoop] = None,
    ) -> Optional["PikaEventBroker"]:
        """Connect to RabbitMQ, or return None (no broker) when no URL is configured."""
        url = (broker_config.url if broker_config else None) or ""
        if not url.strip():
            return None
        queue = str(broker_config.kwargs.get("queue") or "") if broker_config else ""
        broker = cls(**broker_kwargs(url.strip(), queue), event_loop=event_loop)
        await broker.connect()
        log.info("event broker: publishing conversation events to RabbitMQ queue %r", broker.queues[0])
        return broker
