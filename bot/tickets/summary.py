"""What an engineer reads first: a summary of the conversation written for them, and the details.

:func:`summarise` turns everything the bot learned (the problem, entities, the flow trail with
each question and answer, knowledge-base articles shown and the feedback on them, the
transcript) into the ticket's ``summary`` (key facts first, one per line, then ``question →
answer`` lines) and ``details`` (JSON).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence

from bot.flows.kinds.registry import waiting_names
from bot.flows.model.trail import TrailEntry
from bot.flows.understanding.text import has_phrase, normalize

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
                "answer": entry.answer, "label": label or entry.answer_text,
                "source": entry.source, "matched": entry.matched}
        answered.pop(key, None)
        answered[key] = item
    return list(answered.values())


def origin(item: Mapping[str, Any], words: Sequence[str]) -> str:
    """Where an answer came from, when the person was not asked: " (from their first message)",
    " (from an earlier message)"; empty for answers they gave to the question itself.

    Answers filled from earlier messages (``source: earlier``) are the bot's reading, so the
    engineer is told they were inferred.
    """
    if item.get("source") != "earlier":
        return ""
    matched = normalize(str(item.get("matched") or ""))
    said = [w for w in words if matched and has_phrase(normalize(w), matched)]
    if not said:
        return " (recognised in what they said earlier)"  # an entity ("os: macos") or older messages
    return " (from their first message)" if said[0] == words[0] else " (from an earlier message)"


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
    """Build the ticket's summary for the engineer, and its details.

    The summary starts with the key facts, one per line (the problem, the person's own words,
    why it came to a person, what the flow noted, the details recognised), then
    one ``question → answer`` line per question asked, the knowledge-base articles shown, the
    person's latest words and the priority. Who asked and on which channel are ticket fields of their own, so the
    text never starts with a sender id or a channel name.

    Args:
        context: what the bot learned.
        priority: the decided priority.
        priority_reasons: why (from the priority rules).
        label_of: resolves button values to labels (see :func:`questions_and_answers`).

    Returns:
        The summary text and the details document.
    """
    words = user_words(context.transcript)
    if context.flow_description:
        topic = context.flow_description.rstrip(".")
    elif context.category != "general":
        topic = context.category.replace("_", " ").capitalize()
    elif words:
        topic = f"Asked for a person about: “{_clip(words[0], 100)}”"
    else:
        topic = "Asked for a person"
    lines = [_sentence(topic)]
    if words and (context.flow_description or context.category != "general"):
        lines.append(f"In their words: “{_clip(words[0])}”")
    lines.append(_sentence(f"Handed to a person because {REASONS.get(context.reason, context.reason)}"))
    if context.flow_summary:
        lines.append(_sentence(_clip(context.flow_summary, 300)))
    known = [f"{ENTITY_LABELS.get(k, k.replace('_', ' '))} {v}" for k, v in context.entities.items() if v]
    if known:
        lines.append("Details: " + ", ".join(known) + ".")
    qa = questions_and_answers(context.trail, label_of)
    if qa:
        shown = qa[:MAX_ANSWERS]
        lines.append("Questions and answers:")
        lines.extend(
            f"- {_clip(str(item['question'] or item['step']), 100).rstrip('?')}? → {item['label']}{origin(item, words)}"
            for item in shown
        )
        if len(qa) > len(shown):
            lines.append(f"- (+{len(qa) - len(shown)} more in the details)")
    if context.kb:
        shown_kb = []
        for item in context.kb:
            verdict = {True: "helped", False: "did not help"}.get(item.helpful, "no feedback")  # type: ignore[arg-type]
            titles = ", ".join(f"“{t}”" for t in list(item.articles)[:2]) or "nothing found"
            shown_kb.append(f"{titles} ({verdict})")
        lines.append("Knowledge base shown: " + "; ".join(shown_kb) + ".")
    elif not qa:
        lines.append("Nothing was tried before the handover.")
    later = words[1:]
    if later and context.reason == "user_request":
        lines.append(f"Latest message: “{_clip(later[-1])}”")
    # Last, as before: the ticket's priority field is shown next to the summary anyway.
    raised_by = [reason.split(":", 1)[0] for reason in priority_reasons if "raised to" in reason]
    lines.append(f"Priority {priority}" + (f" ({', '.join(raised_by)})" if raised_by else "") + ".")
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
    return Summary("\n".join(lines), details)


@dataclass(frozen=True)
class Summary:
    """A ticket's summary text and its details document."""

    text: str
    details: Dict[str, Any]
