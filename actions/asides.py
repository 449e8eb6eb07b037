"""Answering a request made in the middle of a flow question (the flow then asks again).

A person answering "Which printer is it?" with "I already opened a ticket, SUP-1004" gets the
ticket's status here, from the same code as outside flows; the flow engine adds "Back to where
we were: …" after it.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.action_server.services import Services


async def answer_aside(
    services: Services, aside: Dict[str, Any], dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
) -> List[Dict[Text, Any]]:
    """Answer ``aside`` (``{"kind", "reference"}``) and return the events that answer made."""
    from actions.tickets import ActionTicketAddInfo, ActionTicketStatus  # actions import each other lazily

    kind = aside.get("kind")
    if kind == "ticket_status":
        return list(await ActionTicketStatus(services).handle(dispatcher, tracker, domain) or [])
    if kind == "ticket_add_info":
        return list(await ActionTicketAddInfo(services).handle(dispatcher, tracker, domain) or [])
    contact = services.settings.support_contact
    if kind == "ask_eta":
        dispatcher.utter_message(text=(
            "Most problems like this are fixed in a few minutes here. If we can't fix it, I'll open a "
            "ticket and the team will get back to you; you'll get the ticket number straight away."
        ))
    elif kind == "ask_phone":
        dispatcher.utter_message(text=f"You can reach {contact}.")
    elif kind == "give_phone":
        dispatcher.utter_message(text="Thanks — if I need to hand this over, the engineer will see your number in this conversation.")
    return []
