"""FlowPolicy sends turns that belong to a ticket to the ticket's actions: the relay while an
engineer has the conversation, the note after "what would you like to add?", the rating."""

from typing import Any, Dict, List, Optional

import pytest
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.slots import AnySlot, BooleanSlot, TextSlot

from bot.rasa_ext.flow_policy import FlowPolicy

CORE = ["greet", "request_human", "ticket_status", "ticket_add_info", "handoff_rating", "nlu_fallback"]


def policy() -> FlowPolicy:
    p = FlowPolicy.__new__(FlowPolicy)  # _next_action only needs the configuration
    p.config = {"core_intents": CORE}
    return p


def tracker(intent: str, text: str = "hello", after: Optional[str] = None, **slots: Any) -> DialogueStateTracker:
    slot_defs = [BooleanSlot("handoff_active", []), TextSlot("ticket_note_for", []),
                 TextSlot("rating_for", []), AnySlot("flow_state", [])]
    events: List[Any] = [ActionExecuted("action_listen")]
    events += [SlotSet(name, value) for name, value in slots.items()]
    events.append(UserUttered(text, {"name": intent, "confidence": 0.9}))
    if after:
        events.append(ActionExecuted(after))
    return DialogueStateTracker.from_events("u1", events, slots=slot_defs)


@pytest.mark.parametrize("intent, text, slots, expected", [
    ("greet", "hi", {"handoff_active": True}, "action_handoff_relay"),
    ("vpn_connection", "still no vpn", {"handoff_active": True, "flow_state": {"flow": "x"}}, "action_handoff_relay"),
    ("request_human", "talk to a human", {"handoff_active": True}, "action_handoff_relay"),
    ("nlu_fallback", "it's on floor 3", {"ticket_note_for": "SUP-1001"}, "action_ticket_note"),
    ("handoff_rating", '/handoff_rating{"rating":"4"}', {}, "action_handoff_rating"),
    ("nlu_fallback", "4", {"rating_for": "SUP-1001"}, "action_handoff_rating"),
    ("nlu_fallback", "5 stars", {"rating_for": "SUP-1001"}, "action_handoff_rating"),
    ("nlu_fallback", "4", {"rating_for": "SUP-1001", "flow_state": {"flow": "x"}}, "action_flow"),
    ("vpn_connection", "my vpn is down", {"rating_for": "SUP-1001"}, "action_flow"),
    ("greet", "hi", {"handoff_active": False}, None),
    ("ticket_add_info", "add to my ticket", {}, None),
])
def test_user_turns_go_to_the_right_action(intent: str, text: str, slots: Dict[str, Any], expected: Optional[str]) -> None:
    assert policy()._next_action(tracker(intent, text, **slots)) == expected


@pytest.mark.parametrize("action", ["action_handoff_relay", "action_ticket_note", "action_handoff_rating", "action_flow"])
def test_the_bot_listens_after_its_own_actions(action: str) -> None:
    assert policy()._next_action(tracker("greet", after=action, handoff_active=True)) == "action_listen"
