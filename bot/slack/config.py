"""The Slack channel's options, as Rasa hands them over from the credentials file.

``frontline run`` writes the channel's block into ``var/run/credentials-<port>.yml`` with
``${VAR}`` references only (see :mod:`bot.slack.credentials`), so secrets travel through the
environment and are never written to disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

MODES = ("http", "socket")
DEFAULT_API_URL = "https://slack.com/api/"


class SlackConfigError(ValueError):
    """The Slack options are incomplete or contradictory; the message says what to set."""


@dataclass(frozen=True)
class SlackConfig:
    """Everything the Slack channel needs to run.

    Attributes:
        mode: ``"http"`` (Events API, Slack POSTs to us) or ``"socket"`` (Socket Mode, we dial
            out to Slack over a WebSocket).
        bot_token: the bot user OAuth token (``xoxb-…``).
        signing_secret: verifies Slack's HTTP requests (HTTP mode).
        app_token: app-level token with ``connections:write`` (Socket Mode).
        api_url: Slack Web API base URL (tests point it at a fake).
        database_url: where handled event ids and known threads are kept (None: memory only,
            so a restart forgets them; only for tests and experiments).
        support_contact: who to contact when the bot cannot answer (the no-silent-bot guard).
        log_level: level of the channel's own loggers (``bot.slack``), e.g. ``INFO``.
        engineers_channel: the engineers' channel id (``C…``) for live handoff, or None
            (see :mod:`bot.slack.handoff_listeners`).
    """

    mode: str
    bot_token: str = field(repr=False)
    signing_secret: Optional[str] = field(default=None, repr=False)
    app_token: Optional[str] = field(default=None, repr=False)
    api_url: str = DEFAULT_API_URL
    database_url: Optional[str] = field(default=None, repr=False)
    support_contact: Optional[str] = None
    log_level: Optional[str] = None
    engineers_channel: Optional[str] = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise SlackConfigError(f"Slack mode {self.mode!r}: expected one of {', '.join(MODES)}")
        if not self.bot_token:
            raise SlackConfigError("the Slack channel needs a bot token (FRONTLINE_SLACK_BOT_TOKEN, xoxb-…)")
        if self.mode == "http" and not self.signing_secret:
            raise SlackConfigError(
                "Slack HTTP mode needs the app's signing secret (FRONTLINE_SLACK_SIGNING_SECRET) "
                "to verify Slack's requests"
            )
        if self.mode == "socket" and not self.app_token:
            raise SlackConfigError(
                "Slack Socket Mode needs an app-level token (FRONTLINE_SLACK_APP_TOKEN, xapp-…) "
                "with the connections:write scope"
            )

    @classmethod
    def from_credentials(cls, credentials: Optional[Mapping[str, Any]]) -> "SlackConfig":
        """Build from the channel's block in the credentials file.

        Args:
            credentials: ``mode``, ``bot_token``, ``signing_secret``, ``app_token``, ``api_url``,
                ``database_url``, ``support_contact``, ``log_level``, ``engineers_channel``; empty
                strings count as unset.

        Returns:
            The validated configuration.

        Raises:
            SlackConfigError: a required option for the chosen mode is missing.
        """
        values = {k: str(v).strip() for k, v in (credentials or {}).items() if v is not None and str(v).strip()}
        api_url = values.get("api_url") or DEFAULT_API_URL
        return cls(
            mode=(values.get("mode") or ("socket" if values.get("app_token") else "http")).lower(),
            bot_token=values.get("bot_token", ""),
            signing_secret=values.get("signing_secret"),
            app_token=values.get("app_token"),
            # slack_sdk joins method names onto the base URL, so it must end with a slash.
            api_url=api_url if api_url.endswith("/") else api_url + "/",
            database_url=values.get("database_url"),
            support_contact=values.get("support_contact"),
            log_level=values.get("log_level"),
            engineers_channel=values.get("engineers_channel"),
        )
