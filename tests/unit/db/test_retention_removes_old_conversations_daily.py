"""Retention on SQLite and PostgreSQL: a daily job removes conversations (and, when configured,
closed tickets) older than the window; the clock is injected."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from privacy_helpers import converse, shipped_redactor, tracker_store
from rasa.shared.core.events import SessionStarted, UserUttered
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.db.models import FlowRunRow, TicketRow
from bot.db.repositories import FlowRunStore, TicketStore
from bot.privacy.retention import RetentionJob, purge

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def senders(engine: Engine) -> set:
    with engine.connect() as connection:
        return {row[0] for row in connection.execute(text("SELECT DISTINCT sender_id FROM events"))}


def test_old_conversations_go_recent_ones_stay(migrated_url: str, engine: Engine, session_factory: sessionmaker) -> None:
    store = tracker_store(migrated_url, shipped_redactor())
    converse(store, "old-person", ["vpn drops"], at=(NOW - timedelta(days=120)).timestamp())
    converse(store, "recent-person", ["printer jammed"], at=(NOW - timedelta(days=3)).timestamp())
    runs = FlowRunStore(session_factory, Clock(NOW - timedelta(days=100)))
    runs.record("old-person", "rest", "vpn", "resolved", {}, [], NOW - timedelta(days=100), ended_at=NOW - timedelta(days=100))
    runs.record("recent-person", "rest", "vpn", "resolved", {}, [], NOW - timedelta(days=1), ended_at=NOW - timedelta(days=1))
    counts = purge(session_factory, NOW, days=90)
    assert senders(engine) == {"recent-person"}
    assert counts["events"] > 0 and counts["flow_runs"] == 1
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(FlowRunRow)) == 1


def test_old_sessions_of_an_active_conversation_go_current_session_stays(
    migrated_url: str, engine: Engine, session_factory: sessionmaker
) -> None:
    store = tracker_store(migrated_url, shipped_redactor())
    converse(store, "long-dm", ["old problem"], at=(NOW - timedelta(days=200)).timestamp())
    tracker = asyncio.run(store.retrieve_full_tracker("long-dm"))
    assert tracker is not None
    recent = (NOW - timedelta(days=1)).timestamp()
    tracker.update(SessionStarted(timestamp=recent))
    tracker.update(UserUttered("new problem", intent={"name": "vpn", "confidence": 1.0}, timestamp=recent + 1))
    asyncio.run(store.save(tracker))
    purge(session_factory, NOW, days=90)
    with engine.connect() as connection:
        kept = [row[0] for row in connection.execute(text("SELECT data FROM events WHERE sender_id = 'long-dm'"))]
    assert len(kept) == 2 and "new problem" in kept[1] and not any("old problem" in data for data in kept)


def test_closed_tickets_are_removed_only_when_configured(migrated_url: str, session_factory: sessionmaker) -> None:
    tickets = TicketStore(session_factory, Clock(NOW - timedelta(days=100)))
    old_closed = tickets.create(requester_id="a", category="vpn", team="net", summary="s", channel="rest", conversation_id="a")
    tickets.set_status(old_closed.id, "closed", "engineer")
    old_open = tickets.create(requester_id="b", category="vpn", team="net", summary="s", channel="rest", conversation_id="b")
    assert purge(session_factory, NOW, days=90, tickets=False).get("tickets") is None
    assert purge(session_factory, NOW, days=90, tickets=True)["tickets"] == 1
    with session_factory() as session:
        assert [row.id for row in session.scalars(select(TicketRow))] == [old_open.id]


def test_job_runs_once_a_day(migrated_url: str, session_factory: sessionmaker) -> None:
    clock = Clock(NOW)
    job = RetentionJob(session_factory, clock, days=90)
    assert job.due()
    asyncio.run(job.run_if_due())
    clock.now = NOW + timedelta(hours=23)
    assert not job.due() and asyncio.run(job.run_if_due()) == {}
    clock.now = NOW + timedelta(days=1)
    assert job.due()


def test_zero_days_keeps_everything(migrated_url: str, session_factory: sessionmaker) -> None:
    assert purge(session_factory, NOW, days=0) == {}
    assert not RetentionJob(session_factory, Clock(NOW), days=0).due()
