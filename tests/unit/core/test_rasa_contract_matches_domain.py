"""Every slot, intent, entity and action name in bot/contract.py exists in domain.yml, and every
payload builder makes a message Rasa reads as that intent with those entities."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict, List

import pytest
from ruamel.yaml import YAML

import bot.contract as contract

ROOT = Path(__file__).resolve().parents[3]
# Rasa's own shape of a payload message (rasa.shared.nlu.constants / RegexMessageHandler).
PAYLOAD = re.compile(r"^/(?P<intent>[^{@]+)(?P<entities>\{.*\})?$", re.DOTALL)


def _names(section: Any) -> List[str]:
    return [next(iter(item)) if isinstance(item, dict) else str(item) for item in section]


@pytest.fixture(scope="module")
def domain() -> Dict[str, Any]:
    return dict(YAML(typ="safe").load((ROOT / "domain.yml").read_text()))


@pytest.mark.parametrize("suffix, section", [("_SLOT", "slots"), ("_INTENT", "intents"), ("_ENTITY", "entities"), ("_ACTION", "actions")])
def test_every_contract_name_is_declared_in_the_domain(domain: Dict[str, Any], suffix: str, section: str) -> None:
    declared = set(domain[section]) if section == "slots" else set(_names(domain[section]))
    names = {name: value for name, value in vars(contract).items() if name.endswith(suffix) and isinstance(value, str)}
    assert names, suffix
    missing = {name: value for name, value in names.items() if value not in declared}
    assert not missing, f"domain.yml has no {section} named {missing}"


def test_entity_slots_are_slots(domain: Dict[str, Any]) -> None:
    assert set(contract.ENTITY_SLOTS) <= set(domain["slots"])


def _parsed(payload: str) -> Dict[str, Any]:
    match = PAYLOAD.match(payload)
    assert match, payload
    return {"intent": match["intent"], "entities": json.loads(match["entities"] or "{}")}


def test_payloads_carry_their_intent_and_entities() -> None:
    assert _parsed(contract.request_human_payload()) == {"intent": "request_human", "entities": {}}
    assert contract.human_button() == {"title": "Talk to a human", "payload": "/request_human"}
    assert contract.flow_answer_payload("café") == '/flow_answer{"flow_answer":"café"}'
    assert _parsed(contract.rating_payload(4, "SUP-1042")) == {"intent": "handoff_rating", "entities": {"rating": "4", "ticket_ref": "SUP-1042"}}
    assert contract.add_info_payload("SUP-7") == '/ticket_add_info{"ticket_ref":"SUP-7"}'
    assert contract.kb_feedback_payload(False) == '/kb_feedback{"kb_helpful": "no"}'
    assert _parsed(contract.kb_article_payload("vpn-setup")) == {"intent": "kb_question", "entities": {"kb_article": "vpn-setup"}}


@pytest.mark.parametrize("text, score", [("4", 4), (" 4/5 ", 4), ("5 stars", 5), ("3 out of 5.", 3), ("1*", 1), ("6", None), ("4 printers", None), ("", None)])
def test_typed_ratings_are_read_once_for_policy_and_action(text: str, score: Any) -> None:
    assert contract.typed_rating(text) == score
