"""Web API calls wait out 429s for Retry-After seconds, retry outages with backoff, give up
(logged, not raised) when the budget is spent, and fall back to text when blocks are refused."""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import List

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.client import ApiResult, SlackClient
from tests.fake_slack import BOT_TOKEN, FakeSlackApi


class FakeTime:
    """A clock that only moves when the client sleeps; records the sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: List[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _client(base_url: str, fake_time: FakeTime, give_up_after: float = 60.0) -> SlackClient:
    web = AsyncWebClient(token=BOT_TOKEN, base_url=base_url, retry_handlers=[])
    return SlackClient(web, give_up_after=give_up_after, sleep=fake_time.sleep, clock=fake_time.clock)


def test_rate_limit_waits_exactly_retry_after_then_succeeds(fake_api: FakeSlackApi) -> None:
    fake_api.fail_next("chat.postMessage", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "7"})
    fake_time = FakeTime()

    result = asyncio.run(_client(fake_api.url, fake_time).post_message("D1", "hello"))

    assert result.ok and result.data["ts"]
    assert fake_time.sleeps == [7.0]
    assert [c.status for c in fake_api.of("chat.postMessage", ok_only=False)] == [429, 200]


def test_outage_is_logged_and_retried_with_backoff(fake_api: FakeSlackApi, caplog: pytest.LogCaptureFixture) -> None:
    fake_api.fail_next("chat.postMessage", 503, times=2)
    fake_api.fail_next("chat.postMessage", 200, {"ok": False, "error": "internal_error"})
    fake_time = FakeTime()

    with caplog.at_level(logging.WARNING, logger="bot.slack.client"):
        result = asyncio.run(_client(fake_api.url, fake_time).post_message("D1", "hello"))

    assert result.ok
    assert fake_time.sleeps == [1.0, 2.0, 4.0]
    assert len(fake_api.of("chat.postMessage", ok_only=False)) == 4
    assert "HTTP 503" in caplog.text and "retrying" in caplog.text
    assert "hello" not in caplog.text  # never the message text


def test_long_outage_gives_up_without_raising(fake_api: FakeSlackApi, caplog: pytest.LogCaptureFixture) -> None:
    fake_api.fail_next("chat.postMessage", 500, times=100)
    fake_time = FakeTime()

    with caplog.at_level(logging.ERROR, logger="bot.slack.client"):
        result = asyncio.run(_client(fake_api.url, fake_time, give_up_after=20).post_message("D1", "hello"))

    assert result == ApiResult(False, {"ok": False, "error": "http_500"}, "HTTP 500")
    assert sum(fake_time.sleeps) <= 20
    assert "giving up" in caplog.text


def test_unreachable_slack_is_an_outage_too() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    fake_time = FakeTime()

    result = asyncio.run(_client(f"http://127.0.0.1:{port}/api/", fake_time, give_up_after=10).call("auth.test"))

    assert not result.ok and "Connect" in (result.error or "")
    assert fake_time.sleeps == [1.0, 2.0, 4.0]


def test_permanent_error_is_not_retried(fake_api: FakeSlackApi) -> None:
    fake_api.fail_next("chat.postMessage", 200, {"ok": False, "error": "channel_not_found"})
    fake_time = FakeTime()

    result = asyncio.run(_client(fake_api.url, fake_time).post_message("C404", "hello"))

    assert (result.ok, result.error, fake_time.sleeps) == (False, "channel_not_found", [])


def test_rejected_blocks_fall_back_to_text(fake_api: FakeSlackApi) -> None:
    fake_api.fail_next("chat.postMessage", 200, {"ok": False, "error": "invalid_blocks"})
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]

    result = asyncio.run(_client(fake_api.url, FakeTime()).post_message("D1", "hi", blocks))

    assert result.ok
    first, second = fake_api.of("chat.postMessage", ok_only=False)
    assert first.params["blocks"] == blocks and "blocks" not in second.params
