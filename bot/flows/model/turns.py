"""What goes into and comes out of the flow engine for one user turn."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional

OUTCOMES = ("resolved", "escalated", "abandoned")
ESCALATION_REASONS = ("flow", "gave_up", "user_request", "loop", "error")

FLOW_ANSWER_INTENT = "flow_answer"
FLOW_ANSWER_ENTITY = "flow_answer"
_PAYLOAD_RE = re.compile(r"^/flow_answer(\{.*\})\s*$", re.DOTALL)


@dataclass
class UserTurn:
    """One user message as NLU understood it.

    Attributes:
        text: what the user typed (for a button click: the payload).
        intent: top intent name, or None.
        confidence: the top intent's confidence, 0..1.
        entities: entity name → value from this message.
        slots: the conversation's current slot values (e.g. ``error_code``).
        button_value: the ``flow_answer`` entity when the user clicked one of our buttons.
        history: the person's earlier messages in this conversation (before this one), oldest
            first; a flow that starts keeps them for ``fill_from: [messages]``.
        last_flow: the ``flow_last`` slot: the last flow that ended, its outcome, answers and
            trail (so "it's not fixed" can reopen a resolved flow).
    """

    text: str = ""
    intent: Optional[str] = None
    confidence: float = 0.0
    entities: Dict[str, Any] = field(default_factory=dict)
    slots: Dict[str, Any] = field(default_factory=dict)
    button_value: Optional[str] = None
    history: List[str] = field(default_factory=list)
    last_flow: Optional[Dict[str, Any]] = None


@dataclass
class BotMessage:
    """A message for the user.

    Attributes:
        text: markdown text.
        buttons: ``{"title", "payload"}`` dicts; payloads are ``/flow_answer{"flow_answer":"v"}``.
        image: image URL or None.
        link: ``{"title", "url"}`` or None.
        articles: KB hits shown in ``text`` too, as ``{"title","url","snippet"}`` for channels
            that render cards.
    """

    text: str
    buttons: List[Dict[str, str]] = field(default_factory=list)
    image: Optional[str] = None
    link: Optional[Dict[str, str]] = None
    articles: List[Dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> Dict[str, Any]:
        """A JSON-serialisable copy."""
        return asdict(self)


@dataclass
class FlowOutcome:
    """A flow that ended this turn.

    Attributes:
        flow: the flow id.
        outcome: "resolved", "escalated" or "abandoned".
        trail: the trail entries of this flow (including flows it was linked from).
        answers: the answers collected so far (shared by called and linked flows).
    """

    flow: str
    outcome: str
    trail: List[Dict[str, Any]] = field(default_factory=list)
    answers: Dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> Dict[str, Any]:
        """A JSON-serialisable copy."""
        return asdict(self)


@dataclass
class Escalation:
    """A request to hand the conversation to a human (the caller opens the ticket).

    Attributes:
        flow: the flow that escalated (the innermost one when flows were called).
        team: queue to route to.
        priority: low | normal | high | urgent.
        summary: rendered one-line summary for the ticket.
        reason: "flow" (an escalate step), "gave_up" (answers not understood), "user_request",
            "loop" (runaway flow) or "error" (a flow referenced something that is gone).
        trail: the whole conversation trail of the flow session.
        answers: the answers collected.
    """

    flow: str
    team: str
    priority: str
    summary: str
    reason: str
    trail: List[Dict[str, Any]] = field(default_factory=list)
    answers: Dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> Dict[str, Any]:
        """A JSON-serialisable copy."""
        return asdict(self)


@dataclass
class TurnResult:
    """What the engine did with a turn.

    Attributes:
        messages: messages to send, in order.
        state: the new ``flow_state`` slot value (JSON dict) or None when no flow is active.
        ended: flows that ended this turn, innermost first (several with link/call/switch).
        escalation: set when the conversation must go to a human.
        aside: an interruption the caller answers before the flow's own messages (a ticket's
            status, adding to a ticket, timing, a phone number): ``{"kind", "reference"}``.
    """

    messages: List[BotMessage] = field(default_factory=list)
    state: Optional[Dict[str, Any]] = None
    ended: List[FlowOutcome] = field(default_factory=list)
    escalation: Optional[Escalation] = None
    aside: Optional[Dict[str, Any]] = None

    @property
    def handled(self) -> bool:
        """False when the engine did nothing (no flow active or started): the caller falls back."""
        return bool(self.messages or self.state is not None or self.ended or self.escalation or self.aside)


def flow_answer_payload(value: str) -> str:
    """The Rasa payload a button sends: ``/flow_answer{"flow_answer":"<value>"}``."""
    return "/flow_answer" + json.dumps({FLOW_ANSWER_ENTITY: value}, separators=(",", ":"), ensure_ascii=False)


def parse_flow_answer_payload(text: str) -> Optional[str]:
    """The value inside a ``/flow_answer{...}`` payload, or None if ``text`` is not one."""
    match = _PAYLOAD_RE.match(text.strip()) if text else None
    if not match:
        return None
    try:
        data = json.loads(match.group(1))
    except ValueError:
        return None
    value = data.get(FLOW_ANSWER_ENTITY) if isinstance(data, dict) else None
    return None if value is None else str(value)


def button(title: str, value: str) -> Dict[str, str]:
    """A button dict whose payload answers the current question with ``value``."""
    return {"title": title, "payload": flow_answer_payload(value)}


def yes_no_buttons() -> List[Dict[str, str]]:
    """The Yes/No buttons used by yes_no asks and switch confirmations."""
    return [button("Yes", "yes"), button("No", "no")]


def resolve_buttons() -> List[Dict[str, str]]:
    """The buttons of "did that fix it?": Yes, No, and the honest in-betweens."""
    return yes_no_buttons() + [button("Partly", "partly"), button("Not yet", "not_yet")]
