"""Rasa input channel for Slack (thin: the work is in :mod:`bot.slack.runtime` and friends).

Enabled by a ``bot.rasa_ext.slack_channel.SlackChannel:`` block in the credentials file, which
``frontline run`` adds when ``FRONTLINE_SLACK_BOT_TOKEN`` is set. Rasa builds this plug-in when
its server starts, so it is part of the Rasa process's composition root: with an engineers'
channel configured it reads the settings once (:meth:`bot.config.Settings.from_env`) and wires
the live handoff's listeners (:func:`bot.wiring.handoff.build_rasa_handoff`) into the Slack app.
Routes, under Rasa's ``/webhooks/slack`` prefix:

- ``POST /webhooks/slack/events``: Events API *and* interactivity (button clicks) requests,
  HTTP mode only; give this URL to Slack for both.
- ``GET /webhooks/slack/``: health and mode.

Like Frontline's other channels, every turn goes through the no-silent-bot guard.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse, json as json_response

from bot.config import Settings
from bot.rasa_ext.channels import DEFAULT_CONTACT, GuardedChannelMixin
from bot.slack.config import SlackConfig, SlackConfigError
from bot.slack.output import SlackConversationOutput
from bot.slack.runtime import ExtensionFactory, SlackRuntime

EVENTS_PATH = "/events"


class SlackChannel(GuardedChannelMixin, InputChannel):
    """Slack (DMs, mentions answered in threads, Block Kit buttons), via slack-bolt."""

    def __init__(self, config: SlackConfig, extension: Optional[ExtensionFactory] = None) -> None:
        self.config = config
        self.support_contact = config.support_contact or DEFAULT_CONTACT
        self.extension = extension

    @classmethod
    def name(cls) -> Text:
        """Channel name: URL prefix ``/webhooks/slack`` and ``input_channel`` in trackers."""
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SlackChannel":
        """Build from the credentials block (see :class:`SlackConfig` for the keys).

        Raises:
            ValueError: an option needed by the chosen mode is missing, or a ticketing setting is
                invalid (Rasa refuses to start, with the message saying which variable to set).
        """
        if not credentials:
            cls.raise_missing_credentials_exception()
        try:
            config = SlackConfig.from_credentials(credentials)
        except SlackConfigError as exc:
            raise ValueError(f"Slack channel: {exc}") from None
        return cls(config, _handoff_extension(config))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The Slack routes, with the guarded handler and the app's start/stop hooks."""
        return self._guarded(self._blueprint, on_new_message)

    def get_output_channel(self) -> Optional[OutputChannel]:
        """Output for messages not caused by a Slack event (Rasa's HTTP API: an engineer's reply
        during a live handoff), posted into the conversation the recipient id names."""
        runtime = getattr(self, "_runtime", None)
        if runtime is None or runtime.client is None:
            return None
        return SlackConversationOutput(runtime.client)

    def _blueprint(self, handle: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        runtime = SlackRuntime(self.config, handle, self.extension)
        self._runtime = runtime
        bp = Blueprint("frontline_slack", __name__)

        @bp.listener("before_server_start")
        async def start(_app: Any, _loop: Any) -> None:
            await runtime.start()

        @bp.listener("after_server_start")
        async def connect(_app: Any, _loop: Any) -> None:
            await runtime.connect()

        @bp.listener("before_server_stop")
        async def stop(_app: Any, _loop: Any) -> None:
            await runtime.stop()

        @bp.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return json_response({"status": "ok", "mode": self.config.mode})

        @bp.route(EVENTS_PATH, methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await runtime.handle_http(request)

        return bp


def _handoff_extension(config: SlackConfig) -> Optional[ExtensionFactory]:
    """The engineers' handoff for this Rasa server, or None without an engineers' channel.

    The settings are read here, once, when Rasa builds the channel: everything the handoff needs
    beyond the channel's own options (database, support hours, priority rules, sinks, Rasa's HTTP
    API URL and token) comes from the environment ``frontline run`` gives both servers.
    """
    if not config.engineers_channel:
        return None
    from bot.wiring.handoff import build_rasa_handoff

    settings = Settings.from_env()

    def build(client: Any, users: Any, first_time: Any) -> Any:
        return build_rasa_handoff(settings, client, users, first_time)

    return build
