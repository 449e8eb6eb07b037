"""People can ask where their ticket stands and add information to it; asking for a human again
updates their open ticket; other people's tickets show their status only."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.conftest import Bot, button_titles, texts

pytestmark = pytest.mark.e2e


def test_status_add_information_and_no_duplicate_ticket(bot: Bot) -> None:
    sender = f"e2e-status-{uuid.uuid4().hex[:8]}"
    reply = bot.send(sender, "talk to a human")
    reference = re.search(r"SUP-\d+", texts(reply)).group(0)

    reply = bot.send(sender, "what's the status of my ticket?")
    assert reference in texts(reply) and "waiting for an engineer" in texts(reply)
    assert f"Add information to {reference}" in button_titles(reply)

    add = next(b for m in reply for b in m.get("buttons") or [] if b["title"] == f"Add information to {reference}")
    reply = bot.send(sender, add["payload"])
    assert f"What would you like to add to **{reference}**" in texts(reply)
    reply = bot.send(sender, "the printer on floor 3 is also affected")
    assert f"Added to **{reference}**" in texts(reply)

    reply = bot.send(sender, "I want to add some more information to my ticket")
    assert "What would you like to add" in texts(reply), texts(reply)
    reply = bot.send(sender, "cancel")
    assert "haven't added anything" in texts(reply)

    reply = bot.send(sender, "talk to a human")
    assert f"You already have an open ticket for this, **{reference}**" in texts(reply)

    other = bot.send(f"{sender}-other", f"what's the status of {reference}?")
    assert "only shown to the person who opened it" in texts(other)
    assert "printer" not in texts(other)

    ticket, events = bot.ticket_with_events(reference)
    assert [(e.kind, e.body) for e in events][:2] == [("created", ticket.summary), ("message", "the printer on floor 3 is also affected")]
    assert events[2].kind == "message" and events[2].body.startswith("Escalated again: ")
