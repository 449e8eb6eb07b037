"""Wraps a channel's message handler with the checks of :mod:`bot.security.gate`."""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage

from bot.security.gate import Gate

log = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]


def gated(handle: Handler, gate: Gate) -> Handler:
    """A handler that answers refused messages itself and passes the rest to ``handle``."""

    async def check(message: UserMessage) -> Any:
        text = message.text if isinstance(message.text, str) else ""
        refusal = gate.refusal(message.sender_id, text)
        if refusal is None:
            return await handle(message)
        log.info("message of %d characters refused before NLU in %s", len(text), message.input_channel)
        await message.output_channel.send_text_message(message.sender_id, refusal)
        return None

    return check
