"""Slack end to end: the real Rasa server with its Slack channel (HTTP mode, slack-bolt), the
real action server and flow engine, and a fake Slack Web API recording every call. Events and
clicks are signed with Slack's v0 scheme and POSTed to /webhooks/slack/events like Slack does.
"""

from __future__ import annotations

import time
from typing import Any, Dict, List, Optional

import pytest

from tests.conftest import Bot
from tests.fake_slack import (
    BOT_USER,
    TEAM,
    Call,
    FakeSlackApi,
    SlackSender,
    block_text,
    button_labels,
    click_payload,
    dm_event,
    event_body,
    mention_event,
    next_ts,
    posted_message,
    thread_reply_event,
)

pytestmark = pytest.mark.e2e

ACK_DEADLINE = 3.0  # Slack gives up on a request after three seconds


@pytest.fixture
def slack(bot: Bot) -> SlackSender:
    """Sends signed requests to the session bot's Slack route."""
    return SlackSender(f"{bot.url}/webhooks/slack/events")


def _send(slack: SlackSender, body: Dict[str, Any], **kwargs: Any) -> None:
    status, _, elapsed = slack.event(body, **kwargs)
    assert status == 200, f"Slack event rejected: {status}"
    assert elapsed < ACK_DEADLINE, f"acknowledged after {elapsed:.1f}s"


def _click(slack: SlackSender, payload: Dict[str, Any]) -> None:
    status, _, elapsed = slack.click(payload)
    assert status == 200, f"click rejected: {status}"
    assert elapsed < ACK_DEADLINE, f"click acknowledged after {elapsed:.1f}s"


def _wait_post(api: FakeSlackApi, channel: str, after: int, containing: str, thread_ts: Optional[str] = "any",
               timeout: float = 60) -> Call:
    """The first new post in ``channel`` (beyond the first ``after``) whose text contains ``containing``."""
    def find() -> Optional[Call]:
        for call in api.posts(channel, thread_ts)[after:]:
            if containing.lower() in block_text(call).lower():
                return call
        return None

    return api.wait_for(find, timeout, f"a post in {channel} containing {containing!r}")


def _quiet(api: FakeSlackApi, channel: str, seconds: float = 2.5) -> List[Call]:
    """Wait until no new post arrived in ``channel`` for ``seconds``; return its posts."""
    count, still_since = -1, time.monotonic()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        now = len(api.posts(channel))
        if now != count:
            count, still_since = now, time.monotonic()
        elif time.monotonic() - still_since >= seconds:
            break
        time.sleep(0.1)
    return api.posts(channel)


def test_slack_dm_runs_a_whole_flow_with_button_clicks(bot: Bot, slack_api: FakeSlackApi, slack: SlackSender) -> None:
    user, channel = "U0E2EDM", "D0E2EDM"
    sender = f"slack:{TEAM}:{user}"

    _send(slack, event_body(dm_event(user, "I forgot my password", channel)))
    question = _wait_post(slack_api, channel, 0, "Which password do you need to reset")
    assert "thread_ts" not in question.params  # a DM is answered in the DM itself
    assert button_labels(question)[:2] == ["Company account (Windows, email, Teams)", "A business app (SAP, Salesforce…)"]

    seen = len(slack_api.posts(channel))
    _click(slack, click_payload(user, channel, posted_message(question), "Company account (Windows, email, Teams)"))
    update = slack_api.wait_for(lambda: slack_api.of("chat.update", channel=channel, ts=question.response["ts"]),
                                30, "the clicked buttons to be replaced")[0]
    assert [b["type"] for b in update.params["blocks"]][-1] == "context"
    assert "✔ *Company account (Windows, email, Teams)*" in block_text(update)
    assert not [b for b in update.params["blocks"] if b["type"] == "actions"]

    enrolled = _wait_post(slack_api, channel, seen, "registered for self-service password reset")
    assert button_labels(enrolled)[:2] == ["Yes", "No"]
    seen = len(slack_api.posts(channel))
    _click(slack, click_payload(user, channel, posted_message(enrolled), "Yes"))

    guide = _wait_post(slack_api, channel, seen, "passwordreset.microsoftonline.com")
    assert "<https://passwordreset.microsoftonline.com" in block_text(guide)  # markdown became mrkdwn
    assert "**" not in block_text(guide)
    fixed = _wait_post(slack_api, channel, seen, "Were you able to reset your password")
    seen = len(slack_api.posts(channel))
    _click(slack, click_payload(user, channel, posted_message(fixed), "Yes"))
    _quiet(slack_api, channel)

    slots = bot.slots(sender)
    assert slots["flow_last"] == {"flow": "password_reset", "outcome": "resolved"}
    assert slots["flow_state"] is None
    tracker = bot.api(f"/conversations/{sender}/tracker")
    user_events = [e for e in tracker["events"] if e["event"] == "user"]
    assert [e["text"] for e in user_events][0] == "I forgot my password"
    assert user_events[1]["text"].startswith("/flow_answer")  # clicks arrive as button payloads
    assert {e["input_channel"] for e in user_events} == {"slack"}
    assert user_events[0]["metadata"]["slack"]["display_name"] == f"Person {user}"


def test_slack_channel_mention_is_answered_in_its_thread(bot: Bot, slack_api: FakeSlackApi, slack: SlackSender) -> None:
    channel, root = "C0E2EHELP", next_ts()
    sender = f"slack:{TEAM}:{channel}:{root}"

    _send(slack, event_body(mention_event("U0E2EAMY", f"<@{BOT_USER}> help, I have a printer problem", channel, ts=root)))
    ask = _wait_post(slack_api, channel, 0, "Which printer is it", thread_ts=root)
    assert ask.params["thread_ts"] == root

    # the answer in the thread needs no @mention: the thread is the conversation
    _send(slack, event_body(thread_reply_event("U0E2EAMY", "LON-3F-COLOUR", channel, root)))
    # ("I can't print anything" would answer "What's happening?" already: the flow skips it)
    what = _wait_post(slack_api, channel, 0, "What's happening", thread_ts=root)
    assert "Nothing prints" in button_labels(what)

    # a colleague clicks in the same thread: still the same conversation
    _click(slack, click_payload("U0E2EBOB", channel, posted_message(what), "Nothing prints"))
    _wait_post(slack_api, channel, 0, "Can colleagues print", thread_ts=root)
    (update,) = slack_api.of("chat.update", channel=channel, ts=what.response["ts"])
    assert "✔ *Nothing prints* — <@U0E2EBOB>" in block_text(update)

    assert all(p.params.get("thread_ts") == root for p in slack_api.posts(channel))
    assert bot.slots(sender)["flow_state"]["flow"] == "printer_problem"


def test_slack_retried_event_is_answered_once(bot: Bot, slack_api: FakeSlackApi, slack: SlackSender) -> None:
    channel = "D0E2ERETRY"
    body = event_body(dm_event("U0E2ERETRY", "hello", channel), event_id="Ev0E2ERETRY")

    _send(slack, body)
    first = _quiet(slack_api, channel)
    assert first, "no answer to the original event"
    for attempt in (1, 2, 3):  # Slack retries up to three times, with these headers
        _send(slack, body, headers={"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_timeout"})
    assert len(_quiet(slack_api, channel)) == len(first)
    assert len([e for e in bot.api(f"/conversations/slack:{TEAM}:U0E2ERETRY/tracker")["events"] if e["event"] == "user"]) == 1


def test_slack_forged_and_replayed_requests_are_rejected(bot: Bot, slack_api: FakeSlackApi, slack: SlackSender) -> None:
    channel = "D0E2EFORGED"

    bad_signature = slack.event(event_body(dm_event("U0E2EEVE", "hello", channel)), secret="guessed-secret")
    stale = slack.event(event_body(dm_event("U0E2EEVE", "hello", channel)), timestamp=int(time.time()) - 6 * 60)
    forged_click = slack.click({"type": "block_actions", "user": {"id": "U0E2EEVE"}, "actions": []}, secret="nope")

    assert (bad_signature[0], stale[0], forged_click[0]) == (401, 401, 401)
    time.sleep(2)
    assert slack_api.posts(channel) == []


def test_slack_rate_limit_and_outage_while_replying_are_retried(bot: Bot, slack_api: FakeSlackApi, slack: SlackSender) -> None:
    channel = "D0E2EFLAKY"
    slack_api.fail_next("chat.postMessage", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})
    slack_api.fail_next("chat.postMessage", 503)

    _send(slack, event_body(dm_event("U0E2EFLAKY", "my vpn keeps dropping", channel)))
    _wait_post(slack_api, channel, 0, "VPN")

    attempts = [c for c in slack_api.of("chat.postMessage", ok_only=False) if c.params.get("channel") == channel]
    assert [c.status for c in attempts[:3]] == [429, 503, 200]
    assert attempts[1].at - attempts[0].at >= 1.0  # waited as long as Slack asked
    assert bot.send("e2e-after-slack-outage", "hi"), "Rasa server unwell after the Slack outage"
