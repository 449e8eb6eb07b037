"""Knowledge-base actions: answer free questions from articles, and record whether it helped.

``action_kb_answer`` shows the best article (title, the matching passage, a link), up to two
alternatives as buttons, and asks "Did this answer your question?" with Yes/No buttons. Every
answer is recorded (``kb_answers``) and the slot ``kb_last`` remembers it until the feedback
arrives. ``action_kb_feedback`` records Yes/No (a button, or a typed "yes"/"no" straight after an
answer); on "no" it offers the matching troubleshooting flow and a human. Searches run in a
worker thread so the action server keeps serving other conversations meanwhile.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Dict, List, Optional, Text, TypeVar

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import FrontlineAction
from bot.adapters.rasa_sdk import action_before_latest_message, channel_of, established, latest_entities
from bot.contract import (
    AFFIRM_INTENT,
    DENY_INTENT,
    KB_ANSWER_ACTION,
    KB_ARTICLE_ENTITY,
    KB_FEEDBACK_INTENT,
    KB_HELPFUL_ENTITY,
    KB_LAST_SLOT,
    OUT_OF_SCOPE_ACTION,
    human_button,
    kb_article_payload,
    kb_feedback_payload,
)
from bot.kb.model import KbAnswer, KbHit
from bot.kb.service import excerpt, fitted
from bot.kb.topics import flow_buttons
from bot.action_server.services import Services

KB_ANSWER_ACTIONS = (KB_ANSWER_ACTION, OUT_OF_SCOPE_ACTION)
YES_VALUES = ("yes", "y", "true", "1", "helpful")
NO_VALUES = ("no", "n", "false", "0", "not_helpful")

T = TypeVar("T")


feedback_payload = kb_feedback_payload  # the Yes/No buttons
article_payload = kb_article_payload  # an alternative article's button


def answer_text(hit: KbHit) -> str:
    """The chat message for an article: title, matching passage, link."""
    heading = "" if hit.passage.heading == hit.title else f" — {hit.passage.heading}"
    return (
        f"Here's what I found in the knowledge base:\n\n**{hit.title}**{heading}\n\n"
        f"{excerpt(hit.passage.text)}\n\n[Read the full article]({hit.passage_url})"
    )


async def in_thread(func: Callable[..., T], *args: Any) -> T:
    """Run blocking work (search, database) off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(None, func, *args)


async def kb_answer(services: Services, tracker: Tracker, query: str) -> KbAnswer:
    """The knowledge base's answer to ``query``, fitted to the platform and application the
    conversation established (the ``os`` and ``app_name`` slots): the Mac user is not shown
    Windows steps (:func:`bot.kb.service.fitted`)."""
    answer = await in_thread(services.kb_service.answer, query)
    return fitted(answer, established(tracker))


async def show_answer(
    services: Services,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    answer: KbAnswer,
    shown: KbHit,
    alternatives: List[KbHit],
) -> List[Dict[Text, Any]]:
    """Send an article, its alternatives and the feedback question; record the answer.

    Returns:
        The events to return from the action (sets ``kb_last``).
    """
    slugs = [shown.slug] + [hit.slug for hit in alternatives]
    answer_id = await in_thread(
        services.kb_feedback.record_answer, tracker.sender_id, channel_of(tracker), answer, slugs
    )
    dispatcher.utter_message(
        text=answer_text(shown)
        + ("\n\nOther articles that might help:" if alternatives else ""),
        buttons=[{"title": hit.title, "payload": article_payload(hit.slug)} for hit in alternatives] or None,
    )
    dispatcher.utter_message(
        text="Did this answer your question?",
        buttons=[
            {"title": "Yes, that helped", "payload": feedback_payload(True)},
            {"title": "No", "payload": feedback_payload(False)},
        ],
    )
    last = {
        "answer_id": answer_id,
        "query": answer.query,
        "articles": slugs,
        "topics": flow_buttons(services.flows.get().flows, shown.tags),
    }
    return [SlotSet(KB_LAST_SLOT, last)]


async def answer_from_kb(
    services: Services,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    query: str,
) -> Optional[List[Dict[Text, Any]]]:
    """Answer ``query`` from the knowledge base if a good enough article exists.

    Returns:
        The events to return when an article was shown, or None when nothing reached the
        confidence threshold (nothing is sent then).
    """
    answer = await kb_answer(services, tracker, query)
    if not answer.found or answer.best is None:
        return None
    return await show_answer(services, dispatcher, tracker, answer, answer.best, list(answer.alternatives))


class ActionKbAnswer(FrontlineAction):
    """A free question ("how do I map a network drive?"): answer it from the knowledge base."""

    def name(self) -> Text:
        return "action_kb_answer"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        slug = latest_entities(tracker).get(KB_ARTICLE_ENTITY)
        if slug:
            return await self._show_article(dispatcher, tracker, slug)
        query = (tracker.latest_message or {}).get("text") or ""
        answer = await kb_answer(self.services, tracker, query)
        if answer.found and answer.best is not None:
            return await show_answer(
                self.services, dispatcher, tracker, answer, answer.best, list(answer.alternatives)
            )
        await in_thread(
            self.services.kb_feedback.record_answer, tracker.sender_id, channel_of(tracker), answer, []
        )
        dispatcher.utter_message(
            text=(
                "Sorry, I couldn't find an article that answers that. Could you describe the problem "
                "in a few more words (what you were doing, any error message)? Or I can get a person "
                "from the service desk to help."
            ),
            buttons=[human_button()],
        )
        return [SlotSet(KB_LAST_SLOT, None)]

    async def _show_article(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slug: str
    ) -> List[Dict[Text, Any]]:
        """The user picked an alternative: show that article for the original question."""
        last = tracker.get_slot(KB_LAST_SLOT) or {}
        query = str(last.get("query") or "")
        hit = await in_thread(self.services.kb_service.article, slug, query)
        if hit is None:
            dispatcher.utter_message(
                text="Sorry, that article isn't available any more. What would you like to know?",
                buttons=[human_button()],
            )
            return [SlotSet(KB_LAST_SLOT, None)]
        answer = KbAnswer(
            query=query or hit.title,
            found=True,
            confidence=hit.confidence,
            threshold=self.services.kb_service.min_confidence,
            best=hit,
        )
        return await show_answer(self.services, dispatcher, tracker, answer, hit, [])


class ActionKbFeedback(FrontlineAction):
    """Yes/No after a KB answer: record it; on "no" offer the matching flow and a human.

    Also handles "yes"/"no" outside any flow when no answer is pending (then it just asks what
    else it can help with, as before).
    """

    def name(self) -> Text:
        return "action_kb_feedback"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        value = str(latest_entities(tracker).get(KB_HELPFUL_ENTITY) or "").strip().lower()
        helpful: Optional[bool] = None
        if intent == KB_FEEDBACK_INTENT:
            helpful = True if value in YES_VALUES else False if value in NO_VALUES else None
        elif intent in (AFFIRM_INTENT, DENY_INTENT, "problem_solved", "not_fixed") and action_before_latest_message(tracker) in KB_ANSWER_ACTIONS:
            helpful = intent in (AFFIRM_INTENT, "problem_solved")
        last = tracker.get_slot(KB_LAST_SLOT)
        if helpful is None or not isinstance(last, dict) or not last.get("answer_id"):
            dispatcher.utter_message(response="utter_anything_else")
            return []
        await in_thread(self.services.kb_feedback.record_feedback, int(last["answer_id"]), helpful)
        if helpful:
            dispatcher.utter_message(text="Great, glad that helped! Is there anything else I can help with?")
            return [SlotSet(KB_LAST_SLOT, None)]
        topics = list(last.get("topics") or [])
        if topics:
            text = (
                "Sorry that didn't solve it. I can walk you through troubleshooting step by step, "
                "or get a person from the service desk to help."
            )
        else:
            text = (
                "Sorry that didn't solve it. You can ask me again in other words, or I can get a "
                "person from the service desk to help."
            )
        dispatcher.utter_message(text=text, buttons=topics + [human_button()])
        return [SlotSet(KB_LAST_SLOT, None)]


def _answer_pending(tracker: Tracker) -> bool:
    """True when the bot's last action before this message showed a KB answer."""
    return action_before_latest_message(tracker) in KB_ANSWER_ACTIONS
