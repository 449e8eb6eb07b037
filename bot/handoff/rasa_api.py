"""Pushes engineer messages and handoff changes into a user's conversation via Rasa's HTTP API.

The action server cannot talk to a user by itself: only the Rasa server holds the channels.
``POST /conversations/<id>/tracker/events?execute_side_effects=true&output_channel=latest``
appends ``slot`` and ``bot`` events under the conversation's lock and sends the bot messages
through the channel the user last wrote on (socket.io pushes them to the website widget at once;
the REST channel cannot push, so REST clients find them in the tracker). The API token comes
from the environment (``FRONTLINE_API_TOKEN``, which ``frontline run`` passes to both servers).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, List, Mapping, Optional, Sequence
from urllib.parse import quote

from bot.handoff.ports import BotMessage, slot_events

log = logging.getLogger(__name__)


class RasaApiError(RuntimeError):
    """Rasa's HTTP API refused or could not be reached."""


class RasaConversationApi:
    """A :class:`bot.handoff.ports.UserChannel` backed by Rasa's HTTP API.

    Args:
        base_url: the Rasa server, e.g. ``http://127.0.0.1:5005``.
        token: Rasa's API token (``--auth-token``); None when the API is open.
        timeout: seconds per request.
        attempts: tries per push (with a short pause between), for a Rasa server restarting.
    """

    def __init__(self, base_url: str, token: Optional[str], timeout: float = 15.0, attempts: int = 3) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.timeout = timeout
        self.attempts = max(1, attempts)

    def __repr__(self) -> str:
        return f"RasaConversationApi({self.base_url!r})"

    def events_url(self, conversation_id: str) -> str:
        """The tracker events URL of a conversation (without the token)."""
        # Sanic does not decode %3A in path parameters: keep the channel prefix's ":" (rest:, web:,
        # slack:) literal or the events land in a conversation named "rest%3A…".
        return f"{self.base_url}/conversations/{quote(conversation_id, safe=':@')}/tracker/events"

    async def push(self, conversation_id: str, messages: Sequence[BotMessage], slots: Mapping[str, Any]) -> None:
        """Set ``slots`` and utter ``messages`` in the conversation, on the user's channel.

        Raises:
            RasaApiError: every attempt failed.
        """
        import aiohttp  # lazily: nothing heavy at import time

        events: List[Any] = slot_events(slots) + [message.to_event() for message in messages]
        params = {"execute_side_effects": "true", "output_channel": "latest", "include_events": "NONE"}
        if self._token:
            params["token"] = self._token
        last = ""
        for attempt in range(1, self.attempts + 1):
            try:
                async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout)) as session:
                    async with session.post(self.events_url(conversation_id), params=params, json=events) as response:
                        if response.status == 200:
                            return
                        last = f"HTTP {response.status}: {(await response.text())[:200]}"
                        if 400 <= response.status < 500:
                            break  # wrong token or bad events: retrying will not help
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                last = f"{type(exc).__name__}: {exc}"
            if attempt < self.attempts:
                await asyncio.sleep(0.5 * attempt)
        raise RasaApiError(f"could not update conversation {conversation_id} through {self.base_url}: {last}")
