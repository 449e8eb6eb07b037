"""The channel guard turns silence and crashes into an apology, except during handoff."""

import asyncio
from typing import Any, Dict, List

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.rasa_ext.guard import no_silent_bot


def _run(handler: Any, quiet: bool = False) -> List[Dict[str, Any]]:
    async def is_quiet(_: str) -> bool:
        return quiet

    collector = CollectingOutputChannel()
    guarded = no_silent_bot(handler, "the desk", is_quiet)
    asyncio.run(guarded(UserMessage("hi", collector, "u1")))
    return collector.messages


def test_turn_with_replies_is_untouched() -> None:
    async def handler(message: UserMessage) -> None:
        # the processor sends every bot message through send_response
        await message.output_channel.send_response(message.sender_id, {"text": "hello"})

    assert [m["text"] for m in _run(handler)] == ["hello"]


def test_silent_turn_gets_apology_with_contact() -> None:
    async def handler(message: UserMessage) -> None:
        return None

    (reply,) = _run(handler)
    assert "something went wrong" in reply["text"] and "the desk" in reply["text"]


def test_crashing_turn_gets_apology_not_exception() -> None:
    async def handler(message: UserMessage) -> None:
        raise RuntimeError("boom")

    (reply,) = _run(handler)
    assert "something went wrong" in reply["text"]


def test_intended_silence_during_handoff_is_respected() -> None:
    async def handler(message: UserMessage) -> None:
        return None

    assert _run(handler, quiet=True) == []
