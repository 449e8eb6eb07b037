"""One turn of a flow that says something, lists an article and escalates: the flow's messages
and the ticket's handoff message reach the person as at most two messages (plain text merged
into what follows, buttons kept where they were), and a link already shown is not shown again.
The whole turn is shaped once, in ``FrontlineAction.run`` (``bot.adapters.rasa_sdk.compose_turn``)."""

from __future__ import annotations

from pathlib import Path

from actions.flow import ActionFlow
from bot.adapters.rasa_sdk import compose_turn
from bot.flows.runtime.ports import Article
from rasa_sdk.executor import CollectingDispatcher
from tests.unit.actions.harness import MemoryKb, build_services, run, slots_set, tracker

RESET = "https://kb.example.com/printer-reset"
TOY_FLOW = f"""\
flows:
  printer_problem:
    description: "Printer trouble"
    triggers:
      - intent: printer_problem
    steps:
      - id: ask_printer
        ask: "Which printer is it?"
        save_as: printer
        answer:
          type: choice
          options:
            - {{label: "Floor 3 printer", value: floor3}}
            - {{label: "Another printer", value: other}}
      - id: tried
        say: "You already tried the [printer reset]({RESET}), so I won't ask you to do that again."
      - id: articles
        kb: "printer {{printer}}"
        top: 1
      - id: escalate
        escalate:
          team: endpoint
          priority: normal
          summary: "Printer {{printer}} is broken."
"""


def test_say_kb_and_the_ticket_message_arrive_as_at_most_two_messages_with_the_link_once(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "printer.yml").write_text(TOY_FLOW)
    kb = MemoryKb(articles={"printer floor3": [Article("Reset the printer", RESET, "Hold the power button.")]})
    world = build_services(tmp_path, flows_dir=flows, kb=kb)
    action = ActionFlow(world.services)
    _, events = run(action, tracker("my printer is broken", "printer_problem"))

    messages, _ = run(action, tracker('/flow_answer{"flow_answer":"floor3"}', "flow_answer",
                                      entities=[{"entity": "flow_answer", "value": "floor3"}],
                                      slots={"flow_state": slots_set(events)["flow_state"]}))

    (ticket,) = world.ticketing.tickets.list_for_requester("conv-alice")
    texts = [m["text"] for m in messages if m.get("text")]
    assert len(texts) <= 2, texts
    joined = "\n".join(texts)
    assert "printer reset" in joined and "Reset the printer" in joined and ticket.reference in texts[-1]
    assert joined.count(RESET) == 1


def test_buttons_stay_on_their_message_and_a_custom_payload_is_never_merged() -> None:
    dispatcher = CollectingDispatcher()
    dispatcher.utter_message(text="Thanks — noted.")
    dispatcher.utter_message(text="Here's an article.", buttons=[{"title": "Other article", "payload": "/kb"}])
    dispatcher.utter_message(text="Which printer is it?", buttons=[{"title": "Floor 3", "payload": "/a"}])
    dispatcher.utter_message(json_message={"handoff": {"state": "requested"}})
    dispatcher.utter_message(image="https://kb.example.com/diagram.png")

    out = compose_turn(dispatcher.messages)

    assert [m["text"] for m in out[:2]] == ["Thanks — noted.\n\nHere's an article.", "Which printer is it?"]
    assert [b["title"] for b in out[0]["buttons"]] == ["Other article"]
    assert [b["title"] for b in out[1]["buttons"]] == ["Floor 3"]
    assert out[2]["custom"] == {"handoff": {"state": "requested"}} and out[3]["image"]


def test_a_turn_within_the_limit_is_left_as_it_was() -> None:
    dispatcher = CollectingDispatcher()
    dispatcher.utter_message(text="One.")
    dispatcher.utter_message(text="Two?", buttons=[{"title": "Yes", "payload": "/affirm"}])

    assert compose_turn(dispatcher.messages) == dispatcher.messages
