"""Rasa's tracker lookup by sender_id uses an index on SQLite and PostgreSQL, whichever of the
migration and the Rasa server created the ``events`` table first (RasaHQ/rasa#3645)."""

from __future__ import annotations

import asyncio
import warnings
from typing import Iterator, List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import MetaData, inspect, text

from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from bot.db.tracker_events import SENDER_INDEX, events_table
from bot.rasa_ext.stores import UrlSQLTrackerStore


def _store(url: str) -> UrlSQLTrackerStore:
    with warnings.catch_warnings():  # Rasa's SQLAlchemy 2.0 deprecation noise
        warnings.simplefilter("ignore")
        return UrlSQLTrackerStore(domain=Domain.empty(), host=url)


@pytest.fixture
def stores() -> Iterator[List[UrlSQLTrackerStore]]:
    made: List[UrlSQLTrackerStore] = []
    yield made
    for store in made:
        store.engine.dispose()


def _converse(store: UrlSQLTrackerStore, sender: str, turns: int = 3) -> None:
    """Store a short conversation (session start, user and bot turns) through Rasa's store."""
    tracker = DialogueStateTracker(sender, slots=[])
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    for n in range(turns):
        tracker.update(UserUttered(f"message {n}", {"name": "greet", "confidence": 1.0}))
        tracker.update(BotUttered(f"reply {n}"))
        tracker.update(ActionExecuted("action_listen"))
    asyncio.run(store.save(tracker))


def _sender_indexes(url: str) -> List[str]:
    engine = make_engine(url)
    try:
        return [ix["name"] for ix in inspect(engine).get_indexes("events") if ix["column_names"][:1] == ["sender_id"]]
    finally:
        engine.dispose()


def _plan_of_rasa_lookup(store: UrlSQLTrackerStore, sender: str) -> str:
    """The database's plan for the exact query Rasa runs to retrieve a tracker."""
    with store.session_scope() as session:
        query = store._event_query(session, sender, fetch_events_from_all_sessions=False)
        sql = str(query.statement.compile(store.engine, compile_kwargs={"literal_binds": True}))
    with store.engine.connect() as connection:
        if store.engine.dialect.name == "postgresql":
            # A handful of rows would be read sequentially anyway; ask whether an index *can* serve it.
            connection.execute(text("SET enable_seqscan = off"))
            rows = connection.execute(text(f"EXPLAIN {sql}")).all()
        else:
            rows = connection.execute(text(f"EXPLAIN QUERY PLAN {sql}")).all()
    return "\n".join(" ".join(str(col) for col in row) for row in rows)


def test_migration_first_creates_rasas_table_with_the_index_and_rasa_uses_it(db_url: str, stores: List[UrlSQLTrackerStore]) -> None:
    upgrade(db_url)
    assert _sender_indexes(db_url) == [SENDER_INDEX]

    store = _store(db_url)  # Rasa's create_all finds the table and keeps it
    stores.append(store)
    _converse(store, "alice")
    _converse(store, "bob")

    tracker = asyncio.run(store.retrieve("alice"))
    assert tracker is not None and [e.text for e in tracker.events if isinstance(e, UserUttered)] == [
        "message 0", "message 1", "message 2"]
    assert SENDER_INDEX in _plan_of_rasa_lookup(store, "alice")
    assert _sender_indexes(db_url) == [SENDER_INDEX]  # no duplicate from Rasa's side


def test_table_from_an_older_rasa_without_the_index_gets_it_from_the_migration(db_url: str, stores: List[UrlSQLTrackerStore]) -> None:
    upgrade(db_url, "0006")
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:  # what Rasa before the fix created: no index
            events_table(MetaData()).create(connection)
            connection.execute(text(f"DROP INDEX {SENDER_INDEX}"))
    finally:
        engine.dispose()
    assert _sender_indexes(db_url) == []

    upgrade(db_url)

    assert _sender_indexes(db_url) == [SENDER_INDEX]
    store = _store(db_url)
    stores.append(store)
    _converse(store, "carol")
    assert SENDER_INDEX in _plan_of_rasa_lookup(store, "carol")


def test_rasa_server_on_an_unmigrated_database_with_an_old_table_adds_the_index(db_url: str, stores: List[UrlSQLTrackerStore]) -> None:
    make_engine(db_url).dispose()  # (creates a SQLite file's directory, as `frontline run` does)
    first = _store(db_url)  # Rasa first: creates events (with Rasa 3.6's own index) ...
    first.engine.dispose()
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:  # ... which an old table would not have
            connection.execute(text(f"DROP INDEX {SENDER_INDEX}"))
    finally:
        engine.dispose()
    assert _sender_indexes(db_url) == []

    store = _store(db_url)  # the plug-in restores it on start
    stores.append(store)

    assert _sender_indexes(db_url) == [SENDER_INDEX]
    _converse(store, "dave")
    assert SENDER_INDEX in _plan_of_rasa_lookup(store, "dave")
    upgrade(db_url)  # migrating afterwards is a no-op for the table, no second index
    assert _sender_indexes(db_url) == [SENDER_INDEX]
