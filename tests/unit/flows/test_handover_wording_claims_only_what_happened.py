"""The handover line says what the ticket really carries: what was tried when the flow showed
advice, the answers when only questions were answered, and otherwise just what the person said."""

from __future__ import annotations

import pytest

FLOW = """
flows:
  printer_problem:
    description: Printer trouble
    triggers: [{intent: printer_problem}]
    steps:
      - id: ask_printer
        ask: Which printer?
        answer: {type: text}
      - id: ask_symptom
        ask: What happens?
        answer:
          type: choice
          options:
            - {label: Nothing prints, value: nothing}
            - {label: Paper jam, value: jam}
      - id: tips
        say: Turn it off and on again.
      - id: check_fixed
        resolve: Is it printing now?
"""


@pytest.mark.parametrize("answers, expected", [
    ([], "opening a ticket with what you've told me"),
    (["LON-3F-COLOUR"], "opening a ticket with your answers so far"),
    (["LON-3F-COLOUR", "Paper jam"], "opening a ticket with everything we've tried so far"),
])
def test_asking_for_a_person_says_what_the_ticket_carries(write_flow, make_chat, answers, expected) -> None:
    write_flow("printer_problem.yml", FLOW)
    chat = make_chat()
    chat.send("the printer is broken", intent="printer_problem")
    for answer in answers:
        chat.send(answer)
    result = chat.send("get me a human", intent="request_human")
    text = "\n".join(m.text for m in result.messages)
    assert result.escalation is not None
    assert expected in text
    assert "covered so far" not in text
