"""action_flow: one user turn of a troubleshooting flow (the engine does the work)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import FrontlineAction
from actions.asides import answer_aside
from actions.escalate import open_ticket
from bot.adapters.rasa_sdk import channel_of, dispatch, user_turn
from bot.contract import FLOW_LAST_SLOT, FLOW_STATE_SLOT, human_button


class ActionFlow(FrontlineAction):
    """Start the flow a topic triggers, or feed the user's answer to the active flow."""

    def name(self) -> Text:
        return "action_flow"

    def last_run(self, conversation_id: str, last: Dict[str, Any]) -> Dict[str, Any]:
        """The last flow's answers and trail from ``flow_runs``, so "it's not fixed" can reopen it."""
        return _run_context(self.services.flow_runs.list_for_conversation(conversation_id), last)

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        state = tracker.get_slot(FLOW_STATE_SLOT)
        turn = user_turn(tracker)
        if not state and turn.last_flow and turn.last_flow.get("outcome") == "resolved":
            turn.last_flow = await asyncio.to_thread(self.last_run, tracker.sender_id, turn.last_flow)
        # A turn may search the knowledge base (a flow's kb: step) and read files: off the loop.
        result = await asyncio.to_thread(self.services.engine.handle, state, turn)
        if not state and result.state is None and not result.messages and not result.ended:
            dispatcher.utter_message(
                text=(
                    "I understand what the problem is about, but I don't have a troubleshooting "
                    "guide for it yet. I can get an engineer to look at it — just say "
                    "\"talk to a human\"."
                ),
                buttons=[human_button()],
            )
            return []
        events: List[Dict[Text, Any]] = []
        if result.aside is not None:
            events.extend(await answer_aside(self.services, result.aside, dispatcher, tracker, domain))
        dispatch(dispatcher, result.messages)  # shaped with the rest of the turn in FrontlineAction.run
        events.append(SlotSet(FLOW_STATE_SLOT, result.state))

        ticket_id: Optional[int] = None
        if result.escalation is not None:
            esc = result.escalation
            opened = await open_ticket(
                self.services, tracker, dispatcher,
                category=esc.flow, team=esc.team, priority=esc.priority,
                summary=esc.summary, reason=esc.reason, answers=esc.answers, trail=esc.trail,
            )
            ticket_id = opened.ticket.id if opened is not None else None
        for ended in result.ended:
            await asyncio.to_thread(
                self.services.flow_runs.record,
                conversation_id=tracker.sender_id,
                channel=channel_of(tracker),
                flow_id=ended.flow,
                outcome=ended.outcome,
                answers=ended.answers,
                trail=ended.trail,
                started_at=_started_at(ended.trail, self.services.clock()),
                ticket_id=ticket_id if ended.outcome == "escalated" else None,
            )
            last = {"flow": ended.flow, "outcome": ended.outcome}
            if ended.outcome == "escalated" and result.escalation is not None:
                last["reason"] = result.escalation.reason  # the insights' escalation reason
            events.append(SlotSet(FLOW_LAST_SLOT, last))
        return events


def _run_context(runs: List[Any], last: Dict[str, Any]) -> Dict[str, Any]:
    """``last`` (the flow_last slot) with the answers and trail of that flow's latest run."""
    for run in reversed(runs):
        if run.flow_id == last.get("flow"):
            return {**last, "answers": dict(run.answers or {}), "trail": list(run.trail or [])}
    return dict(last)


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
