"""`frontline route`: show a designer where messages go, and why.

For each message: the intent and its confidence, the runner-up intents, the entities, and the
decision the bot would make with no flow active — the flow it would start, or the fallback
(clarify / out of scope / human / small talk).
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

from bot.config import Settings
from bot.flows.model import FlowSet
from bot.flows.runtime.engine import FlowEngine, UserTurn

SMALL_TALK = {"greet", "goodbye", "thanks", "affirm", "deny", "bot_challenge", "cancel", "start_over"}
#: What the bot does with an intent that never starts a flow.
DECISIONS = {
    "nlu_fallback": "clarify (low confidence: offers the likeliest topics and a human)",
    "out_of_scope": "out of scope",
    "request_human": "human (opens a ticket)",
    "ticket_status": "ticket status",
    "kb_question": "knowledge base (best article if confident enough, else says it found nothing)",
    "kb_feedback": "knowledge-base feedback (records whether the last answer helped)",
}


@dataclass
class Route:
    """Where one message goes."""

    message: str
    intent: Optional[str]
    confidence: float
    entities: Dict[str, Any]
    decision: str
    flow: Optional[str] = None
    ranking: List[Dict[str, Any]] = field(default_factory=list)


def decide(parsed: Dict[str, Any], flows: FlowSet, engine: FlowEngine) -> Route:
    """Turn Rasa's parse result into a routing decision (no flow active)."""
    intent = parsed.get("intent") or {}
    name, confidence = intent.get("name"), float(intent.get("confidence") or 0.0)
    entities = {e["entity"]: e.get("value") for e in parsed.get("entities") or []}
    ranking = [
        {"intent": r.get("name"), "confidence": round(float(r.get("confidence") or 0), 3)}
        for r in (parsed.get("intent_ranking") or [])[:3]
    ]
    route = Route(parsed.get("text") or "", name, round(confidence, 3), entities, "", ranking=ranking)
    if name in DECISIONS:
        route.decision = DECISIONS[name]
    elif name in SMALL_TALK:
        route.decision = f"small talk ({name})"
    else:
        flow = engine.match(UserTurn(text=route.message, intent=name, confidence=confidence, entities=entities), flows)
        route.flow = flow.id if flow else None
        route.decision = f"flow {flow.id}" if flow else f"no flow is triggered by intent {name!r}: offers a human"
    return route


def main_route(settings: Settings, message: Optional[str], file: Optional[str], as_json: bool) -> int:
    """Print the route of each message (one per line of ``file``, or ``message``)."""
    from datetime import datetime, timezone

    from bot.flows.loading.loader import load_flows
    from bot.flows.runtime.checks import CheckRegistry
    from bot.flows.runtime.ports import NullKnowledgeBase
    from bot.nlu.evaluate import Parser
    from bot.training import ensure_model

    if file:
        messages = [line.strip() for line in Path(file).read_text().splitlines() if line.strip()]
    elif message:
        messages = [message]
    else:
        print("error: give a message or --file FILE", file=sys.stderr)
        return 2
    flows, problems = load_flows(settings.flows_dir)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    engine = FlowEngine(lambda: flows, CheckRegistry(), NullKnowledgeBase(), lambda: datetime.now(timezone.utc))
    parser = Parser(ensure_model(settings.project_dir, settings.model_dir, settings.model_cache))
    try:
        for text in messages:
            route = decide(parser.parse(text), flows, engine)
            if as_json:
                print(json.dumps(asdict(route)))
            else:
                alts = ", ".join(f"{r['intent']} {r['confidence']:.2f}" for r in route.ranking[1:])
                ents = ", ".join(f"{k}={v}" for k, v in route.entities.items()) or "-"
                print(f"{text}\n  intent {route.intent} ({route.confidence:.2f}; next: {alts or '-'})  entities {ents}\n  → {route.decision}")
    finally:
        parser.close()
    return 0
