"""Builds the live handoff inside the Rasa server's Slack channel (the engineers' buttons and
threads arrive there, through the same slack-bolt app as users' messages).

The Slack channel's own options come from the credentials file; everything else the handoff
needs (database, support hours, priority rules, sinks, Rasa's HTTP API URL and token) comes from
the same environment ``frontline run`` gives both servers, read once here, when the channel
starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional

from bot.handoff.engineer_auth import EngineerAuthorizer
from bot.handoff.slack_desk import SlackDesk
from bot.handoff.slack_listeners import HandoffListeners
from bot.slack.client import SlackClient
from bot.slack.config import SlackConfig
from bot.slack.users import UserDirectory


@dataclass
class SlackHandoff:
    """The engineers' listeners and what to release on shutdown."""

    listeners: HandoffListeners
    engine: Any

    def close(self) -> None:
        """Release the database engine."""
        self.engine.dispose()


def build_slack_handoff(
    config: SlackConfig,
    client: SlackClient,
    users: UserDirectory,
    first_time: Callable[[Dict[str, Any]], Awaitable[bool]],
    env: Optional[Mapping[str, str]] = None,
) -> Optional[SlackHandoff]:
    """The handoff's Slack listeners, or None when no engineers' channel is configured.

    Args:
        config: the Slack channel's options (``engineers_channel``).
        client: the channel's Web API client.
        users: the channel's display-name directory.
        first_time: the channel's event de-duplication.
        env: the environment (default ``os.environ``).

    Raises:
        ValueError: the ticketing settings are invalid (Rasa refuses to start, saying which).
    """
    if not config.engineers_channel:
        return None
    from bot.config import Settings
    from bot.db.engine import make_engine, make_session_factory
    from bot.db.repositories import utc_now
    from bot.tickets.wiring import build_ticketing

    settings = Settings.from_env(env)
    engine = make_engine(config.database_url or settings.database_url)
    desk = SlackDesk(client, config.engineers_channel)
    ticketing = build_ticketing(settings, make_session_factory(engine), utc_now, desk=desk, env=env)
    authorizer = EngineerAuthorizer(client, config.engineers_channel, settings.engineers_group)
    return SlackHandoff(HandoffListeners(ticketing.handoff, desk, users, first_time, authorizer), engine)


def build_action_server_desk(settings: Any) -> Optional[SlackDesk]:
    """The desk the action server posts tickets to, or None without Slack or an engineers'
    channel (then tickets just queue for the team and the external sinks)."""
    if not (settings.slack_enabled and settings.slack_engineers_channel and settings.slack_bot_token):
        return None
    from slack_sdk.web.async_client import AsyncWebClient

    web = AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, retry_handlers=[])
    return SlackDesk(SlackClient(web, give_up_after=30.0), settings.slack_engineers_channel)
