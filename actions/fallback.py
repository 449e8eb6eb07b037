"""Actions for messages the bot did not understand or cannot help with."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import FrontlineAction
from bot.adapters.rasa_sdk import button_payload
from bot.contract import human_button

MAX_SUGGESTIONS = 3


class ActionClarify(FrontlineAction):
    """Low NLU confidence: offer the likeliest topics as buttons, and a human."""

    def name(self) -> Text:
        return "action_clarify"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        # A bare phone number (the answer to "how should the engineer reach you?") is a contact
        # route whatever NLU made of it.
        from actions.ticket_contact import ActionGivePhone
        from bot.support.phone import find_phone

        if find_phone(str(tracker.latest_message.get("text") or "")):
            return await ActionGivePhone(self.services).handle(dispatcher, tracker, domain)
        buttons = []
        for intent in tracker.latest_message.get("intent_ranking") or []:
            label = self._topic_label(intent.get("name"))
            if label:
                buttons.append({"title": label, "payload": button_payload(intent["name"])})
            if len(buttons) == MAX_SUGGESTIONS:
                break
        # Unsure what it is, but it names another team's business ("a meeting room", "my payslip"):
        # say where that goes, and keep the IT topics in case it is an IT problem after all.
        from actions.support_chat import other_teams

        team = other_teams(self).match(str(tracker.latest_message.get("text") or ""))
        if team is not None:
            about = f" ({team.handles})" if team.handles else ""
            text = (
                f"If that's a question for **{team.name}**{about}, please contact {team.contact} — "
                "I can only help with IT problems here."
                + (" If it is an IT problem, is it one of these?" if buttons else "")
            )
        elif buttons:
            text = "Sorry, I'm not sure I understood. Is it one of these?"
        else:
            text = (
                "Sorry, I didn't understand that. Could you describe the problem in a few words? "
                "For example: \"I can't connect to the VPN\" or \"Outlook shows error 0x800CCC0E\"."
            )
        dispatcher.utter_message(text=text, buttons=buttons + [human_button()])
        return []

    def _topic_label(self, intent: Optional[str]) -> Optional[str]:
        """The description of the flow this intent starts, if it is a topic intent."""
        if not intent:
            return None
        for flow in self.services.flows.get().flows.values():
            if any(trigger.intent == intent and not trigger.entities for trigger in flow.triggers):
                return flow.description
        return None


class ActionOutOfScope(FrontlineAction):
    """Not an IT problem: say what the bot can do and where else to go."""

    def name(self) -> Text:
        return "action_out_of_scope"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        # A how-to question NLU took for small talk may still be answered by an article.
        from actions.kb import answer_from_kb
        from bot.kb.service import looks_like_question

        text = (tracker.latest_message or {}).get("text") or ""
        # A question for HR, facilities or finance: name where to go (config/other_teams.yml).
        from actions.support_chat import other_teams, point_to_other_team

        if point_to_other_team(other_teams(self), text, dispatcher):
            return []
        if looks_like_question(text):
            events = await answer_from_kb(self.services, dispatcher, tracker, text)
            if events is not None:
                return events
        dispatcher.utter_message(
            text=(
                "I'm only able to help with IT problems — passwords and accounts, MFA, VPN, Wi-Fi, "
                "email, printers, slow computers, software, app errors, access requests and broken "
                f"hardware. For anything else, please contact {self.services.settings.support_contact} "
                "or the right team directly."
            ),
            buttons=[human_button()],
        )
        return []
