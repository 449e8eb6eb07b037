"""Support-chat tests use real ticket stores on SQLite and PostgreSQL (the data layer's fixtures)."""

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
