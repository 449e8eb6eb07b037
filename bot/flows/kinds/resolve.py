"""``resolve``: "Did that fix it?" — yes ends the flow resolved, no continues with ``next``."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

from bot.flows.kinds.base import StepKind, StepParser, StepRun, Style
from bot.flows.model import END, Answer, Body, Edge, Step, Text, next_edges
from bot.flows.model.answers import default_hint, read_yes_no
from bot.flows.model.turns import resolve_buttons

MSG_RESOLVED = "Great — glad that's sorted! 🎉"


class ResolveKind(StepKind):
    """A yes/no question: yes ends the flow as resolved, no goes on with ``next``."""

    name = "resolve"
    doc = "Question like 'Did that fix it?': yes ends the flow resolved, no goes to next."
    waits = True
    attachments = True
    style = Style("resolve (did it help?)", "#e0f2f1", "#00695c", mermaid='(["{}"])',
                  svg_shape="stadium", text_inset=36.0)

    def parse(self, parser: StepParser, where: str, item: Mapping[str, Any], at: int,
              fields: Dict[str, Any]) -> Optional[Body]:
        text = parser.text(where, item, self.name, at, "the yes/no question, e.g. \"Did that fix it?\"")
        return Text(text) if text is not None else None

    def run(self, run: StepRun, step: Step) -> Optional[str]:
        run.ask(step)
        return None

    def read(self, run: StepRun, step: Step) -> Tuple[bool, Any]:
        value = read_yes_no(run.turn, thanks_means_yes=True)
        return value is not None, value

    def accept(self, run: StepRun, step: Step, value: Any) -> None:
        if not value:
            run.run_from(run.next_of(step))
            return
        run.say(MSG_RESOLVED)
        resumed = run.end_flow("resolved")
        if resumed is not None:
            run.run_from(resumed)

    def buttons(self, step: Step) -> List[Dict[str, str]]:
        return resolve_buttons()  # Yes, No, Partly, Not yet: hedges are never a yes

    def retry_hint(self, step: Step) -> str:
        return default_hint(Answer(type="yes_no"))

    def edges(self, step: Step) -> List[Edge]:
        yes = Edge(step.id, END, "yes", "yes", step.location)
        return [yes] + next_edges(step, step.next, prefix="no, ")


RESOLVE = ResolveKind()
