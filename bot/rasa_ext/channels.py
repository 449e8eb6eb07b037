"""Rasa's REST and socket.io channels with Frontline's no-silent-bot guard.

They keep Rasa's names and URLs (``/webhooks/rest/webhook``, ``/socket.io``) so anything that
talks to stock Rasa talks to Frontline. The socket.io channel also checks the browser's origin
(FRONTLINE_CORS_ORIGINS) and sends custom payloads and engineers' names in the shapes the
website widget renders (docs/widget.md).
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Text, Tuple, Union

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic
from socketio.exceptions import ConnectionRefusedError

from bot.contract import HANDOFF_SLOT
from bot.privacy.chat import warn_about_secrets
from bot.privacy.wiring import redactor_from_env
from bot.rasa_ext import action_validation, body_limits, socket_session
from bot.rasa_ext.gated import gated
from bot.rasa_ext.guard import no_silent_bot
from bot.rasa_ext.rest import rest_blueprint
from bot.security.runtime import ServerSecurity, server_security

log = logging.getLogger(__name__)

DEFAULT_CONTACT = "the IT service desk"


class GuardedChannelMixin:
    """Adds the guard and a handle on the Sanic app (to read trackers) to a channel."""

    support_contact: str = DEFAULT_CONTACT
    _app: Optional[Sanic] = None

    def _guarded(
        self,
        make_blueprint: Callable[[Callable[[UserMessage], Awaitable[Any]]], Blueprint],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> Blueprint:
        security = self._security()
        guarded = no_silent_bot(gated(on_new_message, security.gate), self.support_contact, self._handoff_active)
        bp = make_blueprint(warn_about_secrets(guarded, redactor_from_env))
        bp.listener("before_server_start")(self._capture_app)
        return bp

    def _security(self) -> ServerSecurity:
        return server_security()

    async def _capture_app(self, app: Sanic, _loop: Any) -> None:
        self._app = app
        body_limits.apply(app, self._security().max_body_bytes)
        # In the server process, before the first message: see action_validation's docstring.
        action_validation.install()

    async def _handoff_active(self, sender_id: Text) -> bool:
        agent = getattr(getattr(self._app, "ctx", None), "agent", None)
        if agent is None or agent.tracker_store is None:
            return False
        tracker = await agent.tracker_store.retrieve(sender_id)
        return bool(tracker and tracker.get_slot(HANDOFF_SLOT))


class RestChannel(GuardedChannelMixin, RestInput):
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
        """The hardened REST blueprint (:mod:`bot.rasa_ext.rest`) around the guarded handler."""
        security = self._security()
        return self._guarded(lambda handle: rest_blueprint("frontline_rest", security, handle), on_new_message)


def parse_origins(value: Union[None, str, Sequence[str]]) -> Tuple[str, ...]:
    """Allowed origins from credentials.yml: a space-separated string (``${FRONTLINE_CORS_ORIGINS}``)
    or a list. Nothing configured means any origin, like Rasa's ``--cors *`` default."""
    items = value.split() if isinstance(value, str) else list(value or [])
    return tuple(str(item).rstrip("/").lower() for item in items if str(item).strip()) or ("*",)


def origin_allowed(origin: Optional[str], own_origin: Optional[str], allowed: Sequence[str]) -> bool:
    """May a browser page from ``origin`` open a socket?

    Browsers apply CORS to HTTP requests but not to WebSockets, so the socket.io channel must check
    the ``Origin`` header itself. No header means no browser (or a same-origin request), and the
    server's own origin (the demo page) is always allowed.
    """
    if not origin or "*" in allowed:
        return True
    origin = origin.rstrip("/").lower()
    return origin == (own_origin or "").lower() or origin in allowed


def engineer_of(kwargs: Dict[Text, Any]) -> Optional[Union[str, bool]]:
    """The engineer's name a bot message carries (BotUttered metadata is merged into the message)."""
    raw = kwargs.get("metadata")
    metadata = raw if isinstance(raw, dict) else {}
    name = metadata.get("engineer", kwargs.get("engineer"))
    return name if isinstance(name, (str, bool)) and name is not False else None


class WidgetSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output, plus the two message shapes the widget needs for handoffs."""

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        """Text as one bubble (the widget renders its paragraphs; Rasa would cut it into a bubble
        per paragraph), tagged with the engineer's name if any."""
        engineer = engineer_of(kwargs)
        message: Dict[Text, Any] = {"text": text.strip()}
        if engineer is not None:
            message["metadata"] = {"engineer": engineer}
        await self._send_message(recipient_id, message)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        """Emit ``{"custom": ...}``.

        Rasa 3.6 passes the payload's keys as keyword arguments of ``sio.emit``, which fails for
        anything but emit's own parameters (e.g. ``{"handoff": ...}``).
        """
        await self._send_message(recipient_id, {"custom": json_message})


class SocketIOChannel(GuardedChannelMixin, SocketIOInput):
    """socket.io (the website widget) — Rasa's channel, never silent, origin-checked."""

    cors_origins: Tuple[str, ...] = ("*",)

    @classmethod
    def name(cls) -> Text:
        """Keep Rasa's channel name."""
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SocketIOChannel":
        """Build from credentials.yml like Rasa's SocketIOInput, plus ``support_contact`` and
        ``cors_origins`` (space-separated, ``${FRONTLINE_CORS_ORIGINS}``)."""
        credentials = dict(credentials or {})
        contact = credentials.pop("support_contact", None) or DEFAULT_CONTACT
        origins = parse_origins(credentials.pop("cors_origins", None))
        manager_url = str(credentials.pop("client_manager_url", None) or "").strip() or None
        channel = super().from_credentials(credentials)
        channel.support_contact = contact
        channel.cors_origins = origins
        channel.client_manager_url = manager_url
        return channel

    client_manager_url: Optional[str] = None

    def _share_rooms(self) -> None:
        """With FRONTLINE_SOCKET_MANAGER_URL, every Rasa server's socket.io rooms are shared through
        Redis (python-socketio's AsyncRedisManager): an emit on one server (a bot reply pushed by
        the HTTP API, an engineer's message) reaches the browser whose socket another server holds."""
        if not self.client_manager_url or self.sio is None:
            return
        import socketio

        # Rasa builds the AsyncServer itself; its manager is only used from the first connection
        # on (``manager_initialized``), so it is replaced here, before any.
        manager = socketio.AsyncRedisManager(self.client_manager_url)
        self.sio.manager = manager
        manager.set_server(self.sio)
        self.sio.manager_initialized = False

    def get_output_channel(self) -> Optional[OutputChannel]:
        """Output for messages not caused by a socket event (Rasa's HTTP API, handoffs)."""
        if self.sio is None:
            return super().get_output_channel()
        return WidgetSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's socket.io blueprint around the guarded handler, with our output and origin check."""

        guarded: List[Callable[[UserMessage], Awaitable[Any]]] = []

        def make(handler: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
            guarded.append(handler)
            return SocketIOInput.blueprint(self, self._with_widget_output(handler))

        bp = self._guarded(make, on_new_message)
        self._share_rooms()
        self._check_origin_on_connect()
        assert self.sio is not None
        sio = self.sio
        socket_session.install(sio, self.namespace, self.user_message_evt, self.bot_message_evt,
                               self._security(), guarded[0], lambda: WidgetSocketIOOutput(sio, self.bot_message_evt))
        return bp

    def _with_widget_output(
        self, handler: Callable[[UserMessage], Awaitable[Any]]
    ) -> Callable[[UserMessage], Awaitable[Any]]:
        # Rasa's socket handler builds a plain SocketIOOutput; swap it before the guard wraps it.
        async def handle(message: UserMessage) -> Any:
            if type(message.output_channel) is SocketIOOutput:
                message.output_channel = WidgetSocketIOOutput(self.sio, self.bot_message_evt)
            return await handler(message)

        return handle

    def _check_origin_on_connect(self) -> None:
        sio = self.sio
        assert sio is not None
        namespace = self.namespace or "/"
        rasa_connect = sio.handlers[namespace]["connect"]
        allowed = self.cors_origins

        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> Any:
            origin = environ.get("HTTP_ORIGIN")
            own = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}"
            if not origin_allowed(origin, own, allowed):
                log.warning("refused a socket.io connection from origin %s (FRONTLINE_CORS_ORIGINS)", origin)
                raise ConnectionRefusedError("origin not allowed")
            return await rasa_connect(sid, environ, auth)

        sio.handlers[namespace]["connect"] = connect
