"""Ticket history is an append-only event log; status changes are always recorded."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import List

import pytest
from sqlalchemy.orm import sessionmaker

from bot.db.engine import make_engine, make_session_factory
from bot.db.repositories import Ticket, TicketNotFound, TicketStore


def _create(store: TicketStore) -> Ticket:
    return store.create(
        requester_id="U1",
        category="printer_problem",
        team="desk",
        summary="Printer on floor 3 jams",
        channel="web",
        conversation_id="conv-9",
    )


def test_set_status_records_event_with_previous_and_new_status(
    session_factory: sessionmaker, clock
) -> None:
    store = TicketStore(session_factory, clock)
    ticket = _create(store)

    claimed = store.set_status(ticket.id, "claimed", actor="agent7", body="on it")

    assert claimed.status == "claimed"
    assert claimed.updated_at > ticket.updated_at
    events = store.list_events(ticket.id)
    assert [e.kind for e in events] == ["created", "status_changed"]
    change = events[-1]
    assert change.actor == "agent7" and change.body == "on it"
    assert change.data == {"from": "new", "to": "claimed"}
    assert change.created_at == claimed.updated_at
    assert store.get(ticket.id) == claimed


def test_resolving_sets_resolved_at_and_reopening_clears_it(
    session_factory: sessionmaker, clock
) -> None:
    store = TicketStore(session_factory, clock)
    ticket = _create(store)

    resolved = store.set_status(ticket.id, "resolved", actor="agent7")
    assert resolved.resolved_at == resolved.updated_at and not resolved.is_open

    closed = store.set_status(ticket.id, "closed", actor="frontline")
    assert closed.resolved_at == resolved.resolved_at

    reopened = store.set_status(ticket.id, "waiting_on_user", actor="agent7")
    assert reopened.resolved_at is None and reopened.is_open

    transitions = [
        (e.data["from"], e.data["to"])
        for e in store.list_events(ticket.id)
        if e.kind == "status_changed"
    ]
    assert transitions == [
        ("new", "resolved"),
        ("resolved", "closed"),
        ("closed", "waiting_on_user"),
    ]


def test_setting_the_same_status_records_nothing(session_factory: sessionmaker, clock) -> None:
    store = TicketStore(session_factory, clock)
    ticket = _create(store)

    again = store.set_status(ticket.id, "new", actor="agent7")

    assert again == ticket
    assert [e.kind for e in store.list_events(ticket.id)] == ["created"]


def test_add_event_appends_and_bumps_updated_at(session_factory: sessionmaker, clock) -> None:
    store = TicketStore(session_factory, clock)
    ticket = _create(store)

    message = store.add_event(ticket.id, "message", actor="U1", body="still jamming")
    rating = store.add_event(ticket.id, "rating", actor="U1", data={"score": 5})

    assert message.id < rating.id
    assert rating.data == {"score": 5} and rating.body == ""
    assert store.get(ticket.id).updated_at == rating.created_at
    assert store.list_events(ticket.id)[1:] == [message, rating]
    assert rating.created_at.utcoffset() == timedelta(0)


def test_assign_records_assigned_event(session_factory: sessionmaker, clock) -> None:
    store = TicketStore(session_factory, clock)
    ticket = _create(store)

    assigned = store.assign(ticket.id, "agent7", actor="lead1")
    unassigned = store.assign(ticket.id, None, actor="lead1")

    assert assigned.assignee == "agent7" and unassigned.assignee is None
    events = [e for e in store.list_events(ticket.id) if e.kind == "assigned"]
    assert [e.data for e in events] == [
        {"from": None, "to": "agent7"},
        {"from": "agent7", "to": None},
    ]


def test_invalid_values_and_unknown_tickets_are_rejected(
    session_factory: sessionmaker, clock
) -> None:
    store = TicketStore(session_factory, clock)
    ticket = _create(store)

    with pytest.raises(ValueError, match="status"):
        store.set_status(ticket.id, "done", actor="agent7")
    with pytest.raises(ValueError, match="kind"):
        store.add_event(ticket.id, "edited", actor="agent7")
    with pytest.raises(TicketNotFound):
        store.set_status(ticket.id + 100, "claimed", actor="agent7")
    with pytest.raises(TicketNotFound):
        store.add_event(ticket.id + 100, "note", actor="agent7", body="x")
    with pytest.raises(TicketNotFound):
        store.assign(ticket.id + 100, "agent7", actor="lead1")
    assert store.list_events(ticket.id + 100) == []
    assert [e.kind for e in store.list_events(ticket.id)] == ["created"]


def test_naive_clock_is_rejected(session_factory: sessionmaker) -> None:
    from datetime import datetime

    store = TicketStore(session_factory, clock=lambda: datetime(2024, 1, 1, 12, 0))

    with pytest.raises(ValueError, match="timezone-aware"):
        _create(store)


def test_event_log_has_no_update_or_delete_api() -> None:
    public = {name for name in dir(TicketStore) if not name.startswith("_")}

    assert not {n for n in public if "event" in n} - {"add_event", "list_events"}


def test_concurrent_status_changes_form_a_consistent_chain(migrated_url: str) -> None:
    engines = [make_engine(migrated_url), make_engine(migrated_url)]
    stores = [TicketStore(make_session_factory(e)) for e in engines]
    ticket = _create(stores[0])
    errors: List[BaseException] = []
    start = threading.Barrier(2)
    sequence = ["claimed", "waiting_on_user", "resolved", "new"]

    def worker(store: TicketStore, actor: str) -> None:
        try:
            start.wait()
            for _ in range(5):
                for status in sequence:
                    store.set_status(ticket.id, status, actor=actor)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(stores[i], f"a{i}")) for i in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        changes = [e for e in stores[0].list_events(ticket.id) if e.kind == "status_changed"]
        final = stores[0].get(ticket.id)
    finally:
        for engine in engines:
            engine.dispose()

    assert errors == []
    previous = "new"
    for change in changes:
        assert change.data["from"] == previous != change.data["to"]
        previous = change.data["to"]
    assert final.status == previous
