"""Open (or update) an escalation ticket from what the bot learned in a conversation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence

from bot.db.repositories import Ticket, TicketStore


@dataclass(frozen=True)
class EscalationRequest:
    """Everything a ticket needs, gathered by the action from the tracker and the engine."""

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


@dataclass(frozen=True)
class EscalationResult:
    """The ticket, and whether it was newly opened or an open one was updated."""

    ticket: Ticket
    created: bool


class EscalationService:
    """Turns escalation requests into tickets, guarding against duplicates."""

    def __init__(self, tickets: TicketStore) -> None:
        self._tickets = tickets

    def escalate(self, request: EscalationRequest) -> EscalationResult:
        """Open a ticket, or add to the requester's open ticket for the same problem.

        The duplicate guard keeps one ticket per requester and problem: escalating the same
        flow again while a ticket is open adds the new trail to that ticket as a message.
        """
        details: Dict[str, Any] = {
            "reason": request.reason,
            "entities": dict(request.entities),
            "answers": dict(request.answers),
            "trail": list(request.trail),
            "transcript": list(request.transcript),
        }
        existing = self._tickets.find_open(request.requester_id, request.category)
        if existing is not None:
            self._tickets.add_event(
                existing.id, "message", request.requester_id,
                f"Escalated again: {request.summary}", details,
            )
            return EscalationResult(existing, created=False)
        ticket = self._tickets.create(
            requester_id=request.requester_id,
            requester_name=request.requester_name,
            category=request.category,
            team=request.team,
            priority=request.priority,
            summary=request.summary,
            channel=request.channel,
            conversation_id=request.conversation_id,
            details=details,
        )
        return EscalationResult(ticket, created=True)

    def tickets_of(self, requester_id: str, open_only: bool = True) -> List[Ticket]:
        """The requester's tickets, newest first."""
        return self._tickets.list_for_requester(requester_id, open_only=open_only)

    def ticket(self, reference: str, requester_id: str) -> Optional[Ticket]:
        """The ticket with ``reference`` if it belongs to ``requester_id`` (others stay private)."""
        ticket = self._tickets.get_by_reference(reference)
        return ticket if ticket is not None and ticket.requester_id == requester_id else None
