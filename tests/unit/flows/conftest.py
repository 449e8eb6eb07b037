"""Fixtures for flow-engine unit tests: flow files in tmp_path and a scripted chat."""

from __future__ import annotations

import textwrap
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import pytest

from bot.flows.loading.loader import load_flows
from bot.flows.model import FlowSet
from bot.flows.model.turns import TurnResult, UserTurn
from bot.flows.runtime.checks import CheckRegistry
from bot.flows.runtime.engine import FlowEngine
from bot.flows.runtime.ports import Article, KnowledgeBase, NullKnowledgeBase

FIXED_NOW = datetime(2024, 5, 6, 10, 30)  # a Monday


@pytest.fixture
def flow_dir(tmp_path: Path) -> Path:
    """An empty flows directory."""
    directory = tmp_path / "flows"
    directory.mkdir()
    return directory


@pytest.fixture
def write_flow(flow_dir: Path) -> Callable[[str, str], Path]:
    """Write ``text`` (dedented) to ``flow_dir/name`` and return the path."""

    def write(name: str, text: str) -> Path:
        path = flow_dir / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


class StaticKnowledgeBase:
    """Returns canned articles and remembers the queries it was asked."""

    def __init__(self, articles: Optional[List[Article]] = None) -> None:
        self.articles = articles or []
        self.queries: List[str] = []

    def search(self, query: str, top: int) -> List[Article]:
        self.queries.append(query)
        return self.articles[:top]


class Chat:
    """Drives a FlowEngine turn by turn, carrying the flow_state like the Rasa slot would."""

    def __init__(self, engine: FlowEngine) -> None:
        self.engine = engine
        self.state: Optional[Dict[str, Any]] = None
        self.slots: Dict[str, Any] = {}
        self.results: List[TurnResult] = []
        self.last_flow: Optional[Dict[str, Any]] = None  # the flow_last slot, as actions/flow.py sets it

    def send(
        self,
        text: str,
        intent: Optional[str] = None,
        confidence: float = 0.95,
        entities: Optional[Dict[str, Any]] = None,
        button: Optional[str] = None,
    ) -> TurnResult:
        entities = dict(entities or {})
        self.slots.update({k: v for k, v in entities.items() if k != "flow_answer"})
        turn = UserTurn(
            text=text,
            intent=intent,
            confidence=confidence,
            entities=entities,
            slots=dict(self.slots),
            button_value=button,
            last_flow=self.last_flow,
        )
        result = self.engine.handle(self.state, turn)
        self.state = result.state
        for ended in result.ended:
            self.last_flow = {"flow": ended.flow, "outcome": ended.outcome, "answers": ended.answers, "trail": ended.trail}
        self.results.append(result)
        return result

    def click(self, value: str) -> TurnResult:
        payload = '/flow_answer{"flow_answer":"%s"}' % value
        return self.send(payload, intent="flow_answer", confidence=1.0, entities={"flow_answer": value}, button=value)

    @property
    def step(self) -> Optional[str]:
        return self.state["step"] if self.state else None

    @property
    def flow(self) -> Optional[str]:
        return self.state["flow"] if self.state else None

    @property
    def last_text(self) -> str:
        return "\n".join(m.text for m in self.results[-1].messages)


@pytest.fixture
def make_chat(flow_dir: Path) -> Callable[..., Chat]:
    """Build a Chat over the flows in ``flow_dir`` (which must load without problems)."""

    def make(
        checks: Optional[CheckRegistry] = None,
        kb: Optional[KnowledgeBase] = None,
        clock: Callable[[], datetime] = lambda: FIXED_NOW,
        switch_threshold: float = 0.8,
    ) -> Chat:
        flows, problems = load_flows(flow_dir)
        assert [str(p) for p in problems] == []
        engine = FlowEngine(
            lambda: flows, checks or CheckRegistry(), kb or NullKnowledgeBase(), clock, switch_threshold
        )
        return Chat(engine)

    return make


@pytest.fixture
def static_kb() -> Callable[..., StaticKnowledgeBase]:
    """Factory for a knowledge base with canned articles."""
    return StaticKnowledgeBase


def flowset_of(directory: Path) -> FlowSet:
    """Load ``directory`` and fail on any problem."""
    flows, problems = load_flows(directory)
    assert [str(p) for p in problems] == []
    return flows
