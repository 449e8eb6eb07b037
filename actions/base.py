"""Base class of Frontline's actions: a failure becomes an apology, never silence."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.action_server.services import Services
from bot.adapters.rasa_sdk import compose_turn

log = logging.getLogger(__name__)


class FrontlineAction(Action):
    """An action with services; subclasses implement ``handle`` instead of ``run``."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        """Do the action's work; may raise, ``run`` turns that into an apology."""
        raise NotImplementedError

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        """Run ``handle``; on any error log it and tell the user honestly what to do next.

        The turn's messages are shaped once here (:func:`bot.adapters.rasa_sdk.compose_turn`):
        at most two where the content allows, no link twice.
        """
        try:
            events = await self.handle(dispatcher, tracker, domain)
            dispatcher.messages[:] = compose_turn(dispatcher.messages)
            return events
        except Exception:
            log.exception("action %s failed for sender %s", self.name(), tracker.sender_id)
            dispatcher.messages.clear()  # half-sent answers would only confuse
            dispatcher.utter_message(
                text=(
                    "Sorry — I hit an error while working on that, so I've stopped here. "
                    "You can try again, type \"talk to a human\", or contact "
                    f"{self.services.settings.support_contact}."
                )
            )
            return []
