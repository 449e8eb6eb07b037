"""RequesterTickets across channels: a ticket opened in Slack under the person's profile e-mail is
theirs in the widget too, but only when the widget identity is verified (the requester carries a
verified ``email``); an unverified visitor naming the same address sees nothing of it."""

from __future__ import annotations

import pytest

from bot.db.repositories import Ticket, TicketStore
from bot.handoff.store import HandoffStore
from bot.tickets.requester import Requester, RequesterTickets

GRACE_SLACK = Requester("slack:T1:U0GRACE", "slack:T1:U0GRACE", "Grace", "grace@example.com")
GRACE_WIDGET = Requester("user:grace@example.com", "web:s2", None, "grace@example.com")
# A visitor who typed Grace's address without a valid hash: not verified, so no email.
CLAIMS_GRACE = Requester("web:s3", "web:s3")
MALLORY = Requester("user:mallory@example.com", "web:s4", None, "mallory@example.com")


@pytest.fixture
def world(session_factory, clock):
    tickets = TicketStore(session_factory, clock)
    return tickets, RequesterTickets(tickets, HandoffStore(session_factory, clock))


def open_ticket(tickets: TicketStore, requester: Requester, summary: str = "VPN drops. Twice a day.") -> Ticket:
    return tickets.create(requester_id=requester.id, requester_name=requester.name, category="vpn_connection",
                          team="network", summary=summary, channel="slack", conversation_id=requester.conversation_id,
                          requester_email=requester.email)


def test_the_email_is_stored_lower_case_with_the_ticket(world) -> None:
    tickets, _ = world
    ticket = tickets.create(requester_id="slack:T1:U0GRACE", category="vpn_connection", team="network", summary="x",
                            channel="slack", conversation_id="slack:T1:U0GRACE", requester_email=" Grace@Example.COM ")

    assert tickets.get(ticket.id).requester_email == "grace@example.com"
    assert [t.id for t in tickets.list_for_email("GRACE@example.com")] == [ticket.id]


def test_a_verified_widget_identity_sees_and_owns_the_slack_ticket_of_the_same_email(world) -> None:
    tickets, service = world
    ticket = open_ticket(tickets, GRACE_SLACK, summary="Laptop dock flickers. Since Monday.")

    assert [t.id for t in service.open_tickets(GRACE_WIDGET)] == [ticket.id]
    assert service.own_ticket(GRACE_WIDGET, ticket.reference) == ticket
    assert "Laptop dock flickers" in service.status(GRACE_WIDGET, ticket.reference).text
    assert service.ticket_for_information(GRACE_WIDGET, None) == ticket
    assert service.ticket_for_note(GRACE_WIDGET, ticket.reference) == ticket


def test_the_link_works_the_other_way_round_too(world) -> None:
    tickets, service = world
    ticket = open_ticket(tickets, GRACE_WIDGET)

    assert [t.id for t in service.open_tickets(GRACE_SLACK)] == [ticket.id]


def test_an_unverified_visitor_or_another_verified_person_sees_nothing_of_it(world) -> None:
    tickets, service = world
    ticket = open_ticket(tickets, GRACE_SLACK, summary="Laptop dock flickers. Since Monday.")

    for stranger in (CLAIMS_GRACE, MALLORY):
        assert service.open_tickets(stranger) == []
        assert service.own_ticket(stranger, ticket.reference) is None
        reply = service.status(stranger, ticket.reference)
        assert "dock" not in reply.text and reply.buttons == []
        assert not isinstance(service.ticket_for_note(stranger, ticket.reference), Ticket)


def test_tickets_from_both_channels_are_listed_once_newest_first(world) -> None:
    tickets, service = world
    older = open_ticket(tickets, GRACE_SLACK, summary="Printer jams.")
    newer = open_ticket(tickets, GRACE_WIDGET, summary="VPN drops.")

    assert [t.id for t in service.open_tickets(GRACE_WIDGET)] == [newer.id, older.id]
    assert [t.id for t in service.open_tickets(GRACE_SLACK)] == [newer.id, older.id]
