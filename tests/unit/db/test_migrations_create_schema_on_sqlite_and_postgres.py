"""Migrations build the schema the models expect, on SQLite and PostgreSQL, idempotently."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from bot.db.engine import check_database, make_engine
from bot.db.migrate import (
    DatabaseUnavailable,
    current_revision,
    head_revision,
    include_name,
    main_db,
    make_alembic_config,
    upgrade,
)
from bot.db.models import metadata

TABLES = {
    "tickets",
    "ticket_events",
    "flow_runs",
    "kb_articles",
    "kb_chunks",
    "kb_embeddings",
    "kb_answers",
    "slack_seen",
    "ticket_outbox",
    "handoffs",
    "insights_conversations",
    "insights_steps",
    "insights_state",
    "privacy_audit",
    "pending_contacts",
}
UNREACHABLE = "postgresql+psycopg2://frontline:hunter2secret@127.0.0.1:1/frontline_prod"


def test_upgrade_creates_all_tables_and_records_head(db_url: str) -> None:
    assert current_revision(db_url) is None

    upgrade(db_url)

    engine = make_engine(db_url)
    try:
        assert TABLES <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert current_revision(db_url) == head_revision() == "0010"


def test_upgrade_twice_is_a_no_op(db_url: str) -> None:
    upgrade(db_url)
    upgrade(db_url)

    assert current_revision(db_url) == head_revision()


def test_migrated_schema_matches_the_models(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    try:
        # Rasa's tracker-store table (created by migration 0007) must not show up as a diff.
        assert "events" in inspect(engine).get_table_names()
        with engine.connect() as connection:
            opts = {"compare_type": True, "include_name": include_name}
            context = MigrationContext.configure(connection, opts=opts)
            diff = compare_metadata(context, metadata)
    finally:
        engine.dispose()

    assert diff == []


def test_migration_uses_the_naming_convention(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    try:
        inspector = inspect(engine)
        fks = {fk["name"] for fk in inspector.get_foreign_keys("ticket_events")}
        uniques = {uq["name"] for uq in inspector.get_unique_constraints("tickets")}
        checks = {ck["name"] for ck in inspector.get_check_constraints("tickets")}
    finally:
        engine.dispose()

    assert fks == {"fk_ticket_events_ticket_id_tickets"}
    assert uniques == {"uq_tickets_reference"}
    assert checks == {"ck_tickets_status", "ck_tickets_priority"}


def test_downgrade_to_base_removes_the_tables(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    config = make_alembic_config()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert not TABLES & set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert current_revision(migrated_url) is None


def test_cli_upgrade_then_current_reports_head(db_url: str) -> None:
    out, err = io.StringIO(), io.StringIO()

    assert main_db(["current", "--check"], default_url=db_url, out=out, err=err) == 1
    assert "no schema yet" in out.getvalue()

    out = io.StringIO()
    assert main_db(["upgrade"], default_url=db_url, out=out, err=err) == 0
    assert "upgraded from empty to 0010" in out.getvalue()

    out = io.StringIO()
    assert main_db(["upgrade"], default_url=db_url, out=out, err=err) == 0
    assert "already at revision 0010" in out.getvalue()

    out = io.StringIO()
    assert main_db(["--database-url", db_url, "current", "--check"], out=out, err=err) == 0
    assert "at revision 0010 (head)" in out.getvalue()

    out = io.StringIO()
    args = ["current", "--database-url", db_url]
    assert main_db(args, default_url=UNREACHABLE, out=out, err=err) == 0
    assert "at revision 0010 (head)" in out.getvalue()
    assert err.getvalue() == ""


@pytest.mark.parametrize("action", ["upgrade", "current"])
def test_cli_reports_unreachable_database_without_password(action: str) -> None:
    out, err = io.StringIO(), io.StringIO()

    status = main_db([action], default_url=UNREACHABLE, out=out, err=err)

    assert status == 1
    message = err.getvalue()
    assert "frontline_prod" in message and "127.0.0.1:1" in message
    assert "hunter2secret" not in message + out.getvalue()


def test_cli_without_url_or_with_bad_arguments_is_a_usage_error() -> None:
    err = io.StringIO()
    assert main_db(["upgrade"], default_url=None, out=io.StringIO(), err=err) == 2
    assert "no database URL" in err.getvalue()
    status = main_db(["frobnicate"], default_url="sqlite://", out=io.StringIO(), err=io.StringIO())
    assert status == 2


def test_cli_unknown_revision_fails_cleanly(sqlite_url: str) -> None:
    err = io.StringIO()

    assert main_db(["upgrade", "9999"], default_url=sqlite_url, out=io.StringIO(), err=err) == 1
    assert "9999" in err.getvalue()


def test_unreachable_database_raises_a_safe_error() -> None:
    with pytest.raises(DatabaseUnavailable) as info:
        upgrade(UNREACHABLE)

    assert "hunter2secret" not in str(info.value)
    assert "frontline_prod" in str(info.value)


def test_check_database_reports_success_and_failure(db_url: str) -> None:
    ok, message = check_database(db_url)
    assert ok, message
    assert message.startswith("connected to")

    ok, message = check_database(UNREACHABLE)
    assert not ok
    assert "frontline_prod" in message and "hunter2secret" not in message

    ok, message = check_database("not a url")
    assert not ok and "invalid database URL" in message


def test_sqlite_engine_creates_directory_and_enables_wal_busy_timeout_and_foreign_keys(
    tmp_path: Path,
) -> None:
    path = tmp_path / "nested" / "dir" / "frontline.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            journal = connection.execute(text("PRAGMA journal_mode")).scalar_one()
            timeout = connection.execute(text("PRAGMA busy_timeout")).scalar_one()
            foreign_keys = connection.execute(text("PRAGMA foreign_keys")).scalar_one()
    finally:
        engine.dispose()

    assert path.parent.is_dir()
    assert (journal, timeout, foreign_keys) == ("wal", 5000, 1)


def test_in_memory_sqlite_shares_one_database_between_sessions() -> None:
    engine = make_engine("sqlite://")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM t")).scalar_one() == 0
    finally:
        engine.dispose()
