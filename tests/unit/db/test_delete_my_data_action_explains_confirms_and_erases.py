"""\"Delete my data\" in the chat (action tests, real stores on SQLite and PostgreSQL): the bot
explains and asks; only a confirmation right after that erases; open tickets are closed and the
person is told so."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any, List

from privacy_helpers import converse, hits, shipped_redactor, tracker_store
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from actions.privacy import CONFIRM_PAYLOAD, EXPLAIN_ACTION, ActionPrivacyErase, ActionPrivacyExplain
from bot.db.repositories import TicketStore
from bot.privacy.service import PrivacyService

SENDER = "web-carol-5e6f7a"


def services(session_factory: sessionmaker, clock: Any) -> Any:
    tickets = TicketStore(session_factory, clock)
    return SimpleNamespace(
        tickets=tickets,  # the test's handle on the store (opens a ticket first)
        escalations=SimpleNamespace(tickets_of=lambda requester, open_only=True: tickets.list_for_requester(requester, open_only)),
        privacy=PrivacyService(session_factory, tickets, shipped_redactor(), clock),
        settings=SimpleNamespace(support_contact="the desk"),
    )


def tracker(intent: str, events: List[dict]) -> Tracker:
    message = {"text": "delete my data", "intent": {"name": intent, "confidence": 1.0}, "entities": []}
    return Tracker(SENDER, {}, message, events, False, None, {}, "action_listen")


def run(action: Any, trk: Tracker) -> tuple:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, trk, {}))
    return dispatcher.messages, events


def test_explains_then_erases_on_confirmation_and_closes_open_tickets(
    migrated_url: str, engine: Engine, session_factory: sessionmaker, clock: Any
) -> None:
    converse(tracker_store(migrated_url, shipped_redactor()), SENDER, ["my monitor flickers since Tuesday"])
    svc = services(session_factory, clock)
    svc.tickets.create(requester_id=SENDER, category="hardware_failure", team="desk",
                                 summary="monitor flickers", channel="rest", conversation_id=SENDER)

    messages, _ = run(ActionPrivacyExplain(svc), tracker("delete_my_data", []))
    assert "can't be undone" in messages[0]["text"] and "SUP-1001" in messages[0]["text"]
    assert [b["payload"] for b in messages[0]["buttons"]] == [CONFIRM_PAYLOAD, "/deny"]

    asked = [{"event": "action", "name": EXPLAIN_ACTION}, {"event": "action", "name": "action_listen"},
             {"event": "user", "text": CONFIRM_PAYLOAD}]
    messages, events = run(ActionPrivacyErase(svc), tracker("delete_my_data_confirm", asked))
    assert "I closed your open ticket SUP-1001" in messages[0]["text"]
    assert events == [{"event": "reset_slots", "timestamp": None}]
    assert hits(engine, [SENDER, "monitor flickers since Tuesday"]) == []


def test_a_confirmation_out_of_the_blue_only_explains(
    migrated_url: str, engine: Engine, session_factory: sessionmaker, clock: Any
) -> None:
    converse(tracker_store(migrated_url, shipped_redactor()), SENDER, ["printer jammed"])
    svc = services(session_factory, clock)
    stale = [{"event": "action", "name": "action_flow"}, {"event": "action", "name": "action_listen"},
             {"event": "user", "text": CONFIRM_PAYLOAD}]
    messages, _ = run(ActionPrivacyErase(svc), tracker("delete_my_data_confirm", stale))
    assert "Shall I delete your data now?" in messages[0]["text"]
    assert hits(engine, [SENDER]) != []


def test_rasa_does_not_write_the_erased_conversation_back_at_the_end_of_the_turn(
    migrated_url: str, engine: Engine, session_factory: sessionmaker, clock: Any
) -> None:
    from rasa.shared.core.events import ActionExecuted, BotUttered

    store = tracker_store(migrated_url, shipped_redactor())
    in_memory = converse(store, SENDER, ["my monitor flickers since Tuesday"])
    services(session_factory, clock).privacy.erase(SENDER, "test", "chat")
    # What Rasa's processor holds at the end of the erasing turn, then saves.
    in_memory.update(ActionExecuted("action_privacy_erase"))
    in_memory.update(BotUttered("Done: I've deleted your conversations"))
    asyncio.run(store.save(in_memory))
    assert hits(engine, ["monitor flickers since Tuesday"]) == []
    again = asyncio.run(store.retrieve(SENDER))
    assert [e.type_name for e in again.events][:2] == ["action", "bot"]
