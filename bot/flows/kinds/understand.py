"""Bridge between flow steps and :mod:`bot.flows.understanding` (which knows nothing about flows).

Turns a waiting step into a :class:`~bot.flows.understanding.Question`, a user turn into a
:class:`~bot.flows.understanding.Message`, and says things back: the re-ask that names what was not
understood, and the one-line confirmation of an answer taken from earlier messages.
"""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, Iterable, List, Optional

from bot.flows.understanding import Choice, Context, Message, Question
from bot.flows.understanding.result import Unclear

from bot.flows.model import Flow, FlowSet, Step
from bot.flows.model.turns import UserTurn, parse_flow_answer_payload

#: The most earlier messages kept in the flow state for ``fill_from: [messages]``.
MAX_SAID = 12
#: Interruptions the caller answers (tickets, contact, timing); the flow then asks again.
ASIDES = frozenset({"ticket_status", "ticket_add_info", "ask_eta", "ask_phone", "give_phone"})


def question_for(step: Step) -> Question:
    """The question a waiting ``ask``/``resolve`` step puts to the person."""
    if step.kind == "resolve":
        return Question("resolve")
    answer = step.answer
    if answer is None:
        return Question("text")
    return Question(
        kind=answer.type,
        options=tuple(Choice(o.label, o.value, tuple(o.synonyms)) for o in answer.options),
        unsure=answer.unsure,
        pattern=answer.pattern,
        minimum=answer.minimum,
        maximum=answer.maximum,
    )


def message_for(turn: UserTurn) -> Message:
    """The user turn as the interpreter reads it (a typed ``/flow_answer{…}`` counts as a click)."""
    button = turn.button_value
    if button is None:
        button = parse_flow_answer_payload(turn.text or "")
    return Message(
        text=turn.text or "",
        intent=turn.intent,
        confidence=turn.confidence,
        entities=dict(turn.entities),
        button=button,
    )


def topic_intents(flows: FlowSet) -> FrozenSet[str]:
    """Every intent that starts a flow."""
    return frozenset(t.intent for f in flows.flows.values() for t in f.triggers)


def context_for(flows: FlowSet, active: Iterable[Optional[Flow]], said: List[str], threshold: float) -> Context:
    """What the interpreter needs: topics, the topics being handled now, earlier messages."""
    running = {f.id for f in active if f is not None} | {t.intent for f in active if f is not None for t in f.triggers}
    return Context(
        topic_intents=topic_intents(flows),
        active_topics=frozenset(running),
        earlier=tuple(said),
        interrupt_confidence=threshold,
    )


def option_label(step: Step, value: Any) -> str:
    """How to show a saved answer: the option's label, Yes/No, or the value itself."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if step.answer is not None:
        for option in step.answer.options:
            if option.value == value:
                return option.label
    return str(value)


def reask_text(step: Step, unclear: Unclear, hint: str) -> str:
    """The re-ask: what was not understood, then the hint (or the default hint)."""
    detail = (unclear.detail or "").strip()
    quoted = f"“{_short(detail)}”" if detail else "that"
    if unclear.reason == "ambiguous":
        return f"That could be {detail} — which one is it? {hint}".strip()
    if unclear.reason == "out_of_range":
        return f"{detail} is outside what I can take here. {hint}".strip()
    if unclear.reason == "question":
        return f"Here's a pointer: {hint}".strip() if hint else ""
    if unclear.reason == "unsure":
        return f"No problem if you're not sure — a best guess is fine. {hint}".strip()
    if unclear.reason in ("no_match", "bad_format", "not_a_number", "not_yes_no"):
        what = {
            "no_match": f"I couldn't match {quoted} to one of the options.",
            "bad_format": f"{quoted[0].upper() + quoted[1:]} doesn't look like what I need.",
            "not_a_number": f"I couldn't find a number in {quoted}.",
            "not_yes_no": f"I couldn't tell whether {quoted} means yes or no.",
        }[unclear.reason]
        return f"Sorry — {what} {hint}".strip()
    return hint


def remember(state: Dict[str, Any], turn: UserTurn) -> None:
    """Keep the person's typed message (not button clicks) for ``fill_from: [messages]``."""
    if turn.button_value is not None or parse_flow_answer_payload(turn.text or "") is not None:
        return
    text = (turn.text or "").strip()
    if not text or text.startswith("/"):
        return
    said = state.setdefault("said", [])
    said.append(text)
    del said[:-MAX_SAID]


def seen_entities(state: Dict[str, Any], turn: UserTurn) -> Dict[str, Any]:
    """Entities known so far: stored slots (error_code, app_name, os…), then this turn's."""
    seen: Dict[str, Any] = dict(state.get("seen") or {})
    seen.update({k: v for k, v in turn.slots.items() if v})
    seen.update({k: v for k, v in turn.entities.items() if v and k != "flow_answer"})
    return seen


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
