"""Assembles the Slack app inside the Rasa server's process and runs it in either mode.

The app lives in Rasa's own Sanic server rather than beside it: it needs Rasa's message
handler (and its lock store, tracker store and agent), there is one process and one port to
operate, and in HTTP mode Slack's requests arrive on Rasa's port like the REST channel's.

- HTTP mode: Sanic routes ``POST /webhooks/slack/events`` to bolt's Sanic adapter.
- Socket Mode: once the server has started, a background task opens the WebSocket to Slack
  (retrying with backoff while Slack is unreachable, so Rasa starts regardless); slack_sdk
  reconnects by itself after that.

Everything is built when the server starts, never at import time.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Protocol

from sanic.request import Request
from sanic.response import HTTPResponse, json as json_response
from slack_bolt.adapter.sanic import AsyncSlackRequestHandler
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.engine import Engine

from bot.slack.app import Handler, SlackBridge, build_app
from bot.slack.client import SlackClient
from bot.slack.config import SlackConfig
from bot.slack.dedupe import SeenStore
from bot.slack.request_check import request_problem, signature_problem
from bot.slack.users import UserDirectory

log = logging.getLogger(__name__)

MAX_CONNECT_BACKOFF = 60.0


class SlackExtension(Protocol):
    """Listeners added to the Slack app before the channel's own (e.g. the engineers' handoff,
    :class:`bot.wiring.handoff.SlackHandoff`), released when the server stops."""

    def register(self, app: AsyncApp) -> None:
        """Add the listeners to ``app``."""
        ...

    def close(self) -> None:
        """Release what the extension holds."""
        ...


#: Builds the extension once the channel's client, user directory and event de-duplication
#: exist (None: nothing to add). The Rasa server's root passes it in; this package never wires.
ExtensionFactory = Callable[
    [SlackClient, UserDirectory, Callable[[Dict[str, Any]], Awaitable[bool]]], Optional[SlackExtension]
]


class SlackRuntime:
    """The Slack app's lifecycle within one Rasa server."""

    def __init__(self, config: SlackConfig, handle: Handler, extension: Optional[ExtensionFactory] = None) -> None:
        """Prepare (build nothing yet).

        Args:
            config: mode, tokens, API URL, database URL.
            handle: Rasa's message handler wrapped in the no-silent-bot guard.
            extension: builds listeners that go first (the engineers' handoff), if any.
        """
        self.config = config
        self.handle = handle
        self._extension_factory = extension
        self.app: Optional[AsyncApp] = None
        self._http: Optional[AsyncSlackRequestHandler] = None
        self._socket: Optional[AsyncSocketModeHandler] = None
        self._connecting: Optional["asyncio.Task[None]"] = None
        self._engine: Optional[Engine] = None
        self._extension: Optional[SlackExtension] = None
        self.client: Optional[SlackClient] = None

    def _seen_store(self) -> SeenStore:
        if not self.config.database_url:
            log.warning("Slack channel has no database URL: handled events are remembered in memory only")
            return SeenStore(None)
        from bot.db.engine import make_engine, make_session_factory
        from bot.db.slack_seen import SlackSeenRepository

        self._engine = make_engine(self.config.database_url)
        return SeenStore(SlackSeenRepository(make_session_factory(self._engine)))

    async def start(self) -> None:
        """Build the app (before the server accepts requests)."""
        if self.config.log_level:
            # Our own level, because the root logger's is not ours: loading the model imports
            # numpy.distutils, which resets the root logger to WARNING and would hide the
            # channel's INFO lines (connected, duplicate skipped, …).
            try:
                logging.getLogger("bot.slack").setLevel(self.config.log_level.upper())
            except ValueError:
                log.warning("unknown log level %r; the Slack channel keeps the default", self.config.log_level)
        # Our client is the single retry policy, so slack_sdk's own retries are switched off.
        web = AsyncWebClient(token=self.config.bot_token, base_url=self.config.api_url, retry_handlers=[])
        client = SlackClient(web)
        self.client = client
        bridge = SlackBridge(client, UserDirectory(client), self._seen_store(), self.handle)
        # The live handoff's engineers' channel (buttons, ticket threads), if configured.
        if self._extension_factory is not None:
            self._extension = self._extension_factory(client, bridge.users, bridge.first_time)
        first = [self._extension.register] if self._extension is not None else []
        self.app = build_app(self.config, web, bridge, register_first=first)
        if self.config.mode == "http":
            self._http = AsyncSlackRequestHandler(self.app)
        log.info("Slack channel ready (%s mode)", "HTTP Events API" if self.config.mode == "http" else "Socket Mode")

    async def connect(self) -> None:
        """Socket Mode: start connecting to Slack in the background (after the server started)."""
        if self.config.mode != "socket" or self.app is None:
            return
        self._socket = AsyncSocketModeHandler(self.app, self.config.app_token)
        self._connecting = asyncio.ensure_future(self._connect_until_connected(self._socket))

    async def _connect_until_connected(self, socket: AsyncSocketModeHandler) -> None:
        delay = 1.0
        while True:
            try:
                await socket.connect_async()
                log.info("connected to Slack (Socket Mode)")
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Slack down or token wrong: keep Rasa up, keep trying
                log.warning("cannot connect to Slack in Socket Mode (%s: %s); retrying in %.0fs", type(exc).__name__, exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_CONNECT_BACKOFF)

    async def stop(self) -> None:
        """Disconnect and release the database engine."""
        if self._connecting is not None:
            self._connecting.cancel()
            self._connecting = None
        if self._socket is not None:
            try:
                await self._socket.close_async()
            except Exception:  # shutting down: nothing useful to do about it
                log.debug("closing the Socket Mode connection failed", exc_info=True)
            self._socket = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        if self._extension is not None:
            self._extension.close()
            self._extension = None

    async def handle_http(self, request: Request) -> HTTPResponse:
        """HTTP mode: one Events API or interactivity request from Slack."""
        if self._http is None:
            status = 404 if self.config.mode == "socket" else 503
            reason = "this Slack app runs in Socket Mode" if status == 404 else "Slack channel not started yet"
            return json_response({"error": reason}, status=status)
        problem = signature_problem(request, self.config.signing_secret)
        if problem:
            log.warning("refused a Slack request: %s", problem)
            return json_response({"error": problem}, status=401)
        problem = request_problem(request)
        if problem:
            log.warning("refused a malformed Slack request: %s", problem)
            return json_response({"error": problem}, status=400)
        return await self._http.handle(request)
