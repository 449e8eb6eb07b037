"""The handoff state machine: waiting → claimed → resolved/returned, messages both ways, the
rating, and everything recorded as ticket events."""

import asyncio
from datetime import datetime, timezone
from typing import Tuple

import pytest

from bot.db.repositories import Ticket, TicketStore
from bot.handoff.calendar import SupportCalendar
from bot.handoff.memory import MemoryDesk, MemoryUserChannel
from bot.handoff.ports import Engineer
from bot.handoff.service import HandoffService
from bot.handoff.store import HandoffStore

DANA = Engineer("U0DANA", "Dana")
ERIK = Engineer("U0ERIK", "Erik")


class ManualClock:
    def __init__(self) -> None:
        self.now = datetime(2024, 7, 1, 9, 0, tzinfo=timezone.utc)  # a Monday, 09:00 UTC

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def world(session_factory):
    clock = ManualClock()
    tickets = TicketStore(session_factory, clock)
    desk, users = MemoryDesk(), MemoryUserChannel()
    service = HandoffService(tickets, HandoffStore(session_factory, clock), desk, users, SupportCalendar(), clock)
    return clock, tickets, desk, users, service


def escalate(tickets: TicketStore, channel: str = "rest") -> Ticket:
    return tickets.create(requester_id="alice", requester_name="Alice", category="vpn_connection", team="network",
                          summary="Alice needs help with the VPN.", channel=channel, conversation_id="conv-alice")


def run(coroutine):
    return asyncio.run(coroutine)


def test_during_hours_the_ticket_is_posted_in_the_background_and_the_user_told_to_stay(world) -> None:
    clock, tickets, desk, users, service = world
    ticket = escalate(tickets)

    start = service.open(ticket)
    assert start.mode == "live" and "stay here" in start.text and ticket.reference in start.text
    assert desk.posts == []  # opening never waits for the desk
    assert run(service.post_pending()) == 1
    assert [t.reference for t, _ in desk.posts] == [ticket.reference]
    assert run(service.post_pending()) == 0  # posted once
    assert service.handoffs.for_ticket(ticket.id).posted


def test_after_hours_the_user_hears_when_and_the_ticket_waits_for_opening(world) -> None:
    clock, tickets, desk, users, service = world
    clock.now = datetime(2024, 7, 5, 19, 0, tzinfo=timezone.utc)  # Friday evening
    ticket = escalate(tickets)

    start = service.open(ticket)
    assert start.mode == "after_hours"
    assert "Monday at 08:00 UTC time" in start.text and "Monday–Friday 08:00–18:00" in start.text
    assert run(service.post_pending()) == 0
    clock.now = datetime(2024, 7, 8, 8, 0, tzinfo=timezone.utc)
    assert run(service.post_pending()) == 1


def test_without_a_desk_tickets_just_queue(session_factory) -> None:
    clock = ManualClock()
    tickets = TicketStore(session_factory, clock)
    service = HandoffService(tickets, HandoffStore(session_factory, clock), None, MemoryUserChannel(), SupportCalendar(), clock)
    start = service.open(escalate(tickets))
    assert start.mode == "queued" and start.handoff is None


def claimed(world) -> Tuple[Ticket, HandoffService]:
    clock, tickets, desk, users, service = world
    ticket = escalate(tickets)
    service.open(ticket)
    run(service.post_pending())
    result = run(service.claim(ticket.id, DANA))
    assert result.ok, result.message
    return ticket, service


def test_claim_assigns_the_ticket_tells_the_user_and_quiets_the_bot(world) -> None:
    clock, tickets, desk, users, service = world
    ticket, _ = claimed(world)

    after = tickets.get(ticket.id)
    assert (after.status, after.assignee) == ("claimed", "U0DANA")
    conv, msgs, slots = users.pushes[-1]
    assert conv == "conv-alice" and slots == {"handoff_active": True}
    assert "Dana" in msgs[0].text and "joined" in msgs[0].text
    assert desk.updates[-1] == (ticket.reference, "claimed")


def test_the_website_widget_gets_a_joined_marker_instead_of_text(world) -> None:
    clock, tickets, desk, users, service = world
    ticket = escalate(tickets, channel="socketio")
    service.open(ticket)
    run(service.claim(ticket.id, DANA))
    _, msgs, _ = users.pushes[-1]
    assert msgs[0].text is None and msgs[0].custom == {"handoff": {"state": "joined", "engineer": "Dana"}}


def test_a_second_engineer_cannot_claim_a_claimed_conversation(world) -> None:
    ticket, service = claimed(world)
    refused = run(service.claim(ticket.id, ERIK))
    assert not refused.ok and refused.message == "Already claimed by Dana."
    again = run(service.claim(ticket.id, DANA))
    assert again.ok and "already" in again.message


def test_messages_flow_both_ways_and_colleagues_stay_internal(world) -> None:
    clock, tickets, desk, users, service = world
    ticket, _ = claimed(world)
    ref = service.handoffs.for_ticket(ticket.id)

    assert run(service.user_message("conv-alice", "it says error 809", "Alice")).id == ticket.id
    assert desk.relayed[-1] == (ticket.reference, "Alice", "it says error 809")
    to_user = run(service.engineer_message(ref.desk_channel, ref.desk_thread, DANA, "Try the other gateway"))
    assert to_user.ok
    _, msgs, _ = users.pushes[-1]
    assert msgs[0].text == "Try the other gateway" and msgs[0].metadata == {"engineer": "Dana"}
    colleague = run(service.engineer_message(ref.desk_channel, ref.desk_thread, ERIK, "gateway 2 is down btw"))
    assert not colleague.ok and colleague.message == ""
    assert len(users.pushes) == 2  # joined + Dana's message; Erik's remark never reached the user

    events = [(e.kind, e.actor, e.body, e.data.get("source")) for e in tickets.list_events(ticket.id)]
    assert ("message", "alice", "it says error 809", "user") in events
    assert ("message", "U0DANA", "Try the other gateway", "engineer") in events
    assert ("note", "U0ERIK", "gateway 2 is down btw", "desk") in events


def test_thread_replies_before_claiming_are_notes_with_a_hint(world) -> None:
    clock, tickets, desk, users, service = world
    ticket = escalate(tickets)
    service.open(ticket)
    run(service.post_pending())
    ref = service.handoffs.for_ticket(ticket.id)
    result = run(service.engineer_message(ref.desk_channel, ref.desk_thread, DANA, "looking"))
    assert not result.ok and "Claim" in result.message
    assert users.pushes == []
    assert run(service.user_message("conv-alice", "hello?")) is None  # not claimed: the bot answers


def test_resolve_hands_back_to_the_bot_asks_for_a_rating_and_records_it_once(world) -> None:
    clock, tickets, desk, users, service = world
    ticket, _ = claimed(world)

    result = run(service.resolve(ticket.id, DANA))
    assert result.ok and tickets.get(ticket.id).status == "resolved"
    _, msgs, slots = users.pushes[-1]
    assert slots == {"handoff_active": False, "rating_for": ticket.reference}
    assert "resolved" in msgs[0].text
    assert [b["title"] for b in msgs[1].buttons] == ["1", "2", "3", "4", "5"]
    assert msgs[1].buttons[3]["payload"] == '/handoff_rating{"rating":"4","ticket_ref":"%s"}' % ticket.reference

    rated = run(service.rate(ticket.reference, "alice", 4))
    assert rated.recorded
    assert not run(service.rate(ticket.reference, "alice", 5)).recorded
    assert not run(service.rate(ticket.reference, "mallory", 1, conversation_id="conv-mallory")).recorded
    assert not run(service.rate(ticket.reference, "alice", 9)).recorded
    run(service.drain())
    assert desk.notes[-1][1].startswith("The user rated this conversation 4/5")
    kinds = [(e.kind, e.data) for e in tickets.list_events(ticket.id)]
    assert kinds == [
        ("created", {"priority": "normal", "team": "network", "category": "vpn_connection"}),
        ("assigned", {"from": None, "to": "U0DANA"}),
        ("status_changed", {"from": "new", "to": "claimed"}),
        ("note", {"handoff": "resolved", "engineer": "Dana"}),
        ("status_changed", {"from": "claimed", "to": "resolved"}),
        ("rating", {"rating": 4}),
    ]
    assert not run(service.claim(ticket.id, ERIK)).ok  # ended conversations stay ended


def test_return_to_bot_closes_the_ticket_and_also_asks_for_a_rating(world) -> None:
    clock, tickets, desk, users, service = world
    ticket, _ = claimed(world)
    result = run(service.return_to_bot(ticket.id, DANA))
    assert result.ok and tickets.get(ticket.id).status == "closed"
    _, msgs, slots = users.pushes[-1]
    assert "handed the conversation back" in msgs[0].text and slots["handoff_active"] is False
    assert not run(service.resolve(ticket.id, DANA)).ok


def test_an_unreachable_user_chat_is_reported_but_the_claim_still_counts(world) -> None:
    clock, tickets, desk, users, service = world
    ticket = escalate(tickets)
    service.open(ticket)
    users.fail = True
    result = run(service.claim(ticket.id, DANA))
    assert result.ok and "couldn't tell the user" in result.message
    assert tickets.get(ticket.id).status == "claimed"


def test_information_added_outside_a_live_chat_reaches_the_ticket_and_its_thread(world) -> None:
    clock, tickets, desk, users, service = world
    ticket = escalate(tickets)
    service.open(ticket)
    run(service.post_pending())

    async def add() -> None:
        await service.add_information(ticket, "it started after the update", "Alice")
        await service.drain()

    run(add())
    assert tickets.list_events(ticket.id)[-1].body == "it started after the update"
    assert desk.relayed[-1] == (ticket.reference, "Alice", "(added to the ticket) it started after the update")


def test_a_desk_outage_is_retried_on_the_next_round_without_blocking_other_tickets(world) -> None:
    clock, tickets, desk, users, service = world
    first, second = escalate(tickets), escalate(tickets)
    service.open(first)
    service.open(second)
    desk.fail_posts = 1
    assert run(service.post_pending()) == 1  # the first failed, the second still went out
    assert run(service.post_pending()) == 1  # the first goes out on the next round
    assert sorted(t.reference for t, _ in desk.posts) == sorted([first.reference, second.reference])
