"""Live handoff end to end: a REST user's failed VPN flow becomes a ticket posted to the
engineers' Slack channel (a fake Slack Web API); a signed Claim click quiets the bot; the user's
message appears in the ticket's thread, the engineer's thread reply reaches the user; Resolve
hands back to the bot, which asks for a rating; the rating and every step are ticket events."""

from __future__ import annotations

import re
import uuid
from typing import Any, Dict, List, Optional

import pytest

from tests.conftest import ENGINEERS_CHANNEL, Bot, button_titles, texts
from tests.fake_slack import (FakeSlackApi, SlackSender, block_text, button_labels, click_payload, event_body,
                              posted_message, thread_reply_event)
from tests.local_http import wait_until

pytestmark = pytest.mark.e2e

ENGINEER = "U0DANA"
ENGINEER_NAME = "Person U0DANA"  # the fake Slack's users.info display name



def click(bot: Bot, sender: str, reply: List[Dict[str, Any]], title: str) -> List[Dict[str, Any]]:
    for message in reply:
        for button in message.get("buttons") or []:
            if button["title"] == title:
                return bot.send(sender, button["payload"])
    raise AssertionError(f"no button {title!r} in {button_titles(reply)}")


def bot_events(bot: Bot, sender: str) -> List[Dict[str, Any]]:
    return [e for e in bot.api(f"/conversations/{sender}/tracker")["events"] if e.get("event") == "bot"]


def slack_click(slack: SlackSender, message: Dict[str, Any], label: str) -> None:
    status, _, elapsed = slack.click(click_payload(ENGINEER, ENGINEERS_CHANNEL, message, label))
    assert status == 200 and elapsed < 3.0, (status, elapsed)


def test_failed_flow_goes_to_an_engineer_and_comes_back_with_a_rating(bot: Bot, slack_api: FakeSlackApi, ticket_webhook: Any) -> None:
    sender = f"e2e-handoff-{uuid.uuid4().hex[:8]}"
    slack = SlackSender(f"{bot.url}/webhooks/slack/events")

    # 1. A failed flow opens a ticket; engineers are on duty, so the user is asked to stay.
    reply = bot.send(sender, "I can't connect to the VPN")
    reply = click(bot, sender, reply, "Cisco AnyConnect")
    reply = click(bot, sender, reply, "It won't connect at all")
    reply = click(bot, sender, reply, "Hotel, airport or café Wi-Fi")
    reply = bot.send(sender, "no")
    match = re.search(r"SUP-\d+", texts(reply))
    assert match and "engineers on duty" in texts(reply), texts(reply)
    reference = match.group(0)

    # 2. The ticket is posted to the engineers' channel with its summary, trail and buttons.
    post = slack_api.wait_for(
        lambda: next((c for c in slack_api.posts(ENGINEERS_CHANNEL, thread_ts=None) if reference in block_text(c)), None),
        what=f"{reference} in the engineers' channel")
    assert button_labels(post) == ["Claim", "Resolve", "Return to bot"]
    assert "I can't connect to the VPN" in block_text(post)
    assert "Cisco AnyConnect" in str(post.params["blocks"])
    thread = post.response["ts"]

    # 3. Claim: the bot goes quiet and the user is told who joined.
    slack_click(slack, posted_message(post), "Claim")
    wait_until(lambda: bot.slots(sender).get("handoff_active") is True, "handoff_active after Claim")
    assert any(ENGINEER_NAME in (e.get("text") or "") and "joined" in e["text"] for e in bot_events(bot, sender))

    # 4. What the user writes goes to the ticket's thread, and the bot says nothing itself.
    assert bot.send(sender, "it says error 809 now") == []
    slack_api.wait_for(lambda: [c for c in slack_api.posts(ENGINEERS_CHANNEL, thread_ts=thread) if "error 809" in c.params["text"]],
                       what="the user's message in the ticket thread")

    # 5. The engineer's reply in the thread reaches the user as the engineer's message.
    status, _, _ = slack.event(event_body(thread_reply_event(ENGINEER, "Please try the EU gateway", ENGINEERS_CHANNEL, thread)))
    assert status == 200
    engineer_said = wait_until(lambda: [e for e in bot_events(bot, sender) if e.get("text") == "Please try the EU gateway"],
                         "the engineer's message in the user's conversation")
    assert engineer_said[0]["metadata"]["engineer"] == ENGINEER_NAME

    # 6. Resolve: back to the bot, which asks for a 1-5 rating.
    update = slack_api.wait_for(lambda: (slack_api.of("chat.update", ts=thread) or [None])[-1], what="the desk message update")
    slack_click(slack, {**posted_message(post), "blocks": update.params["blocks"]}, "Resolve")
    wait_until(lambda: bot.slots(sender).get("handoff_active") is False, "handoff_active cleared after Resolve")
    assert bot.slots(sender)["rating_for"] == reference
    question = [e for e in bot_events(bot, sender) if (e.get("data") or {}).get("buttons")][-1]
    assert [b["title"] for b in question["data"]["buttons"]] == ["1", "2", "3", "4", "5"]

    # 7. The user rates; the bot answers again.
    reply = bot.send(sender, question["data"]["buttons"][4]["payload"])
    assert f"Thanks for rating {reference}: 5/5" in texts(reply)
    assert bot.slots(sender)["rating_for"] is None

    # Every step is on the ticket, in order.
    ticket, events = bot.ticket_with_events(reference)
    assert (ticket.status, ticket.assignee, ticket.category) == ("resolved", ENGINEER, "vpn_connection")
    steps = [
        (e.kind, e.data.get("to") if e.kind == "status_changed" else e.data.get("source") or e.data.get("handoff") or e.data.get("rating"))
        for e in events
    ]
    assert steps == [
        ("created", None),
        ("assigned", None),
        ("status_changed", "claimed"),
        ("message", "user"),
        ("message", "engineer"),
        ("note", "resolved"),
        ("status_changed", "resolved"),
        ("rating", 5),
    ], steps
    assert events[3].body == "it says error 809 now" and events[4].body == "Please try the EU gateway"

    # The external ticket system got the same history, in order.
    def delivered() -> Optional[List[str]]:
        kinds = [r.body["event"]["kind"] for r in ticket_webhook.accepted() if r.body["ticket"]["reference"] == reference]
        return kinds if len(kinds) == len(events) else None

    assert ticket_webhook.wait_for(delivered, what=f"webhook deliveries of {reference}") == [e.kind for e in events]
