"""What a person may see and do with their own tickets, and what the bot says about them.

The ticket actions (``actions/tickets.py``) read the tracker and call this service; the rules
live here: a ticket's details are shown only to the person who opened it (or in the conversation
it was opened from), a ticket takes new information only while it is open, and which ticket
"my ticket" means when there are several.

A person's tickets follow them across channels only through a *verified* e-mail address: the
one Slack's ``users.info`` gives for a Slack user, or a widget user id the host site signed
(``bot/security/identity.py``). Tickets store their requester's verified e-mail, and a
requester with a verified e-mail owns every ticket stored with it. Nobody else's claim to an
address counts: an unverified requester has no ``email``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple, Union

from bot.contract import add_info_payload
from bot.db.repositories import Ticket, TicketStore
from bot.handoff.store import HandoffStore

OPEN_STATUSES = ("new", "claimed", "waiting_on_user")
STATUS_TEXT = {
    "new": "waiting for an engineer to pick it up",
    "claimed": "being worked on",
    "waiting_on_user": "waiting for information from you",
    "resolved": "resolved",
    "closed": "closed",
}
MAX_LISTED = 5  # open tickets listed in a status answer
MAX_BUTTONS = 3  # "add information" buttons under that list


@dataclass(frozen=True)
class Requester:
    """The person talking.

    Attributes:
        id: their stable id (``slack:<team>:<user>`` in Slack, else the conversation id).
        conversation_id: the conversation (Rasa sender id) they write from.
        name: display name, if the channel knows it.
        email: their *verified* e-mail address, lower-case (never one a client merely claimed).
    """

    id: str
    conversation_id: str
    name: Optional[str] = None
    email: Optional[str] = None


@dataclass(frozen=True)
class Reply:
    """What the bot says: text and optional buttons (``{"title", "payload"}``)."""

    text: str
    buttons: List[Dict[str, str]] = field(default_factory=list)


def add_info_button(reference: str) -> Dict[str, str]:
    """A button that starts adding information to ``reference``."""
    return {"title": f"Add information to {reference}", "payload": add_info_payload(reference)}


def added_reply(reference: str, *, ask_more: bool = False) -> Reply:
    """Information went onto the ticket."""
    return Reply(f"Added to **{reference}** — the engineer will see it." + (" Anything else?" if ask_more else ""))


def ask_for_information(reference: str) -> Reply:
    """Ask for the information (the next message goes onto the ticket)."""
    return Reply(
        f"What would you like to add to **{reference}**? Your next message goes onto the ticket "
        "for the engineer (say \"cancel\" to add nothing)."
    )


class RequesterTickets:
    """A requester's view of the tickets.

    Args:
        tickets: the ticket store.
        handoffs: the handoff table (who is working on a ticket).
    """

    def __init__(self, tickets: TicketStore, handoffs: HandoffStore) -> None:
        self.tickets = tickets
        self.handoffs = handoffs

    @staticmethod
    def owns(requester: Requester, ticket: Ticket) -> bool:
        """True if ``requester`` opened ``ticket``, talks in its conversation, or has the verified
        e-mail address it was opened under (the same person on another channel)."""
        return (
            ticket.requester_id == requester.id
            or ticket.conversation_id == requester.conversation_id
            or (requester.email is not None and ticket.requester_email == requester.email)
        )

    def own_ticket(self, requester: Requester, reference: str) -> Optional[Ticket]:
        """The ticket if the person talking owns it (:meth:`owns`)."""
        ticket = self.tickets.get_by_reference(reference)
        return ticket if ticket is not None and self.owns(requester, ticket) else None

    def open_tickets(self, requester: Requester) -> List[Ticket]:
        """The person's open tickets, newest first: theirs, this conversation's (if the requester
        id differs, e.g. a Slack thread) and those opened under their verified e-mail."""
        tickets = self.tickets.list_for_requester(requester.id, open_only=True)
        more: List[Ticket] = []
        if requester.id != requester.conversation_id:
            more += self.tickets.list_for_requester(requester.conversation_id, open_only=True)
        if requester.email:
            more += self.tickets.list_for_email(requester.email, open_only=True)
        seen = {t.id for t in tickets}
        for ticket in more:
            if ticket.id not in seen:
                seen.add(ticket.id)
                tickets.append(ticket)
        if more:
            tickets.sort(key=lambda t: (t.created_at, t.id), reverse=True)
        return tickets

    def category_of_open_ticket(self, requester: Requester) -> Tuple[str, str]:
        """(category, team) for a new request: those of this conversation's open ticket, so asking
        again for a human is the same problem; else the general queue."""
        current = [t for t in self.open_tickets(requester) if t.conversation_id == requester.conversation_id]
        return (current[0].category, current[0].team) if current else ("general", "service-desk")

    def status_line(self, ticket: Ticket) -> str:
        """``SUP-1042`` (summary start) is being worked on by Dana."""
        status = STATUS_TEXT.get(ticket.status, ticket.status)
        handoff = self.handoffs.for_ticket(ticket.id)
        if ticket.status == "claimed" and handoff is not None and handoff.engineer_name:
            status += f" by {handoff.engineer_name}"
        topic = ticket.summary.split("\n")[0].split(". ")[0].rstrip(".")[:90]  # the first fact: the problem
        return f"**{ticket.reference}** ({topic}) is {status}"

    def status(self, requester: Requester, reference: Optional[str]) -> Reply:
        """Where the requester's ticket stands (by reference), or all their open ones."""
        if reference:
            ticket = self.own_ticket(requester, reference)
            if ticket is None:
                other = self.tickets.get_by_reference(reference)
                if other is None:
                    return Reply(f"I can't find a ticket {reference}. Please check the reference — it looks like SUP-1234.")
                # Someone else's ticket: its status only, no details.
                return Reply(
                    f"{other.reference} is {STATUS_TEXT.get(other.status, other.status)}. Its details are only "
                    "shown to the person who opened it — if that's you on another channel, ask me from there."
                )
            buttons = [add_info_button(ticket.reference)] if ticket.status in OPEN_STATUSES else []
            return Reply(self.status_line(ticket) + ".", buttons)
        tickets = self.open_tickets(requester)
        if not tickets:
            return Reply("You have no open tickets. If something is still broken, tell me what's wrong.")
        lines = [f"- {self.status_line(t)}" for t in tickets[:MAX_LISTED]]
        return Reply("Your open tickets:\n" + "\n".join(lines), [add_info_button(t.reference) for t in tickets[:MAX_BUTTONS]])

    def ticket_for_information(self, requester: Requester, reference: Optional[str]) -> Union[Ticket, Reply]:
        """The open ticket "add to my ticket" means, or what to tell the person instead (not
        theirs, none open, which one of several, no longer open)."""
        if reference:
            ticket = self.own_ticket(requester, reference)
            if ticket is None:
                return Reply(f"I can't find an open ticket {reference} of yours. Ask me \"what's the status of my tickets?\" to see them.")
        else:
            tickets = self.open_tickets(requester)
            if not tickets:
                return Reply("You have no open tickets to add to. Tell me what's wrong and I'll help — or get you a person.")
            if len(tickets) > 1:
                return Reply(
                    "Which ticket would you like to add information to?",
                    [add_info_button(t.reference) for t in tickets[:MAX_LISTED]],
                )
            ticket = tickets[0]
        if ticket.status not in OPEN_STATUSES:
            return Reply(f"{ticket.reference} is {ticket.status}, so it can't take new information. If the problem is back, tell me what's wrong.")
        return ticket

    def ticket_for_note(self, requester: Requester, reference: Optional[str]) -> Union[Ticket, Reply]:
        """The ticket the message after "what would you like to add?" goes onto, if still open."""
        ticket = self.own_ticket(requester, str(reference or ""))
        if ticket is None or ticket.status not in OPEN_STATUSES:
            return Reply(f"{reference or 'That ticket'} is no longer open, so I couldn't add that. Tell me what's wrong and I'll help.")
        return ticket
