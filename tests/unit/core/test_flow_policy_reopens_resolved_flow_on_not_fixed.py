"""FlowPolicy sends "it's not fixed" shortly after a resolved flow back to the flow engine."""

from typing import Any, List

import pytest
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext.flow_policy import FlowPolicy

CORE = ["greet", "thanks", "deny", "affirm", "nlu_fallback"]


def policy() -> FlowPolicy:
    p = FlowPolicy.__new__(FlowPolicy)
    p.config = {"core_intents": CORE}
    return p


def tracker(text: str, intent: str, outcome: str = "resolved", chatter: int = 0) -> DialogueStateTracker:
    events: List[Any] = [ActionExecuted("action_listen"), SlotSet("flow_last", {"flow": "wifi_connectivity", "outcome": outcome})]
    for _ in range(chatter):
        events += [UserUttered("ok", {"name": "affirm", "confidence": 0.9}), ActionExecuted("utter_ok"), ActionExecuted("action_listen")]
    events.append(UserUttered(text, {"name": intent, "confidence": 0.7}))
    return DialogueStateTracker.from_events("u1", events, slots=[AnySlot("flow_last", []), AnySlot("flow_state", [])])


@pytest.mark.parametrize("text, intent", [
    ("it's not fixed", "deny"),
    ("it's NOT sorted", "thanks"),
    ("still broken", "nlu_fallback"),
    ("actually it only partly works", "affirm"),
    ("whatever it says", "not_fixed"),
])
def test_not_fixed_after_a_resolved_flow_goes_to_the_flow(text: str, intent: str) -> None:
    assert policy()._next_action(tracker(text, intent)) == "action_flow"


@pytest.mark.parametrize("text, intent, outcome, chatter", [
    ("thanks!", "thanks", "resolved", 0),
    ("no", "deny", "resolved", 0),
    ("nope", "deny", "resolved", 0),
    ("it's not fixed", "deny", "escalated", 0),
    ("it's not fixed", "deny", "resolved", 5),
])
def test_other_replies_are_left_to_the_rules(text: str, intent: str, outcome: str, chatter: int) -> None:
    assert policy()._next_action(tracker(text, intent, outcome, chatter)) is None
