"""Claim, Resolve, Return and ticket-thread replies: only members of the engineers' channel (or
the configured group), only from that channel; everyone else gets a polite ephemeral refusal.
Signed requests through the real bolt app, membership from the fake Slack Web API."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlencode

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.engineer_auth import REFUSAL, EngineerAuthorizer
from bot.slack.desk import notification_text
from bot.slack.client import SlackClient
from tests.fake_slack import BOT_TOKEN, FakeSlackApi, click_payload, posted_message
from tests.unit.handoff.test_slack_desk_posts_tickets_and_handles_engineer_clicks_and_replies import Desk, open_and_post


def test_a_click_by_someone_outside_the_engineers_channel_is_refused_politely(api: FakeSlackApi, session_factory: Any) -> None:
    desk = Desk(api, session_factory)
    ticket, call = open_and_post(desk)
    assert asyncio.run(desk.click("U0MALLORY", posted_message(call), "Claim")) == 200
    assert desk.tickets.get(ticket.id).status == "new"
    assert api.of("chat.postEphemeral", user="U0MALLORY")[-1].params["text"] == REFUSAL
    assert not api.of("chat.update")


def test_a_click_forged_from_a_dm_is_refused_even_for_an_engineer(api: FakeSlackApi, session_factory: Any) -> None:
    desk = Desk(api, session_factory)
    ticket, call = open_and_post(desk)
    payload = click_payload("U0DANA", "D0DANA", posted_message(call), "Resolve")
    body = urlencode({"payload": json.dumps(payload)}).encode()
    assert asyncio.run(desk.post(body, "application/x-www-form-urlencoded")) == 200
    assert desk.tickets.get(ticket.id).status == "new"


def test_a_thread_reply_by_a_non_engineer_never_reaches_the_user(api: FakeSlackApi, session_factory: Any) -> None:
    desk = Desk(api, session_factory)
    ticket, call = open_and_post(desk)
    root = posted_message(call)

    async def scenario() -> None:
        assert await desk.click("U0DANA", root, "Claim") == 200
        before = len(desk.users.pushes)
        assert await desk.reply("U0MALLORY", call.response["ts"], "<!channel> reset your password at evil") == 200
        assert len(desk.users.pushes) == before
        assert api.of("chat.postEphemeral", user="U0MALLORY")[-1].params["text"] == REFUSAL

    asyncio.run(scenario())


def test_members_of_the_configured_group_may_act_and_membership_is_cached_then_refreshed(api: FakeSlackApi) -> None:
    api.set_members("C0ENG2", ["U0A"])
    api.usergroups["S0ONCALL"] = ["U0B"]
    now = [0.0]
    client = SlackClient(AsyncWebClient(token=BOT_TOKEN, base_url=api.url, retry_handlers=[]), give_up_after=5.0)
    auth = EngineerAuthorizer(client, "C0ENG2", "S0ONCALL", ttl=300, clock=lambda: now[0])

    async def scenario() -> None:
        assert await auth.allowed("U0A", "C0ENG2") and await auth.allowed("U0B", "C0ENG2")
        assert not await auth.allowed("U0C", "C0ENG2")
        assert not await auth.allowed("U0A", "C0OTHER")
        calls = len(api.of("conversations.members"))
        api.set_members("C0ENG2", ["U0C"])
        assert not await auth.allowed("U0C", "C0ENG2")  # cached
        assert len(api.of("conversations.members")) == calls
        now[0] += 301
        assert await auth.allowed("U0C", "C0ENG2") and not await auth.allowed("U0A", "C0ENG2")

    asyncio.run(scenario())


def test_the_desk_message_text_and_notices_cannot_ping_or_disguise_links(api: FakeSlackApi, session_factory: Any) -> None:
    desk = Desk(api, session_factory)
    hostile = "<!channel> <@U0BOSS> <https://evil.example|Reset your password> & more"
    ticket = desk.tickets.create(requester_id="rest:x", requester_name=None, category="vpn_connection", team="network",
                                 summary=hostile, channel="rest", conversation_id="rest:x", priority="normal")
    handoff = desk.service.open(ticket).handoff
    text = notification_text(ticket, handoff)
    assert "<" not in text and ">" not in text
    assert "&lt;!channel&gt;" in text and "&amp; more" in text
    asyncio.run(desk.desk.tell("C0ENG", "U0DANA", "Already claimed by <!here>"))
    assert api.of("chat.postEphemeral", user="U0DANA")[-1].params["text"] == "Already claimed by &lt;!here&gt;"
