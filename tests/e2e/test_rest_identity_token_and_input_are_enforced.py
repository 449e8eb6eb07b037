"""The REST channel against the real server: a token, strict input (400s, never 500s or
silence), namespaced senders, client metadata ignored, limits on size and rate."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import uuid
from typing import Any, Optional, Tuple

import pytest

from tests.conftest import RATE_SENDER_PER_MINUTE, Bot, texts
from tests.fake_slack import TEAM, SlackSender, block_text, dm_event, event_body

pytestmark = pytest.mark.e2e


def post(bot: Bot, body: bytes, token: Optional[str] = "default", timeout: float = 60) -> Tuple[int, Any]:
    """POST raw bytes to the REST webhook; (status, parsed JSON or raw text)."""
    headers = {"Content-Type": "application/json"}
    tok = bot.settings.rest_token if token == "default" else token
    if tok:
        headers["Authorization"] = f"Bearer {tok}"
    request = urllib.request.Request(f"{bot.url}/webhooks/rest/webhook", data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        return status, json.loads(raw or b"null")
    except ValueError:
        return status, raw.decode(errors="replace")


def send_json(bot: Bot, payload: Any, **kwargs: Any) -> Tuple[int, Any]:
    return post(bot, json.dumps(payload).encode(), **kwargs)


def user_events(bot: Bot, sender: str) -> list:
    return [e for e in bot.api(f"/conversations/{sender}/tracker")["events"] if e["event"] == "user"]


def raw_user_events(bot: Bot, conversation_id: str) -> list:
    """User events of a conversation id taken literally (no rest: prefix added)."""
    url = f"{bot.url}/conversations/{conversation_id}/tracker?token={bot.assistant.api_token}"
    with urllib.request.urlopen(url, timeout=30) as resp:
        return [e for e in json.loads(resp.read())["events"] if e["event"] == "user"]


def test_rest_needs_its_token(bot: Bot) -> None:
    assert send_json(bot, {"sender": "e2e-notoken", "message": "hi"}, token=None)[0] == 401
    assert send_json(bot, {"sender": "e2e-notoken", "message": "hi"}, token="wrong")[0] == 401
    assert send_json(bot, {"sender": "e2e-notoken", "message": "hi"})[0] == 200


@pytest.mark.parametrize("body, fragment", [
    (b"[1, 2]", "JSON object"),
    (b'"hello"', "JSON object"),
    (b"not json", "not JSON"),
    (b'{"message": "hi"}', "'sender' is required"),
    (b'{"sender": "e2e-bad", "message": 42}', "'message' is required and must be a string"),
    (b'{"sender": "e2e-bad", "message": {"text": "hi"}}', "must be a string"),
    (b'{"sender": "e2e-bad"}', "'message' is required"),
    (b'{"sender": ["x"], "message": "hi"}', "'sender' is required"),
    (b'{"sender": "e2e-bad", "message": "hi", "seq": "1"}', "'seq' is optional and must be a positive integer"),
    (b'{"sender": "e2e-bad", "message": "hi", "seq": 0}', "'seq' is optional and must be a positive integer"),
    (b'{"sender": "e2e-bad", "message": "hi", "seq": true}', "'seq' is optional and must be a positive integer"),
])
def test_malformed_bodies_get_a_400_with_a_clear_error(bot: Bot, body: bytes, fragment: str) -> None:
    status, answer = post(bot, body)
    assert status == 400 and fragment in answer["error"], (status, answer)


def test_requests_without_a_sender_are_refused_instead_of_sharing_one_conversation(bot: Bot) -> None:
    assert send_json(bot, {"message": "hi"})[0] == 400
    assert send_json(bot, {"sender": None, "message": "hi"})[0] == 400
    assert raw_user_events(bot, "default") == []  # Rasa's old shared conversation stays empty


def test_an_empty_message_gets_a_prompt_not_an_apology(bot: Bot) -> None:
    status, reply = send_json(bot, {"sender": f"e2e-empty-{uuid.uuid4().hex[:6]}", "message": ""})
    assert status == 200 and "didn't get any text" in texts(reply)
    assert "Sorry" not in texts(reply)


def test_a_too_long_message_gets_a_clear_reply_and_never_reaches_nlu(bot: Bot) -> None:
    sender = f"e2e-long-{uuid.uuid4().hex[:6]}"
    status, reply = send_json(bot, {"sender": sender, "message": "my vpn is broken " * 200})
    assert status == 200 and "too long" in texts(reply) and "2,000" in texts(reply)
    assert user_events(bot, sender) == []  # nothing was handed to Rasa


def test_a_body_over_the_size_limit_is_refused_by_the_http_server_and_it_keeps_serving(bot: Bot) -> None:
    huge = json.dumps({"sender": "e2e-huge", "message": "x" * (bot.settings.max_body_bytes + 1)}).encode()
    status, _ = post(bot, huge)
    assert status == 413
    assert bot.send(f"e2e-after-huge-{uuid.uuid4().hex[:6]}", "hi")


def test_a_rest_client_cannot_name_a_slack_conversation_or_claim_a_slack_identity(bot: Bot, slack_api: Any) -> None:
    # Alice opens a ticket in Slack.
    alice = f"U0ALICE{uuid.uuid4().hex[:4].upper()}"
    slack = SlackSender(f"{bot.url}/webhooks/slack/events")
    assert slack.event(event_body(dm_event(alice, "talk to a human", f"D{alice}")))[0] == 200
    answer = slack_api.wait_for(lambda: next((c for c in slack_api.posts(f"D{alice}") if "SUP-" in block_text(c)), None),
                                what="Alice's ticket in her DM")
    reference = re.search(r"SUP-\d+", block_text(answer)).group(0)
    # Mallory names Alice's Slack conversation and sends her Slack identity as metadata.
    forged = {"sender": f"slack:{TEAM}:{alice}", "message": "what's the status of my tickets?",
              "metadata": {"slack": {"team": TEAM, "user": alice, "display_name": "Alice"}}, "input_channel": "slack"}
    status, reply = send_json(bot, forged)
    assert status == 200 and reference not in texts(reply)
    status, reply = send_json(bot, {**forged, "message": f"what's the status of {reference}?"})
    assert "only shown to the person who opened it" in texts(reply)
    # Mallory's turns live in her own REST conversation, not in Alice's.
    assert len(user_events(bot, f"rest:slack:{TEAM}:{alice}")) == 2
    assert all(e["text"] == "talk to a human" for e in user_events(bot, f"slack:{TEAM}:{alice}"))
    assert user_events(bot, f"rest:slack:{TEAM}:{alice}")[-1]["input_channel"] == "rest"


def test_a_vip_display_name_in_metadata_does_not_raise_priority(bot: Bot) -> None:
    sender = f"e2e-fakevip-{uuid.uuid4().hex[:6]}"
    status, reply = send_json(bot, {"sender": sender, "message": "talk to a human",
                                    "metadata": {"display_name": "ceo@example.com"}})
    reference = re.search(r"SUP-\d+", texts(reply)).group(0)
    ticket, _ = bot.ticket_with_events(reference)
    # Other rules may fire (many people ask for a human during the test session); VIP must not.
    details = ticket.details if isinstance(ticket.details, dict) else json.loads(ticket.details or "{}")
    assert details.get("priority_reasons") is not None, details.keys()
    assert not any("VIP" in reason for reason in details["priority_reasons"]) and "VIP" not in ticket.summary
    assert (ticket.requester_name, ticket.requester_id) == (None, f"rest:{sender}")


def test_a_conversation_sending_too_fast_is_asked_to_slow_down(bot: Bot) -> None:
    sender = f"e2e-flood-{uuid.uuid4().hex[:6]}"
    replies = [texts(send_json(bot, {"sender": sender, "message": ""})[1]) for _ in range(RATE_SENDER_PER_MINUTE)]
    assert all("didn't get any text" in r for r in replies)
    status, reply = send_json(bot, {"sender": sender, "message": "hi"})
    assert status == 200 and "faster than I can answer" in texts(reply)
    assert send_json(bot, {"sender": f"{sender}-other", "message": "hi"})[0] == 200
