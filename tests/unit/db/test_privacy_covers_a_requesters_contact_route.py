"""The contact route a person gave ("call me on 07700 900123") stays readable on the ticket —
the ticket store keeps it out of the redacted events — and is personal data: an export contains
it, erasure leaves no copy of it, and retention takes it with the ticket."""

from __future__ import annotations

from datetime import timedelta

import pytest
from privacy_helpers import hits, shipped_redactor
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.db.models import TicketRow
from bot.db.repositories import TicketNotFound, TicketStore
from bot.privacy.retention import purge
from bot.privacy.service import PrivacyService
from bot.privacy.tables import install_redaction

PHONE = "07700 900123"


def _ticket(session_factory: sessionmaker, clock) -> tuple:
    redactor = shipped_redactor()
    install_redaction(session_factory, redactor)  # as build_ticketing wires it
    tickets = TicketStore(session_factory, clock)
    ticket = tickets.create(requester_id="slack:T1:U0ADA1", category="hardware", team="desk", summary="dock flickers",
                            channel="slack", conversation_id="slack:T1:U0ADA1")
    tickets.set_contact_route(ticket.id, f"  {PHONE} ", "slack:T1:U0ADA1", f"Call me on {PHONE}")
    return PrivacyService(session_factory, tickets, redactor, clock), tickets, ticket


def test_the_store_keeps_the_route_readable_and_its_event_redacted(session_factory: sessionmaker, clock) -> None:
    _, tickets, ticket = _ticket(session_factory, clock)

    assert tickets.get(ticket.id).contact_route == PHONE
    event = tickets.list_events(ticket.id)[-1]
    assert event.kind == "message" and event.data["contact_route"] is True
    assert "900123" not in event.body  # even words that repeat the number are redacted


def test_the_store_rejects_an_empty_route_and_an_unknown_ticket(session_factory: sessionmaker, clock) -> None:
    _, tickets, ticket = _ticket(session_factory, clock)

    with pytest.raises(ValueError, match="contact route"):
        tickets.set_contact_route(ticket.id, "  ", "someone")
    with pytest.raises(TicketNotFound):
        tickets.set_contact_route(ticket.id + 99, PHONE, "someone")
    assert tickets.get(ticket.id).contact_route == PHONE


def test_export_contains_the_contact_route(session_factory: sessionmaker, clock) -> None:
    service, _, ticket = _ticket(session_factory, clock)

    document = service.export("slack:T1:U0ADA1", actor="dpo", via="cli")

    assert [(t["reference"], t["contact_route"]) for t in document["tickets"]] == [(ticket.reference, PHONE)]


def test_erasure_clears_the_contact_route(engine, session_factory: sessionmaker, clock) -> None:
    service, tickets, ticket = _ticket(session_factory, clock)

    service.erase("slack:T1:U0ADA1", actor="dpo", via="cli")

    assert tickets.get(ticket.id).contact_route is None
    assert hits(engine, [PHONE, "900123"]) == []


def test_retention_removes_old_closed_tickets_with_their_contact_route(session_factory: sessionmaker, clock) -> None:
    _, tickets, ticket = _ticket(session_factory, clock)
    tickets.set_status(ticket.id, "closed", "dana")

    purge(session_factory, clock.now + timedelta(days=40), days=30, tickets=True)

    with session_factory() as session:
        assert session.execute(select(TicketRow.contact_route)).scalars().all() == []
