"""The escalation reply says when and where the person will hear back, and claims only what
really happened ("what we went through" only when something was tried)."""

from datetime import datetime, time, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.db.repositories import TicketStore
from bot.handoff.calendar import SupportCalendar
from bot.handoff.memory import MemoryDesk, MemoryUserChannel
from bot.handoff.service import HandoffService
from bot.handoff.store import HandoffStore
from bot.support.eta import ReplyPromises
from bot.support.teams import TeamsFile

ROOT = Path(__file__).parents[3]
WEEKDAYS = SupportCalendar(week={d: ((time(8, 0), time(18, 0)),) for d in range(5)})


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def service(session_factory, now: datetime, desk: bool = True) -> tuple:
    clock = Clock(now)
    tickets = TicketStore(session_factory, clock)
    calendar = SimpleNamespace(get=lambda: WEEKDAYS, is_open=WEEKDAYS.is_open, describe_next=WEEKDAYS.describe_next,
                               describe_hours=WEEKDAYS.describe_hours)
    promises = ReplyPromises(TeamsFile(ROOT / "config" / "teams.yml"), calendar)  # type: ignore[arg-type]
    handoff = HandoffService(tickets, HandoffStore(session_factory, clock), MemoryDesk() if desk else None,
                             MemoryUserChannel(), calendar, clock, promises)
    return tickets, handoff


def ticket(tickets: TicketStore, details: dict, channel: str = "slack"):
    return tickets.create(requester_id="alice", requester_name=None, category="account_locked", team="identity",
                          priority="high", summary="Locked out.", channel=channel, conversation_id="c1", details=details)


TRIED = {"questions": [{"step": "ask_forgot", "question": "Do you know your password?", "label": "yes"}], "steps": [], "kb": []}


@pytest.mark.parametrize("details, honest", [
    (TRIED, "They'll see what we went through"),
    ({"questions": [], "steps": [{"kind": "escalate"}], "kb": []}, "They'll see what you've told me here"),
    ({}, "They'll see what you've told me here"),
])
def test_the_reply_claims_only_what_was_tried(session_factory, details: dict, honest: str) -> None:
    tickets, handoff = service(session_factory, datetime(2024, 7, 1, 9, 0, tzinfo=timezone.utc))
    text = handoff.open(ticket(tickets, details)).text
    assert honest in text
    assert "everything we tried" not in text


def test_during_hours_the_reply_names_the_team_target_due_time_and_channel(session_factory) -> None:
    tickets, handoff = service(session_factory, datetime(2024, 7, 1, 9, 0, tzinfo=timezone.utc))
    start = handoff.open(ticket(tickets, TRIED))
    assert start.mode == "live"
    assert "for the identity & access team" in start.text
    assert "within 1 working hour, so expect a reply by today at 10:00 (UTC time), here in Slack" in start.text


def test_after_hours_the_reply_says_nobody_is_in_and_when_the_reply_is_due(session_factory) -> None:
    tickets, handoff = service(session_factory, datetime(2024, 7, 5, 19, 0, tzinfo=timezone.utc))  # Friday evening
    start = handoff.open(ticket(tickets, TRIED, channel="socketio"))
    assert start.mode == "after_hours"
    assert "nobody is in right now" in start.text and start.text.count("Our engineers work") == 1
    assert "expect a reply by Monday at 09:00 (UTC time), here in this chat" in start.text


def test_without_a_live_desk_the_reply_still_says_when(session_factory) -> None:
    tickets, handoff = service(session_factory, datetime(2024, 7, 1, 9, 0, tzinfo=timezone.utc), desk=False)
    start = handoff.open(ticket(tickets, {}, channel="rest"))
    assert start.mode == "queued" and "expect a reply by today at 10:00" in start.text
