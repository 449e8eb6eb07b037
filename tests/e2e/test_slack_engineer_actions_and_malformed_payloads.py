"""Slack against the real server: engineer buttons only work for members of the engineers'
channel, in that channel; malformed (even signed) requests get 400s, never 500s."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from tests.conftest import ENGINEERS_CHANNEL, Bot
from tests.fake_slack import (
    FakeSlackApi,
    SlackSender,
    block_text,
    click_payload,
    dm_event,
    event_body,
    posted_message,
)

pytestmark = pytest.mark.e2e


def _desk_post(bot: Bot, slack_api: FakeSlackApi, slack: SlackSender):  # type: ignore[no-untyped-def]
    suffix = uuid.uuid4().hex[:6].upper()
    user, dm = f"U0AUTH{suffix}", f"D0AUTH{suffix}"
    assert slack.event(event_body(dm_event(user, "talk to a human", dm)))[0] == 200
    answer = slack_api.wait_for(lambda: next((c for c in slack_api.posts(dm) if "SUP-" in block_text(c)), None),
                                what="the escalation answer in the DM")
    reference = re.search(r"SUP-\d+", block_text(answer)).group(0)
    post = slack_api.wait_for(
        lambda: next((c for c in slack_api.posts(ENGINEERS_CHANNEL, thread_ts=None) if reference in block_text(c)), None),
        what=f"{reference} in the engineers' channel")
    return reference, post


def test_claim_by_a_non_engineer_or_from_a_dm_is_refused_and_changes_nothing(bot: Bot, slack_api: FakeSlackApi) -> None:
    slack = SlackSender(f"{bot.url}/webhooks/slack/events")
    reference, post = _desk_post(bot, slack_api, slack)
    assert slack.click(click_payload("U0MALLORY", ENGINEERS_CHANNEL, posted_message(post), "Claim"))[0] == 200
    slack_api.wait_for(lambda: slack_api.of("chat.postEphemeral", user="U0MALLORY"), what="the refusal to Mallory")
    assert "only members of the engineers' channel" in slack_api.of("chat.postEphemeral", user="U0MALLORY")[-1].params["text"]
    # An engineer's click forged into a DM does nothing either.
    assert slack.click(click_payload("U0DANA", "D0DANA", posted_message(post), "Resolve"))[0] == 200
    ticket, _ = bot.ticket_with_events(reference)
    assert ticket.status == "new"
    # A real engineer in the channel can.
    assert slack.click(click_payload("U0ENG", ENGINEERS_CHANNEL, posted_message(post), "Claim"))[0] == 200
    slack_api.wait_for(lambda: bot.ticket_with_events(reference)[0].status == "claimed", what="the claim")


@pytest.mark.parametrize("body", [
    {"type": "event_callback", "event": "hello", "team_id": "T0FRONT"},
    {"type": "event_callback", "event": {"type": "message", "text": {"x": 1}, "user": "U1", "channel": "D1"}},
    {"type": "event_callback", "event": ["a"]},
    [],
])
def test_signed_events_of_the_wrong_shape_get_400(bot: Bot, body: object) -> None:
    slack = SlackSender(f"{bot.url}/webhooks/slack/events")
    status, answer, _ = slack.post(json.dumps(body).encode(), "application/json")
    assert status == 400, answer


@pytest.mark.parametrize("change", [
    {"actions": []}, {"actions": "claim"}, {"actions": [1]}, {"message": "x"},
    {"message": {"ts": "1.1", "blocks": "x"}}, {"user": "U1"}, {"channel": ["C1"]},
])
def test_signed_clicks_of_the_wrong_shape_get_400(bot: Bot, change: dict) -> None:
    slack = SlackSender(f"{bot.url}/webhooks/slack/events")
    payload = {"type": "block_actions", "user": {"id": "U1"}, "channel": {"id": "D1"},
               "message": {"ts": "1.1", "blocks": []}, "actions": [{"action_id": "fl_choice_0", "value": "/affirm"}]}
    payload.update(change)
    status, answer, _ = slack.click(payload)
    assert status == 400, answer


def test_unsigned_junk_gets_4xx_not_500(bot: Bot) -> None:
    url = f"{bot.url}/webhooks/slack/events"
    for body, headers in [
        (b"not json", {"Content-Type": "application/json"}),
        (b"{}", {"Content-Type": "application/json", "X-Slack-Request-Timestamp": "soon"}),
        (urllib.parse.urlencode({"payload": "{"}).encode(), {"Content-Type": "application/x-www-form-urlencoded"}),
    ]:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as resp:
                status = resp.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        assert 400 <= status < 500, (body, status)
