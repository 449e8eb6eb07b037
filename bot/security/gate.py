"""The checks every user message passes before it reaches Rasa, on every channel.

An empty message gets a prompt (an empty text would crash DIET's input signature and earn an
apology instead), a message longer than FRONTLINE_MAX_MESSAGE_CHARS gets a clear reply and is
never handed to the NLU (a megabyte of text takes seconds of CPU and gigabytes of memory), and a
conversation sending faster than FRONTLINE_RATE_SENDER_PER_MINUTE is asked to slow down.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from bot.security.limits import RateLimiter

EMPTY_PROMPT = (
    "I didn't get any text there. Tell me what's wrong in a few words — for example "
    "\"my VPN keeps dropping\" — or type \"talk to a human\"."
)
SLOW_DOWN = (
    "You're sending messages faster than I can answer them, so I've skipped that one. "
    "Please wait a minute, then send it again."
)


def too_long(length: int, limit: int) -> str:
    """The reply to a message over the length limit."""
    return (
        f"That message is too long for me ({length:,} characters; I can read up to {limit:,}). "
        "Please describe the problem in a few sentences — an engineer can ask for logs or "
        "details later."
    )


@dataclass
class Gate:
    """Length and per-conversation rate checks.

    Args:
        max_chars: FRONTLINE_MAX_MESSAGE_CHARS.
        per_sender: the per-conversation message limiter.
    """

    max_chars: int
    per_sender: RateLimiter

    def refusal(self, conversation_id: str, text: str) -> Optional[str]:
        """Why this message must not reach Rasa (the reply to send instead), or None.

        Button payloads (``/intent{...}``) pass the same checks: they are user input too.
        """
        if not self.per_sender.hit(conversation_id):
            return SLOW_DOWN
        if not text.strip():
            return EMPTY_PROMPT
        if len(text) > self.max_chars:
            return too_long(len(text), self.max_chars)
        return None
