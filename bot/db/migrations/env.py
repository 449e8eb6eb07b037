"""Alembic environment: runs migrations on a connection supplied by ``bot.db.migrate``.

``bot.db.migrate`` passes an open connection in ``config.attributes["connection"]``. When Alembic
is driven some other way (e.g. ``alembic -x url=... upgrade head`` with a hand-made config), the
URL comes from ``-x url=...`` or the ``sqlalchemy.url`` main option instead.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from bot.db.engine import make_engine
from bot.db.migrate import include_name
from bot.db.models import metadata

config = context.config


def _run(connection: Connection) -> None:
    """Configure the migration context on ``connection`` and run the migrations.

    Args:
        connection: an open SQLAlchemy connection.
    """
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of executing it (``alembic upgrade --sql``)."""
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    context.configure(
        url=url,
        target_metadata=metadata,
        render_as_batch=True,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations against a live database."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise RuntimeError("no database URL: pass -x url=... or use `frontline db upgrade`")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
