"""Unusable answers are re-asked with the hint and buttons; after max_attempts a human takes over."""

from __future__ import annotations

FLOW = """
flows:
  printer_problem:
    description: Printer problems
    triggers: [{intent: printer_problem}]
    steps:
      - id: ask_kind
        ask: What kind of printer problem?
        answer:
          type: choice
          options:
            - {label: Paper jam, value: jam}
            - {label: Won't print, value: no_print}
        hint: Please pick one of the buttons.
        max_attempts: 2
        next: done
      - id: done
        say: "OK: {ask_kind}"
        next: END
      - id: escalate
        escalate: {team: printing, priority: high, summary: "Printer: {ask_kind}"}
"""


def test_reask_with_hint_then_escalate_gave_up(write_flow, make_chat) -> None:
    write_flow("printer_problem.yml", FLOW)
    chat = make_chat()
    chat.send("printer broken", intent="printer_problem")

    first = chat.send("banana")
    # issue #15: the re-ask says what was not understood, then the designer's hint
    assert [m.text for m in first.messages] == ["Sorry — I couldn't match “banana” to one of the options. Please pick one of the buttons."]
    assert [b["title"] for b in first.messages[0].buttons] == ["Paper jam", "Won't print"]
    assert first.messages[0].buttons[0]["payload"] == '/flow_answer{"flow_answer":"jam"}'
    assert chat.state["attempts"] == {"ask_kind": 1}

    second = chat.send("still banana")
    assert second.state is None
    escalation = second.escalation
    assert escalation is not None
    assert (escalation.flow, escalation.team, escalation.priority, escalation.reason) == (
        "printer_problem", "printing", "high", "gave_up"
    )
    assert "What kind of printer problem?" in escalation.summary
    assert [(o.flow, o.outcome) for o in second.ended] == [("printer_problem", "escalated")]
    assert "person" in second.messages[-1].text and "ticket" in second.messages[-1].text
    asked = [e for e in escalation.trail if e["step"] == "ask_kind" and e["kind"] == "ask"][0]
    assert asked["unusable"] == ["banana", "still banana"]


def test_valid_answer_after_a_miss_resets_attempts(write_flow, make_chat) -> None:
    write_flow("printer_problem.yml", FLOW)
    chat = make_chat()
    chat.send("printer broken", intent="printer_problem")
    chat.send("banana")
    result = chat.send("a paper jam I think")
    assert [m.text for m in result.messages] == ["OK: jam"]
    assert result.ended[0].outcome == "resolved"
    assert result.ended[0].answers == {"ask_kind": "jam"}


def test_on_give_up_step_is_followed(write_flow, make_chat) -> None:
    write_flow("printer_problem.yml", FLOW.replace("max_attempts: 2", "max_attempts: 1\n        on_give_up: done"))
    chat = make_chat()
    chat.send("printer broken", intent="printer_problem")
    result = chat.send("banana")
    assert result.escalation is None
    assert [m.text for m in result.messages] == ["OK: "]
    assert [e["kind"] for e in result.ended[0].trail] == ["ask", "give_up", "say"]
