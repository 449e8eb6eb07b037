"""The "no silent bot" guard shared by every input channel.

Rasa answers nothing when the action server is down or an action fails: it logs the error and
listens again, and the person in the chat is left staring at nothing. The guard wraps the
channel's message handler, counts what the bot sends during the turn, and if it sent nothing
(and the silence was not intended, as during a live handoff to an engineer) sends an honest
apology with a way forward.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

from rasa.core.channels.channel import OutputChannel, UserMessage

from bot.rasa_ext import turn_health, turn_order

log = logging.getLogger(__name__)

QuietCheck = Callable[[Text], Awaitable[bool]]


def not_saved_text(support_contact: str) -> str:
    """The message sent when the turn could not be stored (its answers are withheld)."""
    return (
        "Sorry — I couldn't process that message because my conversation store is not "
        "responding, so nothing you just said was saved. Please send it again in a moment. "
        f"If it's urgent, you can reach {support_contact}."
    )


def apology_text(support_contact: str) -> str:
    """The message sent when a turn produced no reply."""
    return (
        "Sorry — something went wrong on my side and I couldn't process that. "
        "Please try again in a minute. If it's urgent, you can reach "
        f"{support_contact}."
    )


class CountingOutputChannel(OutputChannel):
    """Holds the turn's responses for ``inner`` and counts them.

    Responses are sent by :meth:`flush` when the turn is over, so a turn the tracker store could
    not save never shows answers that will be forgotten.
    """

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0
        self._held: List[Tuple[Text, Dict[Text, Any]]] = []

    def name(self) -> Text:  # instance-level on purpose: mirror inner
        """Name of the wrapped channel, so trackers record the real channel."""
        return self.inner.name()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        """Count and hold one bot response."""
        self.sent += 1
        self._held.append((recipient_id, message))

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        """Hold a plain text response (the gate's answers)."""
        await self.send_response(recipient_id, {"text": text})

    async def flush(self) -> None:
        """Send the held responses, in order."""
        held, self._held = self._held, []
        for recipient_id, message in held:
            await self.inner.send_response(recipient_id, message)

    def discard(self) -> None:
        """Forget the held responses (the turn was not saved)."""
        self._held = []
        self.sent = 0

    def __getattr__(self, item: str) -> Any:
        # Channel-specific attributes (e.g. CollectingOutputChannel.messages) stay reachable.
        return getattr(self.inner, item)


def no_silent_bot(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    support_contact: str,
    is_quiet: Optional[QuietCheck] = None,
) -> Callable[[UserMessage], Awaitable[None]]:
    """Wrap a channel's message handler so every user turn gets some reply.

    Args:
        on_new_message: the handler Rasa gives the channel.
        support_contact: who to contact when the bot is broken (from settings).
        is_quiet: async check whether silence is intended for a sender (live handoff).

    Returns:
        A handler with the same signature.
    """

    async def guarded(message: UserMessage) -> None:
        original = message.output_channel
        counter = CountingOutputChannel(original)
        message.output_channel = counter
        health, token = turn_health.begin()
        try:
            await on_new_message(message)
        except turn_order.RepeatedTurn:
            # Delivered twice; the turn ran the first time. The channel answers with its replies.
            counter.discard()
            return
        except Exception:  # the guard exists precisely for the unexpected
            log.exception("handling a message from sender %s failed", message.sender_id)
        finally:
            message.output_channel = original
            turn_health.end(token)
        if health.store_failed:
            log.error("the tracker store failed during a turn of sender %s; asking the user to retry", message.sender_id)
            counter.discard()
            await original.send_text_message(message.sender_id, not_saved_text(support_contact))
            return
        await counter.flush()
        if counter.sent:
            return
        try:
            if is_quiet is not None and await is_quiet(message.sender_id):
                return
        except Exception:
            log.exception("could not check handoff state of sender %s", message.sender_id)
        log.warning("turn of sender %s produced no reply; sending an apology", message.sender_id)
        await original.send_text_message(message.sender_id, apology_text(support_contact))

    return guarded
