"""Finished flow runs are stored with their answers and trail and read back unchanged."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.db.repositories import FlowRun, FlowRunStore, TicketStore

TRAIL = [
    {"step": "intro", "kind": "say"},
    {"step": "ask_client", "kind": "ask", "answer": "globalprotect", "attempts": 2},
    {"step": "articles", "kind": "kb", "shown": ["kb/vpn-reconnect.md"]},
    {"step": "fixed", "kind": "resolve", "answer": True},
]
ANSWERS = {"vpn_client": "globalprotect", "vpn_status": "operational", "count": 3, "note": "ünï ✓"}


def test_recorded_run_round_trips_answers_trail_and_times(
    session_factory: sessionmaker, clock
) -> None:
    store = FlowRunStore(session_factory, clock)
    started = datetime(2024, 3, 1, 10, 30, tzinfo=timezone(timedelta(hours=2)))

    run_id = store.record("conv-1", "slack", "vpn_connection", "resolved", ANSWERS, TRAIL, started)
    (run,) = store.list_for_conversation("conv-1")

    assert isinstance(run, FlowRun)
    assert run.id == run_id
    assert (run.conversation_id, run.channel, run.flow_id, run.outcome) == (
        "conv-1",
        "slack",
        "vpn_connection",
        "resolved",
    )
    assert run.answers == ANSWERS
    assert run.trail == TRAIL
    assert run.started_at == started and run.started_at.tzinfo == timezone.utc
    assert run.ended_at == clock.calls[-1]
    assert run.ticket_id is None


def test_runs_are_listed_per_conversation_in_start_order(
    session_factory: sessionmaker, clock
) -> None:
    store = FlowRunStore(session_factory, clock)
    base = datetime(2024, 3, 1, 8, 0, tzinfo=timezone.utc)
    later = base + timedelta(minutes=5)
    store.record("conv-1", "web", "wifi_connectivity", "abandoned", {}, [], later)
    store.record("conv-1", "web", "vpn_connection", "escalated", {}, [], base)
    store.record("conv-2", "web", "printer_problem", "resolved", {}, [], base)

    runs = store.list_for_conversation("conv-1")

    assert [r.flow_id for r in runs] == ["vpn_connection", "wifi_connectivity"]
    assert store.list_for_conversation("unknown") == []


def test_run_can_point_at_the_ticket_it_opened(session_factory: sessionmaker, clock) -> None:
    tickets = TicketStore(session_factory, clock)
    ticket = tickets.create(
        requester_id="U1",
        category="vpn_connection",
        team="network",
        summary="VPN down",
        channel="rest",
        conversation_id="conv-1",
    )
    store = FlowRunStore(session_factory, clock)
    start = clock()

    store.record(
        "conv-1", "rest", "vpn_connection", "escalated", {}, TRAIL, start, ticket_id=ticket.id
    )

    assert store.list_for_conversation("conv-1")[0].ticket_id == ticket.id


def test_foreign_key_to_tickets_is_enforced(session_factory: sessionmaker, clock) -> None:
    store = FlowRunStore(session_factory, clock)

    with pytest.raises(IntegrityError):
        store.record(
            "conv-1", "web", "vpn_connection", "escalated", {}, [], clock(), ticket_id=424242
        )
    assert store.list_for_conversation("conv-1") == []


def test_invalid_outcome_and_naive_times_are_rejected(session_factory: sessionmaker, clock) -> None:
    store = FlowRunStore(session_factory, clock)

    with pytest.raises(ValueError, match="outcome"):
        store.record("conv-1", "web", "vpn_connection", "fixed", {}, [], clock())
    with pytest.raises(ValueError, match="timezone-aware"):
        store.record("conv-1", "web", "vpn_connection", "resolved", {}, [], datetime(2024, 1, 1))
    assert store.list_for_conversation("conv-1") == []


def test_returned_run_does_not_alias_the_callers_data(session_factory: sessionmaker, clock) -> None:
    store = FlowRunStore(session_factory, clock)
    trail = [{"step": "intro"}]

    store.record("conv-1", "web", "vpn_connection", "resolved", {}, trail, clock())
    trail[0]["step"] = "changed"

    assert store.list_for_conversation("conv-1")[0].trail == [{"step": "intro"}]
