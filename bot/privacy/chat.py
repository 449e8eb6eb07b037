"""What the bot tells a person who typed a secret into the chat."""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage

from bot.privacy.detect import Finding
from bot.privacy.redact import Redactor

log = logging.getLogger(__name__)

PASSWORD_WARNING = (
    "🔒 I've removed the password you typed from our records. It still travelled through this chat, "
    "so please change it now (and anywhere else you use it). You never need to tell anyone here your password."
)
TOKEN_WARNING = (
    "🔒 I've removed the key or token you pasted from our records. It still travelled through this chat, "
    "so please revoke it and create a new one now."
)


def secret_warning(findings: "list[Finding]") -> str:
    """The warning for what was found ('' when there was no secret)."""
    kinds = {finding.kind for finding in findings}
    if "password" in kinds:
        return PASSWORD_WARNING
    if "api_key" in kinds:
        return TOKEN_WARNING
    return ""


def warn_about_secrets(
    handler: Callable[[UserMessage], Awaitable[Any]], redactor: Callable[[], Redactor]
) -> Callable[[UserMessage], Awaitable[None]]:
    """Wrap a channel's message handler: after a turn whose message held a password or a token,
    tell the person it was removed from the records and to change it now.

    Args:
        handler: the (guarded) handler Rasa gives the channel.
        redactor: returns the process's redactor (called on the first message, not at wiring).
    """

    async def handle(message: UserMessage) -> None:
        await handler(message)
        try:
            warning = secret_warning(redactor().findings(message.text or ""))
            if warning:
                await message.output_channel.send_text_message(message.sender_id, warning)
        except Exception:  # the warning must never cost the person their reply
            log.exception("could not send the secret warning")

    return handle
