"""``ask``: a question whose answer is read (buttons or forgiving text) and saved under a name."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

from bot.flows.kinds.base import StepKind, StepParser, StepRun, Style
from bot.flows.model import ANSWER_TYPES, HUMAN, Answer, Body, Edge, Step, Text, next_edges
from bot.flows.model.answers import default_hint, read_answer
from bot.flows.model.turns import button, yes_no_buttons


class AskKind(StepKind):
    """A question; waits for the answer, saves it under ``save_as`` and continues with ``next``."""

    name = "ask"
    doc = "Question to ask (template); the answer is saved under save_as."
    own_keys = ("save_as", "answer", "fill_from", "confirm")
    waits = True
    saves = True
    attachments = True
    retry = True
    style = Style("ask (question)", "#fff3e0", "#e65100", mermaid='{{"{}"}}', svg_shape="hexagon",
                  text_inset=44.0)

    def option_schemas(self) -> Dict[str, Dict[str, Any]]:
        return {
            "answer": {"$ref": "#/definitions/answer"},
            "fill_from": {
                "description": "What may answer this question before it is asked: 'messages' (the person's "
                               "earlier messages) and/or entity names (os, app_name, device_type…). The step "
                               "is then skipped.",
                "anyOf": [{"type": "string", "minLength": 1},
                          {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}}],
            },
            "confirm": {
                "description": "With fill_from: say one line when the answer was taken from earlier messages; "
                               "true for the default line, or a template using {answer}.",
                "type": ["boolean", "string"],
            },
        }

    def definitions(self) -> Dict[str, Dict[str, Any]]:
        def only(answer_type: str, *keys: str, required: bool = True) -> Dict[str, Any]:
            then: Dict[str, Any] = {"description": f"needed with type: {answer_type}",
                                    "required": list(keys)} if required else {}
            then["propertyNames"] = {"enum": ["type", *keys, "unsure"]}
            return {"if": {"required": ["type"], "properties": {"type": {"const": answer_type}}}, "then": then}

        return {
            "option": {
                "description": "A button: label shown to the user, value saved as the answer (defaults "
                               "to the label). A plain text item is both label and value.",
                "anyOf": [
                    {"type": ["string", "number"]},
                    {"type": "object", "required": ["label"], "additionalProperties": False,
                     "properties": {"label": {"type": ["string", "number"]},
                                    "value": {"type": ["string", "number"]},
                                    "synonyms": {
                                        "description": "Words or phrases people use for this option (\"iphone\", "
                                                       "\"wfh\"); found in replies and, with fill_from: [messages], "
                                                       "in earlier messages.",
                                        "type": "array",
                                        "items": {"type": ["string", "number"]}}}},
                ],
            },
            "answer": {
                "description": "How the answer is read: choice (buttons), yes_no, text, number or regex.",
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "type": {"description": "Default: text.", "enum": list(ANSWER_TYPES)},
                    "options": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/option"}},
                    "pattern": {"type": "string", "minLength": 1},
                    "min": {"type": "number"},
                    "max": {"type": "number"},
                    "unsure": {
                        "description": "What \"not sure / don't know\" means: an option value (choice), yes or "
                                       "no (yes_no), or the text saved (text, number, regex). Without it the "
                                       "question is asked again.",
                        "type": ["string", "number", "boolean"],
                    },
                },
                "allOf": [
                    only("choice", "options"),
                    only("regex", "pattern"),
                    only("number", "min", "max", required=False),
                    {"if": {"anyOf": [{"not": {"required": ["type"]}},
                                      {"properties": {"type": {"enum": ["yes_no", "text"]}}}]},
                     "then": {"propertyNames": {"enum": ["type", "unsure"]}}},
                ],
            },
        }

    def parse(self, parser: StepParser, where: str, item: Mapping[str, Any], at: int,
              fields: Dict[str, Any]) -> Optional[Body]:
        text = parser.text(where, item, self.name, at, "the question text")
        fields["save_as"] = parser.save_as(where, item, at)
        fields["answer"] = parser.answer(f"ask {where}", item, at)
        parser.understanding(where, item, at, fields)
        return Text(text) if text is not None else None

    def run(self, run: StepRun, step: Step) -> Optional[str]:
        filled = run.prefilled(step)
        if filled is not None:
            return filled
        run.ask(step)
        return None

    def read(self, run: StepRun, step: Step) -> Tuple[bool, Any]:
        return read_answer(step.answer or Answer(), run.turn)

    def accept(self, run: StepRun, step: Step, value: Any) -> None:
        run.state["answers"][step.save_as or step.id] = value
        run.run_from(run.next_of(step))

    def buttons(self, step: Step) -> List[Dict[str, str]]:
        if step.answer and step.answer.type == "yes_no":
            return yes_no_buttons()
        if step.answer and step.answer.type == "choice":
            return [button(o.label, o.value) for o in step.answer.options]
        return []

    def retry_hint(self, step: Step) -> str:
        return default_hint(step.answer if step.answer else Answer(type="yes_no"))

    def free_text(self, step: Step) -> bool:
        return step.answer is None or step.answer.type == "text"

    def answer_label(self, step: Step, value: Any) -> Optional[str]:
        if step.answer is None or step.answer.type != "choice":
            return None
        for option in step.answer.options:
            if option.value == value:
                return option.label
        return None

    def edges(self, step: Step) -> List[Edge]:
        target = step.on_give_up if step.on_give_up else HUMAN
        return next_edges(step, step.next) + [Edge(step.id, target, "gave up", "give_up", step.location)]

    def summary(self, step: Step) -> str:
        text = str(step.body)
        answer = step.answer
        if answer is not None and answer.type == "choice" and answer.options:
            text += " [" + " | ".join(option.label for option in answer.options) + "]"
        elif answer is not None and answer.type != "text":
            text += " [yes/no]" if answer.type == "yes_no" else f" [{answer.type}]"
        return text


ASK = AskKind()
