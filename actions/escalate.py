"""Shared by the actions that hand a user to a human: open the ticket, start the handoff, tell
the user what happens next."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.adapters.rasa_sdk import ENTITY_SLOTS, channel_of, latest_entities
from bot.escalation import EscalationRequest, EscalationResult
from bot.handoff import messages
from bot.services import Services
from bot.tickets.summary import KbShown

PAYLOAD = re.compile(r"^/[A-Za-z_]+(\{.*\})?\s*$", re.DOTALL)
EXTERNAL_PREFIX = "EXTERNAL: "
TRANSCRIPT_LIMIT = 80
# Asked after escalating a flow whose problem may cut off the usual routes (config/teams.yml,
# ask_contact_route): locked out of the account, e-mail or MFA. The answer is a give_phone turn.
CONTACT_ROUTE_QUESTION = (
    "Since your account or e-mail may be what's not working: **how should the engineer reach you?** "
    "Type a phone number (for example \"call me on 07700 900123\") or another e-mail address, and "
    "I'll add it to the ticket."
)


def requester_of(tracker: Tracker) -> Tuple[str, Optional[str]]:
    """Who is talking: a stable id for the person and their display name, if known.

    In Slack the person is ``slack:<team>:<user>`` whichever DM or thread they write from, so
    their tickets follow them; elsewhere the conversation id is the best identity there is.
    """
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    slack = metadata.get("slack") if isinstance(metadata, dict) else None
    if isinstance(slack, dict) and slack.get("team") and slack.get("user"):
        return f"slack:{slack['team']}:{slack['user']}", slack.get("display_name") or None
    return tracker.sender_id, None


def conversation_transcript(tracker: Tracker, limit: int = TRANSCRIPT_LIMIT) -> List[Dict[str, Any]]:
    """The conversation as a person reads it, oldest first: what the user typed (a button click
    shows as the button's title), the bot's replies, and engineers' messages."""
    lines: List[Dict[str, Any]] = []
    last_buttons: List[Mapping[str, Any]] = []
    for event in tracker.events:
        kind = event.get("event")
        text = event.get("text")
        if kind == "bot":
            last_buttons = list((event.get("data") or {}).get("buttons") or [])
            if text:
                engineer = (event.get("metadata") or {}).get("engineer")
                line = {"from": "engineer" if engineer else "bot", "text": text, "at": event.get("timestamp")}
                if engineer:
                    line["engineer"] = engineer
                lines.append(line)
        elif kind == "user" and text and not str(text).startswith(EXTERNAL_PREFIX):
            shown = str(text)
            if PAYLOAD.match(shown.strip()):
                shown = next((str(b.get("title")) for b in last_buttons if b.get("payload") == text), shown)
            lines.append({"from": "user", "text": shown, "at": event.get("timestamp")})
    return lines[-limit:]


def kb_shown(services: Services, conversation_id: str, trail: Sequence[Mapping[str, Any]]) -> List[KbShown]:
    """Knowledge-base answers the user saw in this conversation, with their feedback.

    Recorded answers (``kb_answers``, with Yes/No feedback) come first; articles a flow's ``kb``
    step showed are added when they were not recorded there.
    """
    shown: List[KbShown] = []
    feedback = getattr(services, "kb_feedback", None)
    if feedback is not None:
        for record in feedback.for_conversation(conversation_id):
            if record.found:
                shown.append(KbShown(record.query, list(record.articles), record.helpful))
    queries = {item.query for item in shown}
    for entry in trail:
        if entry.get("kind") == "kb" and entry.get("text") not in queries:
            shown.append(KbShown(str(entry.get("text") or ""), [str(t) for t in entry.get("answer") or []], None))
    return shown


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
    """Open or update the requester's ticket, start the live handoff and tell the user.

    Nothing here waits for Slack or an external ticket system: the desk post and the sink
    deliveries happen in the action server's background worker, woken at the end.
    """
    entities = {name: tracker.get_slot(name) for name in ENTITY_SLOTS if tracker.get_slot(name)}
    entities.update(latest_entities(tracker))
    entities.pop("flow_answer", None)
    requester_id, requester_name = requester_of(tracker)
    flow = services.flows.get().get(category)
    channel = channel_of(tracker)
    result = services.escalations.escalate(
        EscalationRequest(
            requester_id=requester_id,
            requester_name=requester_name,
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
            transcript=conversation_transcript(tracker),
            flow_description=flow.description if flow is not None else None,
            kb=kb_shown(services, tracker.sender_id, trail),
        )
    )
    ticketing = services.ticketing
    start = ticketing.handoff.open(result.ticket)
    ref = result.ticket.reference
    if result.created:
        text = start.text
        teams = getattr(services, "teams", None)
        if teams is not None and teams.get().asks_contact_route(category):
            text += "\n\n" + CONTACT_ROUTE_QUESTION
    else:
        added = "what we just went through" if trail else "this conversation"
        text = f"You already have an open ticket for this, **{ref}** — I've added {added} to it."
        if start.mode == "live" and start.handoff is not None and start.handoff.state == "claimed":
            text += f" {start.handoff.engineer_name or 'An engineer'} is already on it."
    marker = messages.requested(channel) if start.mode == "live" else None
    dispatcher.utter_message(text=text, json_message=dict(marker.custom) if marker and marker.custom else None)
    ticketing.worker.wake()
    return result
