""""Call me on 07700 900123" with an open ticket: the engineer can read the full number on the
ticket (``tickets.contact_route``, not redacted), while the ticket's events stay redacted and
hold no digits of it — so the bot's "I've added the number" is true."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from actions.tickets import ActionRequestHuman
from actions.ticket_contact import ActionGivePhone
from bot.db.models import TicketEventRow, TicketRow
from tests.unit.actions.harness import build_services, run, tracker


def test_call_me_on_stores_the_full_number_on_the_ticket_and_no_digits_in_its_events(tmp_path: Path) -> None:
    world = build_services(tmp_path)
    run(ActionRequestHuman(world.services), tracker("talk to a human", "request_human"))
    (ticket,) = world.ticketing.tickets.list_for_requester("conv-alice")

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
