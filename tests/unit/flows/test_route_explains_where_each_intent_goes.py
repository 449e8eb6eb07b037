"""`frontline route`'s decision for a parsed message, with the project's own flows."""

from datetime import datetime, timezone
from typing import Any, Dict

import pytest

from bot.flows.loading.loader import load_flows
from bot.flows.runtime.checks import CheckRegistry
from bot.flows.runtime.engine import FlowEngine
from bot.flows.runtime.ports import NullKnowledgeBase
from bot.route import decide
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def flows_and_engine():
    flows, problems = load_flows(ROOT / "flows")
    assert not problems
    engine = FlowEngine(lambda: flows, CheckRegistry(), NullKnowledgeBase(), lambda: datetime(2024, 1, 1, tzinfo=timezone.utc))
    return flows, engine


def parsed(intent: str, confidence: float = 0.95, text: str = "text") -> Dict[str, Any]:
    return {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": intent, "confidence": confidence}, {"name": "greet", "confidence": 0.01}],
        "entities": [{"entity": "app_name", "value": "outlook"}],
    }


@pytest.mark.parametrize(
    "intent, decision",
    [
        ("nlu_fallback", "clarify (low confidence: offers the likeliest topics and a human)"),
        ("out_of_scope", "out of scope"),
        ("request_human", "human (opens a ticket)"),
        ("ticket_status", "ticket status"),
        ("kb_question", "knowledge base (best article if confident enough, else says it found nothing)"),
        ("kb_feedback", "knowledge-base feedback (records whether the last answer helped)"),
        ("thanks", "small talk (thanks)"),
        ("bot_challenge", "small talk (bot_challenge)"),
    ],
)
def test_intents_without_a_flow_get_their_fallback_decision(flows_and_engine, intent: str, decision: str) -> None:
    flows, engine = flows_and_engine
    route = decide(parsed(intent), flows, engine)
    assert route.decision == decision
    assert route.flow is None
    assert route.entities == {"app_name": "outlook"}
    assert [r["intent"] for r in route.ranking] == [intent, "greet"]


def test_support_topic_starts_its_flow(flows_and_engine) -> None:
    flows, engine = flows_and_engine
    route = decide(parsed("vpn_connection", text="my vpn keeps dropping"), flows, engine)
    assert route.flow == "vpn_connection"
    assert route.decision == "flow vpn_connection"


def test_intent_no_flow_handles_offers_a_human(flows_and_engine) -> None:
    flows, engine = flows_and_engine
    route = decide(parsed("no_such_topic"), flows, engine)
    assert route.flow is None
    assert route.decision == "no flow is triggered by intent 'no_such_topic': offers a human"
