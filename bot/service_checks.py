"""`frontline doctor`'s checks of the services a cluster uses: the Redis lock store, the
RabbitMQ event broker, the action server, the status page, and the tracker-store index in the
database.

Each check runs only when its service is configured (a Redis lock store URL, a broker URL, an
action server URL set explicitly), says what it found without any password, and says how to
fix what is wrong. The checks use the same clients the servers use (redis-py, aio-pika).
"""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Callable, List
from urllib.parse import urlsplit

from bot.config import Settings

TIMEOUT_SECONDS = 3.0


@dataclass(frozen=True)
class Check:
    """One line of the report: ok or not, what was found, and the fix when not ok."""

    name: str
    ok: bool
    found: str
    fix: str = ""


def where(url: str) -> str:
    """``scheme://host:port/path`` of a URL, credentials left out."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}{parts.path}"


def lock_store(settings: Settings) -> Check:
    """The Redis lock store answers PING; reports its version."""
    url = settings.lock_store_url
    if url in ("memory", "in_memory"):
        return Check("lock store", True, "in memory (one Rasa server only; set FRONTLINE_LOCK_STORE_URL=redis://… for several)")
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS)
    except ValueError as exc:
        return Check("lock store", False, f"invalid FRONTLINE_LOCK_STORE_URL: {exc}", "Use `memory` or redis://[:password@]host:6379/0.")
    try:
        client.ping()
        version = str(client.info("server").get("redis_version", "?"))
    except redis.AuthenticationError:
        return Check("lock store", False, f"Redis at {where(url)} refused the password",
                     "Put Redis's password in FRONTLINE_LOCK_STORE_URL: redis://:PASSWORD@host:6379/0.")
    except redis.RedisError as exc:
        return Check("lock store", False, f"cannot reach Redis at {where(url)}: {exc.__class__.__name__}",
                     "Start Redis (`systemctl start redis-server`, or the compose/k8s `redis` service) or fix the host and port in FRONTLINE_LOCK_STORE_URL.")
    finally:
        client.close()
    return Check("lock store", True, f"Redis {version} at {where(url)} answers PING")


async def _declare(url: str, queue: str) -> None:
    import aio_pika

    connection = await asyncio.wait_for(aio_pika.connect(url, timeout=TIMEOUT_SECONDS), TIMEOUT_SECONDS * 2)
    try:
        channel = await connection.channel()
        await channel.declare_queue(queue, durable=True)  # what Rasa's broker declares on start
    finally:
        await connection.close()


def event_broker(settings: Settings) -> Check:
    """RabbitMQ accepts a connection and the event queue can be declared."""
    url = settings.event_broker_url
    if not url:
        return Check("event broker", True, "off (FRONTLINE_EVENT_BROKER_URL unset)")
    queue = settings.event_broker_queue
    try:
        asyncio.run(_declare(url, queue))
    except Exception as exc:  # aio-pika/aiormq raise many kinds; the class name says which
        name = exc.__class__.__name__
        if "Auth" in name or "ACCESS_REFUSED" in str(exc):
            fix = "Check the user and password in FRONTLINE_EVENT_BROKER_URL (`rabbitmqctl list_users`; guest only works on localhost)."
        elif "NOT_ALLOWED" in str(exc) or "vhost" in str(exc).lower():
            fix = "Create the virtual host and grant the user on it (`rabbitmqctl add_vhost`, `rabbitmqctl set_permissions`), or use %2F (the default vhost)."
        else:
            fix = ("Start RabbitMQ (`systemctl start rabbitmq-server`, or the compose/k8s `rabbitmq` service) or fix the host and port in "
                   "FRONTLINE_EVENT_BROKER_URL; leave it empty to run without an event broker.")
        return Check("event broker", False, f"RabbitMQ at {where(url)}: {name}", fix)
    return Check("event broker", True, f"RabbitMQ at {where(url)}: connected, queue {queue!r} declared")


def action_server(settings: Settings) -> Check:
    """The action server's /health answers 200 (only a failure when its URL was set explicitly)."""
    url = settings.actions_url
    health = url.rsplit("/", 1)[0] + "/health"
    local = url == f"http://{settings.host}:{settings.actions_port}/webhook"
    try:
        with urllib.request.urlopen(health, timeout=TIMEOUT_SECONDS) as resp:
            if resp.status == 200:
                return Check("action server", True, f"{where(health)} answers 200")
            problem = f"HTTP {resp.status}"
    except urllib.error.HTTPError as exc:
        problem = f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        problem = f"not reachable ({getattr(exc, 'reason', exc)})"
    if local:
        return Check("action server", True, f"{where(health)} {problem}: not running (`frontline run` starts it)")
    return Check("action server", False, f"{where(health)} {problem}",
                 "Start the action servers (`frontline run --role actions`) or fix FRONTLINE_ACTIONS_URL (the webhook URL, e.g. http://actions:5055/webhook).")


def tracker_index(settings: Settings) -> Check:
    """Rasa's ``events`` table has its sender_id index (a missing one makes every turn scan it)."""
    import sqlalchemy as sa

    from bot.db.engine import make_engine
    from bot.db.tracker_events import EVENTS_TABLE, SENDER_INDEX, has_sender_index

    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table(EVENTS_TABLE):
                return Check("tracker index", False, "Rasa's events table does not exist yet", "Run `frontline db upgrade` (it creates it with the index).")
            if not has_sender_index(connection):
                return Check("tracker index", False, "events has no index on sender_id: every turn reads the whole table",
                             f"Run `frontline db upgrade`, or CREATE INDEX {SENDER_INDEX} ON events (sender_id).")
    finally:
        engine.dispose()
    return Check("tracker index", True, "events.sender_id indexed")


def status_page(settings: Settings) -> Check:
    """The status page (FRONTLINE_STATUS_URL) answers within its time-out with a components list."""
    from bot.flows.runtime.status_page import fetch_url, parse_components

    url = settings.status_url
    if not url:
        return Check("status page", True, f"off: statuses from {settings.status_file.name} (FRONTLINE_STATUS_URL unset)")
    try:
        statuses = parse_components(fetch_url(url, settings.status_timeout))
    except ValueError as exc:
        return Check("status page", False, f"{where(url)} is not a components list: {exc}",
                     "Point FRONTLINE_STATUS_URL at the page's /api/v2/components.json (docs/flows.md, \"Service status from your status page\").")
    except Exception as exc:  # noqa: BLE001 - urllib raises many kinds; the class name says which
        return Check("status page", False, f"{where(url)} did not answer within {settings.status_timeout:g}s ({exc.__class__.__name__})",
                     "Check the URL and that this host may reach it, or raise FRONTLINE_STATUS_TIMEOUT; until then the flows read the status file.")
    return Check("status page", True, f"{where(url)} lists {len(statuses)} components")


def service_checks(settings: Settings) -> List[Callable[[], Check]]:
    """The cluster services' checks, in the order the doctor prints them."""
    return [lambda: lock_store(settings), lambda: event_broker(settings), lambda: action_server(settings),
            lambda: status_page(settings)]
