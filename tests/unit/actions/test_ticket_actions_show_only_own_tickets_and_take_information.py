"""actions/tickets.py: status answers show details only to the ticket's owner, information goes
onto the right open ticket (inline or as the next message), and "cancel" adds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.tickets import ActionTicketAddInfo, ActionTicketNote, ActionTicketStatus
from bot.db.repositories import Ticket
from tests.unit.actions.harness import World, build_services, run, slots_set, tracker


@pytest.fixture
def world(tmp_path: Path) -> World:
    return build_services(tmp_path)


def open_ticket(world: World, requester: str = "conv-alice", summary: str = "VPN drops every hour.") -> Ticket:
    return world.ticketing.tickets.create(
        requester_id=requester, requester_name=None, category="vpn_connection", team="network",
        summary=summary, channel="rest", conversation_id=requester,
    )


def ref_entity(reference: str) -> list:
    return [{"entity": "ticket_ref", "value": reference}]


def test_status_of_own_ticket_has_details_and_an_add_information_button(world: World) -> None:
    ticket = open_ticket(world)

    messages, _ = run(ActionTicketStatus(world.services), tracker(f"status of {ticket.reference}", "ticket_status"))

    assert messages[0]["text"] == f"**{ticket.reference}** (VPN drops every hour) is waiting for an engineer to pick it up."
    assert messages[0]["buttons"][0]["payload"] == f'/ticket_add_info{{"ticket_ref":"{ticket.reference}"}}'


def test_status_of_someone_elses_ticket_shows_the_status_only(world: World) -> None:
    ticket = open_ticket(world, requester="conv-bob", summary="Bob's secret project laptop.")

    messages, _ = run(ActionTicketStatus(world.services), tracker(f"what about {ticket.reference}", "ticket_status"))

    assert messages[0]["text"].startswith(f"{ticket.reference} is waiting for an engineer")
    assert "secret" not in messages[0]["text"]
    assert not messages[0].get("buttons")


def test_inline_information_goes_onto_the_only_open_ticket(world: World) -> None:
    ticket = open_ticket(world)

    messages, events = run(ActionTicketAddInfo(world.services), tracker("add to my ticket: it started after the update", "ticket_add_info"))

    assert messages[0]["text"] == f"Added to **{ticket.reference}** — the engineer will see it."
    assert [e.body for e in world.ticketing.tickets.list_events(ticket.id) if e.kind == "message"] == ["it started after the update"]
    assert events == []


def test_without_inline_text_the_next_message_is_the_information(world: World) -> None:
    ticket = open_ticket(world)

    trk = tracker(f"add info to {ticket.reference}", "ticket_add_info", entities=ref_entity(ticket.reference))
    messages, events = run(ActionTicketAddInfo(world.services), trk)
    assert slots_set(events) == {"ticket_note_for": ticket.reference}
    assert "What would you like to add" in messages[0]["text"]

    messages, events = run(ActionTicketNote(world.services), tracker("it is the Cisco client", "inform", slots={"ticket_note_for": ticket.reference}))

    assert messages[0]["text"].endswith("Anything else?")
    assert slots_set(events) == {"ticket_note_for": None}
    assert [e.body for e in world.ticketing.tickets.list_events(ticket.id) if e.kind == "message"] == ["it is the Cisco client"]


def test_cancel_instead_of_the_information_adds_nothing(world: World) -> None:
    ticket = open_ticket(world)

    messages, events = run(ActionTicketNote(world.services), tracker("cancel", "cancel", slots={"ticket_note_for": ticket.reference}))

    assert "haven't added anything" in messages[0]["text"]
    assert [e for e in world.ticketing.tickets.list_events(ticket.id) if e.kind == "message"] == []
    assert slots_set(events) == {"ticket_note_for": None}


def test_several_open_tickets_are_offered_as_buttons(world: World) -> None:
    first, second = open_ticket(world), open_ticket(world, summary="Printer jammed.")
    world.ticketing.tickets.set_status(second.id, "claimed", "dana")

    messages, events = run(ActionTicketAddInfo(world.services), tracker("I want to add something to my ticket", "ticket_add_info"))

    assert messages[0]["text"] == "Which ticket would you like to add information to?"
    assert {b["title"] for b in messages[0]["buttons"]} == {f"Add information to {first.reference}", f"Add information to {second.reference}"}
    assert events == []


@pytest.mark.parametrize("hostile", ["<!channel>", "<https://evil.example|Reset your password>", "**SUP-1** [x](javascript:1)"])
def test_a_ticket_ref_entity_that_is_not_a_reference_is_never_echoed(world: World, hostile: str) -> None:
    open_ticket(world)

    messages, _ = run(ActionTicketStatus(world.services), tracker(f"status of {hostile}", "ticket_status", entities=ref_entity(hostile)))

    assert hostile not in " ".join(m.get("text") or "" for m in messages)
    assert "<" not in messages[0]["text"] and "javascript" not in messages[0]["text"]
