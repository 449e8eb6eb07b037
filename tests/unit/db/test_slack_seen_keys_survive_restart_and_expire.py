"""The Slack channel's seen keys: claimed once (across sessions, like across restarts),
remembered with an expiry, pruned — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import sessionmaker

from bot.db.slack_seen import SlackSeenRepository
from tests.unit.db.conftest import FakeClock


def test_claim_is_granted_once_until_it_expires(session_factory: sessionmaker, clock: FakeClock) -> None:
    first = SlackSeenRepository(session_factory, clock)
    assert first.claim("event:T1:Ev1", timedelta(hours=1))
    assert not first.claim("event:T1:Ev1", timedelta(hours=1))
    # another process (or the same after a restart) sees the claim too
    assert not SlackSeenRepository(session_factory, clock).claim("event:T1:Ev1", timedelta(hours=1))
    clock.now += timedelta(hours=2)
    assert first.claim("event:T1:Ev1", timedelta(hours=1))  # expired claims count as none


def test_remembered_threads_expire_and_are_pruned(session_factory: sessionmaker, clock: FakeClock) -> None:
    repo = SlackSeenRepository(session_factory, clock)
    assert not repo.seen("thread:slack:T1:C1:1.2")
    repo.remember("thread:slack:T1:C1:1.2", timedelta(days=1))
    repo.remember("thread:slack:T1:C1:1.2", timedelta(days=1))  # again: extends, no error
    repo.claim("event:T1:Ev9", timedelta(minutes=5))
    assert repo.seen("thread:slack:T1:C1:1.2")
    clock.now += timedelta(hours=1)
    assert repo.prune() == 1  # the event claim
    assert repo.seen("thread:slack:T1:C1:1.2")
    clock.now += timedelta(days=2)
    assert not repo.seen("thread:slack:T1:C1:1.2")
    assert repo.prune() == 1
