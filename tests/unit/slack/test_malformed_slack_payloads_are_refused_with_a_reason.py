"""Payloads of the wrong shape get a 400 with a reason, before any listener can crash on them."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict
from urllib.parse import urlencode

import pytest
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.app import SlackBridge, build_app
from bot.slack.client import SlackClient
from bot.slack.config import SlackConfig
from bot.slack.dedupe import SeenStore
from bot.slack.request_check import shape_problem
from bot.slack.users import UserDirectory
from tests.fake_slack import BOT_TOKEN, SIGNING_SECRET, FakeSlackApi, sign

CLICK: Dict[str, Any] = {"type": "block_actions", "user": {"id": "U1"}, "channel": {"id": "D1"},
                         "message": {"ts": "1.1", "blocks": []}, "actions": [{"action_id": "fl_choice_0", "value": "/affirm"}]}


@pytest.mark.parametrize("body, problem", [
    ([], "object"),
    ({"type": "event_callback", "event": "hello"}, "'event' must be an object"),
    ({"type": "event_callback", "event": {"type": "message", "text": ["x"]}}, "'event.text'"),
    ({**CLICK, "actions": []}, "non-empty list"),
    ({**CLICK, "actions": "claim"}, "non-empty list"),
    ({**CLICK, "actions": ["claim"]}, "non-empty list"),
    ({**CLICK, "actions": [{"value": "/affirm"}]}, "'actions[].action_id' is required"),  # found by the fuzz test
    ({**CLICK, "actions": [{"action_id": 7}]}, "'actions[].action_id' is required"),
    ({**CLICK, "message": "hi"}, "'message' must be an object"),
    ({**CLICK, "message": {"ts": "1.1", "blocks": "nope"}}, "'message.blocks'"),
    ({**CLICK, "user": "U1"}, "'user' must be an object"),
])
def test_malformed_payloads_are_described(body: Any, problem: str) -> None:
    assert problem in (shape_problem(body) or "")


def test_well_formed_payloads_pass() -> None:
    assert shape_problem(CLICK) is None
    assert shape_problem({"type": "event_callback", "event": {"type": "message", "text": "hi", "user": "U1"}}) is None
    assert shape_problem({"type": "url_verification", "challenge": "x"}) is None


def test_the_bolt_app_answers_400_to_a_signed_malformed_payload_and_runs_no_listener() -> None:
    api = FakeSlackApi().start()
    turns = []
    try:
        web = AsyncWebClient(token=BOT_TOKEN, base_url=api.url, retry_handlers=[])
        client = SlackClient(web, give_up_after=2.0)

        async def handle(message: Any) -> None:
            turns.append(message)

        bridge = SlackBridge(client, UserDirectory(client), SeenStore(None), handle)
        app = build_app(SlackConfig(mode="http", bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=api.url), web, bridge)
        body = urlencode({"payload": json.dumps({**CLICK, "actions": "x"})})
        ts = str(int(__import__("time").time()))
        headers = {"content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": ts,
                   "x-slack-signature": sign(SIGNING_SECRET, ts, body.encode())}
        response = asyncio.run(app.async_dispatch(AsyncBoltRequest(body=body, headers=headers)))
        assert response.status == 400 and turns == []
    finally:
        api.stop()
