"""The widget's socket.io channel against the real server: server-issued sessions, no writing
into another session, malformed events answered, payload limit, verified identity."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest

from bot.security.identity import user_hash
from tests.conftest import WIDGET_IDENTITY_SECRET, Bot
from tests.socket_client import open_widget, texts_of

pytestmark = pytest.mark.e2e


def test_sessions_are_issued_by_the_server_and_resumable_but_not_made_up(bot: Bot) -> None:
    async def scenario() -> None:
        sock, issued = await open_widget(bot.url, session_id="0123456789abcdef")
        assert issued != "0123456789abcdef" and len(issued) == 64
        await sock.close()
        again, resumed = await open_widget(bot.url, session_id=issued)
        assert resumed == issued
        assert texts_of(await again.say({"message": "hi", "session_id": issued}))
        await again.close()
        assert bot.api(f"/conversations/web:{issued}/tracker")["sender_id"] == f"web:{issued}"

    asyncio.run(scenario())


def test_a_message_for_another_session_is_refused(bot: Bot) -> None:
    async def scenario() -> None:
        victim, victim_session = await open_widget(bot.url)
        attacker, _ = await open_widget(bot.url)
        reply = await attacker.say({"message": "talk to a human", "session_id": victim_session})
        assert "another chat session" in texts_of(reply)
        await asyncio.sleep(0.5)
        assert victim.received == []
        await victim.close()
        await attacker.close()
        events = bot.api(f"/conversations/web:{victim_session}/tracker")["events"]
        assert not [e for e in events if e["event"] == "user"]

    asyncio.run(scenario())


@pytest.mark.parametrize("payload", [None, "hello", 42, [], {"session_id": "x"}, {"message": 42}, {"message": ["hi"]}])
def test_malformed_user_uttered_gets_an_answer_not_silence(bot: Bot, payload: Any) -> None:
    async def scenario() -> None:
        sock, session = await open_widget(bot.url)
        if isinstance(payload, dict) and "session_id" not in payload:
            payload["session_id"] = session
        reply = await sock.say(payload)
        assert texts_of(reply), reply
        assert texts_of(await sock.say({"message": "hi", "session_id": session}))  # still answering
        await sock.close()

    asyncio.run(scenario())


def test_an_empty_widget_message_gets_a_prompt(bot: Bot) -> None:
    async def scenario() -> None:
        sock, session = await open_widget(bot.url)
        assert "didn't get any text" in texts_of(await sock.say({"message": "", "session_id": session}))
        await sock.close()

    asyncio.run(scenario())


def test_a_payload_over_the_limit_is_dropped_and_the_server_keeps_answering(bot: Bot) -> None:
    async def scenario() -> None:
        sock, session = await open_widget(bot.url)
        try:
            await sock.emit_raw("user_uttered", {"message": "x" * (bot.settings.max_body_bytes + 10), "session_id": session})
        except Exception:  # the server may close this socket: that is the point
            pass
        await asyncio.sleep(1.0)
        other, other_session = await open_widget(bot.url)
        assert texts_of(await other.say({"message": "hi", "session_id": other_session}))
        await other.close()
        try:
            await sock.close()
        except Exception:
            pass

    asyncio.run(scenario())


def test_only_a_verified_widget_identity_links_the_visitor_to_their_tickets(bot: Bot) -> None:
    user = "grace@example.com"

    async def scenario() -> None:
        first, s1 = await open_widget(bot.url, user_id=user, user_hash=user_hash(WIDGET_IDENTITY_SECRET, user))
        reply = texts_of(await first.say({"message": "talk to a human", "session_id": s1}, wait_for=1))
        reference = re.search(r"SUP-\d+", reply).group(0)
        ticket, _ = bot.ticket_with_events(reference)
        assert ticket.requester_id == f"user:{user}"
        await first.close()
        # The same person verified in another session sees the ticket …
        second, s2 = await open_widget(bot.url, user_id=user, user_hash=user_hash(WIDGET_IDENTITY_SECRET, user))
        assert reference in texts_of(await second.say({"message": "what's the status of my tickets?", "session_id": s2}))
        await second.close()
        # … someone merely claiming to be them does not.
        forged, s3 = await open_widget(bot.url, user_id=user, user_hash="0" * 64)
        reply = texts_of(await forged.say({"message": "what's the status of my tickets?", "session_id": s3}))
        assert reference not in reply
        await forged.close()

    asyncio.run(scenario())
