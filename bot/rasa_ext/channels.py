"""Rasa's REST and socket.io channels with Frontline's no-silent-bot guard.

They keep Rasa's names and URLs (``/webhooks/rest/webhook``, ``/socket.io``) so anything that
talks to stock Rasa talks to Frontline.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint, Sanic

from bot.rasa_ext.guard import no_silent_bot

DEFAULT_CONTACT = "the IT service desk"
HANDOFF_SLOT = "handoff_active"


class _GuardedMixin:
    """Adds the guard and a handle on the Sanic app (to read trackers) to a channel."""

    support_contact: str = DEFAULT_CONTACT
    _app: Optional[Sanic] = None

    def _guarded(
        self,
        make_blueprint: Callable[[Callable[[UserMessage], Awaitable[Any]]], Blueprint],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> Blueprint:
        bp = make_blueprint(
            no_silent_bot(on_new_message, self.support_contact, self._handoff_active)
        )
        bp.listener("before_server_start")(self._capture_app)
        return bp

    async def _capture_app(self, app: Sanic, _loop: Any) -> None:
        self._app = app

    async def _handoff_active(self, sender_id: Text) -> bool:
        agent = getattr(getattr(self._app, "ctx", None), "agent", None)
        if agent is None or agent.tracker_store is None:
            return False
        tracker = await agent.tracker_store.retrieve(sender_id)
        return bool(tracker and tracker.get_slot(HANDOFF_SLOT))


class RestChannel(_GuardedMixin, RestInput):
    """POST /webhooks/rest/webhook — Rasa's REST channel, never silent."""

    @classmethod
    def name(cls) -> Text:
        """Keep Rasa's channel name (and so its URL)."""
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "RestChannel":
        """Build from credentials.yml (``support_contact`` optional)."""
        channel = cls()
        channel.support_contact = (credentials or {}).get("support_contact") or DEFAULT_CONTACT
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's REST blueprint around the guarded handler."""
        return self._guarded(super().blueprint, on_new_message)


class SocketIOChannel(_GuardedMixin, SocketIOInput):
    """socket.io (the website widget) — Rasa's channel, never silent."""

    @classmethod
    def name(cls) -> Text:
        """Keep Rasa's channel name."""
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SocketIOChannel":
        """Build from credentials.yml like Rasa's SocketIOInput, plus ``support_contact``."""
        credentials = dict(credentials or {})
        contact = credentials.pop("support_contact", None) or DEFAULT_CONTACT
        channel = super().from_credentials(credentials)
        channel.support_contact = contact
        return channel  # type: ignore[return-value]

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's socket.io blueprint around the guarded handler."""
        return self._guarded(super().blueprint, on_new_message)
