"""Schema migrations, driven programmatically (no ``alembic.ini`` needed at run time).

Used by ``frontline db upgrade [REVISION]`` and ``frontline db current [--check]`` through
:func:`main_db`, and by the application/tests through :func:`upgrade`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence, TextIO

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from bot.db.advisory import lock_key
from bot.db.engine import describe_url, error_reason, make_engine
from bot.db.models import metadata

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class DatabaseUnavailable(RuntimeError):
    """The database could not be reached or used; the message is safe to show (no password)."""


def include_name(
    name: Optional[str], type_: str, parent_names: Mapping[Any, Optional[str]]
) -> bool:
    """Alembic ``include_name`` hook: compare only Frontline's own tables.

    The database is shared with Rasa's tracker store (table ``events``) and holds bookkeeping
    tables (``alembic_version``, SQLite's ``sqlite_sequence``); autogenerate must not propose
    dropping them.

    Args:
        name: the object's name.
        type_: ``"table"``, ``"column"``, ``"index"``, ...
        parent_names: names of the enclosing schema/table (unused).

    Returns:
        False for tables that are not in :data:`bot.db.models.metadata`.
    """
    return type_ != "table" or name in metadata.tables


def make_alembic_config() -> Config:
    """Build an Alembic configuration pointing at Frontline's migration scripts.

    Returns:
        A config without a database URL: pass a connection in ``config.attributes["connection"]``
        (as :func:`upgrade` does) or ``-x url=...`` when driving Alembic commands by hand.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """Return the newest revision id shipped with this version of Frontline.

    Returns:
        The single head revision id, e.g. ``"0001"``.
    """
    head = ScriptDirectory.from_config(make_alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - only if the versions directory is empty
        raise RuntimeError(f"no migration scripts found in {MIGRATIONS_DIR}")
    return head


def _unavailable(url: str, exc: BaseException) -> DatabaseUnavailable:
    """Wrap ``exc`` in a :class:`DatabaseUnavailable` whose message names host/database only."""
    return DatabaseUnavailable(f"cannot use {describe_url(url)}: {error_reason(exc, url)}")


def current_revision(url: str) -> Optional[str]:
    """Return the revision the database at ``url`` is at.

    Args:
        url: a SQLAlchemy database URL.

    Returns:
        The current revision id, or None for a database that was never migrated.

    Raises:
        DatabaseUnavailable: if the database cannot be reached.
    """
    try:
        engine = make_engine(url)
    except (ArgumentError, ImportError, OSError, SQLAlchemyError) as exc:
        raise _unavailable(url, exc) from exc
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except (OSError, SQLAlchemyError) as exc:
        raise _unavailable(url, exc) from exc
    finally:
        engine.dispose()


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at ``url`` up to ``revision`` (idempotent).

    Args:
        url: a SQLAlchemy database URL.
        revision: target revision id, or ``"head"`` for the newest.

    Raises:
        DatabaseUnavailable: if the database cannot be reached or the migration fails on it.
    """
    config = make_alembic_config()
    try:
        engine = make_engine(url)
    except (ArgumentError, ImportError, OSError, SQLAlchemyError) as exc:
        raise _unavailable(url, exc) from exc
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Workers of a cluster start together and each migrates: one at a time, so the
                # others wait (until its transaction ends) and then find the schema at head.
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key("migrations")})
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except (OSError, SQLAlchemyError) as exc:
        raise _unavailable(url, exc) from exc
    finally:
        config.attributes.pop("connection", None)
        engine.dispose()


def _parser() -> argparse.ArgumentParser:
    """Build the argument parser for ``frontline db``.

    ``--database-url`` is accepted before or after the action (``frontline db upgrade
    --database-url URL``), because the top-level CLI forwards everything after ``db``.
    """
    url_option = argparse.ArgumentParser(add_help=False)
    url_option.add_argument(
        "--database-url",
        dest="url",
        default=argparse.SUPPRESS,
        help="SQLAlchemy database URL (defaults to the configured one)",
    )
    parser = argparse.ArgumentParser(
        prog="frontline db", description="Manage the database schema.", parents=[url_option]
    )
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    sub.required = True
    up = sub.add_parser(
        "upgrade", parents=[url_option], help="apply migrations up to REVISION (default: head)"
    )
    up.add_argument("revision", nargs="?", default="head")
    cur = sub.add_parser(
        "current", parents=[url_option], help="show the database's schema revision"
    )
    cur.add_argument(
        "--check", action="store_true", help="exit with status 1 unless the schema is at head"
    )
    return parser


def main_db(
    argv: Sequence[str],
    *,
    default_url: Optional[str] = None,
    out: Optional[TextIO] = None,
    err: Optional[TextIO] = None,
) -> int:
    """Entry point for ``frontline db upgrade [REVISION]`` and ``frontline db current [--check]``.

    Args:
        argv: arguments after ``db``, e.g. ``["upgrade"]`` or
            ``["--database-url", url, "current"]``.
        default_url: the configured database URL, used when ``--database-url`` is not given.
        out: stream for normal output (defaults to ``sys.stdout``).
        err: stream for errors (defaults to ``sys.stderr``).

    Returns:
        0 on success; 1 if the database is unreachable, the migration failed, or ``--check``
        found the schema behind; 2 for usage errors.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        args = _parser().parse_args(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    url = getattr(args, "url", None) or default_url
    if not url:
        print("error: no database URL configured (use --database-url)", file=err)
        return 2
    where = describe_url(url)
    head = head_revision()
    try:
        before = current_revision(url)
        if args.action == "current":
            if before is None:
                print(
                    f"{where}: no schema yet (head is {head}); run `frontline db upgrade`",
                    file=out,
                )
            elif before == head:
                print(f"{where}: at revision {before} (head)", file=out)
            else:
                print(f"{where}: at revision {before}; head is {head}", file=out)
            return 1 if args.check and before != head else 0
        upgrade(url, args.revision)
        after = current_revision(url)
    except DatabaseUnavailable as exc:
        print(f"error: {exc}", file=err)
        return 1
    except Exception as exc:  # alembic CommandError (unknown revision) and similar
        print(f"error: migration failed on {where}: {error_reason(exc, url)}", file=err)
        return 1
    if before == after:
        print(f"{where}: already at revision {after}; nothing to do", file=out)
    else:
        print(f"{where}: upgraded from {before or 'empty'} to {after}", file=out)
    return 0
