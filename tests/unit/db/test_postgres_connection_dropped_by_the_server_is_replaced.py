"""A PostgreSQL connection the server dropped (restart, failover, idle timeout) is replaced on
the next use (``pool_pre_ping``) instead of failing that request: the "PostgreSQL reconnect"
of issue #14's "transient errors retry"."""

from __future__ import annotations

from sqlalchemy import text

from bot.db.engine import make_engine


def test_a_pooled_connection_killed_by_the_server_is_replaced_transparently(postgresql_url: str) -> None:
    engine = make_engine(postgresql_url)
    admin = make_engine(postgresql_url)
    try:
        with engine.connect() as connection:  # back into the pool after this block
            pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with admin.connect() as connection:
            assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()

        with engine.connect() as connection:
            assert connection.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid
    finally:
        engine.dispose()
        admin.dispose()
