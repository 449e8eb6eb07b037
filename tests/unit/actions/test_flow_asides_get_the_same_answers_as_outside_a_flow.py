"""Mid-flow "how long will it take?", "is there a phone number?" and "call me on …" get the real
support-chat answers (team targets, the desk's number, the number saved to the ticket), then the
flow's question again."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Tuple

from actions.flow import ActionFlow
from actions.tickets import ActionRequestHuman
from bot.privacy.wiring import build_redactor
from tests.unit.actions.harness import World, build_services, run, slots_set, tracker

TOY_FLOW = """\
flows:
  email_sync:
    description: "Email not syncing"
    triggers:
      - intent: email_sync
    steps:
      - id: ask_where
        ask: "Where do you read your email?"
        answer:
          type: choice
          options:
            - {label: "Outlook on Windows", value: windows}
            - {label: "Phone or tablet", value: mobile}
      - id: escalate
        escalate:
          team: messaging
          priority: normal
          summary: "Mail ({ask_where}) not syncing."
"""
PHONE = [{"entity": "phone", "value": "+44 7700 900456"}]


def start(tmp_path: Path) -> Tuple[World, ActionFlow, Dict[str, Any]]:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "email_sync.yml").write_text(TOY_FLOW)
    world = build_services(tmp_path, flows_dir=flows)
    action = ActionFlow(world.services)
    _messages, events = run(action, tracker("my email stopped syncing", "email_sync"))
    return world, action, slots_set(events)["flow_state"]


def texts(messages: List[Dict[str, Any]]) -> List[str]:
    return [m.get("text") or "" for m in messages]


def test_how_long_mid_flow_names_the_team_the_ticket_would_go_to_and_its_target(tmp_path: Path) -> None:
    _world, action, state = start(tmp_path)
    messages, events = run(action, tracker("how long will this take?", "ask_eta", slots={"flow_state": state}))
    answer, back = texts(messages)
    # config/teams.yml: messaging is "email & messaging", normal priority is 1 working day; the
    # harness's desk is open around the clock, so a day is 24 hours from 09:00 on 1 July 2024.
    assert "email & messaging team aims to answer normal-priority tickets within 1 working day" in answer
    assert "tomorrow at 09:00" in answer
    assert back == "Back to where we were: Where do you read your email?"
    assert slots_set(events)["flow_state"]["step"] == "ask_where"


def test_is_there_a_phone_number_mid_flow_gives_the_desks_number(tmp_path: Path) -> None:
    _world, action, state = start(tmp_path)
    messages, _events = run(action, tracker("is there a phone number?", "ask_phone", slots={"flow_state": state}))
    answer, back = texts(messages)
    assert "+44 20 7946 0000" in answer and "it-support@example.com" in answer
    assert back.startswith("Back to where we were")


def test_a_number_given_mid_flow_is_masked_remembered_and_put_on_the_ticket_when_it_escalates(tmp_path: Path) -> None:
    world, action, state = start(tmp_path)
    messages, events = run(action, tracker("call me on +44 7700 900456 if it gets complicated", "give_phone",
                                           entities=PHONE, slots={"flow_state": state}))
    answer, back = texts(messages)
    assert "ending 456" in answer and "900456" not in answer
    assert back.startswith("Back to where we were")
    assert world.ticketing.tickets.list_for_requester("conv-alice") == []  # nothing handed over yet
    state = stored(world, slots_set(events)["flow_state"])
    assert "900456" not in str(state)  # the flow state holds no digits of it

    messages, events = run(action, tracker("talk to a human", "request_human", slots={"flow_state": state}))
    (ticket,) = world.ticketing.tickets.list_for_requester("conv-alice")
    assert phone_events(world, ticket.id) == 1
    assert "how should the engineer reach you" not in " ".join(texts(messages))  # it has a way already


def test_a_number_kept_for_a_ticket_goes_on_the_ticket_opened_after_the_flow_was_left(tmp_path: Path) -> None:
    world, action, state = start(tmp_path)
    _messages, events = run(action, tracker("call me on +44 7700 900456", "give_phone", entities=PHONE, slots={"flow_state": state}))
    _messages, events = run(action, tracker("cancel", "cancel", slots={"flow_state": stored(world, slots_set(events)["flow_state"])}))
    assert slots_set(events)["flow_state"] is None

    run(ActionRequestHuman(world.services), tracker("get me a person", "request_human"))

    (ticket,) = world.ticketing.tickets.list_for_requester("conv-alice")
    assert phone_events(world, ticket.id) == 1


def stored(world: World, state: Dict[str, Any]) -> Dict[str, Any]:
    """``state`` as the next turn reads it back: the tracker store keeps every event redacted
    (``bot.rasa_ext.privacy_store``, config/privacy.yml)."""
    return build_redactor(world.services.settings).redact_value(state)


def phone_events(world: World, ticket_id: int) -> int:
    """Contact-route events on the ticket, checking the number itself is on the ticket (its
    ``contact_route``, readable by the engineer; the events are redacted by config/privacy.yml)."""
    tickets = world.ticketing.tickets
    assert tickets.get(ticket_id).contact_route == "+44 7700 900456"
    return sum(1 for e in tickets.list_events(ticket_id) if e.data and e.data.get("contact_route"))


def test_a_number_given_mid_flow_with_an_open_ticket_goes_straight_onto_it(tmp_path: Path) -> None:
    world, action, state = start(tmp_path)
    _messages, events = run(action, tracker("talk to a human", "request_human", slots={"flow_state": state}))
    (ticket,) = world.ticketing.tickets.list_for_requester("conv-alice")
    _messages, events = run(action, tracker("my email stopped syncing", "email_sync"))
    state = slots_set(events)["flow_state"]

    messages, _events = run(action, tracker("you can call me on +44 7700 900456", "give_phone",
                                            entities=PHONE, slots={"flow_state": state}))
    assert ticket.reference in texts(messages)[0] and "ending 456" in texts(messages)[0]
    assert phone_events(world, ticket.id) == 1


def test_how_long_mid_flow_with_an_open_ticket_answers_for_that_ticket(tmp_path: Path) -> None:
    world, action, state = start(tmp_path)
    run(action, tracker("talk to a human", "request_human", slots={"flow_state": state}))
    (ticket,) = world.ticketing.tickets.list_for_requester("conv-alice")
    _messages, events = run(action, tracker("my email stopped syncing", "email_sync"))
    state = slots_set(events)["flow_state"]

    messages, _events = run(action, tracker("how long will it take", "ask_eta", slots={"flow_state": state}))
    assert texts(messages)[0].startswith(f"**{ticket.reference}** is waiting for an engineer.")
