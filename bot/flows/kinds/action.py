"""``action``: run a named check (service status, error-code lookup …) and save its result."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Set

from bot.flows.kinds.base import StepKind, StepParser, StepRun, Style, TemplateText
from bot.flows.model import Body, Step

logger = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class CheckCall(Body):
    """The body of an ``action`` step: the name of the check to run."""

    check: str

    def plain(self) -> str:
        """The check name."""
        return self.check


def _check(step: Step) -> str:
    body = step.body
    return body.check if isinstance(body, CheckCall) else str(body)


def _format_args(args: Mapping[str, Any]) -> str:
    return ", ".join(f"{key}={value}" for key, value in args.items())


class ActionKind(StepKind):
    """A check; its result is saved under ``save_as`` and the flow continues with ``next``."""

    name = "action"
    doc = "Name of a built-in check, e.g. check_service_status."
    own_keys = ("args", "save_as")
    saves = True
    style = Style("action (check)", "#f3e5f5", "#6a1b9a", mermaid='{{{{"{}"}}}}', svg_shape="rounded")

    def value_schema(self) -> Dict[str, Any]:
        return {"description": self.doc, "type": "string", "pattern": "^[a-z][a-z0-9_]*$"}

    def option_schemas(self) -> Dict[str, Dict[str, Any]]:
        return {"args": {"description": "Arguments for the check; string values are templates.",
                         "type": ["object", "null"],
                         "additionalProperties": {"type": ["string", "number", "boolean", "null"]}}}

    def parse(self, parser: StepParser, where: str, item: Mapping[str, Any], at: int,
              fields: Dict[str, Any]) -> Optional[Body]:
        name = parser.text(where, item, self.name, at, "the name of a check, e.g. check_service_status")
        args = item.get("args", {})
        if args is None:
            args = {}
        if not isinstance(args, dict) or any(isinstance(v, (dict, list)) for v in args.values()):
            parser.malformed()  # the schema says what args may hold
        else:
            fields["args"] = parser.plain(args)
        fields["save_as"] = parser.save_as(where, item, at) or None
        return CheckCall(name) if name is not None else None

    def run(self, run: StepRun, step: Step) -> Optional[str]:
        name = _check(step)
        args = {k: run.render(v) if isinstance(v, str) else v for k, v in step.args.items()}
        try:
            result = run.run_check(name, args)
        except KeyError:
            logger.error("flow %s step %s: unknown check %r", run.state["flow"], step.id, name)
            result = None
        except Exception:  # a failing check saves null; conditions then take the else branch
            logger.exception("check %r failed", name)
            result = None
        result = run.jsonable(result)
        run.state["answers"][step.save_as or step.id] = result
        run.record(self.name, f"{name} {json.dumps(args, ensure_ascii=False)}", result, step=step.id)
        return run.next_of(step)

    def templates(self, step: Step) -> List[TemplateText]:
        return []  # the check name is not a template; string args are checked with the options

    def check_names(self, step: Step) -> Set[str]:
        return {_check(step)}

    def summary(self, step: Step) -> str:
        name = _check(step)
        call = f"{name} ({_format_args(step.args)})" if step.args else name
        saved = f" → {step.save_as}" if step.save_as else ""
        return f"check: {call}{saved}"


ACTION = ActionKind()
