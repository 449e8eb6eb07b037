"""\"Delete my data\" in the chat: explain, ask for confirmation, then erase (docs/privacy.md)."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import AllSlotsReset
from rasa_sdk.executor import CollectingDispatcher

from actions.base import FrontlineAction
from bot.adapters.rasa_sdk import requester_of

EXPLAIN_ACTION = "action_privacy_explain"
CONFIRM_PAYLOAD = "/delete_my_data_confirm"


def explanation(open_tickets: List[str]) -> str:
    """What erasing will do, in plain words."""
    tickets = ""
    if open_tickets:
        tickets = (
            f"\n- Your open ticket{'s' if len(open_tickets) > 1 else ''} ({', '.join(open_tickets)}) will be "
            "**closed**: nobody will keep working on it."
        )
    return (
        "If you like, I'll delete the personal data we hold about you:\n"
        "- our conversations (everything you wrote here and my replies);\n"
        "- your tickets are kept only as anonymous statistics: your name, id, the problem description and "
        "every message are removed, and connected ticket systems are told to erase them too;"
        f"{tickets}\n"
        "- your troubleshooting history and your answers to \"Did this help?\".\n"
        "This can't be undone. Shall I delete your data now?"
    )


def done_message(closed: List[str], found: bool) -> str:
    """What the person is told after the erasure."""
    if not found:
        return "There was nothing stored about you, so there was nothing to delete. If you still need help, just ask."
    text = "Done: I've deleted your conversations and removed your personal data from your tickets."
    if closed:
        text += f" I closed your open ticket{'s' if len(closed) > 1 else ''} {', '.join(closed)}; if you still need help, just ask and I'll start afresh."
    return text


class ActionPrivacyExplain(FrontlineAction):
    """\"Delete my data\": say what will happen and ask for confirmation with buttons."""

    def name(self) -> Text:
        """Action name in the domain."""
        return EXPLAIN_ACTION

    async def handle(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        """Explain and ask."""
        requester = requester_of(tracker).id
        open_refs = [t.reference for t in await asyncio.to_thread(self.services.escalations.tickets_of, requester, True)]
        dispatcher.utter_message(
            text=explanation(open_refs),
            buttons=[
                {"title": "Yes, delete my data", "payload": CONFIRM_PAYLOAD},
                {"title": "No, keep it", "payload": "/deny"},
            ],
        )
        return []


class ActionPrivacyErase(FrontlineAction):
    """The confirmation: erase everything about the person (only right after the explanation)."""

    def name(self) -> Text:
        """Action name in the domain (the tracker store knows it: see bot.rasa_ext.privacy_store)."""
        return "action_privacy_erase"

    async def handle(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        """Erase, then say what was done."""
        if not _just_asked(tracker):
            # A stale button or a typed payload: explain first, never erase unasked.
            return await ActionPrivacyExplain(self.services).handle(dispatcher, tracker, domain)
        privacy = self.services.privacy
        if privacy is None:
            raise RuntimeError("privacy service not wired")
        requester = requester_of(tracker).id
        result = await asyncio.to_thread(privacy.erase, requester, "the person, in the chat", "chat", [tracker.sender_id])
        dispatcher.utter_message(text=done_message(result.closed_tickets, result.found))
        return [AllSlotsReset()]


def _just_asked(tracker: Tracker) -> bool:
    """True when the bot's last action before this message was the explanation."""
    for event in reversed(tracker.events[:-1] if tracker.events else []):
        if event.get("event") == "action" and event.get("name") not in ("action_listen", None):
            return event.get("name") == EXPLAIN_ACTION
    return False
