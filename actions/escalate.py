"""Shared by the actions that hand a user to a human: gather what the tracker knows, open the
ticket and start the handoff (:func:`bot.escalation.hand_over`), tell the user what happens next.
"""

from __future__ import annotations

import asyncio
from typing import Any, Mapping, Optional, Sequence

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.action_server.services import Services
from bot.adapters.rasa_sdk import channel_of, latest_entities, requester_of
from bot.contract import ENTITY_SLOTS, FLOW_ANSWER_ENTITY
from bot.escalation import EscalationRequest, EscalationResult, hand_over, kb_shown
from bot.handoff import messages
from bot.security.identity import client_key_of
from bot.security.ticket_limits import too_many_tickets
from bot.tickets.transcript import conversation_transcript


async def open_ticket(
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
) -> Optional[EscalationResult]:
    """Open or update the requester's ticket, start the live handoff and tell the user.

    Returns None (and tells the user) when the requester may not open another ticket now.
    The database work runs off the event loop; the desk post and the sink deliveries happen in
    the action server's background worker, woken at the end.
    """
    entities = {name: tracker.get_slot(name) for name in ENTITY_SLOTS if tracker.get_slot(name)}
    entities.update(latest_entities(tracker))
    entities.pop(FLOW_ANSWER_ENTITY, None)
    requester = requester_of(tracker)
    limits = services.ticket_limits
    if limits is not None:
        # An update to the requester's open ticket for this problem is never limited.
        open_for_category = await asyncio.to_thread(
            lambda: any(t.category == category for t in services.escalations.tickets_of(requester.id))
        )
        client_key = client_key_of((tracker.latest_message or {}).get("metadata"))
        if not open_for_category and not limits.allow_new(requester.id, client_key):
            dispatcher.utter_message(text=too_many_tickets(services.settings.support_contact))
            return None
    flow = services.flows.get().get(category)
    channel = channel_of(tracker)

    def hand_over_now() -> Any:
        request = EscalationRequest(
            requester_id=requester.id,
            requester_name=requester.name,
            requester_email=requester.email,
            channel=channel,
            conversation_id=tracker.sender_id,
            category=category,
            team=team,
            priority=priority,
            summary=summary,
            reason=reason,
            entities=entities,
            answers=answers,
            trail=trail,
            transcript=conversation_transcript(tracker.events),
            flow_description=flow.description if flow is not None else None,
            kb=kb_shown(services.kb_feedback, tracker.sender_id, trail),
        )
        asks_route = services.teams is not None and services.teams.get().asks_contact_route(category)
        return hand_over(services.escalations, services.handoff, request, ask_contact_route=asks_route)

    handed = await asyncio.to_thread(hand_over_now)
    marker = messages.requested(channel) if handed.live else None
    dispatcher.utter_message(text=handed.text, json_message=dict(marker.custom) if marker and marker.custom else None)
    services.worker.wake()
    return handed.result
