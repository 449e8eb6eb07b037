"""request_human escalates now, cancel abandons, restart starts the flow over."""

from __future__ import annotations

FLOW = """
flows:
  email_sync:
    description: Email isn't syncing
    triggers: [{intent: email_sync}]
    steps:
      - id: ask_client
        ask: Which mail app?
        answer:
          type: choice
          options:
            - {label: Outlook, value: outlook}
            - {label: Phone mail, value: phone}
      - id: ask_details
        ask: Describe what happens.
        answer: {type: text}
      - id: escalate
        escalate: {team: messaging, priority: high, summary: "Mail {ask_client}"}
"""


def start(write_flow, make_chat):
    write_flow("email_sync.yml", FLOW)
    chat = make_chat()
    chat.send("mail not syncing", intent="email_sync")
    return chat


def test_request_human_escalates_with_the_flows_team(write_flow, make_chat) -> None:
    chat = start(write_flow, make_chat)
    result = chat.send("let me talk to a person", intent="request_human")
    assert result.escalation is not None
    assert (result.escalation.reason, result.escalation.team, result.escalation.priority) == ("user_request", "messaging", "high")
    assert "Email isn't syncing" in result.escalation.summary
    assert result.state is None
    assert [(o.flow, o.outcome) for o in result.ended] == [("email_sync", "escalated")]
    assert result.escalation.trail[-1]["kind"] == "request_human"


def test_request_human_defaults_to_service_desk(write_flow, make_chat) -> None:
    write_flow("email_sync.yml", FLOW.replace(
        '      - id: escalate\n        escalate: {team: messaging, priority: high, summary: "Mail {ask_client}"}\n', ""
    ))
    chat = make_chat()
    chat.send("mail", intent="email_sync")
    result = chat.send("human please", intent="request_human")
    assert (result.escalation.team, result.escalation.priority) == ("service-desk", "normal")


def test_cancel_abandons_with_a_short_message(write_flow, make_chat) -> None:
    chat = start(write_flow, make_chat)
    result = chat.send("stop", intent="cancel")
    assert result.state is None and result.escalation is None
    assert [(o.flow, o.outcome) for o in result.ended] == [("email_sync", "abandoned")]
    assert "stopped troubleshooting email isn't syncing" in result.messages[0].text.lower()


def test_restart_goes_back_to_the_first_step(write_flow, make_chat) -> None:
    chat = start(write_flow, make_chat)
    chat.click("outlook")
    assert chat.step == "ask_details"
    result = chat.send("start over", intent="start_over")
    assert chat.step == "ask_client"
    assert chat.state["answers"] == {}
    assert [m.text for m in result.messages] == ["OK, let's start again from the beginning.", "Which mail app?"]
    assert [e["kind"] for e in chat.state["trail"]] == ["ask", "ask", "restart", "ask"]


def test_low_confidence_cancel_is_a_free_text_answer(write_flow, make_chat) -> None:
    chat = start(write_flow, make_chat)
    chat.click("outlook")
    result = chat.send("it stops syncing after I cancel a meeting", intent="cancel", confidence=0.4)
    assert result.escalation is not None and result.escalation.reason == "flow"
    assert result.ended[0].answers["ask_details"] == "it stops syncing after I cancel a meeting"
