"""The Rasa adapter hands the flow engine the person's earlier messages and the last flow."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker

from bot.adapters.rasa_sdk import earlier_messages, user_turn


def _tracker(events: List[Dict[str, Any]], slots: Dict[str, Any] | None = None) -> Tracker:
    latest = next(e for e in reversed(events) if e["event"] == "user")
    return Tracker("u1", slots or {}, {"text": latest["text"], "intent": {"name": "vpn_connection", "confidence": 0.9}, "entities": []},
                   events, False, None, {}, "action_listen")


def user(text: str) -> Dict[str, Any]:
    return {"event": "user", "text": text}


def test_messages_since_the_last_flow_ended_without_the_current_one_or_clicks() -> None:
    events = [
        user("my printer is broken"),
        {"event": "slot", "name": "flow_last", "value": {"flow": "printer_problem", "outcome": "resolved"}},
        user("hi again"),
        user('/flow_answer{"flow_answer":"x"}'),
        user("I'm on my home wifi"),
        user("my vpn keeps cutting out"),
    ]
    assert earlier_messages(_tracker(events)) == ["hi again", "I'm on my home wifi"]


def test_user_turn_carries_history_and_last_flow() -> None:
    last = {"flow": "wifi_connectivity", "outcome": "resolved", "answers": {}, "trail": []}
    turn = user_turn(_tracker([user("at home"), user("vpn drops")], {"flow_last": last}))
    assert turn.history == ["at home"] and turn.last_flow == last
