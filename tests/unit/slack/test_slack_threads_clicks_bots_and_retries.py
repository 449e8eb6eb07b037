"""Channel mentions are answered in their thread, clicks continue the conversation and replace
the buttons, bots are ignored, and Slack's retries are answered once."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

from rasa.core.channels.channel import UserMessage

from bot.slack.dedupe import SeenStore
from tests.fake_slack import (
    BOT_ID,
    BOT_USER,
    TEAM,
    FakeSlackApi,
    button_labels,
    click_payload,
    dm_event,
    event_body,
    mention_event,
    next_ts,
    posted_message,
    thread_reply_event,
)
from tests.unit.slack.conftest import FakeRasa, Harness, settle

QUESTION = {
    "text": "Which VPN client are you using?",
    "buttons": [
        {"title": "GlobalProtect", "payload": '/flow_answer{"flow_answer":"globalprotect"}'},
        {"title": "Cisco AnyConnect", "payload": '/flow_answer{"flow_answer":"anyconnect"}'},
    ],
}


def _asks_then_echoes(message: UserMessage) -> List[Dict[str, Any]]:
    return [QUESTION] if not message.text.startswith("/") else [{"text": f"noted {message.text}"}]


def test_mention_is_answered_in_its_thread_and_the_thread_is_the_conversation(fake_api: FakeSlackApi) -> None:
    root = next_ts()

    async def scenario() -> List[UserMessage]:
        rasa = FakeRasa()
        harness = Harness(fake_api, rasa)
        await harness.event(event_body(mention_event("U1", f"<@{BOT_USER}> printer is jammed", "C1HELP", ts=root)))
        await rasa.wait_turns(1)
        # a colleague answers in the thread without mentioning the bot: still the conversation
        await harness.event(event_body(thread_reply_event("U2", "it says E-104", "C1HELP", root)))
        await rasa.wait_turns(2)
        # chatter in another thread the bot was never asked into is none of its business
        await harness.event(event_body(thread_reply_event("U3", "lunch?", "C1HELP", next_ts())))
        # a thread reply that mentions the bot arrives twice (message + app_mention): answered once
        text = f"<@{BOT_USER}> any news?"
        await harness.event(event_body(thread_reply_event("U1", text, "C1HELP", root)))
        await harness.event(event_body(mention_event("U1", text, "C1HELP", thread_ts=root)))
        await rasa.wait_turns(3)
        await settle()
        return rasa.turns

    turns = asyncio.run(scenario())
    conversation = f"slack:{TEAM}:C1HELP:{root}"
    assert [(t.sender_id, t.text) for t in turns] == [
        (conversation, "printer is jammed"),
        (conversation, "it says E-104"),
        (conversation, "any news?"),
    ]
    posts = fake_api.of("chat.postMessage")
    assert len(posts) == 3
    assert all(p.params["channel"] == "C1HELP" and p.params["thread_ts"] == root for p in posts)


def test_click_sends_the_payload_and_replaces_the_buttons_with_the_choice(fake_api: FakeSlackApi) -> None:
    async def scenario() -> List[UserMessage]:
        rasa = FakeRasa(_asks_then_echoes)
        harness = Harness(fake_api, rasa)
        await harness.event(event_body(dm_event("U1", "vpn broken", "D1")))
        await rasa.wait_turns(1)
        await settle()
        question = fake_api.of("chat.postMessage")[0]
        assert button_labels(question) == ["GlobalProtect", "Cisco AnyConnect"]
        payload = click_payload("U1", "D1", posted_message(question), "Cisco AnyConnect")
        response = await harness.click(payload)
        assert response.status == 200
        await rasa.wait_turns(2)
        await harness.click(payload)  # a double click (or a retry) answers once
        await settle()
        return rasa.turns

    turns = asyncio.run(scenario())
    assert [t.text for t in turns] == ["vpn broken", '/flow_answer{"flow_answer":"anyconnect"}']
    assert turns[1].sender_id == f"slack:{TEAM}:U1"
    (update,) = fake_api.of("chat.update")
    blocks = update.params["blocks"]
    assert not [b for b in blocks if b["type"] == "actions"], "buttons still clickable"
    assert blocks[-1]["type"] == "context" and blocks[-1]["elements"][0]["text"] == "✔ *Cisco AnyConnect*"
    assert blocks[0]["text"]["text"] == "Which VPN client are you using?"  # the question stays
    assert len(fake_api.of("chat.postMessage")) == 2


def test_click_in_a_channel_thread_names_who_chose(fake_api: FakeSlackApi) -> None:
    root = next_ts()

    async def scenario() -> List[UserMessage]:
        rasa = FakeRasa(_asks_then_echoes)
        harness = Harness(fake_api, rasa)
        await harness.event(event_body(mention_event("U1", f"<@{BOT_USER}> vpn", "C1", ts=root)))
        await rasa.wait_turns(1)
        await settle()
        question = fake_api.of("chat.postMessage")[0]
        await harness.click(click_payload("U2", "C1", posted_message(question), "GlobalProtect"))
        await rasa.wait_turns(2)
        await settle()
        return rasa.turns

    turns = asyncio.run(scenario())
    assert turns[1].sender_id == f"slack:{TEAM}:C1:{root}"
    (update,) = fake_api.of("chat.update")
    assert update.params["blocks"][-1]["elements"][0]["text"] == "✔ *GlobalProtect* — <@U2>"
    assert fake_api.of("chat.postMessage")[1].params["thread_ts"] == root


def test_own_and_other_bots_messages_and_edits_are_ignored(fake_api: FakeSlackApi) -> None:
    async def scenario() -> List[UserMessage]:
        rasa = FakeRasa()
        harness = Harness(fake_api, rasa)
        own = dm_event(BOT_USER, "my own reply", "D1")
        own["bot_id"] = BOT_ID
        other_bot = {**dm_event("U9BOT", "beep", "D1"), "bot_id": "B9OTHER", "subtype": "bot_message"}
        edited = {"type": "message", "subtype": "message_changed", "channel": "D1", "channel_type": "im",
                  "message": {"user": "U1", "text": "edited"}, "ts": next_ts()}
        joined = {**thread_reply_event("U1", "joined", "C1", next_ts()), "subtype": "channel_join"}
        for event in (own, other_bot, edited, joined):
            assert (await harness.event(event_body(event))).status == 200
        await settle(0.5)
        return rasa.turns

    assert asyncio.run(scenario()) == []
    assert fake_api.of("chat.postMessage") == []


def test_retried_event_is_answered_once_even_after_a_restart(fake_api: FakeSlackApi, tmp_path: Any) -> None:
    from bot.db.engine import make_engine, make_session_factory
    from bot.db.migrate import upgrade
    from bot.db.slack_seen import SlackSeenRepository

    url = f"sqlite:///{tmp_path / 'frontline.db'}"
    upgrade(url)
    body = event_body(dm_event("U1", "hello", "D1"), event_id="Ev0RETRY")
    retry = {"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"}

    async def scenario() -> int:
        engines = [make_engine(url), make_engine(url)]
        try:
            rasa = FakeRasa()
            first = Harness(fake_api, rasa, seen=SeenStore(SlackSeenRepository(make_session_factory(engines[0]))))
            await first.event(body)
            await first.event(body, extra=retry)
            await rasa.wait_turns(1)
            # "restart": a new app and store on the same database, as after a redeploy
            restarted = Harness(fake_api, rasa, seen=SeenStore(SlackSeenRepository(make_session_factory(engines[1]))))
            response = await restarted.event(body, extra={**retry, "x-slack-retry-num": "2"})
            assert response.status == 200
            await settle(0.5)
            return len(rasa.turns)
        finally:
            for engine in engines:
                engine.dispose()

    assert asyncio.run(scenario()) == 1
    assert len(fake_api.of("chat.postMessage")) == 1


def test_silent_turn_still_gets_an_apology_in_slack(fake_api: FakeSlackApi) -> None:
    async def scenario() -> None:
        rasa = FakeRasa(lambda m: [])
        harness = Harness(fake_api, rasa)
        await harness.event(event_body(dm_event("U1", "hello?", "D1")))
        await rasa.wait_turns(1)
        await settle()

    asyncio.run(scenario())
    (post,) = fake_api.of("chat.postMessage")
    assert "something went wrong" in post.params["text"] and "the desk" in post.params["text"]
