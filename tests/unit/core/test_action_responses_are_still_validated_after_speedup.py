"""The faster action-response validation accepts and rejects exactly what Rasa's does."""

from __future__ import annotations

from typing import Any, Dict, Iterator

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.rasa_ext import action_validation

GOOD: Dict[str, Any] = {
    "events": [
        {"event": "slot", "timestamp": None, "name": "flow_id", "value": "vpn_connection"},
        {"event": "bot", "text": "Is the VPN client open?", "data": {"buttons": [{"title": "Yes", "payload": "/affirm"}]}},
    ],
    "responses": [{"text": "Let's check your VPN."}],
}
BAD = [
    {"events": "not a list"},
    {"events": [{"event": "slot"}]},  # a slot event without its name
    {"events": [{"no_event_key": 1}]},
    {"responses": [["not", "an", "object"]]},
]


@pytest.fixture
def action() -> Iterator[RemoteAction]:
    yield RemoteAction("action_flow_step", None)
    action_validation.uninstall()


def outcome(action: RemoteAction, result: Dict[str, Any]) -> str:
    try:
        action._validate_action_result(result)
        return "ok"
    except ValidationError as error:
        return "invalid: " + error.message


def test_installed_validator_agrees_with_rasa_on_good_and_bad_responses(action: RemoteAction) -> None:
    rasa_says = [outcome(action, r) for r in [GOOD, *BAD]]
    action_validation.install()
    assert RemoteAction._validate_action_result is not action_validation._ORIGINAL
    ours_says = [outcome(action, r) for r in [GOOD, *BAD]]

    assert ours_says == rasa_says
    assert ours_says[0] == "ok"
    assert all(says.startswith("invalid: ") and "Failed to validate Action server response" in says
               for says in ours_says[1:])


def test_install_is_idempotent_and_uninstall_restores_rasa(action: RemoteAction) -> None:
    original = RemoteAction._validate_action_result
    action_validation.install()
    patched = RemoteAction._validate_action_result
    action_validation.install()
    assert RemoteAction._validate_action_result is patched
    action_validation.uninstall()
    assert RemoteAction._validate_action_result is original
