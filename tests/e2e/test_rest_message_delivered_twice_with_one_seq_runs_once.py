"""A REST message delivered twice with the same ``seq`` (a client resending after a time-out, a
load balancer retrying a request whose server died after saving the turn) runs once: the tracker
holds it once, the second delivery gets the same replies, and the next number runs normally."""

from __future__ import annotations

import json
import urllib.request
import uuid
from typing import Any, Dict, List

import pytest

from tests.conftest import Bot

pytestmark = pytest.mark.e2e


def send(bot: Bot, sender: str, text: str, seq: int) -> List[Dict[str, Any]]:
    body = json.dumps({"sender": sender, "message": text, "seq": seq}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {bot.settings.rest_token}"}
    request = urllib.request.Request(f"{bot.url}/webhooks/rest/webhook", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as resp:
        return json.loads(resp.read() or b"[]")


def user_texts(bot: Bot, sender: str) -> List[str]:
    return [e["text"] for e in bot.api(f"/conversations/{sender}/tracker")["events"] if e["event"] == "user"]


def test_the_same_seq_twice_runs_once_and_gets_the_same_replies(bot: Bot) -> None:
    sender = f"e2e-twice-{uuid.uuid4().hex[:8]}"
    assert send(bot, sender, "hi", 1)
    first = send(bot, sender, "my vpn keeps dropping", 2)
    again = send(bot, sender, "my vpn keeps dropping", 2)

    assert first and again == first
    assert user_texts(bot, sender) == ["hi", "my vpn keeps dropping"]
    assert bot.slots(sender)["flow_state"]["flow"] == "vpn_connection"

    assert send(bot, sender, "globalprotect", 3)
    assert user_texts(bot, sender) == ["hi", "my vpn keeps dropping", "globalprotect"]
