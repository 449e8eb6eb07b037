"""Typed trail entries: what the flow did and what the user answered, step by step.

The trail is stored as JSON in the ``flow_state`` slot, in flow runs and in ticket details, so an
entry is written with :meth:`TrailEntry.to_json` and read with :meth:`TrailEntry.from_json`, which
also accepts the dicts stored by older versions (no ``label``, missing keys).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional


@dataclass
class TrailEntry:
    """One step executed or one event (restart, cancel, switch …) of a flow session.

    Attributes:
        flow: the flow running at the time.
        step: the step id (None for events outside a step).
        kind: the step kind's name, or the event ("give_up", "restart", "request_human" …).
        text: what was said, asked or searched.
        answer: the answer or result (JSON), None until a question is answered.
        at: ISO time.
        label: how the answer read when it was given (a button's label), so later edits to the
            flow never change what an old ticket says; None when the answer is its own label.
        unusable: replies that were not understood before the answer.
        source: where the answer came from ("button", "typed", "synonym", "ordinal", "earlier" …,
            see ``bot.flows.understanding.result.SOURCES``); None for events and old entries.
        matched: the words that gave the answer ("home wifi"), when it was not simply typed.
    """

    flow: Optional[str]
    step: Optional[str]
    kind: str
    text: Any = None
    answer: Any = None
    at: Optional[str] = None
    label: Optional[str] = None
    unusable: List[str] = field(default_factory=list)
    source: Optional[str] = None
    matched: Optional[str] = None

    def to_json(self) -> Dict[str, Any]:
        """The entry as stored (``label``/``unusable`` only when set, as older readers expect)."""
        data: Dict[str, Any] = {
            "flow": self.flow,
            "step": self.step,
            "kind": self.kind,
            "text": self.text,
            "answer": self.answer,
            "at": self.at,
        }
        if self.label is not None:
            data["label"] = self.label
        if self.unusable:
            data["unusable"] = list(self.unusable)
        if self.source is not None:
            data["source"] = self.source
        if self.matched:
            data["matched"] = self.matched
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "TrailEntry":
        """Read a stored entry; tolerates entries written by older versions."""
        label = data.get("label")
        unusable = data.get("unusable")
        return cls(
            flow=_text_or_none(data.get("flow")),
            step=_text_or_none(data.get("step")),
            kind=str(data.get("kind") or ""),
            text=data.get("text"),
            answer=data.get("answer"),
            at=_text_or_none(data.get("at")),
            label=str(label) if label is not None else None,
            unusable=[str(u) for u in unusable] if isinstance(unusable, list) else [],
            source=_text_or_none(data.get("source")),
            matched=_text_or_none(data.get("matched")),
        )

    @property
    def answer_text(self) -> Any:
        """The answer as a person reads it: the recorded label, yes/no, or the value."""
        if self.label is not None:
            return self.label
        if isinstance(self.answer, bool):
            return "yes" if self.answer else "no"
        return self.answer


def _text_or_none(value: Any) -> Optional[str]:
    return None if value is None else str(value)
