"""Handoff tests run on SQLite and PostgreSQL like the data layer's (same fixtures)."""

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
