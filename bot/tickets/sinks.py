"""External ticket systems ("sinks"): where copies of ticket events go.

Frontline's own SQL ticket store is the source of truth. Every ticket event (created, status
changed, assigned, message, note, rating) is also queued for each configured sink in the
delivery outbox (:mod:`bot.tickets.outbox`) and delivered in order, with retries, by
:class:`bot.tickets.dispatcher.OutboxDispatcher`. A sink only has to send one delivery:

.. code-block:: python

    class JiraSink:
        name = "jira"

        @classmethod
        def from_env(cls, env):                 # FRONTLINE_TICKET_SINKS=mycompany.jira.JiraSink
            return cls(env["JIRA_URL"], env["JIRA_TOKEN"])

        async def deliver(self, delivery: Delivery) -> None:
            ...  # create or update the Jira issue; raise DeliveryError to retry later

Deliveries are at-least-once: a sink may see the same delivery again (for example when the
process stopped between sending and recording success), so it should use
``delivery.idempotency_key`` to ignore repeats. Shipped: :class:`WebhookSink` (signed JSON POST)
and :class:`MemorySink` (a fake for tests and local experiments).
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Protocol, Sequence, runtime_checkable

SIGNATURE_VERSION = "v1"
SIGNATURE_HEADER = "X-Frontline-Signature"
TIMESTAMP_HEADER = "X-Frontline-Timestamp"
USER_AGENT = "Frontline-Ticket-Webhook/1"
# Statuses worth retrying; any other 4xx means the receiver will never accept this delivery.
RETRYABLE_STATUSES = frozenset({408, 409, 425, 429})


@dataclass(frozen=True)
class Delivery:
    """One ticket event for one sink.

    Attributes:
        idempotency_key: stable across retries: ``<sink>:<ticket event id>``.
        sink: the sink's name.
        ticket_reference: e.g. ``SUP-1042``.
        event_kind: created, status_changed, assigned, message, note or rating.
        attempt: 1 for the first try, 2 for the first retry, ...
        payload: the JSON document (see docs/handoff.md, "Ticket webhook").
    """

    idempotency_key: str
    sink: str
    ticket_reference: str
    event_kind: str
    attempt: int
    payload: Mapping[str, Any]


class DeliveryError(Exception):
    """A delivery failed.

    Args:
        message: what went wrong (stored as the outbox row's ``last_error``).
        retryable: False when retrying cannot help (e.g. the receiver rejected the payload):
            the delivery is dead-lettered at once.
        retry_after: seconds the receiver asked us to wait (``Retry-After``), if any.
    """

    def __init__(self, message: str, *, retryable: bool = True, retry_after: Optional[float] = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


@runtime_checkable
class TicketSink(Protocol):
    """An external ticket system. ``deliver`` returns on success and raises on failure."""

    name: str

    async def deliver(self, delivery: Delivery) -> None:
        """Send one delivery.

        Raises:
            DeliveryError: it did not arrive (``retryable`` says whether to try again).
        """
        ...


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The webhook signature: ``v1=`` + hex HMAC-SHA256 of ``v1:<timestamp>:<body>``.

    Args:
        secret: the shared secret (``FRONTLINE_TICKET_WEBHOOK_SECRET``).
        timestamp: Unix seconds, as sent in ``X-Frontline-Timestamp``.
        body: the exact request body.
    """
    message = f"{SIGNATURE_VERSION}:{timestamp}:".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str, now: Optional[float] = None, tolerance: float = 300.0) -> bool:
    """Check a webhook request (for receivers): right signature, and not older than
    ``tolerance`` seconds (replays of old requests are rejected).

    Args:
        secret: the shared secret.
        timestamp: the ``X-Frontline-Timestamp`` header.
        body: the raw request body.
        signature: the ``X-Frontline-Signature`` header.
        now: the current Unix time (default: the real clock).
        tolerance: maximum age in seconds.
    """
    try:
        age = abs((time.time() if now is None else now) - int(timestamp))
    except ValueError:
        return False
    return age <= tolerance and hmac.compare_digest(sign(secret, timestamp, body), signature)


def _retry_after(value: Optional[str]) -> Optional[float]:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class WebhookSink:
    """POSTs each delivery as JSON to a URL, signed with a shared secret.

    Headers: ``X-Frontline-Signature`` (see :func:`sign`), ``X-Frontline-Timestamp``,
    ``Idempotency-Key``, ``X-Frontline-Event`` (the event kind) and ``X-Frontline-Attempt``.
    A 2xx answer is success; 408, 409, 425, 429, 5xx, timeouts and connection errors are retried
    (honouring ``Retry-After``); any other answer dead-letters the delivery.

    Args:
        url: the receiver.
        secret: the shared secret (from the environment, never from a file).
        name: the sink's name in the outbox.
        timeout: seconds to wait for an answer.
        clock: returns Unix seconds for the timestamp header.
    """

    def __init__(self, url: str, secret: str, name: str = "webhook", timeout: float = 10.0,
                 clock: Callable[[], float] = time.time) -> None:
        if not secret:
            raise ValueError("the ticket webhook needs a secret to sign its requests (FRONTLINE_TICKET_WEBHOOK_SECRET)")
        self.url = url
        self.name = name
        self._secret = secret
        self._timeout = timeout
        self._clock = clock

    def __repr__(self) -> str:
        return f"WebhookSink(name={self.name!r}, url={self.url!r})"

    async def deliver(self, delivery: Delivery) -> None:
        """POST the delivery; see the class docstring for what counts as success."""
        import aiohttp  # lazily: only the action server's dispatcher sends

        body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True, default=str).encode()
        timestamp = str(int(self._clock()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Idempotency-Key": delivery.idempotency_key,
            "X-Frontline-Event": delivery.event_kind,
            "X-Frontline-Attempt": str(delivery.attempt),
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(self._secret, timestamp, body),
        }
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self._timeout)) as session:
                async with session.post(self.url, data=body, headers=headers) as response:
                    if 200 <= response.status < 300:
                        return
                    text = (await response.text())[:200]
                    retryable = response.status >= 500 or response.status in RETRYABLE_STATUSES
                    raise DeliveryError(
                        f"HTTP {response.status} from {self.url}: {text}".strip(),
                        retryable=retryable,
                        retry_after=_retry_after(response.headers.get("Retry-After")),
                    )
        except DeliveryError:
            raise
        except Exception as exc:  # timeouts, refused connections, DNS, TLS: try again later
            raise DeliveryError(f"{type(exc).__name__} posting to {self.url}: {exc}".strip()) from None


@dataclass
class MemorySink:
    """A sink that keeps deliveries in memory; script failures with :meth:`fail_next`."""

    name: str = "memory"
    delivered: List[Delivery] = field(default_factory=list)
    attempts: List[Delivery] = field(default_factory=list)
    _failures: List[DeliveryError] = field(default_factory=list)

    def fail_next(self, times: int = 1, error: Optional[DeliveryError] = None) -> None:
        """Make the next ``times`` deliveries fail with ``error`` (default: a retryable one)."""
        self._failures.extend([error or DeliveryError("sink unavailable (scripted)")] * times)

    async def deliver(self, delivery: Delivery) -> None:
        """Record the attempt; fail if scripted to, else record the delivery."""
        self.attempts.append(delivery)
        if self._failures:
            raise self._failures.pop(0)
        self.delivered.append(delivery)


def load_sink_class(path: str) -> Any:
    """Import ``package.module.ClassName``.

    Raises:
        ValueError: the path is malformed or does not name an importable attribute.
    """
    module_name, _, attr = path.rpartition(".")
    if not module_name:
        raise ValueError(f"ticket sink {path!r}: expected a dotted path like mycompany.sinks.JiraSink")
    try:
        return getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"ticket sink {path!r} cannot be loaded: {exc}") from None


def build_sinks(webhook_url: Optional[str], webhook_secret: Optional[str], extra: Sequence[str],
                env: Mapping[str, str]) -> List[TicketSink]:
    """The configured sinks: the webhook (if a URL is set) and any extra sink classes.

    Args:
        webhook_url: ``FRONTLINE_TICKET_WEBHOOK_URL``.
        webhook_secret: ``FRONTLINE_TICKET_WEBHOOK_SECRET``.
        extra: dotted class paths (``FRONTLINE_TICKET_SINKS``); each class has a
            ``from_env(env)`` class method (or takes no arguments) and a unique ``name``.
        env: the environment, for the extra sinks' own settings.

    Raises:
        ValueError: a sink cannot be built, or two sinks share a name.
    """
    sinks: List[TicketSink] = []
    if webhook_url:
        sinks.append(WebhookSink(webhook_url, webhook_secret or ""))
    for path in extra:
        cls = load_sink_class(path)
        sink = cls.from_env(env) if hasattr(cls, "from_env") else cls()
        if not isinstance(sink, TicketSink):
            raise ValueError(f"ticket sink {path!r} has no name or no async deliver(delivery) method")
        sinks.append(sink)
    names: Dict[str, int] = {}
    for sink in sinks:
        names[sink.name] = names.get(sink.name, 0) + 1
    duplicated = sorted(name for name, count in names.items() if count > 1)
    if duplicated:
        raise ValueError(f"two ticket sinks are called {', '.join(duplicated)}; sink names must be unique")
    return sinks
