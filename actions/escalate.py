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
from bot.db.repositories import Ticket
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

    A contact route the person gave before any ticket existed (``pending_contacts``) is put on
    the ticket here, whichever way it was opened (a flow's escalation, "talk to a human").

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

    def hand_over_now(may_ask_route: bool) -> Any:
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
        asks_route = may_ask_route and services.teams is not None and services.teams.get().asks_contact_route(category)
        return hand_over(services.escalations, services.handoff, request, ask_contact_route=asks_route)

    # A number given before any ticket existed ("call me on …" mid-flow) goes onto this ticket,
    # and the engineer then has a way to reach the person: no need to ask for one.
    route = await asyncio.to_thread(services.pending_contacts.take, tracker.sender_id)
    try:
        handed = await asyncio.to_thread(hand_over_now, route is None)
    except Exception:
        if route:  # kept for the next try
            await asyncio.to_thread(services.pending_contacts.remember, tracker.sender_id, route)
        raise
    if route:
        await save_contact(services, handed.result.ticket, requester.id, route)
    marker = messages.requested(channel) if handed.live else None
    dispatcher.utter_message(text=handed.text, json_message=dict(marker.custom) if marker and marker.custom else None)
    services.worker.wake()
    return handed.result


async def save_contact(services: Services, ticket: Ticket, requester_id: str, route: Optional[str]) -> None:
    """Put the person's contact route on ``ticket`` where the engineer reads it.

    The route goes to the ticket's ``contact_route`` (not redacted: the person gave it to be
    contacted on); the timeline event only says there is one, as events are redacted. A desk
    message already posted is updated so it shows the route.

    Args:
        services: the action server's services.
        ticket: the ticket that gets the route.
        requester_id: who gave it (the ticket event's author).
        route: a phone number or an e-mail address (nothing happens without one).
    """
    if not route:
        return
    updated = await asyncio.to_thread(
        services.tickets.set_contact_route, ticket.id, route, requester_id,
        "The requester gave a contact route (see the ticket).",
    )
    await services.handoff.refresh_desk(updated)
