"""The checks before NLU: empty messages get a prompt, long ones a clear reply, floods a pause."""

from __future__ import annotations

import asyncio
from typing import Any, List

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.rasa_ext.gated import gated
from bot.security.gate import EMPTY_PROMPT, SLOW_DOWN, Gate
from bot.security.limits import MemoryRateLimiter


def _run(gate: Gate, text: str, sender: str = "rest:a") -> tuple:
    reached: List[Any] = []

    async def rasa(message: UserMessage) -> None:
        reached.append(message.text)

    out = CollectingOutputChannel()
    asyncio.run(gated(rasa, gate)(UserMessage(text, out, sender)))
    return reached, [m.get("text") for m in out.messages]


def test_empty_and_blank_messages_get_a_prompt_and_never_reach_nlu() -> None:
    gate = Gate(100, MemoryRateLimiter(100, 60))
    for text in ("", "   \n\t"):
        assert _run(gate, text) == ([], [EMPTY_PROMPT])


def test_a_message_over_the_limit_gets_a_clear_reply_and_never_reaches_nlu() -> None:
    gate = Gate(100, MemoryRateLimiter(100, 60))
    reached, replies = _run(gate, "x" * 101)
    assert reached == [] and "too long" in replies[0] and "101" in replies[0] and "100" in replies[0]
    assert _run(gate, "y" * 100)[0] == ["y" * 100]


def test_a_conversation_over_its_rate_is_asked_to_slow_down() -> None:
    gate = Gate(100, MemoryRateLimiter(2, 60))
    assert _run(gate, "a")[0] == ["a"] and _run(gate, "b")[0] == ["b"]
    assert _run(gate, "c") == ([], [SLOW_DOWN])
    assert _run(gate, "d", sender="rest:other")[0] == ["d"]
