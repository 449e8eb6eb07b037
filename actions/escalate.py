"""Shared by the actions that hand a user to a human: open the ticket, tell the user."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.adapters.rasa_sdk import channel_of, latest_entities, transcript, ENTITY_SLOTS
from bot.escalation import EscalationRequest, EscalationResult
from bot.services import Services


def open_ticket(
    services: Services,
    tracker: Tracker,
    dispatcher: CollectingDispatcher,
    *,
    category: str,
    team: str,
    priority: str,
    summary: str,
    reason: str,
    answers: Mapping[str, Any],
    trail: Sequence[Mapping[str, Any]],
) -> EscalationResult:
    """Open or update the requester's ticket and tell them its reference."""
    entities = {name: tracker.get_slot(name) for name in ENTITY_SLOTS if tracker.get_slot(name)}
    entities.update(latest_entities(tracker))
    entities.pop("flow_answer", None)
    result = services.escalations.escalate(
        EscalationRequest(
            requester_id=tracker.sender_id,
            channel=channel_of(tracker),
            conversation_id=tracker.sender_id,
            category=category,
            team=team,
            priority=priority,
            summary=summary,
            reason=reason,
            entities=entities,
            answers=answers,
            trail=trail,
            transcript=transcript(tracker),
        )
    )
    ref = result.ticket.reference
    if result.created:
        dispatcher.utter_message(
            text=(
                f"I've opened ticket **{ref}** for the {result.ticket.team} team. An engineer will "
                "pick it up and reply right here — you won't need to repeat anything, they can see "
                "everything we tried. You can ask me \"what's the status of my ticket?\" at any time."
            )
        )
    else:
        dispatcher.utter_message(
            text=f"You already have an open ticket for this, **{ref}** — I've added what we just tried to it."
        )
    return result
