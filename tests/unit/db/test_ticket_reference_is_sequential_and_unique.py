"""Ticket references are SUP-<1000+id>: sequential, unique under concurrency, easy to look up."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any, Dict, List

import pytest
from sqlalchemy.orm import sessionmaker

from bot.db.engine import make_engine, make_session_factory
from bot.db.repositories import Ticket, TicketStore


def _ticket_args(**overrides: Any) -> Dict[str, Any]:
    args: Dict[str, Any] = {
        "requester_id": "U123",
        "requester_name": "Dana",
        "category": "vpn_connection",
        "team": "network",
        "summary": "VPN (globalprotect) keeps dropping",
        "channel": "slack",
        "conversation_id": "conv-1",
        "priority": "high",
        "details": {"entities": {"app_name": "globalprotect"}, "trail": ["intro", "ask_client"]},
    }
    args.update(overrides)
    return args


def test_first_tickets_get_sequential_references(session_factory: sessionmaker, clock) -> None:
    store = TicketStore(session_factory, clock)

    tickets = [store.create(**_ticket_args()) for _ in range(3)]

    assert [t.reference for t in tickets] == ["SUP-1001", "SUP-1002", "SUP-1003"]
    assert all(t.reference == f"SUP-{1000 + t.id}" for t in tickets)


def test_created_ticket_round_trips_all_fields(session_factory: sessionmaker, clock) -> None:
    store = TicketStore(session_factory, clock)

    created = store.create(**_ticket_args())
    loaded = store.get_by_reference(created.reference)

    assert loaded == created
    assert isinstance(loaded, Ticket)
    assert loaded.status == "new" and loaded.is_open
    assert loaded.priority == "high"
    assert loaded.details["entities"] == {"app_name": "globalprotect"}
    assert loaded.created_at == loaded.updated_at
    assert loaded.created_at.utcoffset() == timedelta(0)
    assert loaded.resolved_at is None and loaded.assignee is None
    assert store.get(created.id) == created
    assert [e.kind for e in store.list_events(created.id)] == ["created"]


def test_reference_lookup_ignores_case_whitespace_and_hash(
    session_factory: sessionmaker, clock
) -> None:
    store = TicketStore(session_factory, clock)
    created = store.create(**_ticket_args())

    assert store.get_by_reference(f"  #{created.reference.lower()} ") == created
    assert store.get_by_reference("SUP-9999") is None


def test_concurrent_creation_from_two_processes_gives_unique_references(migrated_url: str) -> None:
    # Two engines simulate the Rasa server and the action server sharing the database.
    engines = [make_engine(migrated_url), make_engine(migrated_url)]
    stores = [TicketStore(make_session_factory(e)) for e in engines]
    created: List[Ticket] = []
    errors: List[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def worker(store: TicketStore, n: int) -> None:
        try:
            start.wait()
            for i in range(10):
                args = _ticket_args(requester_id=f"U{n}", conversation_id=f"c{n}-{i}")
                ticket = store.create(**args)
                with lock:
                    created.append(ticket)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(stores[n % 2], n)) for n in range(4)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        for engine in engines:
            engine.dispose()

    assert errors == []
    references = sorted(t.reference for t in created)
    assert len(created) == 40 and len(set(references)) == 40
    assert all(t.reference == f"SUP-{1000 + t.id}" for t in created)
    assert sorted(t.id for t in created) == list(range(1, 41))


def test_find_open_returns_newest_open_ticket_of_that_category(
    session_factory: sessionmaker, clock
) -> None:
    store = TicketStore(session_factory, clock)
    older = store.create(**_ticket_args())
    newer = store.create(**_ticket_args())
    store.create(**_ticket_args(category="printer_problem"))
    store.create(**_ticket_args(requester_id="U999"))

    assert store.find_open("U123", "vpn_connection") == newer

    store.set_status(newer.id, "resolved", actor="agent1")
    assert store.find_open("U123", "vpn_connection").id == older.id

    store.set_status(older.id, "closed", actor="agent1")
    assert store.find_open("U123", "vpn_connection") is None
    assert store.find_open("nobody", "vpn_connection") is None


def test_list_for_requester_newest_first_and_open_only(
    session_factory: sessionmaker, clock
) -> None:
    store = TicketStore(session_factory, clock)
    first = store.create(**_ticket_args())
    second = store.create(**_ticket_args(category="email_sync", team="messaging"))
    third = store.create(**_ticket_args(category="printer_problem", team="desk"))
    store.create(**_ticket_args(requester_id="someone-else"))
    store.set_status(second.id, "resolved", actor="agent1")

    assert [t.id for t in store.list_for_requester("U123")] == [third.id, second.id, first.id]
    assert [t.id for t in store.list_for_requester("U123", open_only=True)] == [third.id, first.id]
    assert store.list_for_requester("nobody") == []


def test_invalid_priority_is_rejected(session_factory: sessionmaker, clock) -> None:
    store = TicketStore(session_factory, clock)

    with pytest.raises(ValueError, match="priority"):
        store.create(**_ticket_args(priority="critical"))
    assert store.list_for_requester("U123") == []


def test_returned_ticket_is_detached_from_caller_data(session_factory: sessionmaker, clock) -> None:
    store = TicketStore(session_factory, clock)
    details = {"trail": ["a"]}

    ticket = store.create(**_ticket_args(details=details))
    details["trail"].append("b")

    assert ticket.details == {"trail": ["a"]}
    assert store.get(ticket.id).details == {"trail": ["a"]}
    with pytest.raises(AttributeError):
        ticket.status = "closed"  # type: ignore[misc]
