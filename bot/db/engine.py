"""Engine and session construction, plus a connectivity check for ``frontline doctor``.

SQLite is supported for single-host deployments: the Rasa server and the action server are two
processes sharing one database file, so every SQLite connection is switched to WAL journaling
(readers never block the writer), waits up to five seconds for a lock instead of failing at
once, and enforces foreign keys (off by default in SQLite).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Tuple

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool

SQLITE_BUSY_TIMEOUT_MS = 5000


def _is_sqlite_memory(url: URL) -> bool:
    """Tell whether ``url`` names an in-memory SQLite database."""
    database = url.database or ""
    return database in ("", ":memory:") or database.startswith("file::memory:")


def _sqlite_on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    """Configure a fresh SQLite DB-API connection (WAL, busy timeout, foreign keys).

    Args:
        dbapi_connection: the raw ``sqlite3.Connection``.
        connection_record: SQLAlchemy's pool record (unused).
    """
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create a SQLAlchemy 2.0-style engine for ``url``.

    For SQLite files the parent directory is created if needed, the connection may be used from
    any thread, and each connection gets ``journal_mode=WAL``, ``busy_timeout=5000`` and
    ``foreign_keys=ON``. In-memory SQLite uses a single shared connection so that every session
    sees the same database.

    Args:
        url: a SQLAlchemy database URL, e.g. ``sqlite:///var/frontline.db`` or
            ``postgresql+psycopg2://user:pw@host:5432/frontline``.
        **kwargs: extra keyword arguments for :func:`sqlalchemy.create_engine`.

    Returns:
        A new engine (``future=True``). The caller owns it and should ``dispose()`` it.

    Raises:
        sqlalchemy.exc.ArgumentError: if ``url`` is not a valid database URL.
    """
    parsed = make_url(url)
    options: Dict[str, Any] = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        connect_args: Dict[str, Any] = dict(kwargs.pop("connect_args", {}) or {})
        connect_args.setdefault("check_same_thread", False)
        options["connect_args"] = connect_args
        if _is_sqlite_memory(parsed):
            options["poolclass"] = StaticPool
        else:
            Path(parsed.database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
    else:
        options["pool_pre_ping"] = True
    options.update(kwargs)
    engine = create_engine(parsed, **options)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker:
    """Build the session factory used by the repositories.

    Args:
        engine: an engine from :func:`make_engine`.

    Returns:
        A ``sessionmaker`` producing 2.0-style sessions that keep loaded attributes after commit.
    """
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


def describe_url(url: str) -> str:
    """Describe a database URL for humans without revealing its password.

    Args:
        url: a SQLAlchemy database URL.

    Returns:
        E.g. ``postgresql database 'frontline' on db.example.com:5432 (user frontline)`` or
        ``sqlite database file /srv/frontline/frontline.db``.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "an invalid database URL"
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if _is_sqlite_memory(parsed):
            return "in-memory sqlite database"
        return f"sqlite database file {Path(parsed.database).expanduser().resolve()}"
    host = parsed.host or "localhost"
    if parsed.port:
        host = f"{host}:{parsed.port}"
    user = f" (user {parsed.username})" if parsed.username else ""
    return f"{backend} database '{parsed.database or ''}' on {host}{user}"


def error_reason(exc: BaseException, url: str) -> str:
    """Turn a connection/database error into a one-line reason that never contains a password.

    Args:
        exc: the exception raised by SQLAlchemy or the driver.
        url: the URL that was used (its password, if any, is masked out of the message).

    Returns:
        The driver's message (first line), with the password replaced by ``***``.
    """
    original = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = [line.strip() for line in str(original).strip().splitlines() if line.strip()]
    reason = "; ".join(lines[:2]) if lines else type(original).__name__
    try:
        password = make_url(url).password
    except ArgumentError:
        password = None
    if password:
        reason = reason.replace(str(password), "***")
    return reason


def check_database(url: str) -> Tuple[bool, str]:
    """Check that the database at ``url`` accepts connections and answers ``SELECT 1``.

    Args:
        url: a SQLAlchemy database URL.

    Returns:
        ``(ok, message)`` where ``message`` is a human-readable sentence for ``frontline doctor``
        naming the backend, host and database but never the password.
    """
    where = describe_url(url)
    try:
        engine = make_engine(url)
    except (ArgumentError, ValueError) as exc:
        return False, f"invalid database URL: {error_reason(exc, url)}"
    except (ImportError, OSError, SQLAlchemyError) as exc:
        return False, f"cannot prepare {where}: {error_reason(exc, url)}"
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1")).scalar_one()
    except (SQLAlchemyError, OSError) as exc:
        return False, f"cannot connect to {where}: {error_reason(exc, url)}"
    finally:
        engine.dispose()
    return True, f"connected to {where}"
