"""`frontline doctor` checks PostgreSQL (migrated, tracker index), the Redis lock store, the RabbitMQ
event broker and the action server against this machine's real services, and for each one
configured wrongly prints what it found (no password) and the line that fixes it."""

from __future__ import annotations

import os
import uuid
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Dict, Iterator

import pytest
from sqlalchemy import text

from bot.config import Settings
from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from bot.doctor import main_doctor, run_checks
from bot.service_checks import Check, event_broker, lock_store
from tests.local_http import LocalHttpServer

ROOT = Path(__file__).resolve().parents[3]
REDIS = os.environ.get("FRONTLINE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
AMQP = os.environ.get("FRONTLINE_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
pytestmark = pytest.mark.postgres


class HealthyActions(LocalHttpServer):
    """Answers /health like the action server."""

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200 if handler.path == "/health" else 404)
        handler.end_headers()
        handler.wfile.write(b'{"status":"ok"}')


@pytest.fixture
def actions() -> Iterator[HealthyActions]:
    server = HealthyActions().start()
    yield server
    server.stop()


def _require(check_ok: bool, what: str) -> None:
    if not check_ok:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} is not running (CI=true: these tests must run)")
        pytest.skip(f"{what} is not running here")


def _settings(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env({
        "FRONTLINE_PROJECT_DIR": str(ROOT),
        "FRONTLINE_MODEL_DIR": str(tmp_path / "models"),
        "FRONTLINE_MODEL_CACHE": "",
        "FRONTLINE_EVENT_BROKER_QUEUE": f"frontline_doctor_{uuid.uuid4().hex[:8]}",
        **env,
    })


def _delete_queue(queue: str) -> None:
    import asyncio

    import aio_pika

    async def delete() -> None:
        connection = await aio_pika.connect(AMQP)
        try:
            await (await connection.channel()).queue_delete(queue)
        finally:
            await connection.close()

    asyncio.run(delete())


def _by_name(settings: Settings) -> Dict[str, Check]:
    return {c.name: c for c in run_checks(settings)}


def test_real_postgres_redis_rabbitmq_and_action_server_all_pass(tmp_path: Path, postgresql_url: str, actions: HealthyActions) -> None:
    settings = _settings(tmp_path, FRONTLINE_DATABASE_URL=postgresql_url, FRONTLINE_LOCK_STORE_URL=REDIS,
                         FRONTLINE_EVENT_BROKER_URL=AMQP, FRONTLINE_ACTIONS_URL=f"http://127.0.0.1:{actions.port}/webhook")
    _require(lock_store(settings).ok, "Redis")
    _require(event_broker(settings).ok, "RabbitMQ")
    _delete_queue(settings.event_broker_queue)
    upgrade(postgresql_url)
    try:
        checks = _by_name(settings)
    finally:
        _delete_queue(settings.event_broker_queue)

    for name in ("database", "lock store", "event broker", "action server"):
        assert checks[name].ok, checks[name]
    assert "events.sender_id indexed" in checks["database"].found
    assert checks["lock store"].found.startswith("Redis 7")
    assert "declared" in checks["event broker"].found


def test_wrong_ports_fail_with_the_fix_and_no_password(tmp_path: Path, postgresql_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    upgrade(postgresql_url)
    settings = _settings(tmp_path, FRONTLINE_DATABASE_URL=postgresql_url,
                         FRONTLINE_LOCK_STORE_URL="redis://:redis-secret@127.0.0.1:1/0",
                         FRONTLINE_EVENT_BROKER_URL="amqp://frontline:amqp-secret@127.0.0.1:1/%2F",
                         FRONTLINE_ACTIONS_URL="http://127.0.0.1:1/webhook")

    assert main_doctor(settings) == 1
    out = capsys.readouterr().out
    assert "redis-secret" not in out and "amqp-secret" not in out
    lines = out.splitlines()

    def fix_after(name: str) -> str:
        at = next(i for i, line in enumerate(lines) if line.startswith("[FAIL]") and f"] {name}" in line)
        assert "127.0.0.1:1" in lines[at]
        return lines[at + 1]

    assert "→ Start Redis" in fix_after("lock store") and "FRONTLINE_LOCK_STORE_URL" in fix_after("lock store")
    assert "→ Start RabbitMQ" in fix_after("event broker") and "FRONTLINE_EVENT_BROKER_URL" in fix_after("event broker")
    assert "FRONTLINE_ACTIONS_URL" in fix_after("action server")


def test_missing_tracker_index_asks_for_db_upgrade(tmp_path: Path, postgresql_url: str) -> None:
    upgrade(postgresql_url)
    engine = make_engine(postgresql_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP INDEX ix_events_sender_id"))
    finally:
        engine.dispose()

    database = _by_name(_settings(tmp_path, FRONTLINE_DATABASE_URL=postgresql_url))["database"]

    assert not database.ok and "no index on sender_id" in database.found
    assert "frontline db upgrade" in database.fix
