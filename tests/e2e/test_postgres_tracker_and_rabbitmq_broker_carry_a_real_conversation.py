"""A real Rasa server and action server on PostgreSQL (tracker store) with RabbitMQ as the event
broker: a REST conversation is stored in PostgreSQL, indexed by sender_id, and every user and bot
event is published to the configured queue, in order and redacted like the database copy.

Needs this machine's PostgreSQL (127.0.0.1:5432) and RabbitMQ (127.0.0.1:5672, guest/guest);
skips without them on a laptop, fails in CI. The queue is read with aio-pika, the AMQP client
Rasa's own Pika event broker is built on (already in requirements.lock).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import time
import uuid
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List

import pytest
from sqlalchemy import text

from bot.config import Settings
from bot.db.engine import make_engine
from bot.db.tracker_events import SENDER_INDEX
from bot.supervisor import Assistant
from tests.conftest import ROOT, Bot, free_port, in_ci, texts

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

PG_SERVER = os.environ.get("FRONTLINE_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
AMQP = os.environ.get("FRONTLINE_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
EMAIL = "zoe.keller@example.com"


def _unavailable(what: str, exc: BaseException) -> None:
    message = f"{what} unreachable: {exc.__class__.__name__}: {exc}"
    if in_ci():
        pytest.fail(f"{message} (CI=true: these tests must run)")
    pytest.skip(message)


async def _drain(queue_name: str) -> List[Dict[str, Any]]:
    """Every message waiting in ``queue_name`` (consumed), decoded."""
    import aio_pika

    connection = await aio_pika.connect_robust(AMQP)
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(queue_name, durable=True)
        bodies = []
        while (message := await queue.get(no_ack=True, fail=False)) is not None:
            bodies.append(json.loads(message.body))
        return bodies
    finally:
        await connection.close()


async def _delete_queue(queue_name: str) -> None:
    import aio_pika

    connection = await aio_pika.connect_robust(AMQP)
    try:
        channel = await connection.channel()
        await channel.queue_delete(queue_name)
    finally:
        await connection.close()


@dataclass
class ClusterBot:
    bot: Bot
    queue: str


@pytest.fixture(scope="module")
def pg_rabbit_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClusterBot]:
    """The servers on a fresh PostgreSQL database, publishing to a fresh RabbitMQ queue."""
    from bot.db.migrate import upgrade
    from bot.training import ensure_model

    admin = make_engine(PG_SERVER, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        admin.dispose()
        _unavailable("PostgreSQL", exc)
    try:
        asyncio.run(_drain("frontline_e2e_probe"))
        asyncio.run(_delete_queue("frontline_e2e_probe"))
    except Exception as exc:
        admin.dispose()
        _unavailable("RabbitMQ", exc)

    name = f"fl_e2e_{uuid.uuid4().hex[:12]}"
    queue = f"frontline_e2e_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    work = tmp_path_factory.mktemp("pg-rabbit")
    shutil.copytree(ROOT / "flows", work / "flows")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FRONTLINE_")},
        "FRONTLINE_PROJECT_DIR": str(ROOT),
        "FRONTLINE_DATABASE_URL": PG_SERVER.rsplit("/", 1)[0] + f"/{name}",
        "FRONTLINE_EVENT_BROKER_URL": AMQP,
        "FRONTLINE_EVENT_BROKER_QUEUE": queue,
        "FRONTLINE_RASA_PORT": str(free_port()),
        "FRONTLINE_ACTIONS_PORT": str(free_port()),
        "FRONTLINE_API_TOKEN": secrets.token_urlsafe(16),
        "FRONTLINE_REST_TOKEN": secrets.token_urlsafe(16),
        "FRONTLINE_FLOWS_DIR": str(work / "flows"),
        "FRONTLINE_KB_CACHE": os.path.expanduser("~/.cache/frontline/kb-embeddings.sqlite"),
    }
    settings = Settings.from_env(env)
    assistant = None
    try:
        model = ensure_model(settings.project_dir, settings.model_dir, settings.model_cache)
        upgrade(settings.database_url)
        assistant = Assistant(settings, model)
        assistant.start()
        yield ClusterBot(Bot(assistant, settings), queue)
    finally:
        if assistant is not None:
            assistant.stop()
        asyncio.run(_delete_queue(queue))
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_conversation_is_published_in_order_and_redacted_and_stored_in_postgres(pg_rabbit_bot: ClusterBot) -> None:
    bot, sender = pg_rabbit_bot.bot, f"e2e-broker-{uuid.uuid4().hex[:8]}"
    first = bot.send(sender, "hi")
    second = bot.send(sender, f"Outlook says 0x800CCC0E since this morning, my email is {EMAIL}")
    assert texts(first) and texts(second)
    conversation = bot.conversation(sender)

    published: List[Dict[str, Any]] = []
    deadline = time.monotonic() + 20  # Rasa publishes in background tasks
    while time.monotonic() < deadline:
        published += asyncio.run(_drain(pg_rabbit_bot.queue))
        bot_texts = [e.get("text") for e in published if e["event"] == "bot"]
        if all(m.get("text") in bot_texts for m in first + second if m.get("text")):
            break
        time.sleep(0.5)

    ours = [e for e in published if e["sender_id"] == conversation]
    users = [e["text"] for e in ours if e["event"] == "user"]
    assert users == ["hi", "Outlook says 0x800CCC0E since this morning, my email is [EMAIL]"]
    assert EMAIL not in json.dumps(published)  # parse_data and metadata redacted as well
    bots = [e.get("text") for e in ours if e["event"] == "bot"]
    assert [m["text"] for m in first + second if m.get("text")] == [t for t in bots if t]
    assert {"action", "session_started"} <= {e["event"] for e in ours}

    # The same conversation lives in PostgreSQL (through the Rasa HTTP API), indexed by sender.
    stored = [e["text"] for e in bot.api(f"/conversations/{sender}/tracker")["events"] if e["event"] == "user"]
    assert stored == users
    engine = make_engine(bot.settings.database_url)
    try:
        with engine.connect() as connection:
            indexes = connection.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'events'")).scalars().all()
            rows = connection.execute(text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": conversation}).scalar()
    finally:
        engine.dispose()
    assert SENDER_INDEX in indexes and rows >= len(ours)
