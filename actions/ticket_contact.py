"""Asks about a person's ticket that change it: "mark it urgent" and "call me on …".

Both record what happened as a ticket event the engineer sees (the priority change with the
person's own words; that a contact route was given), and both say so honestly when there is no
ticket. The contact route itself is stored on the ticket (``contact_route``), which the privacy
layer leaves readable, so the engineer can really use it.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.support_chat import conversation_ticket
from actions.escalate import save_contact
from actions.tickets import TicketAction, reference_in, request_human
from bot.adapters.rasa_sdk import requester_of
from bot.db.models import TICKET_PRIORITIES
from bot.db.repositories import Ticket
from bot.support.phone import find_phone, mask_phone

URGENT_WORDS = re.compile(r"(?<!\w)(urgent(?:ly)?|emergency|critical|asap|immediately)(?!\w)", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
OPEN_TICKET_BUTTON = {"title": "Open a ticket", "payload": "/request_human"}


def wanted_priority(current: str, text: str) -> str:
    """The priority someone asking for it gets: ``urgent`` when they say urgent (or critical,
    an emergency, asap), otherwise one level up, at least ``high``."""
    if URGENT_WORDS.search(text):
        return "urgent"
    level = max(TICKET_PRIORITIES.index(current) + 1, TICKET_PRIORITIES.index("high"))
    return TICKET_PRIORITIES[min(level, len(TICKET_PRIORITIES) - 1)]


class ActionMarkUrgent(TicketAction):
    """"Can you mark it urgent": raise the open ticket's priority and record why."""

    def name(self) -> Text:
        return "action_mark_urgent"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        ticket = self._ticket(tracker)
        if ticket is None:
            dispatcher.utter_message(
                text=("You don't have an open ticket, so there's nothing to mark urgent yet. Tell me what's "
                      "wrong and I'll help right away — or open a ticket now and I'll mark it urgent."),
                buttons=[OPEN_TICKET_BUTTON],
            )
            return []
        text = str(tracker.latest_message.get("text") or "").strip()
        priority = wanted_priority(ticket.priority, text)
        if TICKET_PRIORITIES.index(priority) <= TICKET_PRIORITIES.index(ticket.priority):
            dispatcher.utter_message(text=f"**{ticket.reference}** is already {ticket.priority} priority — it's at the front of the queue.")
            return []
        requester_id = requester_of(tracker).id
        ticket = self.services.tickets.set_priority(
            ticket.id, priority, requester_id, f"The requester asked to raise the priority: “{text}”"
        )
        promises = self.services.promises
        when = f" {promises.text(ticket, self.services.clock())}" if promises is not None else ""
        dispatcher.utter_message(text=(
            f"Done — **{ticket.reference}** is now {priority} priority, and I've noted why for the engineer.{when}"
        ))
        return []

    def _ticket(self, tracker: Tracker) -> Optional[Ticket]:
        reference = reference_in(tracker)
        if reference:
            ticket = self.own_ticket(tracker, reference)
            return ticket if ticket is not None and ticket.is_open else None
        return conversation_ticket(self, tracker)


class ActionGivePhone(TicketAction):
    """"Call me on 07700 900123": save the number (or another contact route) to the ticket."""

    def name(self) -> Text:
        return "action_give_phone"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        phone, email = contact_in(tracker)
        if phone is None and email is None:
            dispatcher.utter_message(text=NO_NUMBER)
            return []
        ticket = conversation_ticket(self, tracker)
        if ticket is None:  # asking to be called is asking for a person: open the ticket first
            await request_human(self.services, dispatcher, tracker)
            ticket = conversation_ticket(self, tracker)
            if ticket is None:
                return []
        await save_contact(self.services, ticket, requester_of(tracker).id, phone or email)
        dispatcher.utter_message(text=f"Thanks — I've added {shown_contact(phone, email)} to **{ticket.reference}** so the engineer can reach you there.")
        return []


NO_NUMBER = "I couldn't find a phone number in that. Please type it with the area code, for example \"call me on 07700 900123\"."


def contact_in(tracker: Tracker) -> Tuple[Optional[str], Optional[str]]:
    """The phone number (from the ``phone`` entity or the text), else an e-mail address, in the
    latest message: ``(phone, email)``, at most one of them set."""
    text = str(tracker.latest_message.get("text") or "")
    entity = next((str(e.get("value")) for e in tracker.latest_message.get("entities") or []
                   if e.get("entity") == "phone" and e.get("value")), None)
    phone = find_phone(entity or "") or find_phone(text)
    email_match = None if phone else EMAIL.search(text)
    return phone, email_match.group(0) if email_match else None


def shown_contact(phone: Optional[str], email: Optional[str]) -> str:
    """How a contact route is repeated back: a phone masked to its last three digits."""
    return f"the number ending {mask_phone(phone)[-3:]}" if phone else str(email)
