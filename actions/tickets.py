"""Actions about tickets outside flows: ask for a human, ask for a ticket's status, add
information to a ticket."""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import FrontlineAction
from actions.escalate import open_ticket, requester_of
from bot.db.repositories import Ticket

REFERENCE = re.compile(r"\bSUP[-\s]?(\d{3,})\b", re.IGNORECASE)
# "add to my ticket: the printer is on floor 3" carries the information inline.
INLINE_INFO = re.compile(r"^[^:]*\b(?:ticket|SUP[-\s]?\d{3,}|case|request)\b[^:]*:\s*(?P<info>\S.*)$", re.IGNORECASE | re.DOTALL)
NOTE_SLOT = "ticket_note_for"
ADD_INFO_INTENT = "ticket_add_info"
STOP_INTENTS = ("cancel", "start_over")
STOP_CONFIDENCE = 0.8
STATUS_TEXT = {
    "new": "waiting for an engineer to pick it up",
    "claimed": "being worked on",
    "waiting_on_user": "waiting for information from you",
    "resolved": "resolved",
    "closed": "closed",
}


def reference_in(tracker: Tracker) -> Optional[str]:
    """A ticket reference from a button (``ticket_ref`` entity) or typed in the message."""
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "ticket_ref" and entity.get("value"):
            return str(entity["value"]).strip().upper()
    match = REFERENCE.search(tracker.latest_message.get("text") or "")
    return f"SUP-{match.group(1)}" if match else None


def add_info_button(reference: str) -> Dict[str, str]:
    """A button that starts adding information to ``reference``."""
    return {"title": f"Add information to {reference}", "payload": f"/{ADD_INFO_INTENT}" + json.dumps({"ticket_ref": reference}, separators=(",", ":"))}


class TicketAction(FrontlineAction):
    """Looks up tickets the way their owner is allowed to see them."""

    def own_ticket(self, tracker: Tracker, reference: str) -> Optional[Ticket]:
        """The ticket if the person talking opened it (or it belongs to this conversation)."""
        ticket = self.services.escalations.lookup(reference)
        requester_id, _ = requester_of(tracker)
        if ticket is None or (ticket.requester_id != requester_id and ticket.conversation_id != tracker.sender_id):
            return None
        return ticket

    def open_tickets(self, tracker: Tracker) -> List[Ticket]:
        """The person's open tickets, newest first (from this conversation too, if the requester
        id differs, e.g. a Slack thread)."""
        requester_id, _ = requester_of(tracker)
        tickets = self.services.escalations.tickets_of(requester_id, open_only=True)
        if requester_id != tracker.sender_id:
            seen = {t.id for t in tickets}
            tickets += [t for t in self.services.escalations.tickets_of(tracker.sender_id, open_only=True) if t.id not in seen]
        return tickets

    def status_line(self, ticket: Ticket) -> str:
        """``SUP-1042`` (summary start) is being worked on by Dana."""
        status = STATUS_TEXT.get(ticket.status, ticket.status)
        handoff = self.services.ticketing.handoffs.for_ticket(ticket.id)
        if ticket.status == "claimed" and handoff is not None and handoff.engineer_name:
            status += f" by {handoff.engineer_name}"
        topic = ticket.summary.split("\n")[0].split(". ")[0].rstrip(".")[:90]  # the first fact: the problem
        return f"**{ticket.reference}** ({topic}) is {status}"


def request_human(action: "TicketAction", dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Open a ticket for a person asking for a human outside a flow.

    If this conversation already has an open ticket (say a flow escalated a minute ago), asking
    again is the same problem: the duplicate guard adds to that ticket instead of opening another.
    """
    current = [t for t in action.open_tickets(tracker) if t.conversation_id == tracker.sender_id]
    category, team = (current[0].category, current[0].team) if current else ("general", "service-desk")
    open_ticket(
        action.services, tracker, dispatcher,
        category=category, team=team, priority="normal",
        summary="", reason="user_request", answers={}, trail=[],
    )


class ActionRequestHuman(TicketAction):
    """The user asked for a person outside any flow: open a ticket with the conversation."""

    def name(self) -> Text:
        return "action_request_human"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        request_human(self, dispatcher, tracker)
        return []


class ActionTicketStatus(TicketAction):
    """Tell the user where their ticket stands (by reference, or all their open ones)."""

    def name(self) -> Text:
        return "action_ticket_status"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        reference = reference_in(tracker)
        if reference:
            ticket = self.own_ticket(tracker, reference)
            if ticket is None:
                other = self.services.escalations.lookup(reference)
                if other is None:
                    dispatcher.utter_message(text=f"I can't find a ticket {reference}. Please check the reference — it looks like SUP-1234.")
                else:  # someone else's ticket: its status only, no details
                    dispatcher.utter_message(text=(
                        f"{other.reference} is {STATUS_TEXT.get(other.status, other.status)}. Its details are only "
                        "shown to the person who opened it — if that's you on another channel, ask me from there."
                    ))
                return []
            buttons = [add_info_button(ticket.reference)] if ticket.status in ("new", "claimed", "waiting_on_user") else []
            dispatcher.utter_message(text=self.status_line(ticket) + ".", buttons=buttons or None)
            return []
        tickets = self.open_tickets(tracker)
        if not tickets:
            dispatcher.utter_message(text="You have no open tickets. If something is still broken, tell me what's wrong.")
            return []
        lines = [f"- {self.status_line(t)}" for t in tickets[:5]]
        dispatcher.utter_message(
            text="Your open tickets:\n" + "\n".join(lines),
            buttons=[add_info_button(t.reference) for t in tickets[:3]],
        )
        return []


class ActionTicketAddInfo(TicketAction):
    """"I want to add something to my ticket": find which ticket, then take the next message
    (or the text after a colon) as the information."""

    def name(self) -> Text:
        return "action_ticket_add_info"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        reference = reference_in(tracker)
        if reference:
            ticket = self.own_ticket(tracker, reference)
            if ticket is None:
                dispatcher.utter_message(text=f"I can't find an open ticket {reference} of yours. Ask me \"what's the status of my tickets?\" to see them.")
                return []
        else:
            tickets = self.open_tickets(tracker)
            if not tickets:
                dispatcher.utter_message(text=(
                    "You have no open tickets to add to. Tell me what's wrong and I'll help — or get you a person."
                ))
                return []
            if len(tickets) > 1:
                dispatcher.utter_message(
                    text="Which ticket would you like to add information to?",
                    buttons=[add_info_button(t.reference) for t in tickets[:5]],
                )
                return []
            ticket = tickets[0]
        if ticket.status not in ("new", "claimed", "waiting_on_user"):
            dispatcher.utter_message(text=f"{ticket.reference} is {ticket.status}, so it can't take new information. If the problem is back, tell me what's wrong.")
            return []
        inline = INLINE_INFO.match((tracker.latest_message.get("text") or "").strip())
        if inline and len(inline.group("info").split()) >= 2 and not reference_only(inline.group("info")):
            _, name = requester_of(tracker)
            await self.services.ticketing.handoff.add_information(ticket, inline.group("info").strip(), name)
            dispatcher.utter_message(text=f"Added to **{ticket.reference}** — the engineer will see it.")
            return []
        dispatcher.utter_message(text=(
            f"What would you like to add to **{ticket.reference}**? Your next message goes onto the ticket "
            "for the engineer (say \"cancel\" to add nothing)."
        ))
        return [SlotSet(NOTE_SLOT, ticket.reference)]


def reference_only(text: str) -> bool:
    """True when ``text`` is nothing but a ticket reference."""
    return bool(REFERENCE.fullmatch(text.strip().rstrip(".")))


class ActionTicketNote(TicketAction):
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
        if intent.get("name") == "request_human" and confident:  # "talk to a human" always works
            request_human(self, dispatcher, tracker)
            return clear
        ticket = self.own_ticket(tracker, str(reference or ""))
        if ticket is None or ticket.status not in ("new", "claimed", "waiting_on_user"):
            dispatcher.utter_message(text=f"{reference or 'That ticket'} is no longer open, so I couldn't add that. Tell me what's wrong and I'll help.")
            return clear
        text = (tracker.latest_message.get("text") or "").strip()
        _, name = requester_of(tracker)
        await self.services.ticketing.handoff.add_information(ticket, text, name)
        dispatcher.utter_message(text=f"Added to **{ticket.reference}** — the engineer will see it. Anything else?")
        return clear
