"""A flow that loops without asking anything is stopped after 50 steps and escalated honestly."""

from __future__ import annotations

from bot.flows.runtime.runner import MAX_STEPS_PER_TURN

FLOW = """
flows:
  loop:
    description: Looping flow
    triggers: [{intent: loop}]
    steps:
      - id: a
        say: ping
      - id: b
        say: pong
        next: a
      - id: escalate
        escalate: {team: desk, summary: never}
"""


def test_loop_is_escalated(write_flow, make_chat) -> None:
    write_flow("loop.yml", FLOW)
    chat = make_chat()
    result = chat.send("go", intent="loop")
    assert MAX_STEPS_PER_TURN == 50
    assert [m.text for m in result.messages[:-1]] == ["ping", "pong"] * 25
    assert result.escalation is not None and result.escalation.reason == "loop"
    assert result.escalation.team == "desk"
    assert "went round in circles" in result.messages[-1].text
    assert result.state is None and result.ended[0].outcome == "escalated"
