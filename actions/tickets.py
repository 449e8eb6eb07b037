"""Actions about tickets outside flows: ask for a human, ask for a ticket's status."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import FrontlineAction
from actions.escalate import open_ticket
from bot.adapters.rasa_sdk import transcript

REFERENCE = re.compile(r"\bSUP[-\s]?(\d{3,})\b", re.IGNORECASE)
STATUS_TEXT = {
    "new": "waiting for an engineer to pick it up",
    "claimed": "being worked on",
    "waiting_on_user": "waiting for information from you",
    "resolved": "resolved",
    "closed": "closed",
}


class ActionRequestHuman(FrontlineAction):
    """The user asked for a person outside any flow: open a ticket with the conversation."""

    def name(self) -> Text:
        return "action_request_human"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        user_lines = [line["text"] for line in transcript(tracker) if line["from"] == "user"]
        context = " / ".join(user_lines[-3:])
        open_ticket(
            self.services, tracker, dispatcher,
            category="general", team="service-desk", priority="normal",
            summary=f"User asked for a human. Recent messages: {context}"[:500],
            reason="user_request", answers={}, trail=[],
        )
        return []


class ActionTicketStatus(FrontlineAction):
    """Tell the user where their ticket stands (by reference, or all their open ones)."""

    def name(self) -> Text:
        return "action_ticket_status"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        escalations = self.services.escalations
        match = REFERENCE.search(tracker.latest_message.get("text") or "")
        if match:
            reference = f"SUP-{match.group(1)}"
            ticket = escalations.ticket(reference, tracker.sender_id)
            if ticket is None:
                dispatcher.utter_message(
                    text=f"I can't find a ticket {reference} opened by you. Please check the reference — it looks like SUP-1234."
                )
            else:
                dispatcher.utter_message(text=f"**{ticket.reference}** ({ticket.summary[:80]}) is {STATUS_TEXT.get(ticket.status, ticket.status)}.")
            return []
        tickets = escalations.tickets_of(tracker.sender_id, open_only=True)
        if not tickets:
            dispatcher.utter_message(text="You have no open tickets. If something is still broken, tell me what's wrong.")
        else:
            lines = [f"- **{t.reference}** ({t.summary[:60]}): {STATUS_TEXT.get(t.status, t.status)}" for t in tickets[:5]]
            dispatcher.utter_message(text="Your open tickets:\n" + "\n".join(lines))
        return []
