"""Handoff tests run on SQLite and PostgreSQL like the data layer's (same fixtures), against the
fake Slack Web API."""

from typing import Iterator

import pytest

from tests.fake_slack import FakeSlackApi
from tests.unit.db.conftest import (  # noqa: F401  (fixtures)
    FakeClock,
    clock,
    db_url,
    engine,
    migrated_url,
    pg_server_url,
    postgresql_url,
    session_factory,
    sqlite_url,
)


@pytest.fixture
def api() -> Iterator[FakeSlackApi]:
    """A fake Slack Web API served over HTTP for the test, stopped afterwards."""
    fake = FakeSlackApi().start()
    yield fake
    fake.stop()
