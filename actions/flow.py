"""action_flow: one user turn of a troubleshooting flow (the engine does the work)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import FrontlineAction
from actions.escalate import open_ticket
from actions.asides import answer_aside
from bot.adapters.rasa_sdk import channel_of, dispatch, user_turn
from bot.flows.runtime.compose import compact

#: Trail entries kept in ``flow_last`` so "it's not fixed" can reopen a flow with its context.
MAX_TRAIL = 60


class ActionFlow(FrontlineAction):
    """Start the flow a topic triggers, or feed the user's answer to the active flow."""

    def name(self) -> Text:
        return "action_flow"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        state = tracker.get_slot("flow_state")
        turn = user_turn(tracker)
        result = self.services.engine.handle(state, turn)
        if not state and result.state is None and not result.messages and not result.ended:
            dispatcher.utter_message(
                text=(
                    "I understand what the problem is about, but I don't have a troubleshooting "
                    "guide for it yet. I can get an engineer to look at it — just say "
                    "\"talk to a human\"."
                ),
                buttons=[{"title": "Talk to a human", "payload": "/request_human"}],
            )
            return []
        events: List[Dict[Text, Any]] = []
        if result.aside is not None:
            events.extend(await answer_aside(self.services, result.aside, dispatcher, tracker, domain))
        dispatch(dispatcher, compact(result.messages))
        events.append(SlotSet("flow_state", result.state))

        ticket_id: Optional[int] = None
        if result.escalation is not None:
            esc = result.escalation
            ticket_id = open_ticket(
                self.services, tracker, dispatcher,
                category=esc.flow, team=esc.team, priority=esc.priority,
                summary=esc.summary, reason=esc.reason, answers=esc.answers, trail=esc.trail,
            ).ticket.id
        for ended in result.ended:
            self.services.flow_runs.record(
                conversation_id=tracker.sender_id,
                channel=channel_of(tracker),
                flow_id=ended.flow,
                outcome=ended.outcome,
                answers=ended.answers,
                trail=ended.trail,
                started_at=_started_at(ended.trail, self.services.clock()),
                ticket_id=ticket_id if ended.outcome == "escalated" else None,
            )
            events.append(SlotSet("flow_last", {
                "flow": ended.flow, "outcome": ended.outcome, "answers": ended.answers, "trail": ended.trail[-MAX_TRAIL:],
            }))
        return events


def _started_at(trail: List[Dict[str, Any]], default: datetime) -> datetime:
    """When the flow started: the time of its first trail entry."""
    for entry in trail:
        at = entry.get("at")
        if at:
            try:
                return datetime.fromisoformat(at)
            except ValueError:
                break
    return default
