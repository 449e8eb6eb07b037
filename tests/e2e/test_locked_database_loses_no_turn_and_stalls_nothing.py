"""A locked database: the user is told their message could not be processed (nothing silently
kept in memory), and database-free endpoints keep answering while the lock lasts."""

from __future__ import annotations

import sqlite3
import threading
import urllib.request
import uuid
from typing import Any, Dict, List

import pytest

from tests.conftest import Bot, texts

pytestmark = pytest.mark.e2e


def test_a_turn_during_a_database_lock_is_reported_and_other_endpoints_keep_answering(bot: Bot) -> None:
    path = bot.settings.database_url.replace("sqlite:///", "", 1)
    sender = f"e2e-locked-{uuid.uuid4().hex[:6]}"
    assert bot.send(sender, "hi")  # the conversation exists before the lock
    result: Dict[str, Any] = {}
    locker = sqlite3.connect(path, timeout=30)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        turn = threading.Thread(target=lambda: result.update(reply=bot.send(sender, "hello again", timeout=120)))
        turn.start()
        answered: List[int] = []
        for _ in range(5):  # database-free endpoints answer while the turn waits for the lock
            with urllib.request.urlopen(f"{bot.url}/webhooks/rest/", timeout=30) as resp:
                answered.append(resp.status)
            with urllib.request.urlopen(f"{bot.url}/widget/frontline-widget.js", timeout=30) as resp:
                answered.append(resp.status)
        assert answered == [200] * 10 and turn.is_alive(), "the endpoints only answered after the turn finished"
        turn.join(120)
    finally:
        locker.rollback()
        locker.close()
    assert "couldn't process that message" in texts(result["reply"]) and "send it again" in texts(result["reply"])
    # After the lock, the conversation carries on (nothing was half-saved).
    assert bot.send(sender, "hi")
    users = [e["text"] for e in bot.api(f"/conversations/{sender}/tracker")["events"] if e["event"] == "user"]
    assert "hello again" not in users and users.count("hi") == 2
