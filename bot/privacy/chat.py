"""What the bot tells a person who typed a secret into the chat."""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

import re

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


ERASURE_PAYLOAD = "/delete_my_data"
# "delete my data", "please erase all my personal information", "forget me", "right to be forgotten".
# A request to erase is recognised by this pattern rather than by NLU: it must work every time,
# and a deterministic rule does (an intent trained alongside 30 others cost the held-out set 2.6
# points of accuracy; docs/privacy.md).
_ERASURE_REQUEST = re.compile(
    r"(?ix)^\W*(?:(?:hi|hello|hey|please|pls|can\ you|could\ you|would\ you|i\ (?:want|need|would\ like|'d\ like)"
    r"(?:\ you)?\ to|i['’]d\ like(?:\ you)?\ to|i\ want|i['’]d\ like|how\ do\ i|how\ can\ i|i\ ask\ you\ to)[\s,]+)*"
    r"(?:(?:delete|erase|remove|wipe|purge|clear)\s+(?:all\s+)?(?:of\s+)?"
    r"(?:(?:my|the)\s+(?:personal\s+|stored\s+|user\s+|account\s+)?(?:data|information|info|details|chat\s+history|"
    r"conversation\s+history|conversations|records)|everything\s+(?:you\s+(?:have|know|store|hold)\s+)?(?:about|on)\s+me)"
    r"(?:\s+(?:data|deleted|erased|removed))?"
    r"|get\s+my\s+(?:personal\s+)?(?:data|information)\s+(?:deleted|erased|removed)"
    r"|forget\s+(?:me|everything\s+(?:you\s+know\s+)?about\s+me)"
    r"|(?:exercise\s+)?(?:my\s+)?right\s+to\s+(?:be\s+forgotten|erasure)"
    r"|(?:gdpr\s+)?(?:erasure|deletion)\s+request)"
    r"(?:\s+(?:please|pls|now|from\s+your\s+(?:records|systems?|bot)|thanks|thank\s+you))*\W*$"
)


def is_erasure_request(text: str) -> bool:
    """True when ``text`` asks for the person's data to be deleted ("delete my data", "forget me")."""
    return bool(_ERASURE_REQUEST.match(text or ""))


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
    """Wrap a channel's message handler: a request to delete one's data becomes the
    ``delete_my_data`` intent; after a turn whose message held a password or a token, tell the
    person it was removed from the records and to change it now.

    Args:
        handler: the (guarded) handler Rasa gives the channel.
        redactor: returns the process's redactor (called on the first message, not at wiring).
    """

    async def handle(message: UserMessage) -> None:
        if is_erasure_request(message.text or ""):
            message.text = ERASURE_PAYLOAD
        await handler(message)
        try:
            warning = secret_warning(redactor().findings(message.text or ""))
            if warning:
                await message.output_channel.send_text_message(message.sender_id, warning)
        except Exception:  # the warning must never cost the person their reply
            log.exception("could not send the secret warning")

    return handle
