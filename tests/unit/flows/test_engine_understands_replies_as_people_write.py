"""The flow engine with bot.flows.understanding: interruptions first, hedges, fill_from, reopening."""

from __future__ import annotations

FLOW = """\
flows:
  wifi_connectivity:
    description: Wi-Fi problems
    triggers:
      - intent: wifi_connectivity
    steps:
      - id: ask_location
        ask: Where are you?
        fill_from: [messages]
        confirm: "You said {answer}, so I'll skip that question."
        save_as: wifi_location
        answer:
          type: choice
          options:
            - {label: "In the office", value: office, synonyms: [at work]}
            - {label: "At home", value: home, synonyms: [home wifi, wfh]}
      - id: ask_path
        ask: Which folder were you opening?
        save_as: path
      - id: tips
        say: Restart the router.
      - id: fixed
        resolve: Is it working again?
      - id: escalate
        escalate: {team: network, priority: normal, summary: "Wi-Fi at {wifi_location}, fixed: {fixed}"}
"""


def start(write_flow, make_chat, first: str = "my wifi keeps dropping"):
    write_flow("wifi_connectivity.yml", FLOW)
    chat = make_chat()
    chat.send(first, intent="wifi_connectivity")
    return chat


def test_answer_already_given_skips_the_question_with_a_confirmation(write_flow, make_chat) -> None:
    chat = start(write_flow, make_chat, "wifi keeps cutting out every 20 minutes on my home wifi")
    first = chat.results[-1]
    assert [m.text for m in first.messages] == ["You said At home, so I'll skip that question.", "Which folder were you opening?"]
    entry = next(e for e in chat.state["trail"] if e["step"] == "ask_location")
    assert entry["answer"] == "home" and entry["source"] == "earlier" and entry["matched"] == "home wifi"


def test_open_question_does_not_swallow_a_request_for_a_person(write_flow, make_chat) -> None:
    chat = start(write_flow, make_chat)
    chat.send("at home")
    result = chat.send("I don't know the path. this is useless, get me a human", intent="request_human", confidence=0.5)
    assert result.escalation is not None and result.escalation.reason == "user_request"
    assert "path" not in result.escalation.answers


def test_ticket_question_mid_flow_is_answered_aside_and_the_question_asked_again(write_flow, make_chat) -> None:
    chat = start(write_flow, make_chat)
    chat.send("at home")
    result = chat.send("I already opened a ticket for this?? SUP-1004")
    assert result.aside == {"kind": "ticket_status", "reference": "SUP-1004", "flow": "wifi_connectivity", "team": "network", "priority": "normal"}
    assert result.messages[0].text == "Back to where we were: Which folder were you opening?"
    assert chat.step == "ask_path" and "path" not in chat.state["answers"]


def test_partly_is_not_fixed_and_goes_on_to_the_escalation(write_flow, make_chat) -> None:
    chat = start(write_flow, make_chat)
    chat.send("office")
    chat.send("S:/reports")
    result = chat.send("sort of? one screen came back but the other is still black", intent="affirm", confidence=0.8)
    texts = [m.text for m in result.messages]
    assert not any("glad" in t for t in texts)
    assert result.escalation is not None and result.escalation.summary == "Wi-Fi at office, fixed: partly"


def test_give_me_a_sec_waits_and_a_later_yes_resolves(write_flow, make_chat) -> None:
    chat = start(write_flow, make_chat)
    chat.send("office")
    chat.send("S:/reports")
    wait = chat.send("ok give me a sec", intent="affirm", confidence=0.9)
    assert chat.step == "fixed" and not wait.ended
    assert [b["title"] for b in wait.messages[0].buttons] == ["Yes", "No", "Partly", "Not yet"]
    done = chat.send("yes that worked")
    assert [(o.flow, o.outcome) for o in done.ended] == [("wifi_connectivity", "resolved")]


def test_not_fixed_after_resolved_reopens_with_the_whole_trail(write_flow, make_chat) -> None:
    chat = start(write_flow, make_chat)
    chat.send("office")
    chat.send("S:/reports")
    chat.click("yes")
    assert chat.state is None
    reopened = chat.send("it's NOT sorted actually", intent="deny", confidence=0.6)
    assert reopened.escalation is not None
    steps = [e.get("step") for e in reopened.escalation.trail]
    assert "ask_location" in steps and "fixed" in steps
    assert any(e["kind"] == "reopened" for e in reopened.escalation.trail)
    assert reopened.messages[0].text.startswith("Sorry it's not fixed after all")


def test_urgent_mid_flow_makes_the_escalation_urgent(write_flow, make_chat) -> None:
    chat = start(write_flow, make_chat)
    noted = chat.send("can you mark it urgent please", intent="mark_urgent", confidence=0.9)
    assert noted.messages[0].text.startswith("Noted — this is urgent.") and chat.step == "ask_location"
    chat.send("office")
    chat.send("S:/reports")
    assert chat.send("no").escalation.priority == "urgent"


def test_reask_names_what_was_not_understood(write_flow, make_chat) -> None:
    chat = start(write_flow, make_chat)
    again = chat.send("on the moon")
    assert again.messages[0].text.startswith("Sorry — I couldn't match “on the moon” to one of the options.")
