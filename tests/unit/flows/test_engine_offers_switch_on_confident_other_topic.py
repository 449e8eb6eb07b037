"""A confident other-topic intent that isn't a valid answer prompts "switch?"; yes switches, no re-asks."""

from __future__ import annotations

VPN = """
flows:
  vpn_connection:
    description: VPN problems
    triggers: [{intent: vpn_connection}]
    steps:
      - id: ask_client
        ask: Which VPN client?
        answer:
          type: choice
          options:
            - {label: GlobalProtect, value: globalprotect}
            - {label: Cisco AnyConnect, value: anyconnect}
      - id: ask_notes
        ask: Anything else?
        answer: {type: text}
"""

PRINTER = """
flows:
  printer_problem:
    description: Printer problems
    triggers: [{intent: printer_problem}]
    steps:
      - id: printer_intro
        say: Let's fix the printer.
"""


def start(write_flow, make_chat):
    write_flow("vpn_connection.yml", VPN)
    write_flow("printer_problem.yml", PRINTER)
    chat = make_chat()
    chat.send("vpn broken", intent="vpn_connection")
    return chat


def test_yes_switches_to_the_new_flow(write_flow, make_chat) -> None:
    chat = start(write_flow, make_chat)
    offer = chat.send("actually my printer is jammed", intent="printer_problem", confidence=0.93)
    assert offer.messages[0].text == "Do you want to stop VPN problems and look at printer problems instead?"
    assert [b["title"] for b in offer.messages[0].buttons] == ["Yes", "No"]
    assert chat.state["pending_switch"] == {"flow": "printer_problem"}
    assert chat.step == "ask_client"

    switched = chat.click("yes")
    assert [(o.flow, o.outcome) for o in switched.ended] == [("vpn_connection", "abandoned"), ("printer_problem", "resolved")]
    assert [m.text for m in switched.messages] == ["Let's fix the printer."]


def test_no_reasks_the_current_question(write_flow, make_chat) -> None:
    chat = start(write_flow, make_chat)
    chat.send("printer jammed", intent="printer_problem", confidence=0.93)
    stay = chat.send("no", intent="deny")
    assert [m.text for m in stay.messages] == ["Which VPN client?"]
    assert [b["title"] for b in stay.messages[0].buttons] == ["GlobalProtect", "Cisco AnyConnect"]
    assert chat.state["pending_switch"] is None and chat.flow == "vpn_connection"
    assert chat.click("anyconnect").state["answers"] == {"ask_client": "anyconnect"}


def test_no_switch_below_threshold_or_for_valid_answers_or_text_asks(write_flow, make_chat) -> None:
    chat = start(write_flow, make_chat)
    unsure = chat.send("printer?", intent="printer_problem", confidence=0.5)
    assert chat.state["pending_switch"] is None
    assert unsure.messages[0].text.startswith("Sorry — I couldn't match “printer?” to one of the options. Sorry, I didn't catch that")

    answered = chat.send("anyconnect, printer not involved", intent="printer_problem", confidence=0.95)
    assert answered.state["answers"]["ask_client"] == "anyconnect"
    assert chat.step == "ask_notes"

    # issue #15: an open question no longer swallows a different problem said outright ...
    other = chat.send("my printer also jams", intent="printer_problem", confidence=0.95)
    assert other.state["pending_switch"] == {"flow": "printer_problem"}
    assert chat.click("no").messages[0].text == "Anything else?"
    # ... while any other text, even with a shaky topic guess, is the answer.
    free = chat.send("the printer was fine yesterday", intent="printer_problem", confidence=0.7)
    assert free.state is None
    assert free.ended[0].answers["ask_notes"] == "the printer was fine yesterday"
