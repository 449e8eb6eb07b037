"""A turn the tracker store could not keep: the user is told to retry, nothing is silently
kept in memory, and the store never blocks the server's event loop while it waits for a lock."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import List

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext import turn_health
from bot.rasa_ext.guard import no_silent_bot, not_saved_text
from bot.rasa_ext.stores import UrlSQLTrackerStore


def _store(path: Path, timeout: str = "0.3") -> FailSafeTrackerStore:
    # Rasa wraps every store like this (rasa.core.agent); the wrapper must not hide failures.
    return FailSafeTrackerStore(UrlSQLTrackerStore(domain=Domain.empty(), host=f"sqlite:///{path}?timeout={timeout}"))


def _tracker(sender: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, [])
    tracker.update(UserUttered("hello"))
    return tracker


def test_a_locked_database_fails_the_turn_and_the_user_is_asked_to_retry(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    store = _store(db)
    asyncio.run(store.save(_tracker("rest:warmup")))
    locker = sqlite3.connect(db, timeout=0)
    locker.execute("BEGIN EXCLUSIVE")
    try:

        async def rasa(message: UserMessage) -> None:
            await message.output_channel.send_text_message(message.sender_id, "Here is a normal answer")
            await store.save(_tracker(message.sender_id))

        out = CollectingOutputChannel()
        asyncio.run(no_silent_bot(rasa, "the desk")(UserMessage("hi", out, "rest:alice")))
    finally:
        locker.rollback()
        locker.close()
    assert [m["text"] for m in out.messages] == [not_saved_text("the desk")]


def test_a_turn_that_was_saved_gets_its_answers(tmp_path: Path) -> None:
    store = _store(tmp_path / "t.db")

    async def rasa(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "Here is a normal answer")
        await store.save(_tracker(message.sender_id))

    out = CollectingOutputChannel()
    asyncio.run(no_silent_bot(rasa, "the desk")(UserMessage("hi", out, "rest:bob")))
    assert [m["text"] for m in out.messages] == ["Here is a normal answer"]
    assert asyncio.run(store.retrieve("rest:bob")) is not None


def test_a_failed_read_also_fails_the_turn(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    store = _store(db)
    asyncio.run(store.save(_tracker("rest:carol")))
    locker = sqlite3.connect(db, timeout=0)
    locker.execute("BEGIN EXCLUSIVE")

    async def turn() -> bool:
        health, token = turn_health.begin()
        try:
            assert await store.retrieve("rest:carol") is None  # Rasa's wrapper swallows it…
        finally:
            turn_health.end(token)
        return health.store_failed  # …but the turn knows

    try:
        assert asyncio.run(turn())
    finally:
        locker.rollback()
        locker.close()


def test_waiting_for_a_locked_database_does_not_block_other_work(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    store = _store(db, timeout="1.5")
    asyncio.run(store.save(_tracker("rest:warmup")))
    locker = sqlite3.connect(db, timeout=0)
    locker.execute("BEGIN EXCLUSIVE")
    ticks: List[float] = []

    async def other_work() -> None:
        for _ in range(10):
            ticks.append(time.monotonic())
            await asyncio.sleep(0.05)

    async def scenario() -> None:
        await asyncio.gather(store.save(_tracker("rest:dave")), other_work())

    try:
        asyncio.run(scenario())
    finally:
        locker.rollback()
        locker.close()
    # All ten ticks happened while the save waited for the lock (it waited the full 1.5 s).
    assert len(ticks) == 10
