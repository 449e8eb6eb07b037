"""actions/handoff.py: a typed or clicked rating is recorded once for the pending ticket, and a
message sent after the engineer left brings the user back to the bot."""

from __future__ import annotations

import asyncio
from pathlib import Path

from actions.handoff import ActionHandoffRating, ActionHandoffRelay
from bot.handoff.ports import Engineer
from tests.unit.actions.harness import build_services, run, slots_set, tracker


def test_a_typed_rating_is_recorded_for_the_pending_ticket(tmp_path: Path) -> None:
    world = build_services(tmp_path)
    ticket = world.ticketing.tickets.create(
        requester_id="conv-alice", requester_name=None, category="vpn_connection", team="network",
        summary="VPN.", channel="rest", conversation_id="conv-alice",
    )

    messages, events = run(ActionHandoffRating(world.services), tracker("5 stars", "inform", slots={"rating_for": ticket.reference}))

    ratings = [e for e in world.ticketing.tickets.list_events(ticket.id) if e.kind == "rating"]
    assert [e.data["rating"] for e in ratings] == [5]
    assert messages[0]["text"].endswith("Anything else I can help with?")
    assert slots_set(events) == {"rating_for": None}


def test_a_message_while_an_engineer_has_the_chat_reaches_their_thread(tmp_path: Path) -> None:
    world = build_services(tmp_path)
    ticket = world.ticketing.tickets.create(
        requester_id="conv-alice", requester_name=None, category="vpn_connection", team="network",
        summary="VPN.", channel="rest", conversation_id="conv-alice",
    )
    world.ticketing.handoff.open(ticket)
    asyncio.run(world.ticketing.handoff.post_pending())
    asyncio.run(world.ticketing.handoff.claim(ticket.id, Engineer("U0DANA", "Dana")))

    messages, events = run(ActionHandoffRelay(world.services), tracker("it dropped again just now", slots={"handoff_active": True}))

    assert messages == [] and events == []  # the engineer answers, the bot stays quiet
    assert world.desk.relayed[-1][0] == ticket.reference and world.desk.relayed[-1][2] == "it dropped again just now"


def test_a_message_after_the_engineer_left_hands_back_to_the_bot(tmp_path: Path) -> None:
    world = build_services(tmp_path)

    messages, events = run(ActionHandoffRelay(world.services), tracker("hello?", slots={"handoff_active": True}))

    assert "no longer in this conversation" in messages[0]["text"]
    assert slots_set(events) == {"handoff_active": False}
