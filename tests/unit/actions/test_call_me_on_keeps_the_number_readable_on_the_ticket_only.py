""""Call me on 07700 900123" with an open ticket: the engineer can read the full number on the
ticket (``tickets.contact_route``, not redacted), while the ticket's events stay redacted and
hold no digits of it — so the bot's "I've added the number" is true."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from sqlalchemy import select

from actions.tickets import ActionRequestHuman
from actions.ticket_contact import ActionGivePhone
from bot.db.models import TicketEventRow, TicketRow
from bot.slack.desk import ticket_blocks
from tests.unit.actions.harness import build_services, run, tracker


def test_call_me_on_stores_the_full_number_on_the_ticket_and_no_digits_in_its_events(tmp_path: Path) -> None:
    world = build_services(tmp_path)
    run(ActionRequestHuman(world.services), tracker("talk to a human", "request_human"))
    (ticket,) = world.ticketing.tickets.list_for_requester("conv-alice")
    assert asyncio.run(world.ticketing.handoff.post_pending()) == 1  # the desk message is up

    messages, _events = run(ActionGivePhone(world.services), tracker(
        "call me on 07700 900123", "give_phone", entities=[{"entity": "phone", "value": "07700 900123"}],
    ))

    reply = messages[0]["text"]
    assert "ending 123" in reply and ticket.reference in reply and "07700 900123" not in reply
    assert world.ticketing.tickets.get(ticket.id).contact_route == "07700 900123"
    sessions = world.ticketing.tickets._session_factory  # the raw rows, as stored
    with sessions() as session:
        assert session.scalar(select(TicketRow.contact_route).where(TicketRow.id == ticket.id)) == "07700 900123"
        events = session.scalars(select(TicketEventRow).where(TicketEventRow.ticket_id == ticket.id)).all()
    contact_events = [e for e in events if (e.data or {}).get("contact_route")]
    assert len(contact_events) == 1 and "contact route" in contact_events[0].body
    assert not any(re.search(r"900\s?123|07700", f"{e.body} {e.data}") for e in events)


def test_the_desk_message_is_updated_and_shows_the_contact_route_escaped(tmp_path: Path) -> None:
    world = build_services(tmp_path)
    run(ActionRequestHuman(world.services), tracker("talk to a human", "request_human"))
    (ticket,) = world.ticketing.tickets.list_for_requester("conv-alice")
    asyncio.run(world.ticketing.handoff.post_pending())

    run(ActionGivePhone(world.services), tracker("call me on 07700 900123", "give_phone"))

    assert [ref for ref, _state in world.desk.updates] == [ticket.reference]
    stored = world.ticketing.tickets.get(ticket.id)
    handoff = world.ticketing.handoffs.for_ticket(ticket.id)
    fields = [f["text"] for b in ticket_blocks(stored, handoff) for f in b.get("fields") or []]
    assert any("\nContact: 07700 900123" in text for text in fields)
    odd = world.ticketing.tickets.set_contact_route(ticket.id, "<!channel> a@b.co", "conv-alice")
    fields = [f["text"] for b in ticket_blocks(odd, handoff) for f in b.get("fields") or []]
    assert not any("<!channel>" in text for text in fields)
