"""What an engineer reads first: a one-paragraph summary of the conversation, and the details.

:func:`summarise` turns everything the bot learned (the problem, entities, the flow trail with
each question and answer, knowledge-base articles shown and the feedback on them, the
transcript) into the ticket's ``summary`` (one paragraph of plain text) and ``details`` (JSON).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence

from bot.flows.kinds.registry import waiting_names
from bot.flows.model.trail import TrailEntry

# How each escalation reason reads in the summary.
REASONS = {
    "flow": "the troubleshooting steps did not fix it",
    "gave_up": "the bot could not understand an answer after several tries",
    "user_request": "they asked for a person",
    "loop": "the troubleshooting guide went round in circles and was stopped",
    "error": "the troubleshooting guide failed",
}
ENTITY_LABELS = {"error_code": "error code", "app_name": "app", "os": "OS", "device_type": "device"}
PAYLOAD = re.compile(r"^/[A-Za-z_]+(\{.*\})?\s*$", re.DOTALL)
MAX_QUOTE = 160
MAX_ANSWERS = 8

LabelOf = Callable[[str, str, Any], Optional[str]]


@dataclass(frozen=True)
class KbShown:
    """A knowledge-base answer the user saw.

    Attributes:
        query: what was searched.
        articles: titles (or slugs) shown, best first.
        helpful: the user's Yes/No feedback, None if they gave none.
    """

    query: str
    articles: Sequence[str]
    helpful: Optional[bool] = None


@dataclass(frozen=True)
class TicketContext:
    """Everything the bot learned in a conversation, for one escalation.

    Attributes:
        requester_id: who asked (channel-specific id).
        requester_name: their display name, if known.
        channel: where they are (rest, socketio, slack, ...).
        category: the flow id, or ``general``.
        flow_description: the flow's description ("VPN won't connect ..."), if any.
        flow_summary: the flow's own rendered escalation summary, if any.
        reason: flow | gave_up | user_request | loop | error.
        entities: entity name → value.
        answers: the flow's saved answers.
        trail: the flow trail entries (``flow, step, kind, text, answer, at``).
        transcript: ``{"from": "user"|"bot"|"engineer", "text", "at"}`` lines, oldest first.
        kb: knowledge-base answers shown, oldest first.
    """

    requester_id: str
    channel: str
    category: str
    reason: str
    requester_name: Optional[str] = None
    flow_description: Optional[str] = None
    flow_summary: Optional[str] = None
    entities: Mapping[str, Any] = field(default_factory=dict)
    answers: Mapping[str, Any] = field(default_factory=dict)
    trail: Sequence[Mapping[str, Any]] = ()
    transcript: Sequence[Mapping[str, Any]] = ()
    kb: Sequence[KbShown] = ()


def _clip(text: str, limit: int = MAX_QUOTE) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?…" else text + "."


def user_words(transcript: Sequence[Mapping[str, Any]]) -> List[str]:
    """What the user typed (button payloads left out), oldest first."""
    return [
        str(line.get("text") or "").strip()
        for line in transcript
        if line.get("from") == "user" and line.get("text") and not PAYLOAD.match(str(line["text"]).strip())
    ]


def questions_and_answers(trail: Sequence[Mapping[str, Any]], label_of: Optional[LabelOf] = None) -> List[Dict[str, Any]]:
    """The questions asked in the trail and the answers given (latest answer per question).

    The answer is shown as it was labelled when the user gave it (recorded in the trail entry),
    so editing a flow's button labels later never changes what a ticket says.

    Args:
        trail: flow trail entries (stored dicts, see :class:`bot.flows.model.trail.TrailEntry`).
        label_of: ``(flow, step, value) → button label``, only for entries stored before labels
            were recorded; None shows their values.

    Returns:
        ``{"flow", "step", "question", "answer", "label"}`` dicts in the order first asked.
    """
    questions = set(waiting_names())
    answered: Dict[tuple, Dict[str, Any]] = {}
    for raw in trail:
        entry = TrailEntry.from_json(raw)
        if entry.kind not in questions or entry.answer is None:
            continue
        key = (raw.get("flow"), raw.get("step"))
        label = entry.label
        if label is None and label_of is not None:
            label = label_of(str(entry.flow), str(entry.step), entry.answer)
        item = {"flow": raw.get("flow"), "step": raw.get("step"), "question": entry.text,
                "answer": entry.answer, "label": label or entry.answer_text}
        answered.pop(key, None)
        answered[key] = item
    return list(answered.values())


def steps_taken(trail: Sequence[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """The trail as an engineer reads it: one line per step (kind, what was said or asked, the
    answer or result)."""
    return [
        {"flow": e.get("flow"), "step": e.get("step"), "kind": e.get("kind"),
         "text": e.get("text"), "answer": e.get("answer"), "at": e.get("at")}
        for e in trail
    ]


def summarise(context: TicketContext, priority: str, priority_reasons: Sequence[str] = (),
              label_of: Optional[LabelOf] = None) -> "Summary":
    """Build the ticket's summary paragraph and details.

    Args:
        context: what the bot learned.
        priority: the decided priority.
        priority_reasons: why (from the priority rules).
        label_of: resolves button values to labels (see :func:`questions_and_answers`).

    Returns:
        The summary paragraph and the details document.
    """
    who = context.requester_name or context.requester_id
    topic = context.flow_description.rstrip(".") if context.flow_description else (
        "an IT problem" if context.category == "general" else context.category.replace("_", " ")
    )
    if context.flow_description:
        topic = topic[0].lower() + topic[1:] if len(topic) > 1 and topic[1].islower() else topic
    sentences = [f"{who} (via {context.channel}) needs help with {topic}"]
    words = user_words(context.transcript)
    if words:
        sentences.append(f"In their words: “{_clip(words[0])}”")
    sentences.append(f"Handed to a person because {REASONS.get(context.reason, context.reason)}")
    if context.flow_summary:
        sentences.append(_sentence(_clip(context.flow_summary, 300)))
    known = [f"{ENTITY_LABELS.get(k, k.replace('_', ' '))} {v}" for k, v in context.entities.items() if v]
    if known:
        sentences.append("Details: " + ", ".join(known))
    qa = questions_and_answers(context.trail, label_of)
    if qa:
        shown = qa[:MAX_ANSWERS]
        parts = [f"{_clip(str(item['question'] or item['step']), 80).rstrip('?')}? {item['label']}" for item in shown]
        more = f" (+{len(qa) - len(shown)} more)" if len(qa) > len(shown) else ""
        sentences.append("Answers: " + "; ".join(parts) + more)
    if context.kb:
        shown_kb = []
        for item in context.kb:
            verdict = {True: "helped", False: "did not help"}.get(item.helpful, "no feedback")  # type: ignore[arg-type]
            titles = ", ".join(f"“{t}”" for t in list(item.articles)[:2]) or "nothing found"
            shown_kb.append(f"{titles} ({verdict})")
        sentences.append("Knowledge base shown: " + "; ".join(shown_kb))
    later = words[1:]
    if later and context.reason == "user_request":
        sentences.append(f"Latest message: “{_clip(later[-1])}”")
    raised_by = [reason.split(":", 1)[0] for reason in priority_reasons if "raised to" in reason]
    sentences.append(f"Priority {priority}" + (f" ({', '.join(raised_by)})" if raised_by else ""))
    paragraph = " ".join(_sentence(s) for s in sentences)
    details: Dict[str, Any] = {
        "reason": context.reason,
        "problem": {"category": context.category, "description": context.flow_description,
                    "flow_summary": context.flow_summary},
        "entities": dict(context.entities),
        "answers": dict(context.answers),
        "questions": qa,
        "trail": list(context.trail),
        "steps": steps_taken(context.trail),
        "kb": [{"query": k.query, "articles": list(k.articles), "helpful": k.helpful} for k in context.kb],
        "transcript": list(context.transcript),
        "priority_reasons": list(priority_reasons),
    }
    return Summary(paragraph, details)


@dataclass(frozen=True)
class Summary:
    """A ticket's summary paragraph and its details document."""

    text: str
    details: Dict[str, Any]
