"""Answering a request made in the middle of a flow question (the flow then asks again).

A person answering "Which printer is it?" with "I already opened a ticket, SUP-1004" gets the
ticket's status here, from the same code as outside flows; the flow engine adds "Back to where
we were: …" after it. The support-chat asks get the same real answers as outside a flow:

- "how long will it take?": the open ticket's promise, or — no ticket yet — when the team the
  flow's ticket would go to aims to answer (``config/teams.yml`` targets in support hours);
- "is there a phone number?": the desk's number and hours;
- "call me on …": saved to the open ticket, or — no ticket yet — kept in ``pending_contacts``
  (:mod:`bot.tickets.pending_contact`; not in the flow state, which the tracker store redacts)
  and put on the ticket when one is opened (:func:`actions.escalate.open_ticket`). The reply
  masks it.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.support_chat import ActionAskPhone, conversation_ticket, ticket_eta
from actions.escalate import save_contact
from actions.ticket_contact import NO_NUMBER, contact_in, shown_contact
from actions.tickets import ActionTicketAddInfo, ActionTicketStatus, TicketAction
from bot.action_server.services import Services
from bot.adapters.rasa_sdk import channel_of, requester_of
from bot.db.repositories import Ticket

async def answer_aside(
    services: Services, aside: Dict[str, Any], dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any],
) -> List[Dict[Text, Any]]:
    """Answer ``aside`` (``{"kind", "reference", "team", "priority"}``) and return its events.

    Args:
        services: the action server's services.
        aside: the engine's interruption, with the team and priority the flow would escalate to.
        dispatcher: where the answer goes.
        tracker: the conversation.
        domain: Rasa's domain.
    """
    kind = aside.get("kind")
    if kind == "ticket_status":
        return list(await ActionTicketStatus(services).handle(dispatcher, tracker, domain) or [])
    if kind == "ticket_add_info":
        return list(await ActionTicketAddInfo(services).handle(dispatcher, tracker, domain) or [])
    if kind == "ask_phone":
        return list(await ActionAskPhone(services).handle(dispatcher, tracker, domain) or [])
    tickets = TicketAction(services)
    ticket: Optional[Ticket] = conversation_ticket(tickets, tracker)
    here = ticket if ticket is not None and ticket.conversation_id == tracker.sender_id else None
    if kind == "ask_eta":
        dispatcher.utter_message(text=ticket_eta(tickets, here) if here is not None else _eta_if_escalated(services, aside, tracker))
    elif kind == "give_phone":
        phone, email = contact_in(tracker)
        if phone is None and email is None:
            dispatcher.utter_message(text=NO_NUMBER)
        elif here is not None:
            await save_contact(services, here, requester_of(tracker).id, phone or email)
            dispatcher.utter_message(text=f"Thanks — I've added {shown_contact(phone, email)} to **{here.reference}** so the engineer can reach you there.")
        else:
            await asyncio.to_thread(services.pending_contacts.remember, tracker.sender_id, str(phone or email))
            dispatcher.utter_message(text=(
                f"Thanks — I've noted {shown_contact(phone, email)}. If this needs an engineer, it goes on the "
                "ticket so they can reach you there."
            ))
    return []


def _eta_if_escalated(services: Services, aside: Dict[str, Any], tracker: Tracker) -> str:
    """When the person would hear back if the flow's ticket were opened now."""
    promises = services.promises
    if promises is None:
        return (f"If we can sort it out here, it's usually a matter of minutes. If not, I'll open a ticket and "
                f"an engineer will get back to you; our engineers work {services.calendar.describe_hours()}.")
    team = str(aside.get("team") or "service-desk")
    priority = str(aside.get("priority") or "normal")
    return promises.if_escalated(team, priority, services.clock(), channel_of(tracker)).text
