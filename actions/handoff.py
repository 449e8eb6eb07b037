"""Actions of a live handoff: relay the user's messages to the engineer, record the rating."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import FrontlineAction
from bot.adapters.rasa_sdk import requester_of
from bot.contract import HANDOFF_SLOT, RATING_ENTITY, RATING_SLOT, TICKET_REF_ENTITY, typed_rating


class ActionHandoffRelay(FrontlineAction):
    """While an engineer has the conversation: record the user's message on the ticket and show
    it in the engineer's thread. Says nothing to the user (the engineer answers); the channels'
    no-silent-bot guard knows the silence is intended from the ``handoff_active`` slot."""

    def name(self) -> Text:
        return "action_handoff_relay"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        text = (tracker.latest_message.get("text") or "").strip()
        ticket = await self.services.handoff.user_message(tracker.sender_id, text, requester_of(tracker).name)
        if ticket is None:  # the handoff ended without the slot being cleared (e.g. a lost push)
            dispatcher.utter_message(text=(
                "The engineer is no longer in this conversation, so you're back with me, the assistant. "
                "What can I help you with?"
            ))
            return [SlotSet(HANDOFF_SLOT, False)]
        return []


def rating_in(tracker: Tracker) -> Optional[int]:
    """The rating from a rating button (``rating`` entity) or typed ("4", "5 stars")."""
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == RATING_ENTITY:
            try:
                return int(str(entity.get("value")).strip())
            except ValueError:
                return None
    return typed_rating(tracker.latest_message.get("text") or "")


class ActionHandoffRating(FrontlineAction):
    """Record the 1–5 satisfaction rating asked for when a handoff ended."""

    def name(self) -> Text:
        return "action_handoff_rating"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        reference = None
        for entity in tracker.latest_message.get("entities") or []:
            if entity.get("entity") == TICKET_REF_ENTITY and entity.get("value"):
                reference = str(entity["value"])
        reference = reference or tracker.get_slot(RATING_SLOT)
        rating = rating_in(tracker)
        if not reference or rating is None:
            dispatcher.utter_message(text="Thanks! Is there anything else I can help with?")
            return [SlotSet(RATING_SLOT, None)]
        result = await self.services.handoff.rate(reference, requester_of(tracker).id, rating, tracker.sender_id)
        follow = " Anything else I can help with?" if result.recorded else ""
        dispatcher.utter_message(text=result.message + follow)
        return [SlotSet(RATING_SLOT, None)]
