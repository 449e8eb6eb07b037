"""Rasa's output channel for Slack: each bot response becomes one Block Kit message.

Rasa's default ``send_response`` splits a response into several sends (text, then buttons,
then image); in Slack the question and its buttons belong in one message, so this channel
renders the whole response at once (:func:`bot.slack.blocks.render`).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, Iterable, List, Optional, Text, Tuple

from rasa.core.channels.channel import OutputChannel

from bot.slack.blocks import render
from bot.slack.client import SlackClient

log = logging.getLogger(__name__)


class SlackOutput(OutputChannel):
    """Posts the bot's responses to one Slack conversation (and thread)."""

    def __init__(self, client: SlackClient, channel: str, thread_ts: Optional[str] = None) -> None:
        """Create the channel for one user turn.

        Args:
            client: the retrying Web API client.
            channel: Slack conversation id to post in.
            thread_ts: thread to reply in (None: top level of a DM).
        """
        self.client = client
        self.channel = channel
        self.thread_ts = thread_ts

    @classmethod
    def name(cls) -> Text:
        """The channel name recorded in trackers."""
        return "slack"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        """Render the whole response as Block Kit and post it.

        Never raises: :class:`SlackClient` logs and retries failures itself.
        """
        for slack_message in render(message):
            await self.client.post_message(self.channel, slack_message.text, slack_message.blocks, self.thread_ts)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        """Post text (Markdown)."""
        await self.send_response(recipient_id, {"text": text})

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        """Post text with buttons in the same message."""
        await self.send_response(recipient_id, {"text": text, "buttons": buttons})

    async def send_quick_replies(
        self, recipient_id: Text, text: Text, quick_replies: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        """Quick replies are buttons in Slack."""
        await self.send_response(recipient_id, {"text": text, "buttons": quick_replies})

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        """Post an image block."""
        await self.send_response(recipient_id, {"image": image})

    async def send_attachment(self, recipient_id: Text, attachment: Text, **kwargs: Any) -> None:
        """Post an attachment as text."""
        await self.send_response(recipient_id, {"attachment": attachment})

    async def send_elements(self, recipient_id: Text, elements: Iterable[Dict[Text, Any]], **kwargs: Any) -> None:
        """Post carousel elements as sections with buttons."""
        await self.send_response(recipient_id, {"elements": list(elements)})

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        """Post a custom payload; ``{"blocks": [...]}`` is sent to Slack as is."""
        await self.send_response(recipient_id, {"custom": json_message})


class SlackConversationOutput(SlackOutput):
    """Output for messages that no Slack event caused: an engineer's reply or a handoff change
    pushed into the conversation through Rasa's HTTP API (``output_channel=latest``).

    The Slack conversation is found from the Rasa conversation id (see :mod:`bot.slack.events`):
    ``slack:<team>:<channel>:<thread ts>`` is that channel thread; ``slack:<team>:<user>`` is the
    person's DM with the app, which ``chat.postMessage`` reaches by the user's id (no extra scope).
    """

    def __init__(self, client: SlackClient) -> None:
        """Create the channel.

        Args:
            client: the retrying Web API client.
        """
        super().__init__(client, "")

    async def where(self, recipient_id: Text) -> Optional[Tuple[str, Optional[str]]]:
        """The Slack channel and thread of a Rasa conversation id (None if it is not Slack's)."""
        parts = str(recipient_id).split(":")
        if parts[0] != "slack" or len(parts) not in (3, 4):
            return None
        if len(parts) == 4:
            return parts[2], parts[3]
        return parts[2], None

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        """Render and post the message into the recipient's Slack conversation."""
        target = await self.where(recipient_id)
        if target is None:
            log.warning("cannot find the Slack conversation of %s; message not delivered", recipient_id)
            return
        channel, thread_ts = target
        for slack_message in render(message):
            await self.client.post_message(channel, slack_message.text, slack_message.blocks, thread_ts)
