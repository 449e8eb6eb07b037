"""actions/escalate.py (via action_request_human): asking for a human opens a ticket carrying the
conversation as the person saw it, starts the live handoff, and asking again updates that ticket."""

from __future__ import annotations

from pathlib import Path

from actions.tickets import ActionRequestHuman
from tests.unit.actions.harness import build_services, run, tracker

HISTORY = [
    {"event": "user", "text": "my printer is jammed", "timestamp": 1.0},
    {"event": "bot", "text": "Which printer is it?", "timestamp": 2.0,
     "data": {"buttons": [{"title": "Floor 3 printer", "payload": '/flow_answer{"flow_answer":"floor3"}'}]}},
    {"event": "user", "text": '/flow_answer{"flow_answer":"floor3"}', "timestamp": 3.0},
    {"event": "user", "text": "EXTERNAL: an engineer relay", "timestamp": 4.0},
]


def test_asking_for_a_human_opens_a_live_ticket_with_button_titles_in_the_transcript(tmp_path: Path) -> None:
    world = build_services(tmp_path)

    messages, events = run(ActionRequestHuman(world.services), tracker("talk to a human", "request_human", events=HISTORY))

    (ticket,) = world.ticketing.tickets.list_for_requester("conv-alice")
    assert ticket.reference in messages[0]["text"]
    assert ticket.category == "general" and ticket.priority == "normal"
    transcript = [line["text"] for line in ticket.details["transcript"]]
    assert transcript[:3] == ["my printer is jammed", "Which printer is it?", "Floor 3 printer"]
    assert not any(text.startswith("EXTERNAL") for text in transcript)
    assert world.ticketing.handoffs.for_ticket(ticket.id) is not None  # live: engineers are on duty
    assert events == []


def test_asking_again_adds_to_the_open_ticket_instead_of_opening_another(tmp_path: Path) -> None:
    world = build_services(tmp_path)
    action = ActionRequestHuman(world.services)
    run(action, tracker("talk to a human", "request_human"))

    messages, _ = run(action, tracker("a person please", "request_human"))

    (ticket,) = world.ticketing.tickets.list_for_requester("conv-alice")
    assert messages[0]["text"].startswith(f"You already have an open ticket for this, **{ticket.reference}**")


def test_a_widget_user_gets_the_requested_marker(tmp_path: Path) -> None:
    world = build_services(tmp_path)

    messages, _ = run(ActionRequestHuman(world.services), tracker("human please", "request_human", channel="socketio"))

    assert messages[0]["custom"] == {"handoff": {"state": "requested"}}
