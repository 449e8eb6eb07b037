"""Slack unit fixtures: the fake Web API, and the real bolt app wired to a stand-in for Rasa."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest
from rasa.core.channels.channel import UserMessage
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.rasa_ext.guard import no_silent_bot
from bot.slack.app import SlackBridge, build_app
from bot.slack.client import SlackClient
from bot.slack.config import SlackConfig
from bot.slack.dedupe import SeenStore
from bot.slack.users import UserDirectory
from tests.fake_slack import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, FakeSlackApi, sign

Reply = Callable[[UserMessage], List[Dict[str, Any]]]


@pytest.fixture
def fake_api() -> Iterator[FakeSlackApi]:
    """A fresh fake Slack Web API for one test."""
    api = FakeSlackApi().start()
    yield api
    api.stop()


class FakeRasa:
    """Stands in for Rasa's message handler: records turns, answers with ``reply(message)``."""

    def __init__(self, reply: Optional[Reply] = None) -> None:
        self.turns: List[UserMessage] = []
        self.reply = reply or (lambda m: [{"text": f"you said: {m.text}"}])

    async def __call__(self, message: UserMessage) -> None:
        self.turns.append(message)
        for response in self.reply(message):
            await message.output_channel.send_response(message.sender_id, dict(response))

    async def wait_turns(self, count: int, timeout: float = 10.0) -> List[UserMessage]:
        deadline = time.monotonic() + timeout
        while len(self.turns) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        return self.turns


class Harness:
    """The real bolt app (our listeners, bolt's middleware) talking to the fake Web API."""

    def __init__(self, api: FakeSlackApi, rasa: FakeRasa, mode: str = "http", seen: Optional[SeenStore] = None) -> None:
        self.api = api
        self.rasa = rasa
        self.config = SlackConfig(
            mode=mode, bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET if mode == "http" else None,
            app_token=APP_TOKEN if mode == "socket" else None, api_url=api.url,
        )
        self.web = AsyncWebClient(token=BOT_TOKEN, base_url=api.url, retry_handlers=[])
        self.client = SlackClient(self.web, give_up_after=5.0)
        self.seen = seen or SeenStore(None)
        self.bridge = SlackBridge(self.client, UserDirectory(self.client), self.seen, no_silent_bot(rasa, "the desk"))
        self.app: AsyncApp = build_app(self.config, self.web, self.bridge)

    async def post(self, body: bytes, content_type: str, *, secret: str = SIGNING_SECRET,
                   timestamp: Optional[int] = None, extra: Optional[Dict[str, str]] = None) -> BoltResponse:
        """Dispatch a signed HTTP request through bolt, as the Sanic adapter does."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        headers = {"content-type": content_type, "x-slack-request-timestamp": ts,
                   "x-slack-signature": sign(secret, ts, body), **(extra or {})}
        return await self.app.async_dispatch(AsyncBoltRequest(body=body.decode(), headers=headers))

    async def event(self, body: Dict[str, Any], **kwargs: Any) -> BoltResponse:
        return await self.post(json.dumps(body).encode(), "application/json", **kwargs)

    async def click(self, payload: Dict[str, Any], **kwargs: Any) -> BoltResponse:
        from urllib.parse import urlencode

        return await self.post(urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded", **kwargs)


async def settle(seconds: float = 0.3) -> None:
    """Let background listener tasks finish."""
    await asyncio.sleep(seconds)
