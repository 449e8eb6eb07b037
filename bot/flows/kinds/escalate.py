"""``escalate``: hand over to a human team with a ticket carrying the whole trail. Ends the flow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

from bot.flows.kinds.base import StepKind, StepParser, StepRun, Style, TemplateText
from bot.flows.model import Body, Flow, Step

DEFAULT_TEAM = "service-desk"
DEFAULT_PRIORITY = "normal"
PRIORITIES = ("low", "normal", "high", "urgent")


@dataclass(frozen=True, eq=False)
class Escalation(Body):
    """The body of an ``escalate`` step.

    Attributes:
        team: the queue that gets the ticket.
        priority: one of PRIORITIES.
        summary: template for the ticket's summary ("" uses the flow's description).
    """

    team: str = DEFAULT_TEAM
    priority: str = DEFAULT_PRIORITY
    summary: str = ""

    def plain(self) -> Dict[str, str]:
        """``{"team", "priority", "summary"}`` as written (defaults filled in)."""
        return {"team": self.team, "priority": self.priority, "summary": self.summary}


def _body(step: Step) -> Escalation:
    body = step.body
    return body if isinstance(body, Escalation) else Escalation()


def first_escalation(flow: Optional[Flow]) -> Tuple[str, str]:
    """Team and priority of the flow's first escalate step, or the service-desk defaults.

    Used wherever the bot hands over without an escalate step (the user asked for a person, an
    answer was not understood, the flow broke), so the flow's own team gets the ticket.
    """
    for step in flow.steps if flow else ():
        if step.kind == EscalateKind.name:
            body = _body(step)
            return body.team or DEFAULT_TEAM, body.priority or DEFAULT_PRIORITY
    return DEFAULT_TEAM, DEFAULT_PRIORITY


class EscalateKind(StepKind):
    """Hand over to a person: message the user, open a ticket, end every flow."""

    name = "escalate"
    doc = ("Hand over to a human: team queue (default service-desk), priority (default normal) "
           "and a summary template for the ticket.")
    ends = True
    style = Style("escalate (to a human)", "#ffebee", "#c62828", mermaid='>"{}"]', svg_shape="flag",
                  text_inset=28.0)

    def value_schema(self) -> Dict[str, Any]:
        return {"$ref": "#/definitions/escalation"}

    def definitions(self) -> Dict[str, Dict[str, Any]]:
        """The ``escalation`` schema definition this kind's value refers to."""
        return {"escalation": {
            "description": self.doc,
            "type": ["object", "null"],
            "additionalProperties": False,
            "properties": {
                "team": {"type": "string", "minLength": 1},
                "priority": {"enum": list(PRIORITIES)},
                "summary": {"$ref": "#/definitions/template"},
            },
        }}

    def parse(self, parser: StepParser, where: str, item: Mapping[str, Any], at: int,
              fields: Dict[str, Any]) -> Optional[Body]:
        node = item.get(self.name)
        if node is None:
            node = {}
        if not isinstance(node, dict):
            parser.malformed()
            return None
        team = node.get("team", DEFAULT_TEAM)
        if not isinstance(team, str) or not team.strip():
            parser.malformed()
        priority = node.get("priority", DEFAULT_PRIORITY)
        if priority not in PRIORITIES:
            parser.malformed()
        summary = node.get("summary", "")
        if summary is None:
            summary = ""
        if not isinstance(summary, str):
            parser.malformed()
        return Escalation(team=str(team).strip(), priority=str(priority), summary=str(summary))

    def run(self, run: StepRun, step: Step) -> Optional[str]:
        body = _body(step)
        team = body.team or DEFAULT_TEAM
        priority = body.priority or DEFAULT_PRIORITY
        summary = run.render(body.summary) or (run.flow.description if run.flow else "")
        run.record(self.name, summary, step=step.id)
        run.escalate(
            team,
            priority,
            summary,
            "flow",
            f"I'm handing this over to the {team} team. I'm opening a ticket with everything we've "
            "tried so far, so you won't need to repeat yourself.",
        )
        return None

    def question(self, step: Step) -> str:
        return _body(step).summary

    def templates(self, step: Step) -> List[TemplateText]:
        body = _body(step)
        return [((self.name, "team"), body.team), ((self.name, "summary"), body.summary)]

    def summary(self, step: Step) -> str:
        body = _body(step)
        return f"to {body.team} ({body.priority}): {body.summary}"

    def full_text(self, step: Step) -> str:
        return ", ".join(f"{key}: {value}" for key, value in _body(step).plain().items())


ESCALATE = EscalateKind()
