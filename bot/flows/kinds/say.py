"""``say``: show a message (markdown, ``{placeholders}``), optionally with an image or link card."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from bot.flows.kinds.base import StepKind, StepParser, StepRun, Style
from bot.flows.model import Body, Step, Text


class SayKind(StepKind):
    """A message; the flow continues with ``next`` straight away."""

    name = "say"
    advises = True
    doc = "Message to show (markdown, template)."
    attachments = True
    style = Style("say (message)", "#e3f2fd", "#1565c0", mermaid='["{}"]', svg_shape="rect")

    def parse(self, parser: StepParser, where: str, item: Mapping[str, Any], at: int,
              fields: Dict[str, Any]) -> Optional[Body]:
        text = parser.text(where, item, self.name, at, "the message text")
        return Text(text) if text is not None else None

    def run(self, run: StepRun, step: Step) -> Optional[str]:
        text = run.render(self.question(step))
        run.say(text, image=step.image, link=dict(step.link) if step.link else None)
        run.record(self.name, text, step=step.id)
        return run.next_of(step)


SAY = SayKind()
