"""A person who asked for help in a Slack DM gets the engineer's thread replies in that DM, and
the bot stays quiet (no apology) while the engineer has the conversation."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.conftest import ENGINEERS_CHANNEL, Bot
from tests.fake_slack import (FakeSlackApi, SlackSender, block_text, click_payload, dm_event, event_body,
                              posted_message, thread_reply_event)

pytestmark = pytest.mark.e2e


def test_engineer_reply_is_posted_in_the_users_dm(bot: Bot, slack_api: FakeSlackApi) -> None:
    suffix = uuid.uuid4().hex[:6].upper()
    user, dm = f"U0DM{suffix}", f"D0DM{suffix}"
    slack = SlackSender(f"{bot.url}/webhooks/slack/events")

    assert slack.event(event_body(dm_event(user, "talk to a human", dm)))[0] == 200
    answer = slack_api.wait_for(lambda: next((c for c in slack_api.posts(dm) if "SUP-" in block_text(c)), None),
                                what="the escalation answer in the DM")
    reference = re.search(r"SUP-\d+", block_text(answer)).group(0)
    post = slack_api.wait_for(
        lambda: next((c for c in slack_api.posts(ENGINEERS_CHANNEL, thread_ts=None) if reference in block_text(c)), None),
        what=f"{reference} in the engineers' channel")
    assert f"Person {user}" in block_text(post)  # the requester's Slack name, on the desk

    assert slack.click(click_payload("U0ENG", ENGINEERS_CHANNEL, posted_message(post), "Claim"))[0] == 200
    slack_api.wait_for(lambda: [c for c in slack_api.posts(user) if "joined" in block_text(c)], what="the joined notice in the DM")

    assert slack.event(event_body(dm_event(user, "my laptop shows a black screen", dm)))[0] == 200
    thread = post.response["ts"]
    slack_api.wait_for(lambda: [c for c in slack_api.posts(ENGINEERS_CHANNEL, thread_ts=thread) if "black screen" in c.params["text"]],
                       what="the user's DM in the ticket thread")

    assert slack.event(event_body(thread_reply_event("U0ENG", "Hold the power button for 10 seconds", ENGINEERS_CHANNEL, thread)))[0] == 200
    reply = slack_api.wait_for(lambda: [c for c in slack_api.posts(user) if "power button" in block_text(c)],
                               what="the engineer's reply in the user's DM")
    assert "Person U0ENG (IT engineer)" in block_text(reply[0])
    assert not [c for c in slack_api.posts(dm) if "something went wrong" in block_text(c).lower()]  # no apology
