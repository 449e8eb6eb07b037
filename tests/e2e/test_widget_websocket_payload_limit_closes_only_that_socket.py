"""The widget's socket.io channel over the websocket transport (what browsers use), against the
real Rasa server, with a raw engine.io client (tests/engineio_ws.py): a normal message gets its
reply; a long one is answered with the length limit; a frame over FRONTLINE_MAX_BODY_BYTES
closes that socket at once and cleanly (a close frame: engine.io's limit sends 1000, the
websocket layer's 1009 "message too big"; never a dropped line) instead of freezing the server (a
630 KB message once froze it for 2.5 minutes and lost its reply), never reaches the NLU, and
the same session, reconnected as the widget does by itself, and everyone else keep getting
answers."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.conftest import Bot
from tests.engineio_ws import open_raw_widget
from tests.socket_client import texts_of

pytestmark = pytest.mark.e2e

CLEAN_CLOSE = (1000, 1009)  # RFC 6455 normal closure, message too big (1006 would be a dropped line)
PROMPT = 5.0  # seconds: what "at once" means here, on two shared cores


def test_a_normal_message_over_websocket_gets_its_reply(bot: Bot) -> None:
    async def scenario() -> None:
        sock, session = await open_raw_widget(bot.url)
        assert texts_of(await sock.say({"message": "hi", "session_id": session}))
        await sock.close()
        events = bot.api(f"/conversations/web:{session}/tracker")["events"]
        assert [e["text"] for e in events if e["event"] == "user"] == ["hi"]

    asyncio.run(scenario())


def test_a_long_message_under_the_byte_limit_is_answered_with_the_length_limit(bot: Bot) -> None:
    async def scenario() -> None:
        sock, session = await open_raw_widget(bot.url)
        reply = texts_of(await sock.say({"message": "x" * (bot.settings.max_message_chars + 1), "session_id": session}))
        assert "too long" in reply
        await sock.close()

    asyncio.run(scenario())


@pytest.mark.parametrize("excess", [10, 3 * 2**20], ids=["just over", "several MB"])
def test_a_frame_over_the_limit_closes_that_socket_at_once_and_nobody_else_notices(bot: Bot, excess: int) -> None:
    async def scenario() -> None:
        bystander, other_session = await open_raw_widget(bot.url)
        sock, session = await open_raw_widget(bot.url)
        started = time.monotonic()
        await sock.emit("user_uttered", {"message": "x" * (bot.settings.max_body_bytes + excess), "session_id": session})
        await asyncio.wait_for(sock.closed.wait(), PROMPT)
        assert sock.close_code in CLEAN_CLOSE, sock.close_code
        assert time.monotonic() - started < PROMPT

        # Everyone else is answered meanwhile …
        asked = time.monotonic()
        assert texts_of(await bystander.say({"message": "hi", "session_id": other_session}, timeout=30))
        assert time.monotonic() - asked < 30
        # … and the widget's automatic reconnect resumes the same conversation, which answers.
        again, resumed = await open_raw_widget(bot.url, session_id=session)
        assert resumed == session
        assert texts_of(await again.say({"message": "hi", "session_id": session}))
        for open_sock in (bystander, again):
            await open_sock.close()
        events = bot.api(f"/conversations/web:{session}/tracker")["events"]
        assert [e["text"] for e in events if e["event"] == "user"] == ["hi"]  # the huge one never got in

    asyncio.run(scenario())
