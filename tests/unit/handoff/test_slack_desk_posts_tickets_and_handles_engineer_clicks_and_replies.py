"""The engineers' Slack desk through the real bolt app: the ticket message with summary, trail and
buttons; signed Claim / Resolve clicks; thread replies relayed to the user or kept as notes."""

import asyncio
import json
import time
from datetime import time as time_of_day
from typing import Any, Dict
from urllib.parse import urlencode

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.db.repositories import TicketStore, utc_now
from bot.handoff.calendar import SupportCalendar
from bot.handoff.memory import MemoryUserChannel
from bot.handoff.service import HandoffService
from bot.slack.desk import SlackDesk
from bot.slack.handoff_listeners import HandoffListeners
from bot.handoff.store import HandoffStore
from bot.rasa_ext.guard import no_silent_bot
from bot.slack.app import SlackBridge, build_app
from bot.slack.client import SlackClient
from bot.slack.config import SlackConfig
from bot.slack.dedupe import SeenStore
from bot.slack.output import SlackConversationOutput
from bot.slack.users import UserDirectory
from tests.fake_slack import (BOT_TOKEN, SIGNING_SECRET, FakeSlackApi, block_text, button_labels, click_payload,
                              event_body, posted_message, sign, thread_reply_event)

ENGINEERS = "C0ENG"
DETAILS = {"questions": [{"step": "ask_client", "question": "Which VPN client are you using?",
                          "answer": "anyconnect", "label": "Cisco AnyConnect"}],
           "kb": [{"query": "vpn drops", "articles": ["VPN keeps disconnecting"], "helpful": False}]}


class Desk:
    """The real bolt app with the handoff listeners, a real ticket store, a fake user channel."""

    def __init__(self, api: FakeSlackApi, session_factory: Any) -> None:
        self.api = api
        api.set_members(ENGINEERS, ["U0DANA", "U0ERIK"])  # who may act on tickets
        self.web = AsyncWebClient(token=BOT_TOKEN, base_url=api.url, retry_handlers=[])
        self.client = SlackClient(self.web, give_up_after=5.0)
        self.tickets = TicketStore(session_factory)
        self.users = MemoryUserChannel()
        self.desk = SlackDesk(self.client, ENGINEERS)
        always_open = SupportCalendar(week={day: ((time_of_day(0, 0), time_of_day.max),) for day in range(7)})
        self.service = HandoffService(self.tickets, HandoffStore(session_factory), self.desk, self.users,
                                      always_open, utc_now)
        self.user_turns = []
        directory = UserDirectory(self.client)

        async def rasa(message):
            self.user_turns.append(message)

        bridge = SlackBridge(self.client, directory, SeenStore(None), no_silent_bot(rasa, "the desk"))
        self.listeners = HandoffListeners(self.service, self.desk, directory, bridge.first_time)
        config = SlackConfig(mode="http", bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=api.url)
        self.app = build_app(config, self.web, bridge, register_first=[self.listeners.register])

    async def post(self, body: bytes, content_type: str) -> int:
        ts = str(int(time.time()))
        headers = {"content-type": content_type, "x-slack-request-timestamp": ts,
                   "x-slack-signature": sign(SIGNING_SECRET, ts, body)}
        response = await self.app.async_dispatch(AsyncBoltRequest(body=body.decode(), headers=headers))
        await asyncio.sleep(0.3)  # bolt runs listeners after acknowledging
        return response.status

    async def click(self, user: str, message: Dict[str, Any], label: str) -> int:
        payload = click_payload(user, ENGINEERS, message, label)
        return await self.post(urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded")

    async def reply(self, user: str, thread_ts: str, text: str) -> int:
        body = event_body(thread_reply_event(user, text, ENGINEERS, thread_ts))
        return await self.post(json.dumps(body).encode(), "application/json")


def open_and_post(desk: Desk):
    ticket = desk.tickets.create(requester_id="alice", requester_name="Alice", category="vpn_connection", team="network",
                                 summary="Alice (via rest) needs help with VPN won't connect. Priority high.",
                                 channel="rest", conversation_id="conv-alice", priority="high", details=DETAILS)
    desk.service.open(ticket)
    assert asyncio.run(desk.service.post_pending()) == 1
    [call] = desk.api.posts(ENGINEERS)
    return ticket, call


def test_ticket_message_has_summary_trail_and_three_buttons(api: FakeSlackApi, session_factory) -> None:
    desk = Desk(api, session_factory)
    ticket, call = open_and_post(desk)
    text = block_text(call)
    assert ticket.reference in text and "vpn connection" in text and "high" in text
    assert "Alice (via rest) needs help with VPN" in text
    assert "Which VPN client are you using? → *Cisco AnyConnect*" in json.dumps(call.params["blocks"], ensure_ascii=False)
    assert "VPN keeps disconnecting (did not help)" in json.dumps(call.params["blocks"])
    assert button_labels(call) == ["Claim", "Resolve", "Return to bot"]
    handoff = desk.service.handoffs.for_ticket(ticket.id)
    assert (handoff.desk_channel, handoff.desk_thread) == (ENGINEERS, call.response["ts"])


def test_claim_click_then_thread_replies_reach_the_user_and_resolve_ends_it(api: FakeSlackApi, session_factory) -> None:
    desk = Desk(api, session_factory)
    ticket, call = open_and_post(desk)
    root = posted_message(call)

    async def scenario() -> None:
        assert await desk.click("U0DANA", root, "Claim") == 200
        assert desk.tickets.get(ticket.id).status == "claimed"
        conv, msgs, slots = desk.users.pushes[-1]
        assert conv == "conv-alice" and slots == {"handoff_active": True} and "Person U0DANA" in msgs[0].text
        update = api.of("chat.update", ts=call.response["ts"])[-1]
        assert button_labels(update) == ["Resolve", "Return to bot"] and "Claimed by <@U0DANA>" in block_text(update)
        assert "You have the conversation" in api.of("chat.postEphemeral", user="U0DANA")[-1].params["text"]

        assert await desk.click("U0ERIK", root, "Claim") == 200  # too late
        assert api.of("chat.postEphemeral", user="U0ERIK")[-1].params["text"] == "Already claimed by Person U0DANA."

        assert await desk.reply("U0DANA", call.response["ts"], "Please try the EU gateway") == 200
        _, msgs, _ = desk.users.pushes[-1]
        assert msgs[0].text == "Please try the EU gateway" and msgs[0].metadata == {"engineer": "Person U0DANA"}
        pushes = len(desk.users.pushes)
        assert await desk.reply("U0ERIK", call.response["ts"], "EU gateway is flaky today") == 200
        assert len(desk.users.pushes) == pushes  # a colleague's remark stays internal
        assert desk.user_turns == []  # nothing in the ticket thread ever went to the bot

        resolved = {**root, "blocks": update.params["blocks"]}
        assert await desk.click("U0DANA", resolved, "Resolve") == 200
        assert desk.tickets.get(ticket.id).status == "resolved"
        _, msgs, slots = desk.users.pushes[-1]
        assert slots == {"handoff_active": False, "rating_for": ticket.reference}
        assert button_labels(api.of("chat.update", ts=call.response["ts"])[-1]) == []

    asyncio.run(scenario())
    notes = [e for e in desk.tickets.list_events(ticket.id) if e.kind == "note"]
    assert [n.body for n in notes] == ["EU gateway is flaky today", "Resolved by Person U0DANA."]


def test_user_messages_are_posted_in_the_ticket_thread(api: FakeSlackApi, session_factory) -> None:
    desk = Desk(api, session_factory)
    ticket, call = open_and_post(desk)

    async def scenario() -> None:
        await desk.click("U0DANA", posted_message(call), "Claim")
        await desk.service.user_message("conv-alice", "it says error 809", "Alice")

    asyncio.run(scenario())
    [post] = api.posts(ENGINEERS, thread_ts=call.response["ts"])
    assert post.params["text"] == "*Alice:* it says error 809"


def test_engineer_replies_reach_slack_users_in_their_dm_or_thread(api: FakeSlackApi) -> None:
    client = SlackClient(AsyncWebClient(token=BOT_TOKEN, base_url=api.url, retry_handlers=[]), give_up_after=5.0)
    output = SlackConversationOutput(client)

    async def scenario() -> None:
        await output.send_response("slack:T0FRONT:U0ALICE", {"text": "*Dana (IT engineer):* hi", "engineer": "Dana"})
        await output.send_response("slack:T0FRONT:C0HELP:1700000000.000001", {"text": "in the thread"})
        await output.send_response("web-123", {"text": "not a Slack conversation"})

    asyncio.run(scenario())
    assert [c.params["channel"] for c in api.of("chat.postMessage")] == ["U0ALICE", "C0HELP"]  # U…: the app's DM
    assert api.of("chat.postMessage")[1].params["thread_ts"] == "1700000000.000001"
