"""action_kb_answer / action_kb_feedback with stub services: what is said, shown and recorded."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.kb import ActionKbAnswer, ActionKbFeedback, article_payload, feedback_payload
from bot.kb.model import KbAnswer, KbHit, Passage


def hit(slug: str, tags: tuple = ()) -> KbHit:
    return KbHit(
        slug=slug, title=f"Title of {slug}", url=f"https://kb/{slug}", tags=tags, products=(),
        source_path=f"kb/{slug}.md", passage=Passage("Windows", "windows", "Open File Explorer.", 10),
        score=0.1, confidence=0.9,
    )


class Feedback:
    def __init__(self) -> None:
        self.answers: List[tuple] = []
        self.verdicts: List[tuple] = []

    def record_answer(self, conversation_id: str, channel: str, answer: KbAnswer, articles: Optional[list] = None) -> int:
        self.answers.append((conversation_id, channel, answer.query, list(articles or []), answer.found))
        return len(self.answers)

    def record_feedback(self, answer_id: int, helpful: bool) -> bool:
        self.verdicts.append((answer_id, helpful))
        return True


class Kb:
    def __init__(self, answer: KbAnswer) -> None:
        self._answer = answer
        self.min_confidence = 0.5

    def answer(self, query: str) -> KbAnswer:
        return self._answer

    def article(self, slug: str, query: str = "") -> Optional[KbHit]:
        return hit(slug)


def services(answer: KbAnswer) -> Any:
    flow = SimpleNamespace(description="Shared drives and access", triggers=[SimpleNamespace(intent="access_request", entities={})])
    return SimpleNamespace(
        kb_service=Kb(answer),
        kb_feedback=Feedback(),
        flows=SimpleNamespace(get=lambda: SimpleNamespace(flows={"access_request": flow})),
        settings=SimpleNamespace(support_contact="the desk"),
    )


def tracker(text: str, intent: str, entities: Optional[list] = None, slots: Optional[Dict[str, Any]] = None, events: Optional[list] = None) -> Tracker:
    message = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or []}
    return Tracker("alice", slots or {}, message, events or [], False, None, {}, "action_listen")


def run(action: Any, trk: Tracker) -> tuple:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, trk, {}))
    return dispatcher.messages, events


def test_answer_shows_article_alternatives_and_feedback_buttons_and_records_it() -> None:
    best, alt = hit("map-network-drive", tags=("access_request", "shared-drive")), hit("request-shared-drive-access")
    answer = KbAnswer("how do I map a drive", True, 0.9, 0.5, best, (alt,), (best, alt))
    svc = services(answer)

    messages, events = run(ActionKbAnswer(svc), tracker("how do I map a drive", "kb_question"))

    assert "**Title of map-network-drive** — Windows" in messages[0]["text"]
    assert "[Read the full article](https://kb/map-network-drive#windows)" in messages[0]["text"]
    assert messages[0]["buttons"] == [{"title": "Title of request-shared-drive-access", "payload": article_payload("request-shared-drive-access")}]
    assert messages[1]["text"] == "Did this answer your question?"
    assert [b["payload"] for b in messages[1]["buttons"]] == [feedback_payload(True), feedback_payload(False)]
    assert svc.kb_feedback.answers == [("alice", "unknown", "how do I map a drive", ["map-network-drive", "request-shared-drive-access"], True)]
    kb_last = events[0]["value"]
    assert kb_last["answer_id"] == 1 and kb_last["query"] == "how do I map a drive"
    assert kb_last["topics"] == [{"title": "Troubleshoot step by step: Shared drives and access", "payload": "/access_request"}]


def test_no_good_answer_says_so_offers_a_human_and_records_it() -> None:
    svc = services(KbAnswer("cafeteria menu", False, 0.2, 0.5))

    messages, events = run(ActionKbAnswer(svc), tracker("cafeteria menu", "kb_question"))

    assert "couldn't find an article" in messages[0]["text"]
    assert messages[0]["buttons"] == [{"title": "Talk to a human", "payload": "/request_human"}]
    assert svc.kb_feedback.answers == [("alice", "unknown", "cafeteria menu", [], False)]
    assert events == [{"event": "slot", "timestamp": None, "name": "kb_last", "value": None}]


def test_no_button_records_not_helpful_and_offers_the_flow_and_a_human() -> None:
    svc = services(KbAnswer("q", False, 0.0, 0.5))
    last = {"answer_id": 7, "query": "q", "articles": ["a"], "topics": [{"title": "Troubleshoot", "payload": "/access_request"}]}
    trk = tracker('/kb_feedback{"kb_helpful":"no"}', "kb_feedback", [{"entity": "kb_helpful", "value": "no"}], {"kb_last": last})

    messages, events = run(ActionKbFeedback(svc), trk)

    assert svc.kb_feedback.verdicts == [(7, False)]
    assert "didn't solve it" in messages[0]["text"]
    assert [b["title"] for b in messages[0]["buttons"]] == ["Troubleshoot", "Talk to a human"]
    assert events[0]["name"] == "kb_last" and events[0]["value"] is None


def test_typed_yes_right_after_an_answer_counts_as_helpful() -> None:
    svc = services(KbAnswer("q", False, 0.0, 0.5))
    history = [
        {"event": "user", "text": "how do I map a drive"},
        {"event": "action", "name": "action_kb_answer"},
        {"event": "bot", "text": "Did this answer your question?"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "yes"},
    ]
    trk = tracker("yes", "affirm", slots={"kb_last": {"answer_id": 3}}, events=history)

    messages, _ = run(ActionKbFeedback(svc), trk)

    assert svc.kb_feedback.verdicts == [(3, True)]
    assert "glad that helped" in messages[0]["text"]


def test_yes_long_after_an_answer_is_not_feedback() -> None:
    svc = services(KbAnswer("q", False, 0.0, 0.5))
    history = [
        {"event": "action", "name": "action_kb_answer"},
        {"event": "user", "text": "thanks"},
        {"event": "action", "name": "utter_thanks"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "yes"},
    ]
    trk = tracker("yes", "affirm", slots={"kb_last": {"answer_id": 3}}, events=history)

    messages, events = run(ActionKbFeedback(svc), trk)

    assert svc.kb_feedback.verdicts == []
    assert messages[0]["response"] == "utter_anything_else" and events == []
