"""RequesterTickets: a person sees the details of their own tickets only (or of tickets opened
from this conversation), follows their tickets across Slack threads, and adds information only
to an open ticket — with the bot's wording for each case."""

from __future__ import annotations

import pytest

from bot.db.repositories import Ticket, TicketStore
from bot.handoff.store import HandoffStore
from bot.tickets.requester import Reply, Requester, RequesterTickets

ALICE_SLACK = Requester("slack:T1:U0ALICE", "slack-thread-1", "Alice")
ALICE_REST = Requester("conv-alice", "conv-alice")
BOB = Requester("conv-bob", "conv-bob")


@pytest.fixture
def world(session_factory, clock):
    tickets = TicketStore(session_factory, clock)
    return tickets, HandoffStore(session_factory, clock), RequesterTickets(tickets, HandoffStore(session_factory, clock))


def open_ticket(tickets: TicketStore, requester: Requester, summary: str = "VPN drops. Twice a day.", category: str = "vpn_connection") -> Ticket:
    return tickets.create(requester_id=requester.id, requester_name=requester.name, category=category, team="network",
                          summary=summary, channel="rest", conversation_id=requester.conversation_id)


def test_someone_elses_ticket_is_not_own_and_its_status_reveals_no_details(world) -> None:
    tickets, _, service = world
    ticket = open_ticket(tickets, BOB, summary="Bob's confidential laptop swap.")

    assert service.own_ticket(ALICE_REST, ticket.reference) is None
    reply = service.status(ALICE_REST, ticket.reference)
    assert reply.text.startswith(f"{ticket.reference} is waiting for an engineer to pick it up.")
    assert "confidential" not in reply.text and reply.buttons == []


def test_a_ticket_opened_from_this_conversation_counts_as_own(world) -> None:
    tickets, _, service = world
    # Opened in this Slack thread before the person was known (requester = the conversation).
    ticket = open_ticket(tickets, Requester(ALICE_SLACK.conversation_id, ALICE_SLACK.conversation_id))

    assert service.own_ticket(ALICE_SLACK, ticket.reference) == ticket
    assert [t.id for t in service.open_tickets(ALICE_SLACK)] == [ticket.id]


def test_the_status_line_names_the_engineer_of_a_claimed_ticket(world) -> None:
    tickets, handoffs, service = world
    ticket = open_ticket(tickets, ALICE_REST)
    handoff = handoffs.open(ticket.id, ticket.conversation_id, ticket.channel)
    handoffs.transition(handoff.id, "claimed", ["waiting"], engineer_id="U0DANA", engineer_name="Dana")
    claimed = tickets.set_status(ticket.id, "claimed", "dana")

    assert service.status_line(claimed) == f"**{ticket.reference}** (VPN drops) is being worked on by Dana"


def test_information_goes_only_to_an_open_ticket(world) -> None:
    tickets, _, service = world
    ticket = open_ticket(tickets, ALICE_REST)
    tickets.set_status(ticket.id, "resolved", "dana")

    reply = service.ticket_for_information(ALICE_REST, ticket.reference)

    assert isinstance(reply, Reply)
    assert reply.text == f"{ticket.reference} is resolved, so it can't take new information. If the problem is back, tell me what's wrong."
    assert isinstance(service.ticket_for_note(ALICE_REST, ticket.reference), Reply)


def test_no_reference_and_one_open_ticket_means_that_ticket(world) -> None:
    tickets, _, service = world
    ticket = open_ticket(tickets, ALICE_REST)

    assert service.ticket_for_information(ALICE_REST, None) == ticket
    assert service.category_of_open_ticket(ALICE_REST) == ("vpn_connection", "network")
    assert service.category_of_open_ticket(BOB) == ("general", "service-desk")
