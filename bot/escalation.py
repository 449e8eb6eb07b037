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
        requester_email: the requester's verified e-mail, stored with a new ticket so the same
            person sees it from another channel; None unless verified.
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
    requester_email: Optional[str] = None


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
            requester_email=request.requester_email,
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


class FeedbackLog(Protocol):
    """Knowledge-base answers recorded in a conversation (:class:`bot.kb.feedback.FeedbackStore`)."""

    def for_conversation(self, conversation_id: str) -> Sequence[Any]:
        """Recorded answers: ``query``, ``found``, ``articles``, ``helpful``."""
        ...


def kb_shown(feedback: Optional[FeedbackLog], conversation_id: str, trail: Sequence[Mapping[str, Any]]) -> List[KbShown]:
    """Knowledge-base answers the user saw in this conversation, with their feedback.

    Recorded answers (``kb_answers``, with Yes/No feedback) come first; articles a flow's ``kb``
    step showed are added when they were not recorded there.
    """
    shown: List[KbShown] = []
    if feedback is not None:
        for record in feedback.for_conversation(conversation_id):
            if record.found:
                shown.append(KbShown(record.query, list(record.articles), record.helpful))
    queries = {item.query for item in shown}
    for entry in trail:
        if entry.get("kind") == "kb" and entry.get("text") not in queries:
            shown.append(KbShown(str(entry.get("text") or ""), [str(t) for t in entry.get("answer") or []], None))
    return shown


@dataclass(frozen=True)
class HandedOver:
    """A person handed to a human: the ticket, what to tell them, and whether it is live.

    Attributes:
        result: the opened (or updated) ticket.
        text: the reply for the person.
        live: engineers on duty were asked to join (the widget shows "requested").
    """

    result: EscalationResult
    text: str
    live: bool


class HandoffStarter(Protocol):
    """Starts the live handoff of a ticket (:meth:`bot.handoff.service.HandoffService.open`)."""

    def open(self, ticket: Ticket) -> Any:
        """Returns ``mode`` (``live``, ``after_hours``, ``queued``), ``text`` and ``handoff``."""
        ...


# Asked after escalating a flow whose problem may cut off the usual routes (config/teams.yml,
# ask_contact_route): locked out of the account, e-mail or MFA. The answer is a give_phone turn.
CONTACT_ROUTE_QUESTION = (
    "Since your account or e-mail may be what's not working: **how should the engineer reach you?** "
    "Type a phone number (for example \"call me on 07700 900123\") or another e-mail address, and "
    "I'll add it to the ticket."
)


def hand_over(
    escalations: EscalationService, handoff: HandoffStarter, request: EscalationRequest, ask_contact_route: bool = False
) -> HandedOver:
    """Open or update the requester's ticket, start the live handoff and word the reply.

    Nothing here waits for Slack or an external ticket system: the desk post and the sink
    deliveries happen in the background worker (wake it after this).

    Args:
        escalations: opens or updates the ticket.
        handoff: starts the live handoff (or says when the desk will answer).
        request: everything the conversation learned.
        ask_contact_route: ask how the engineer should reach the person (their account, e-mail
            or MFA may be what is broken).
    """
    result = escalations.escalate(request)
    start = handoff.open(result.ticket)
    if result.created:
        text = start.text
        if ask_contact_route:
            text += "\n\n" + CONTACT_ROUTE_QUESTION
    else:
        # Honest about what is added: the questions and answers only when there were some.
        added = "what we just went through" if request.trail else "this conversation"
        text = f"You already have an open ticket for this, **{result.ticket.reference}** — I've added {added} to it."
        if start.mode == "live" and start.handoff is not None and start.handoff.state == "claimed":
            text += f" {start.handoff.engineer_name or 'An engineer'} is already on it."
    return HandedOver(result, text, start.mode == "live")
