"""The small talk of a support chat: thanks, goodbye, "that worked", "it's still not working",
"how long will that take?", "is there a phone number?" — and questions for other teams.

Thin: each action reads the tracker, asks a service (tickets, support hours, the teams and
other-teams directories) and says what is true. No reply celebrates a fix nobody confirmed.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.contract import human_button
from actions.kb import ActionKbFeedback, _answer_pending
from actions.tickets import TicketAction
from bot.adapters.rasa_sdk import button_payload
from bot.db.repositories import Ticket
from bot.support.eta import channel_phrase
from bot.support.phone import how_to_reach_the_desk
from bot.support.other_teams import OtherTeams
from bot.support.teams import TeamDirectory

BYE = re.compile(r"(?<!\w)(bye|goodbye|cya|see (?:you|ya)|ttyl|that'?s all|have a (?:good|nice) \w+|take care)(?!\w)", re.IGNORECASE)
SOLVED = re.compile(
    r"(?<!\w)(?:(?:that|it|this)(?:'s| has| is)? (?:worked|works|fixed it|sorted it|did it|did the trick|done the trick)"
    r"|working (?:now|again)|(?:it'?s|all) (?:fixed|sorted|good now)|problem solved|back up)(?!\w)",
    re.IGNORECASE,
)
THANKS = re.compile(r"(?<!\w)(thanks?|thank you|thx|ty|cheers|ta)(?!\w)", re.IGNORECASE)


def _text(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("text") or "")


def conversation_ticket(action: TicketAction, tracker: Tracker) -> Optional[Ticket]:
    """The person's open ticket this conversation is about: one opened here, else their newest."""
    tickets = action.open_tickets(tracker)
    here = [t for t in tickets if t.conversation_id == tracker.sender_id]
    found = here or tickets
    return found[0] if found else None


def directory_of(action: TicketAction) -> TeamDirectory:
    """The teams directory (defaults when the action server has none)."""
    teams = getattr(action.services, "teams", None)
    return teams.get() if teams is not None else TeamDirectory()


def _farewell(ticket: Optional[Ticket], channel: str) -> str:
    if ticket is not None:
        return (f"Bye! **{ticket.reference}** stays open — the engineer will reply {channel_phrase(channel)}, "
                "and you can ask me about it any time.")
    return "Bye! If the problem comes back, just message me again."


class ActionThanks(TicketAction):
    """"thanks" (alone, with a goodbye, or with "that worked")."""

    def name(self) -> Text:
        return "action_thanks"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        text = _text(tracker)
        if SOLVED.search(text):
            return await solved(self, dispatcher, tracker, domain)
        if BYE.search(text):
            dispatcher.utter_message(text="You're welcome! " + _farewell(conversation_ticket(self, tracker), _channel(tracker)))
            return []
        dispatcher.utter_message(text="You're welcome! Anything else I can help with?")
        return []


class ActionGoodbye(TicketAction):
    """"bye": say goodbye, and where an open ticket stands."""

    def name(self) -> Text:
        return "action_goodbye"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        text = _text(tracker)
        prefix = "You're welcome! " if THANKS.search(text) else ""
        dispatcher.utter_message(text=prefix + _farewell(conversation_ticket(self, tracker), _channel(tracker)))
        return []


def _channel(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or "rest"


async def solved(
    action: TicketAction, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
) -> List[Dict[Text, Any]]:
    """"That worked" outside a flow: close the matter honestly.

    Right after a knowledge-base answer it is a "yes, that helped"; with an open ticket from this
    conversation, the engineer is told it works now; otherwise it is good news the bot takes
    no credit for.
    """
    text = _text(tracker)
    if _answer_pending(tracker) and tracker.get_slot("kb_last"):
        return await ActionKbFeedback(action.services).handle(dispatcher, tracker, domain)
    thanks = "You're welcome — " if THANKS.search(text) else ""
    bye = BYE.search(text)
    ticket = conversation_ticket(action, tracker)
    if ticket is not None and ticket.conversation_id == tracker.sender_id:
        action.services.tickets.add_event(
            ticket.id, "message", ticket.requester_id, text, {"source": "user", "says": "working"}
        )
        reply = (f"{thanks}glad it's working now! I've told the engineer on **{ticket.reference}**, so they can "
                 "confirm and close it.")
    else:
        # No credit taken: the bot only says it is glad; a flow that asked "is it fixed?" has
        # already recorded the confirmed fix.
        reply = f"{thanks}good to hear it's working."
    reply = reply[0].upper() + reply[1:]
    reply += " Bye for now!" if bye else " Anything else I can help with?"
    dispatcher.utter_message(text=reply)
    return []


class ActionProblemSolved(TicketAction):
    """"that worked", "it's working now" when no flow is asking."""

    def name(self) -> Text:
        return "action_problem_solved"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        return await solved(self, dispatcher, tracker, domain)


class ActionNotFixed(TicketAction):
    """"it's still not working" with no flow to reopen (FlowPolicy reopens a resolved flow)."""

    def name(self) -> Text:
        return "action_not_fixed"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        if _answer_pending(tracker) and tracker.get_slot("kb_last"):
            return await ActionKbFeedback(self.services).handle(dispatcher, tracker, domain)
        text = _text(tracker)
        ticket = conversation_ticket(self, tracker)
        if ticket is not None and ticket.conversation_id == tracker.sender_id:
            await self.services.handoff.add_information(ticket, text)
            promises = self.services.promises
            when = f" {promises.text(ticket, self.services.clock())}" if promises is not None else ""
            dispatcher.utter_message(text=(
                f"Sorry it's still not working. I've added that to **{ticket.reference}** for the engineer.{when}"
            ))
            return []
        buttons = []
        last = tracker.get_slot("flow_last") or {}
        flow = self.services.flows.get().get(str(last.get("flow"))) if isinstance(last, dict) and last.get("flow") else None
        if flow is not None:
            intent = next((t.intent for t in flow.triggers if not t.entities), None)
            if intent:
                buttons.append({"title": f"Try again: {flow.description}", "payload": button_payload(intent)})
        dispatcher.utter_message(
            text=("Sorry it's still not working. Tell me what's happening now — what you see, any error "
                  "message — and I'll help, or I can get you a person."),
            buttons=buttons + [human_button()],
        )
        return []


class ActionAskEta(TicketAction):
    """"How long will that take?": from the team's response target and the support hours."""

    def name(self) -> Text:
        return "action_ask_eta"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        ticket = conversation_ticket(self, tracker)
        calendar = self.services.calendar
        if ticket is None:
            dispatcher.utter_message(
                text=("You don't have an open ticket, so nobody is due to get back to you yet. Our engineers "
                      f"work {calendar.describe_hours()}. Tell me what's wrong and I'll help now — or say "
                      "\"talk to a human\" and I'll open a ticket."),
                buttons=[human_button()],
            )
            return []
        dispatcher.utter_message(text=ticket_eta(self, ticket))
        return []


def ticket_eta(action: TicketAction, ticket: Ticket) -> str:
    """When the engineer will answer ``ticket``: who is on it, or the team's reply promise."""
    if ticket.status == "claimed":
        handoff = action.services.handoffs.for_ticket(ticket.id)
        who = handoff.engineer_name if handoff is not None and handoff.engineer_name else "An engineer"
        return f"{who} is already working on **{ticket.reference}** and will reply {channel_phrase(ticket.channel)}."
    promises = action.services.promises
    text = promises.text(ticket, action.services.clock()) if promises is not None else ""
    return f"**{ticket.reference}** is waiting for an engineer. {text}".strip()


class ActionAskPhone(TicketAction):
    """"Is there a phone number?": the service desk's contact details."""

    def name(self) -> Text:
        return "action_ask_phone"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        hours = self.services.calendar.describe_hours()
        dispatcher.utter_message(text=how_to_reach_the_desk(directory_of(self).contact, hours, self.services.settings.support_contact))
        return []


class ActionOtherTeam(TicketAction):
    """A question for HR, facilities or finance: say where to go (config/other_teams.yml)."""

    def name(self) -> Text:
        return "action_other_team"

    async def handle(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        directory = other_teams(self)
        if not point_to_other_team(directory, _text(tracker), dispatcher, always=True):
            dispatcher.utter_message(text=(
                "I'm the IT support assistant, so I can't help with that one. For anything else, please "
                f"contact {self.services.settings.support_contact} and they'll point you to the right team."
            ))
        return []


def other_teams(action: TicketAction) -> OtherTeams:
    """The other-teams directory (empty when not configured)."""
    source = getattr(action.services, "other_teams", None)
    return source.get() if source is not None else OtherTeams()


def point_to_other_team(directory: OtherTeams, text: str, dispatcher: CollectingDispatcher, always: bool = False) -> bool:
    """Say which team handles ``text``; with ``always``, list every team when none matches.

    Returns:
        Whether anything was said.
    """
    team = directory.match(text)
    if team is not None:
        handles = f" — they look after {team.handles}" if team.handles else ""
        dispatcher.utter_message(text=(
            f"That's one for **{team.name}**: please contact {team.contact}{handles}. "
            "I can only help with IT problems here."
        ))
        return True
    if always and directory.teams:
        lines = "\n".join(f"- **{t.name}** ({t.handles}): {t.contact}" for t in directory.teams)
        dispatcher.utter_message(text=f"That's not an IT question, so I can't help with it here. These teams can:\n{lines}")
        return True
    return False
