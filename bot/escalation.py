"""Open (or update) an escalation ticket from what the bot learned in a conversation.

The ticket gets a one-paragraph summary and details (entities, the flow trail with each question
and answer, knowledge-base articles shown and the feedback on them, the transcript) from
:mod:`bot.tickets.summary`, and its priority from the data-driven rules in
:mod:`bot.tickets.priority`. The duplicate guard keeps one open ticket per requester and problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, List, Mapping, Optional, Protocol, Sequence

from bot.db.repositories import Ticket, TicketStore
from bot.tickets.priority import PriorityContext, PriorityDecision, requester_keys
from bot.tickets.summary import KbShown, LabelOf, TicketContext, summarise, user_words

Clock = Callable[[], datetime]
GENERAL = "general"  # the category of a ticket opened without a flow ("talk to a human")


class PriorityPolicy(Protocol):
    """Decides a ticket's priority (see :class:`bot.tickets.priority.PriorityRulesFile`)."""

    def decide(self, context: PriorityContext) -> PriorityDecision:
        """The priority and the reasons."""
        ...


class FlowPriorityOnly:
    """No rules: the flow's priority stands."""

    def decide(self, context: PriorityContext) -> PriorityDecision:
        """Return the base priority."""
        return PriorityDecision(context.base, (f"flow priority: {context.base}",))


@dataclass(frozen=True)
class EscalationRequest:
    """Everything a ticket needs, gathered by the action from the tracker and the engine.

    Attributes:
        requester_id: the person (stable across their conversations where the channel allows).
        channel: the input channel.
        conversation_id: the Rasa conversation.
        category: the flow id, or ``general``.
        team: the team to route to.
        priority: the flow's priority (rules may raise it).
        summary: the flow's own escalation summary (rendered template), or "".
        reason: flow | gave_up | user_request | loop | error.
        entities: entity name → value.
        answers: the flow's saved answers.
        trail: the flow trail.
        transcript: user/bot/engineer lines.
        requester_name: display name, if known.
        flow_description: the flow's description, if any.
        kb: knowledge-base answers shown and their feedback.
        requester_aliases: other identifiers of the requester (e.g. e-mail) for VIP lists.
    """

    requester_id: str
    channel: str
    conversation_id: str
    category: str
    team: str
    priority: str
    summary: str
    reason: str
    entities: Mapping[str, Any]
    answers: Mapping[str, Any]
    trail: Sequence[Mapping[str, Any]]
    transcript: Sequence[Mapping[str, Any]]
    requester_name: Optional[str] = None
    flow_description: Optional[str] = None
    kb: Sequence[KbShown] = ()
    requester_aliases: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True)
class EscalationResult:
    """The ticket, and whether it was newly opened or an open one was updated."""

    ticket: Ticket
    created: bool


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class EscalationService:
    """Turns escalation requests into tickets, guarding against duplicates.

    Args:
        tickets: the ticket store.
        priority: the priority rules (default: the flow's priority stands).
        clock: returns aware UTC datetimes.
        label_of: resolves button values to labels for the summary.
    """

    def __init__(
        self,
        tickets: TicketStore,
        priority: Optional[PriorityPolicy] = None,
        clock: Clock = _utc_now,
        label_of: Optional[LabelOf] = None,
    ) -> None:
        self._tickets = tickets
        self._priority = priority or FlowPriorityOnly()
        self._clock = clock
        self._label_of = label_of

    def escalate(self, request: EscalationRequest) -> EscalationResult:
        """Open a ticket, or add to the requester's open ticket for the same problem.

        The duplicate guard keeps one ticket per requester and problem: escalating the same
        flow again while a ticket is open adds the new summary and trail to that ticket as a
        ``message`` event instead of opening another.
        """
        context = TicketContext(
            requester_id=request.requester_id,
            requester_name=request.requester_name,
            channel=request.channel,
            category=request.category,
            reason=request.reason,
            flow_description=request.flow_description,
            flow_summary=request.summary or None,
            entities=request.entities,
            answers=request.answers,
            trail=request.trail,
            transcript=request.transcript,
            kb=request.kb,
        )
        now = self._clock()
        decision = self._priority.decide(
            PriorityContext(
                base=request.priority,
                text=" ".join(user_words(request.transcript) + [request.summary]),
                requester_keys=requester_keys(request.requester_id, request.requester_name, request.requester_aliases),
                flow=request.category,
                team=request.team,
                # "general" tickets (a person asked for, no flow) share no problem: never a surge.
                open_same_flow=lambda window: 0 if request.category == GENERAL else self._tickets.count_open_since(request.category, now - window),
            )
        )
        summary = summarise(context, decision.priority, decision.reasons, self._label_of)
        existing = self._tickets.find_open(request.requester_id, request.category)
        if existing is not None:
            self._tickets.add_event(
                existing.id, "message", request.requester_id,
                f"Escalated again: {summary.text}", {**summary.details, "source": "bot"},
            )
            return EscalationResult(existing, created=False)
        ticket = self._tickets.create(
            requester_id=request.requester_id,
            requester_name=request.requester_name,
            category=request.category,
            team=request.team,
            priority=decision.priority,
            summary=summary.text,
            channel=request.channel,
            conversation_id=request.conversation_id,
            details=summary.details,
        )
        return EscalationResult(ticket, created=True)

    def tickets_of(self, requester_id: str, open_only: bool = True) -> List[Ticket]:
        """The requester's tickets, newest first."""
        return self._tickets.list_for_requester(requester_id, open_only=open_only)

    def ticket(self, reference: str, requester_id: str) -> Optional[Ticket]:
        """The ticket with ``reference`` if it belongs to ``requester_id`` (others stay private)."""
        ticket = self._tickets.get_by_reference(reference)
        return ticket if ticket is not None and ticket.requester_id == requester_id else None

    def lookup(self, reference: str) -> Optional[Ticket]:
        """The ticket with ``reference``, whoever opened it (callers decide what to reveal)."""
        return self._tickets.get_by_reference(reference)
