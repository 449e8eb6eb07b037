"""Database fixtures: every DB test runs on a SQLite file and on a throwaway PostgreSQL database.

The PostgreSQL variant uses ``FRONTLINE_TEST_PG_URL`` (default
``postgresql+psycopg2://postgres@127.0.0.1:5432/test``) only to create and drop a uniquely
named database per test. If that server is unreachable the variant is skipped, except when the
environment variable ``CI`` is ``"true"``: in CI an unreachable PostgreSQL is a failure.
"""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator, List

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from bot.db.engine import error_reason, make_engine, make_session_factory
from bot.db.migrate import upgrade

DEFAULT_PG_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


class FakeClock:
    """A clock that starts at a fixed aware UTC time and advances one second per call."""

    def __init__(self, start: datetime = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)) -> None:
        """Create the clock.

        Args:
            start: the first time returned.
        """
        self.now = start
        self.calls: List[datetime] = []

    def __call__(self) -> datetime:
        """Return the current fake time, then advance it by one second."""
        current = self.now
        self.calls.append(current)
        self.now = current + timedelta(seconds=1)
        return current


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """The maintenance URL of the test PostgreSQL server (skips/fails if unreachable)."""
    url = os.environ.get("FRONTLINE_TEST_PG_URL", DEFAULT_PG_URL)
    engine = make_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        message = f"PostgreSQL unreachable at {make_url(url).host}: {error_reason(exc, url)}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: PostgreSQL tests must run)")
        pytest.skip(message)
    finally:
        engine.dispose()
    yield url


def _admin_engine(server_url: str) -> Engine:
    """An AUTOCOMMIT engine on the maintenance database (CREATE/DROP DATABASE need it)."""
    return make_engine(server_url, isolation_level="AUTOCOMMIT")


@pytest.fixture
def postgresql_url(pg_server_url: str) -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database that is dropped after the test."""
    name = f"fl_test_{uuid.uuid4().hex[:16]}"
    admin = _admin_engine(pg_server_url)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(pg_server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of a SQLite file in a not-yet-existing subdirectory of ``tmp_path``."""
    return f"sqlite:///{tmp_path / 'data' / 'frontline.db'}"


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest) -> str:
    """URL of an empty database; the test runs once per backend."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def migrated_url(db_url: str) -> str:
    """URL of a database migrated to head."""
    upgrade(db_url)
    return db_url


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:
    """An engine on a migrated database, disposed after the test."""
    eng = make_engine(migrated_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker:
    """A session factory on a migrated database."""
    return make_session_factory(engine)


@pytest.fixture
def clock() -> FakeClock:
    """A deterministic clock for the repositories."""
    return FakeClock()
