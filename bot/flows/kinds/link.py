"""``link``: continue in another flow for good (this flow ends; the trail goes on)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

from bot.flows.kinds.base import StepKind, StepParser, StepRun, Style
from bot.flows.model import Body, Step


@dataclass(frozen=True, eq=False)
class FlowRef(Body):
    """The body of a step that names another flow (``link``, ``call``)."""

    flow: str

    def plain(self) -> str:
        """The flow id."""
        return self.flow


def target_of(step: Step) -> str:
    """The flow id a ``link``/``call`` step names."""
    body = step.body
    return body.flow if isinstance(body, FlowRef) else str(body)


class LinkKind(StepKind):
    """Hand the conversation to another flow; this flow has no outcome of its own."""

    name = "link"
    doc = ("As a kind: a flow id to continue in (this flow ends). On say/ask/resolve steps: a "
           "{title, url} web link.")
    ends = True
    style = Style("link (go to flow)", "#fffde7", "#f9a825", mermaid='[/"{}"/]',
                  svg_shape="parallelogram", text_inset=32.0)

    def present_in(self, item: Mapping[str, Any]) -> bool:
        # ``link: {title, url}`` is the web-link card of a say/ask/resolve step, not this kind.
        return self.name in item and not isinstance(item[self.name], dict)

    def value_schema(self) -> Dict[str, Any]:
        return {"description": self.doc, "$ref": "#/definitions/flow_id"}

    def discriminator(self) -> Dict[str, Any]:
        return {"required": [self.name], "properties": {self.name: {"type": "string"}}}

    def parse(self, parser: StepParser, where: str, item: Mapping[str, Any], at: int,
              fields: Dict[str, Any]) -> Optional[Body]:
        flow = parser.text(where, item, self.name, at, "the id of the flow to continue in")
        return FlowRef(flow) if flow is not None else None

    def run(self, run: StepRun, step: Step) -> Optional[str]:
        flow_id = target_of(step)
        target = run.flows.get(flow_id)
        run.record(self.name, flow_id, step=step.id)
        if target is None:
            run.fail(f"link target flow '{flow_id}' is not loaded")
            return None
        # The linked flow takes over this frame: no outcome for the old flow, trail continues.
        run.state["flow"] = target.id
        run.state["attempts"] = {}
        return target.first_step.id

    def flow_reference(self, step: Step) -> Optional[str]:
        return target_of(step)

    def templates(self, step: Step) -> list:
        return []

    def summary(self, step: Step) -> str:
        return f"continue in flow {target_of(step)}"


LINK = LinkKind()
