"""``call``: run another flow as a sub-flow, then continue here with ``next``."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from bot.flows.kinds.base import StepKind, StepParser, StepRun, Style
from bot.flows.kinds.link import FlowRef, target_of
from bot.flows.model import Body, Step


class CallKind(StepKind):
    """Run a sub-flow; when it ends resolved, this flow continues with ``next``."""

    name = "call"
    doc = "Flow id to run as a sub-flow; afterwards this flow continues with next."
    style = Style("call (sub-flow)", "#eceff1", "#455a64", mermaid='[["{}"]]', svg_shape="subroutine",
                  text_inset=36.0)

    def value_schema(self) -> Dict[str, Any]:
        return {"description": self.doc, "$ref": "#/definitions/flow_id"}

    def parse(self, parser: StepParser, where: str, item: Mapping[str, Any], at: int,
              fields: Dict[str, Any]) -> Optional[Body]:
        flow = parser.text(where, item, self.name, at, "the id of the flow to run before continuing")
        return FlowRef(flow) if flow is not None else None

    def run(self, run: StepRun, step: Step) -> Optional[str]:
        flow_id = target_of(step)
        target = run.flows.get(flow_id)
        run.record(self.name, flow_id, step=step.id)
        if target is None:
            run.fail(f"called flow '{flow_id}' is not loaded")
            return None
        run.state["stack"].append(
            {
                "flow": run.state["flow"],
                "step": step.id,
                "attempts": run.state["attempts"],
                "trail_from": run.state.get("trail_from", 0),
            }
        )
        run.state["flow"] = target.id
        run.state["attempts"] = {}
        run.state["trail_from"] = len(run.state["trail"])
        return target.first_step.id

    def flow_reference(self, step: Step) -> Optional[str]:
        return target_of(step)

    def calls(self, step: Step) -> Optional[str]:
        return target_of(step)

    def templates(self, step: Step) -> list:
        return []

    def summary(self, step: Step) -> str:
        return f"run flow {target_of(step)}, then continue"


CALL = CallKind()
