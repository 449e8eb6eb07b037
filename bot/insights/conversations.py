"""Split one sender's tracker events into conversations and classify each one (pure).

The definitions are in docs/insights.md; in short:

- A **conversation** starts with a user message that follows a Rasa session start or more than
  the idle time of silence; bot messages after a silence (an engineer answering later) still
  belong to the conversation they answer.
- It **ends** when nothing has happened for the idle time. Its **outcome** is exactly one of:
  *escalated* (a ticket was opened or updated: a flow escalated, or the person asked for a human);
  else *abandoned* (the bot was waiting for an answer it needed — a flow question or a
  clarifying question — and none came); else *contained*, split into *confirmed resolved* (a
  flow's fix was confirmed, or a knowledge-base answer got "Yes") and *left without asking for
  more*.
- **Escalation reason**: ``failed_flow`` (a flow ran out of steps, could not understand the
  answers, looped or failed), ``asked_for_person`` (the person asked, in or outside a flow),
  ``low_confidence`` (the person picked "Talk to a human" on a clarifying question, i.e. the
  bot did not understand them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Dict, Iterable, List, Optional, Tuple

from bot.insights.tracker_events import TrackerEvent

CHANNELS = {"socketio": "web", "rest": "rest", "slack": "slack"}
SESSION_START = "action_session_start"
CLARIFY = "action_clarify"
REQUEST_HUMAN = "action_request_human"
KB_FEEDBACK = "action_kb_feedback"
IGNORED_ACTIONS = frozenset({"action_listen", SESSION_START})
FLOW_STATE_SLOT = "flow_state"
FLOW_LAST_SLOT = "flow_last"
YES = ("yes", "y", "true", "1", "helpful")
AFTER_CLARIFY = ("topic", "rephrased", "human", "fallback", "left")
RUN_OUTCOMES = {"resolved": "resolved", "escalated": "escalated", "abandoned": "cancelled"}


def channel_name(input_channel: Optional[str]) -> str:
    """Our name for a Rasa input channel: ``web`` (the widget's socket.io), ``slack``, ``rest``."""
    if not input_channel:
        return "unknown"
    return CHANNELS.get(input_channel, input_channel)


@dataclass
class FlowRun:
    """One run of a flow in a conversation: the questions it waited at, in order, and its end.

    ``outcome`` is resolved, escalated, cancelled, or ``open`` (still waiting at the last step
    when the conversation's last event happened).
    """

    flow: str
    steps: List[str] = field(default_factory=list)
    outcome: str = "open"


@dataclass
class Conversation:
    """The facts the metrics need about one conversation."""

    sender_id: str
    start_event_id: int
    last_event_id: int
    started_at: datetime
    last_event_at: datetime
    channel: str = "unknown"
    user_turns: int = 0
    fallbacks: int = 0
    clarifications: int = 0
    escalation_reason: Optional[str] = None
    resolved: bool = False
    awaiting: Optional[str] = None  # "flow" or "clarify" at the last event
    after_clarify: Dict[str, int] = field(default_factory=lambda: {k: 0 for k in AFTER_CLARIFY})
    runs: List[FlowRun] = field(default_factory=list)
    end_flow: Optional[str] = None
    end_step: Optional[str] = None

    @property
    def outcome(self) -> str:
        """What the conversation counts as once it has ended (exactly one outcome)."""
        if self.escalation_reason is not None:
            return "escalated"
        if self.awaiting is not None:
            return "abandoned"
        return "contained_resolved" if self.resolved else "contained_left"

    @property
    def flow(self) -> Optional[str]:
        """The first flow the conversation ran (the ``--flow`` filter matches it)."""
        return self.runs[0].flow if self.runs else None


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc)


class _Builder:
    """Feeds one conversation's events through the classification, in order."""

    def __init__(self, sender_id: str, first: TrackerEvent, carried: Optional[Tuple[str, str]]) -> None:
        at = _utc(first.timestamp)
        self.conv = Conversation(sender_id, first.id, first.id, at, at)
        self.last_ts = first.timestamp
        self.last_action: Optional[str] = None  # the last bot action before the current user turn
        self.action_before_user: Optional[str] = None
        self.user_intent: Optional[str] = None
        self.user_yes = False
        self.pending_clarify = False
        self.run: Optional[FlowRun] = None
        if carried is not None:  # a flow still waiting from the previous conversation
            self.run = FlowRun(carried[0], [carried[1]])
            self.conv.runs.append(self.run)

    def feed(self, event: TrackerEvent) -> None:
        conv = self.conv
        kind = event.type_name
        if kind in ("user", "bot"):
            conv.last_event_id = event.id
            self.last_ts = event.timestamp
        if kind == "user":
            self._user(event)
        elif kind == "action" and event.action_name and event.action_name not in IGNORED_ACTIONS:
            self._action(event.action_name)
        elif kind == "slot" and event.data:
            self._slot(event.data.get("name"), event.data.get("value"))

    def _user(self, event: TrackerEvent) -> None:
        conv = self.conv
        conv.user_turns += 1
        # The JSON body is parsed only when needed (see TrackerEvent.data).
        if conv.channel == "unknown":
            conv.channel = channel_name((event.data or {}).get("input_channel"))
        intent = event.intent_name
        if intent == "nlu_fallback":
            conv.fallbacks += 1
        if self.pending_clarify:
            if intent == "request_human":
                what = "human"
            elif intent == "nlu_fallback":
                what = "fallback"
            elif str((event.data or {}).get("text") or "").startswith("/"):
                what = "topic"
            else:
                what = "rephrased"
            conv.after_clarify[what] += 1
            self.pending_clarify = False
            if conv.awaiting == "clarify":
                conv.awaiting = None
        self.action_before_user = self.last_action
        self.user_intent = intent
        self.user_yes = intent == "affirm"
        if intent == "kb_feedback":
            entities = (((event.data or {}).get("parse_data") or {}).get("entities")) or []
            helpful = next((str(e.get("value")).lower() for e in entities if e.get("entity") == "kb_helpful"), "")
            self.user_yes = helpful in YES

    def _escalate(self, reason: str) -> None:
        if self.conv.escalation_reason is None:
            self.conv.escalation_reason = reason

    def _human_reason(self) -> str:
        came_from_clarify = self.action_before_user == CLARIFY
        return "low_confidence" if came_from_clarify else "asked_for_person"

    def _action(self, name: str) -> None:
        self.last_action = name
        if name == CLARIFY:
            self.conv.clarifications += 1
            self.pending_clarify = True
            self.conv.awaiting = "clarify"
        elif name == REQUEST_HUMAN:
            self._escalate(self._human_reason())
        elif name == KB_FEEDBACK and self.user_yes:
            self.conv.resolved = True

    def _slot(self, name: object, value: object) -> None:
        conv = self.conv
        if name == FLOW_STATE_SLOT:
            if isinstance(value, dict) and value.get("flow") and value.get("step"):
                flow, step = str(value["flow"]), str(value["step"])
                if self.run is None or self.run.flow != flow or self.run.outcome != "open":
                    self.run = FlowRun(flow)
                    conv.runs.append(self.run)
                if not self.run.steps or self.run.steps[-1] != step:
                    self.run.steps.append(step)
                conv.awaiting = "flow"
            else:
                if conv.awaiting == "flow":
                    conv.awaiting = None
        elif name == FLOW_LAST_SLOT and isinstance(value, dict):
            outcome = str(value.get("outcome") or "")
            if self.run is not None and self.run.outcome == "open":
                self.run.outcome = RUN_OUTCOMES.get(outcome, outcome)
            self.run = None
            if conv.awaiting == "flow":
                conv.awaiting = None
            if outcome == "resolved":
                conv.resolved = True
            elif outcome == "escalated":
                reason = value.get("reason")
                asked = reason == "user_request" or (reason is None and self.user_intent == "request_human")
                self._escalate(self._human_reason() if asked else "failed_flow")

    def finish(self) -> Conversation:
        conv = self.conv
        conv.last_event_at = _utc(self.last_ts)
        if self.pending_clarify:
            conv.after_clarify["left"] += 1
        if self.run is not None and self.run.outcome == "open" and self.run.steps:
            conv.end_flow, conv.end_step = self.run.flow, self.run.steps[-1]
        return conv


def split_conversations(
    sender_id: str,
    events: Iterable[TrackerEvent],
    idle: timedelta,
    carried: Optional[Tuple[str, str]] = None,
) -> List[Conversation]:
    """Split one sender's events (in id order) into classified conversations.

    Args:
        sender_id: the Rasa conversation id (one person on one channel thread).
        events: the sender's events from the first event of a conversation on, oldest first.
        idle: silence after which the next user message starts a new conversation.
        carried: ``(flow, step)`` a flow was waiting at when the previous conversation ended.

    Returns:
        The conversations, oldest first; senders without user messages have none.
    """
    out: List[Conversation] = []
    builder: Optional[_Builder] = None
    new_session = False
    last_at: Optional[float] = None
    for event in events:
        if event.type_name == "action" and event.action_name == SESSION_START:
            new_session = True
            continue
        if event.type_name == "user":
            gap = last_at is not None and event.timestamp - last_at > idle.total_seconds()
            if builder is None or new_session or gap:
                if builder is not None:
                    done = builder.finish()
                    out.append(done)
                    carried = (done.end_flow, done.end_step) if done.end_flow and done.end_step else None
                builder = _Builder(sender_id, event, carried)
                new_session = False
        # Session bookkeeping (carried-over slots, action_listen) before the next user message
        # belongs to no conversation; the carried flow is passed on explicitly instead.
        if builder is None or new_session:
            continue
        builder.feed(event)
        if event.type_name in ("user", "bot"):
            last_at = event.timestamp
    if builder is not None:
        out.append(builder.finish())
    return out
