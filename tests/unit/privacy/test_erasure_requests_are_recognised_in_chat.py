"""\"Delete my data\" is recognised by a rule, every time, and everyday requests about deleting
files or forgetting passwords are not taken for it."""

from __future__ import annotations

import asyncio
from typing import Any, List

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.privacy.chat import ERASURE_PAYLOAD, PASSWORD_WARNING, is_erasure_request, warn_about_secrets
from bot.privacy.redact import Redactor

REQUESTS = [
    "delete my data", "Please delete all my data", "erase my personal data", "forget me",
    "delete everything you know about me", "I want to exercise my right to be forgotten", "GDPR erasure request",
    "remove my personal information from your records", "I'd like you to erase my details",
    "how do I get my data deleted", "can you delete my personal data?", "purge my data",
]
NOT_REQUESTS = [
    "delete my files", "how do I delete my browser history", "remove my printer", "clear my cache",
    "I forgot my password", "forget my password", "my data is gone after the update", "delete my account",
    "wipe my laptop", "data recovery please",
]


@pytest.mark.parametrize("text", REQUESTS)
def test_erasure_request_is_recognised(text: str) -> None:
    assert is_erasure_request(text)


@pytest.mark.parametrize("text", NOT_REQUESTS)
def test_everyday_deleting_is_not_an_erasure_request(text: str) -> None:
    assert not is_erasure_request(text)


def test_channel_wrapper_turns_the_request_into_the_intent_and_warns_after_a_password(redactor: Redactor) -> None:
    seen: List[str] = []

    async def handler(message: UserMessage) -> Any:
        seen.append(message.text)
        await message.output_channel.send_text_message(message.sender_id, "ok")

    wrapped = warn_about_secrets(handler, lambda: redactor)
    out = CollectingOutputChannel()
    asyncio.run(wrapped(UserMessage("please delete my data", out, "s1")))
    asyncio.run(wrapped(UserMessage("my password is Hunter2!", out, "s1")))
    asyncio.run(wrapped(UserMessage("my password is expired", out, "s1")))
    assert seen == [ERASURE_PAYLOAD, "my password is Hunter2!", "my password is expired"]
    assert [m["text"] for m in out.messages] == ["ok", "ok", PASSWORD_WARNING, "ok"]
