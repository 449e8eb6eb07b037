"""actions/fallback.py: a message the bot is unsure about gets the likeliest topics as buttons
plus a human; a non-IT message says what the bot can do."""

from __future__ import annotations

from pathlib import Path

from actions.fallback import ActionClarify, ActionOutOfScope
from rasa_sdk import Tracker
from tests.unit.actions.harness import build_services, run


def test_unsure_turn_offers_the_likeliest_flows_and_a_human(tmp_path: Path) -> None:
    world = build_services(tmp_path)
    message = {"text": "it doesn't work", "intent": {"name": "nlu_fallback", "confidence": 0.3},
               "intent_ranking": [{"name": "vpn_connection", "confidence": 0.3}, {"name": "greet", "confidence": 0.2},
                                  {"name": "printer_problem", "confidence": 0.1}], "entities": []}
    trk = Tracker("conv-alice", {}, message, [], False, None, {}, "action_listen")

    messages, _ = run(ActionClarify(world.services), trk)

    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads == ["/vpn_connection", "/printer_problem", "/request_human"]  # greet starts no flow


def test_an_unsure_turn_about_another_teams_business_says_where_to_go_and_keeps_the_topics(tmp_path: Path) -> None:
    world = build_services(tmp_path)
    message = {"text": "can you book me a meeting room for tomorrow?", "intent": {"name": "nlu_fallback", "confidence": 0.3},
               "intent_ranking": [{"name": "access_request", "confidence": 0.3}, {"name": "printer_problem", "confidence": 0.1}],
               "entities": []}
    trk = Tracker("conv-alice", {}, message, [], False, None, {}, "action_listen")

    messages, _ = run(ActionClarify(world.services), trk)

    assert "facilities" in messages[0]["text"].lower() and "IT problem" in messages[0]["text"]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/access_request", "/printer_problem", "/request_human"]


def test_out_of_scope_names_the_contact_and_offers_a_human(tmp_path: Path) -> None:
    world = build_services(tmp_path)
    trk = Tracker("conv-alice", {}, {"text": "book me a flight", "intent": {"name": "out_of_scope"}, "entities": []}, [], False, None, {}, "action_listen")

    messages, _ = run(ActionOutOfScope(world.services), trk)

    assert "the test desk" in messages[0]["text"]
    assert messages[0]["buttons"] == [{"title": "Talk to a human", "payload": "/request_human"}]
