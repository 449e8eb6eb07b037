"""HTTP mode through the real slack-bolt code: Slack's signature and 5-minute replay window are
enforced, and events are acknowledged at once while the bot answers in the background."""

from __future__ import annotations

import asyncio
import json
import time

from rasa.core.channels.channel import UserMessage

from tests.fake_slack import BOT_TOKEN, TEAM, FakeSlackApi, dm_event, event_body
from tests.unit.slack.conftest import FakeRasa, Harness, settle


def test_signed_dm_reaches_rasa_with_stable_sender_and_display_name(fake_api: FakeSlackApi) -> None:
    async def scenario() -> None:
        rasa = FakeRasa()
        harness = Harness(fake_api, rasa)
        response = await harness.event(event_body(dm_event("U1ALICE", "my vpn keeps dropping", "D1ALICE")))
        assert response.status == 200
        (turn,) = await rasa.wait_turns(1)
        assert turn.sender_id == f"slack:{TEAM}:U1ALICE"
        assert turn.text == "my vpn keeps dropping"
        assert turn.input_channel == "slack"
        assert turn.metadata["slack"]["display_name"] == "Person U1ALICE"
        assert turn.metadata["slack"]["user"] == "U1ALICE"
        await settle()

    asyncio.run(scenario())
    (post,) = fake_api.of("chat.postMessage")
    assert post.params["channel"] == "D1ALICE" and "thread_ts" not in post.params
    assert "you said: my vpn keeps dropping" in post.params["text"]
    assert post.token == BOT_TOKEN


def test_bad_signature_is_rejected_and_nothing_happens(fake_api: FakeSlackApi) -> None:
    async def scenario() -> int:
        rasa = FakeRasa()
        harness = Harness(fake_api, rasa)
        response = await harness.event(event_body(dm_event("U1", "hi", "D1")), secret="not-the-secret")
        await settle()
        assert rasa.turns == []
        return response.status

    assert asyncio.run(scenario()) == 401
    assert fake_api.of("chat.postMessage") == []


def test_stale_timestamp_is_rejected_even_with_a_valid_signature(fake_api: FakeSlackApi) -> None:
    async def scenario() -> tuple:
        rasa = FakeRasa()
        harness = Harness(fake_api, rasa)
        stale = await harness.event(event_body(dm_event("U1", "replayed", "D1")), timestamp=int(time.time()) - 6 * 60)
        recent = await harness.event(event_body(dm_event("U1", "slow network", "D1")), timestamp=int(time.time()) - 4 * 60)
        await rasa.wait_turns(1)
        await settle()
        return stale.status, recent.status, [t.text for t in rasa.turns]

    stale, recent, texts = asyncio.run(scenario())
    assert (stale, recent) == (401, 200)
    assert texts == ["slow network"]


def test_event_is_acknowledged_before_a_slow_bot_answers(fake_api: FakeSlackApi) -> None:
    class SlowRasa(FakeRasa):
        async def __call__(self, message: UserMessage) -> None:
            await asyncio.sleep(4)  # longer than Slack's 3 seconds
            await super().__call__(message)

    async def scenario() -> float:
        rasa = SlowRasa()
        harness = Harness(fake_api, rasa)
        started = time.monotonic()
        response = await harness.event(event_body(dm_event("U1", "hello", "D1")))
        elapsed = time.monotonic() - started
        assert response.status == 200
        await rasa.wait_turns(1, timeout=10)
        await settle(0.5)
        return elapsed

    assert asyncio.run(scenario()) < 1.0
    assert len(fake_api.of("chat.postMessage")) == 1


def test_url_verification_challenge_is_answered(fake_api: FakeSlackApi) -> None:
    async def scenario() -> dict:
        harness = Harness(fake_api, FakeRasa())
        body = {"token": "x", "challenge": "c-123", "type": "url_verification"}
        response = await harness.event(body)
        assert response.status == 200
        return json.loads(response.body)

    assert asyncio.run(scenario())["challenge"] == "c-123"
