"""Adding a step kind is one StepKind: registered here (no other module edited), a flow using it
lints, runs and draws, and the generated schema knows its key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, Mapping, Optional
from xml.etree import ElementTree

import pytest

from bot.flows.diagrams.graph import to_mermaid, to_svg
from bot.flows.kinds import registry
from bot.flows.kinds.base import StepKind, Style
from bot.flows.lint.linter import lint_flows
from bot.flows.loading.loader import load_flows
from bot.flows.loading.schema import build_schema
from bot.flows.model import Body, Step


@dataclass(frozen=True, eq=False)
class Countdown(Body):
    """The toy kind's typed body: what to count down from."""

    start: int

    def plain(self) -> int:
        return self.start


class CountdownKind(StepKind):
    """Says "3… 2… 1…" and saves the start under save_as; continues with next."""

    name = "countdown"
    doc = "A number to count down from."
    saves = True
    style = Style("countdown (toy)", "#fafafa", "#000000", mermaid='(("{}"))', svg_shape="rounded")

    def value_schema(self) -> Dict[str, Any]:
        return {"description": self.doc, "type": "integer", "minimum": 1}

    def parse(self, parser: Any, where: str, item: Mapping[str, Any], at: int,
              fields: Dict[str, Any]) -> Optional[Body]:
        fields["save_as"] = parser.save_as(where, item, at)
        return Countdown(int(item[self.name]))

    def run(self, run: Any, step: Step) -> Optional[str]:
        start = step.body.plain()
        text = "… ".join(str(n) for n in range(start, 0, -1)) + "…"
        run.say(text)
        run.state["answers"][step.save_as or step.id] = start
        run.record(self.name, text, start, step=step.id)
        return run.next_of(step)

    def summary(self, step: Step) -> str:
        return f"count down from {step.body}"


FLOW = """
flows:
  launch:
    description: Launch
    triggers: [{intent: launch}]
    steps:
      - id: count
        countdown: 3
      - id: done
        say: "Lift-off after {count} seconds"
"""


@pytest.fixture
def countdown_kind() -> Iterator[CountdownKind]:
    kind = registry.register(CountdownKind())
    yield kind
    registry.unregister(kind.name)


def test_toy_kind_lints_runs_and_draws(countdown_kind: CountdownKind, write_flow: Callable[[str, str], Path],
                                       flow_dir: Path, make_chat: Callable[..., Any]) -> None:
    write_flow("launch.yml", FLOW)

    assert lint_flows(flow_dir, {"launch"}, set(), set()) == []

    chat = make_chat()
    result = chat.send("launch", intent="launch")
    assert [m.text for m in result.messages] == ["3… 2… 1…", "Lift-off after 3 seconds"]
    assert [(o.flow, o.outcome) for o in result.ended] == [("launch", "resolved")]
    assert result.ended[0].trail[0]["kind"] == "countdown"

    flow = load_flows(flow_dir)[0].flows["launch"]
    mermaid = to_mermaid(flow)
    assert 's_count(("count<br/>count down from 3"))' in mermaid
    assert "classDef k_countdown fill:#fafafa,stroke:#000000" in mermaid
    svg = ElementTree.fromstring(to_svg(flow).split("\n", 1)[1])
    kinds = {g.get("data-step"): g.get("data-kind") for g in svg.iter("{http://www.w3.org/2000/svg}g")
             if g.get("data-step")}
    assert kinds == {"count": "countdown", "done": "say"}
    assert "countdown (toy)" in to_svg(flow)


def test_toy_kind_is_in_the_schema_and_its_mistakes_have_lines(
        countdown_kind: CountdownKind, write_flow: Callable[[str, str], Path], flow_dir: Path) -> None:
    assert "countdown" in build_schema()["definitions"]["step"]["properties"]
    write_flow("launch.yml", FLOW.replace("countdown: 3", "countdown: 0"))
    write_flow("typo.yml", FLOW.replace("launch", "typo").replace("countdown: 3", "countdown: 3\n        nxt: done"))

    _, problems = load_flows(flow_dir)

    messages = [(Path(p.location.file).name, p.location.line, p.message) for p in problems]
    assert any(f == "launch.yml" and line == 7 and "countdown" in m and "≥ 1" in m
               for f, line, m in messages), messages
    assert any(f == "typo.yml" and line == 8 and "unknown key 'nxt'" in m and "did you mean 'next'?" in m
               for f, line, m in messages), messages


def test_without_the_kind_the_same_flow_is_rejected(write_flow: Callable[[str, str], Path], flow_dir: Path) -> None:
    write_flow("launch.yml", FLOW)

    flows, problems = load_flows(flow_dir)

    assert flows.flows == {}
    assert any("exactly one of" in p.message and "found none" in p.message for p in problems)
