"""Actions about tickets outside flows: ask for a human, ask for a ticket's status, add
information to a ticket. Thin: the rules and wording are in :mod:`bot.tickets.requester`."""

from __future__ import annotations

import asyncio
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import FrontlineAction
from actions.escalate import open_ticket
from bot.action_server.services import Services
from bot.adapters.rasa_sdk import requester_of
from bot.contract import (
    CANCEL_INTENT,
    NOTE_SLOT,
    REQUEST_HUMAN_INTENT,
    START_OVER_INTENT,
    TICKET_REF_ENTITY,
)
from bot.tickets.requester import Reply, added_reply, ask_for_information
from bot.db.repositories import Ticket
from bot.security.escape import ticket_reference

REFERENCE = re.compile(r"\bSUP[-\s]?(\d{3,})\b", re.IGNORECASE)
# "add to my ticket: the printer is on floor 3" carries the information inline.
INLINE_INFO = re.compile(r"^[^:]*\b(?:ticket|SUP[-\s]?\d{3,}|case|request)\b[^:]*:\s*(?P<info>\S.*)$", re.IGNORECASE | re.DOTALL)
STOP_INTENTS = (CANCEL_INTENT, START_OVER_INTENT)
STOP_CONFIDENCE = 0.8


def reference_in(tracker: Tracker) -> Optional[str]:
    """A ticket reference from a button (``ticket_ref`` entity) or typed in the message."""
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == TICKET_REF_ENTITY and entity.get("value"):
            # Only a real reference is ever echoed back (never "<!channel>" or Markdown).
            reference = ticket_reference(entity["value"])
            if reference:
                return reference
    match = REFERENCE.search(tracker.latest_message.get("text") or "")
    return f"SUP-{match.group(1)}" if match else None


def reference_only(text: str) -> bool:
    """True when ``text`` is nothing but a ticket reference."""
    return bool(REFERENCE.fullmatch(text.strip().rstrip(".")))


def say(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    """Send a service's reply."""
    dispatcher.utter_message(text=reply.text, buttons=list(reply.buttons) or None)


async def request_human(services: Services, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Open a ticket for a person asking for a human outside a flow.

    If this conversation already has an open ticket (say a flow escalated a minute ago), asking
    again is the same problem: the duplicate guard adds to that ticket instead of opening another.
    """
    category, team = await asyncio.to_thread(services.requester_tickets.category_of_open_ticket, requester_of(tracker))
    await open_ticket(
        services, tracker, dispatcher,
        category=category, team=team, priority="normal",
        summary="", reason="user_request", answers={}, trail=[],
    )


class TicketAction(FrontlineAction):
    """An action about the person's own tickets; the ownership rules are in bot.tickets.requester."""

    def own_ticket(self, tracker: Tracker, reference: str) -> Optional[Ticket]:
        """The ticket if the person talking opened it (or it belongs to this conversation)."""
        return self.services.requester_tickets.own_ticket(requester_of(tracker), reference)

    def open_tickets(self, tracker: Tracker) -> List[Ticket]:
        """The person's open tickets, newest first."""
        return self.services.requester_tickets.open_tickets(requester_of(tracker))

    def status_line(self, ticket: Ticket) -> str:
        """``SUP-1042`` (the problem) is being worked on by Dana."""
        return self.services.requester_tickets.status_line(ticket)


class ActionRequestHuman(FrontlineAction):
    """The user asked for a person outside any flow: open a ticket with the conversation."""

    def name(self) -> Text:
        return "action_request_human"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        await request_human(self.services, dispatcher, tracker)
        return []


class ActionTicketStatus(FrontlineAction):
    """Tell the user where their ticket stands (by reference, or all their open ones)."""

    def name(self) -> Text:
        return "action_ticket_status"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        tickets = self.services.requester_tickets
        say(dispatcher, await asyncio.to_thread(tickets.status, requester_of(tracker), reference_in(tracker)))
        return []


class ActionTicketAddInfo(FrontlineAction):
    """"I want to add something to my ticket": find which ticket, then take the next message
    (or the text after a colon) as the information."""

    def name(self) -> Text:
        return "action_ticket_add_info"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        requester = requester_of(tracker)
        target = await asyncio.to_thread(self.services.requester_tickets.ticket_for_information, requester, reference_in(tracker))
        if isinstance(target, Reply):
            say(dispatcher, target)
            return []
        inline = INLINE_INFO.match((tracker.latest_message.get("text") or "").strip())
        if inline and len(inline.group("info").split()) >= 2 and not reference_only(inline.group("info")):
            await self.services.handoff.add_information(target, inline.group("info").strip(), requester.name)
            say(dispatcher, added_reply(target.reference))
            return []
        say(dispatcher, ask_for_information(target.reference))
        return [SlotSet(NOTE_SLOT, target.reference)]


class ActionTicketNote(FrontlineAction):
    """The message after "what would you like to add?": append it to the ticket."""

    def name(self) -> Text:
        return "action_ticket_note"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        reference = tracker.get_slot(NOTE_SLOT)
        clear = [SlotSet(NOTE_SLOT, None)]
        intent = tracker.latest_message.get("intent") or {}
        confident = float(intent.get("confidence") or 0) >= STOP_CONFIDENCE
        if intent.get("name") in STOP_INTENTS and confident:
            dispatcher.utter_message(text="OK, I haven't added anything. What else can I help with?")
            return clear
        if intent.get("name") == REQUEST_HUMAN_INTENT and confident:  # "talk to a human" always works
            await request_human(self.services, dispatcher, tracker)
            return clear
        requester = requester_of(tracker)
        target = await asyncio.to_thread(self.services.requester_tickets.ticket_for_note, requester, reference)
        if isinstance(target, Reply):
            say(dispatcher, target)
            return clear
        text = (tracker.latest_message.get("text") or "").strip()
        await self.services.handoff.add_information(target, text, requester.name)
        say(dispatcher, added_reply(target.reference, ask_more=True))
        return clear
