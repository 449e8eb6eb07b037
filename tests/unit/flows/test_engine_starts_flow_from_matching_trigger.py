"""A flow starts when a trigger matches; entity-guarded triggers win; no match → not handled."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

FLOW = """
flows:
  {id}:
    description: {id} help
    triggers:
{triggers}
    steps:
      - id: hello
        say: "This is {id}."
      - id: question
        ask: Anything else?
        answer: {{type: text}}
"""


def write_two(write_flow: Callable[[str, str], Path]) -> None:
    write_flow("app_error.yml", FLOW.format(id="app_error", triggers="      - intent: app_error"))
    write_flow(
        "vpn_connection.yml",
        FLOW.format(
            id="vpn_connection",
            triggers="      - intent: vpn_connection\n      - intent: app_error\n        entities: {app_name: [globalprotect, anyconnect]}",
        ),
    )


def test_plain_trigger_starts_its_flow(write_flow, make_chat) -> None:
    write_two(write_flow)
    chat = make_chat()
    result = chat.send("outlook keeps crashing", intent="app_error", entities={"app_name": "outlook"})
    assert [m.text for m in result.messages] == ["This is app_error.", "Anything else?"]
    assert chat.flow == "app_error" and chat.step == "question"
    assert result.state["trail"][0]["step"] == "hello"


def test_entity_guarded_trigger_wins(write_flow, make_chat) -> None:
    write_two(write_flow)
    chat = make_chat()
    chat.send("GlobalProtect shows an error", intent="app_error", entities={"app_name": "GlobalProtect"})
    assert chat.flow == "vpn_connection"


def test_no_matching_trigger_is_not_handled(write_flow, make_chat) -> None:
    write_two(write_flow)
    chat = make_chat()
    result = chat.send("hello", intent="greet")
    assert not result.handled
    assert result.messages == [] and result.state is None and result.ended == [] and result.escalation is None
