"""The live handoff's Slack side, wired for each process that needs it.

- The action server posts new tickets to the engineers' channel: :func:`build_slack_desk`.
- The Rasa server receives the engineers' clicks and thread replies through the same slack-bolt
  app as users' messages: :func:`build_rasa_handoff`, called by the Slack channel plug-in
  (:mod:`bot.rasa_ext.slack_channel`) with the settings it read once at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.db.engine import make_engine, make_session_factory
from bot.db.repositories import utc_now
from bot.slack.client import SlackClient
from bot.slack.desk import SlackDesk
from bot.slack.engineer_auth import EngineerAuthorizer
from bot.slack.handoff_listeners import FirstTime, HandoffListeners
from bot.slack.users import UserDirectory
from bot.wiring.ticketing import build_ticketing


@dataclass
class SlackHandoff:
    """The engineers' listeners and what to release on shutdown."""

    listeners: HandoffListeners
    engine: Engine

    def register(self, app: Any) -> None:
        """Add the engineers' listeners to the slack-bolt app (before the channel's own)."""
        self.listeners.register(app)

    def close(self) -> None:
        """Release the database engine."""
        self.engine.dispose()


def build_rasa_handoff(
    settings: Settings, client: SlackClient, users: UserDirectory, first_time: FirstTime
) -> Optional[SlackHandoff]:
    """The handoff's Slack listeners for the Rasa server, or None without an engineers' channel.

    Args:
        settings: the settings the Rasa server's root read (database, support hours, priority
            rules, sinks, Rasa's HTTP API URL and token, the engineers' channel).
        client: the Slack channel's Web API client.
        users: the Slack channel's display-name directory.
        first_time: the Slack channel's event de-duplication.

    Raises:
        ValueError: a ticket sink is misconfigured (Rasa refuses to start, saying which).
    """
    if not settings.slack_engineers_channel:
        return None
    engine = make_engine(settings.database_url)
    desk = SlackDesk(client, settings.slack_engineers_channel)
    ticketing = build_ticketing(settings, make_session_factory(engine), utc_now, desk=desk)
    authorizer = EngineerAuthorizer(client, settings.slack_engineers_channel, settings.engineers_group)
    return SlackHandoff(HandoffListeners(ticketing.handoff, desk, users, first_time, authorizer), engine)


def build_slack_desk(settings: Settings) -> Optional[SlackDesk]:
    """The desk the action server posts tickets to, or None without Slack or an engineers'
    channel (then tickets just queue for the team and the external sinks)."""
    if not (settings.slack_enabled and settings.slack_engineers_channel and settings.slack_bot_token):
        return None
    from slack_sdk.web.async_client import AsyncWebClient

    web = AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, retry_handlers=[])
    return SlackDesk(SlackClient(web, give_up_after=30.0), settings.slack_engineers_channel)
