"""The flow_state round-trips through JSON and the trail records questions, answers and times."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

FLOW = """
flows:
  slow_computer:
    description: Slow computer
    triggers: [{intent: slow_computer}]
    steps:
      - id: intro
        say: Let's speed it up.
      - id: minutes
        ask: How many minutes does it take to start?
        answer: {type: number, min: 0, max: 120}
      - id: tip
        say: "Startup takes {minutes} minutes."
      - id: fixed
        resolve: Better?
"""


def test_state_survives_json_and_trail_is_complete(write_flow, make_chat) -> None:
    times = iter(datetime(2024, 5, 6, 9, 0) + timedelta(seconds=i) for i in range(100))
    write_flow("slow_computer.yml", FLOW)
    chat = make_chat(clock=lambda: next(times))
    chat.send("slow", intent="slow_computer")
    chat.state = json.loads(json.dumps(chat.state))  # what the slot store does
    assert set(chat.state) >= {"flow", "step", "answers", "attempts", "trail", "stack", "pending_switch", "started_at"}
    assert chat.state["started_at"] == "2024-05-06T09:00:00"

    chat.send("about 12")
    chat.state = json.loads(json.dumps(chat.state))
    done = chat.send("yes")
    trail = done.ended[0].trail
    assert [(e["step"], e["kind"]) for e in trail] == [("intro", "say"), ("minutes", "ask"), ("tip", "say"), ("fixed", "resolve")]
    assert trail[1]["text"] == "How many minutes does it take to start?" and trail[1]["answer"] == 12
    assert trail[2]["text"] == "Startup takes 12 minutes."
    assert trail[3]["answer"] is True
    assert all(e["flow"] == "slow_computer" for e in trail)
    assert [e["at"] for e in trail] == sorted(e["at"] for e in trail)
    json.dumps(done.ended[0].to_dict())


def test_malformed_state_is_treated_as_no_flow(write_flow, make_chat) -> None:
    write_flow("slow_computer.yml", FLOW)
    chat = make_chat()
    result = chat.engine.handle({"garbage": True}, chat_turn("hello"))
    assert not result.handled


def chat_turn(text):
    from bot.flows.model.turns import UserTurn

    return UserTurn(text=text, intent="greet", confidence=0.9)
