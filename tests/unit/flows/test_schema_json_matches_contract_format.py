"""bot/flows/schema.json accepts the contract's example and rejects malformed steps by itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import pytest
from jsonschema import Draft7Validator

SCHEMA = Path(__file__).resolve().parents[3] / "bot" / "flows" / "schema.json"


def validator() -> Draft7Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def document(steps: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {"flows": {"vpn_connection": {
        "description": "VPN won't connect",
        "triggers": [{"intent": "vpn_connection"},
                     {"intent": "app_error", "entities": {"app_name": ["globalprotect"]}}],
        "steps": steps}}}


CONTRACT_STEPS: List[Dict[str, Any]] = [
    {"id": "intro", "say": "Sorry", "image": "https://x/y.png",
     "link": {"title": "VPN guide", "url": "https://intranet.example.com/vpn"}},
    {"id": "status", "action": "check_service_status", "args": {"service": "vpn"},
     "save_as": "vpn_status",
     "next": [{"if": 'vpn_status == "outage"', "then": "escalate"}, {"else": "ask_client"}]},
    {"id": "ask_client", "ask": "Which VPN client?", "save_as": "vpn_client",
     "answer": {"type": "choice", "options": [{"label": "GlobalProtect", "value": "globalprotect"}]},
     "hint": "Pick one", "max_attempts": 3, "on_give_up": "escalate", "next": "articles"},
    {"id": "code", "ask": "Code?", "answer": {"type": "regex", "pattern": "^[A-Z]{2,5}-\\d{3,6}$"}},
    {"id": "count", "ask": "How many?", "answer": {"type": "number", "min": 0, "max": 100}},
    {"id": "articles", "kb": "vpn {vpn_client} disconnects", "top": 3},
    {"id": "fixed", "resolve": "Did that fix it?", "next": "escalate"},
    {"id": "escalate", "escalate": {"team": "network", "priority": "high", "summary": "VPN down"}},
    {"id": "to_wifi", "link": "wifi_connectivity"},
    {"id": "sub", "call": "account_locked", "next": "END"},
]


def test_schema_accepts_every_step_kind_of_the_contract() -> None:
    errors = [e.message for e in validator().iter_errors(document(CONTRACT_STEPS))]

    assert errors == []


@pytest.mark.parametrize("step, expected", [
    ({"id": "a", "say": "x", "ask": "y"}, "'ask' is not one of"),
    ({"id": "a", "say": "x", "colour": "red"}, "colour"),
    ({"id": "a", "kb": "x", "max_attempts": 2}, "'max_attempts' is not one of"),
    ({"id": "a", "link": "wifi_connectivity", "next": "b"}, "'next' is not one of"),
    ({"id": "a", "escalate": {"team": "n", "priority": "asap"}}, "'asap' is not one of"),
    ({"id": "a", "ask": "x", "answer": {"type": "choice"}}, "'options' is a required property"),
    ({"id": "a"}, "is not valid under any of the given schemas"),
])
def test_schema_rejects_malformed_step(step: Dict[str, Any], expected: str) -> None:
    messages = [e.message for e in validator().iter_errors(document([step]))]

    assert any(expected in m for m in messages), messages
