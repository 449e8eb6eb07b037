"""The small talk of a support chat, through the real actions with real ticket stores:
"thanks, bye", "that worked", "how long will that take?", "mark it urgent", "call me on …",
"is there a phone number?" and questions for other teams."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionOutOfScope
from actions.support_chat import (
    ActionAskEta,
    ActionAskPhone,
    ActionGoodbye,
    ActionNotFixed,
    ActionOtherTeam,
    ActionProblemSolved,
    ActionThanks,
)
from actions.ticket_contact import ActionGivePhone, ActionMarkUrgent, wanted_priority
from bot.tickets.requester import RequesterTickets
from bot.db.repositories import Ticket, TicketStore
from bot.escalation import EscalationService
from bot.handoff.calendar import SupportCalendar
from bot.handoff.memory import MemoryUserChannel
from bot.handoff.service import HandoffService
from bot.handoff.store import HandoffStore
from bot.support.eta import ReplyPromises
from bot.support.other_teams import OtherTeamsFile
from bot.support.teams import TeamsFile

ROOT = Path(__file__).parents[3]
MONDAY_9 = datetime(2024, 7, 1, 9, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self, now: datetime = MONDAY_9) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Calendar:
    """The support hours file stand-in: a fixed calendar (weekdays 08:00-18:00 UTC)."""

    def __init__(self) -> None:
        self.calendar = SupportCalendar(week={d: ((time(8, 0), time(18, 0)),) for d in range(5)})

    def get(self) -> SupportCalendar:
        return self.calendar

    def is_open(self, now: datetime) -> bool:
        return self.calendar.is_open(now)

    def describe_next(self, now: datetime) -> str:
        return self.calendar.describe_next(now)

    def describe_hours(self) -> str:
        return self.calendar.describe_hours()


@pytest.fixture
def world(session_factory) -> SimpleNamespace:
    clock = Clock()
    tickets = TicketStore(session_factory, clock)
    calendar = Calendar()
    teams = TeamsFile(ROOT / "config" / "teams.yml")
    promises = ReplyPromises(teams, calendar)  # type: ignore[arg-type]
    handoffs = HandoffStore(session_factory, clock)
    handoff = HandoffService(tickets, handoffs, None, MemoryUserChannel(), calendar, clock, promises)
    flow = SimpleNamespace(description="VPN won't connect", triggers=[SimpleNamespace(intent="vpn_connection", entities={})])
    return SimpleNamespace(
        clock=clock, tickets=tickets, handoffs=handoffs, handoff=handoff, calendar=calendar, promises=promises,
        worker=SimpleNamespace(wake=lambda: None), ticket_limits=None, teams=teams,
        requester_tickets=RequesterTickets(tickets, handoffs),
        other_teams=OtherTeamsFile(ROOT / "config" / "other_teams.yml"),
        escalations=EscalationService(tickets, clock=clock),
        flows=SimpleNamespace(get=lambda: SimpleNamespace(get=lambda name: flow if name == "vpn_connection" else None, flows={})),
        settings=SimpleNamespace(support_contact="the IT service desk"),
        kb_feedback=None,
    )


def open_ticket(world: SimpleNamespace, priority: str = "normal", team: str = "network") -> Ticket:
    return world.tickets.create(requester_id="alice", requester_name=None, category="vpn_connection", team=team,
                                priority=priority, summary="VPN won't connect.", channel="rest", conversation_id="alice")


def tracker(text: str, intent: str, slots: Optional[Dict[str, Any]] = None, entities: Optional[list] = None) -> Tracker:
    message = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or []}
    events = [{"event": "user", "text": text, "input_channel": "rest"}]
    return Tracker("alice", slots or {}, message, events, False, None, {}, "action_listen")


def run(action: Any, trk: Tracker) -> List[str]:
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, trk, {}))
    return [m.get("text") or "" for m in dispatcher.messages]


def test_thanks_bye_says_both_and_keeps_an_open_ticket_open(world) -> None:
    ticket = open_ticket(world)
    [reply] = run(ActionThanks(world), tracker("thanks, bye", "thanks"))
    assert reply.startswith("You're welcome! Bye!")
    assert f"**{ticket.reference}** stays open" in reply


def test_goodbye_without_a_ticket_is_a_plain_goodbye(world) -> None:
    [reply] = run(ActionGoodbye(world), tracker("ok bye", "goodbye"))
    assert reply == "Bye! If the problem comes back, just message me again."


def test_that_worked_without_any_flow_or_ticket_takes_no_credit(world) -> None:
    [reply] = run(ActionProblemSolved(world), tracker("it's working now", "problem_solved"))
    assert reply == "Good to hear it's working. Anything else I can help with?"
    assert "🎉" not in reply and "sorted" not in reply


def test_that_worked_with_an_open_ticket_tells_the_engineer(world) -> None:
    ticket = open_ticket(world)
    [reply] = run(ActionThanks(world), tracker("that worked, thanks!", "thanks"))
    assert reply.startswith("You're welcome — glad it's working now!") and ticket.reference in reply
    events = world.tickets.list_events(ticket.id)
    assert events[-1].kind == "message" and events[-1].body == "that worked, thanks!"
    assert events[-1].data["says"] == "working"


def test_still_not_working_with_no_flow_offers_the_last_topic_and_a_person(world) -> None:
    dispatcher = CollectingDispatcher()
    trk = tracker("it's still not working", "not_fixed", slots={"flow_last": {"flow": "vpn_connection", "outcome": "abandoned"}})
    asyncio.run(ActionNotFixed(world).run(dispatcher, trk, {}))
    [message] = dispatcher.messages
    assert "Sorry it's still not working" in message["text"]
    assert [b["payload"] for b in message["buttons"]] == ["/vpn_connection", "/request_human"]


def test_how_long_with_an_open_ticket_answers_from_the_team_target_and_hours(world) -> None:
    ticket = open_ticket(world, priority="high", team="identity")
    [reply] = run(ActionAskEta(world), tracker("how long will that take?", "ask_eta"))
    assert reply.startswith(f"**{ticket.reference}** is waiting for an engineer.")
    assert "identity & access team aims to answer high-priority tickets within 1 working hour" in reply
    assert "by today at 10:00 (UTC time), here in this chat" in reply


def test_how_long_without_a_ticket_says_nobody_is_due_and_gives_the_hours(world) -> None:
    [reply] = run(ActionAskEta(world), tracker("how long will it take", "ask_eta"))
    assert "You don't have an open ticket" in reply and "Monday–Friday 08:00–18:00" in reply


def test_mark_urgent_raises_the_priority_and_records_why(world) -> None:
    ticket = open_ticket(world)
    [reply] = run(ActionMarkUrgent(world), tracker("can you mark it urgent, I have a client demo at 11", "mark_urgent"))
    assert f"**{ticket.reference}** is now urgent priority" in reply
    assert world.tickets.get(ticket.id).priority == "urgent"
    event = world.tickets.list_events(ticket.id)[-1]
    assert event.kind == "note" and event.data == {"priority": {"from": "normal", "to": "urgent"}}
    assert "client demo at 11" in event.body and event.actor == "alice"


def test_mark_urgent_twice_changes_nothing_the_second_time(world) -> None:
    ticket = open_ticket(world, priority="urgent")
    [reply] = run(ActionMarkUrgent(world), tracker("this is urgent", "mark_urgent"))
    assert "already urgent priority" in reply
    assert [e.kind for e in world.tickets.list_events(ticket.id)] == ["created"]


def test_mark_urgent_without_a_ticket_says_so_and_offers_one(world) -> None:
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionMarkUrgent(world).run(dispatcher, tracker("mark it urgent", "mark_urgent"), {}))
    assert "You don't have an open ticket" in dispatcher.messages[0]["text"]
    assert dispatcher.messages[0]["buttons"] == [{"title": "Open a ticket", "payload": "/request_human"}]


def test_please_prioritise_raises_one_level_to_at_least_high() -> None:
    assert wanted_priority("normal", "please prioritise this") == "high"
    assert wanted_priority("high", "can you bump the priority") == "urgent"
    assert wanted_priority("low", "it's an emergency") == "urgent"


def test_call_me_on_saves_the_number_to_the_ticket_and_masks_it_in_the_reply(world) -> None:
    ticket = open_ticket(world)
    entities = [{"entity": "phone", "value": "07700 900123"}]
    [reply] = run(ActionGivePhone(world), tracker("call me on 07700 900123", "give_phone", entities=entities))
    assert "ending 123" in reply and "07700 900123" not in reply and ticket.reference in reply
    event = world.tickets.list_events(ticket.id)[-1]
    assert event.kind == "message" and event.data["contact_route"] is True
    assert world.tickets.get(ticket.id).contact_route == "07700 900123"


def test_call_me_without_a_number_asks_for_one(world) -> None:
    [reply] = run(ActionGivePhone(world), tracker("best to call me, my work phone isn't working", "give_phone"))
    assert "couldn't find a phone number" in reply


def test_is_there_a_phone_number_gives_the_desk_number_and_hours(world) -> None:
    [reply] = run(ActionAskPhone(world), tracker("is there a phone number?", "ask_phone"))
    assert "+44 20 7946 0000" in reply and "Monday–Friday 08:00–18:00" in reply and "it-support@example.com" in reply


def test_holiday_question_names_hr_not_it_topics(world) -> None:
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionOtherTeam(world).run(dispatcher, tracker("how many holiday days do I have left?", "other_team"), {}))
    [message] = dispatcher.messages
    assert message["text"].startswith("That's one for **HR**") and "hr@example.com" in message["text"]
    assert not message.get("buttons")


def test_out_of_scope_that_is_really_for_facilities_names_facilities(world) -> None:
    [reply] = run(ActionOutOfScope(world), tracker("the lift in building B is broken", "out_of_scope"))
    assert reply.startswith("That's one for **Facilities**")


def test_a_bare_phone_number_nlu_did_not_understand_still_goes_onto_the_ticket(world) -> None:
    from actions.fallback import ActionClarify

    ticket = open_ticket(world)
    [reply] = run(ActionClarify(world), tracker("07700 900321", "nlu_fallback"))
    assert "ending 321" in reply
    assert world.tickets.list_events(ticket.id)[-1].data["contact_route"] is True
    assert world.tickets.get(ticket.id).contact_route == "07700 900321"
