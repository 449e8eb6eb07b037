"""Insights fixtures: the DB fixtures of tests/unit/db (SQLite and a throwaway PostgreSQL)."""

from tests.unit.db.conftest import (  # noqa: F401
    clock,
    db_url,
    engine,
    migrated_url,
    pg_server_url,
    postgresql_url,
    session_factory,
    sqlite_url,
)
