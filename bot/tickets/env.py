"""The ticketing and handoff settings as environment variables for the child servers.

``frontline run`` (and the test fixtures) resolve settings once and hand them to the Rasa server
and the action server through their environment (:meth:`bot.supervisor.Assistant.env`). This
module imports nothing heavy; the supervisor uses it.
"""

from __future__ import annotations

from typing import Dict

from bot.config import Settings


def ticketing_env(settings: Settings, api_token: str) -> Dict[str, str]:
    """Variables for both servers: where the rules and hours live, the sinks, the engineers'
    channel, and how the action server reaches Rasa's HTTP API (URL and token).

    Args:
        settings: the resolved settings.
        api_token: the Rasa HTTP API token of this run (generated when not configured).

    Returns:
        Only variables that have a value (secrets included: they travel by environment only).
    """
    values = {
        "FRONTLINE_API_TOKEN": api_token,
        "FRONTLINE_RASA_URL": settings.rasa_api_url,
        "FRONTLINE_SUPPORT_HOURS": str(settings.support_hours_file),
        "FRONTLINE_PRIORITY_RULES": str(settings.priority_rules_file),
        "FRONTLINE_SLACK_ENGINEERS_CHANNEL": settings.slack_engineers_channel,
        "FRONTLINE_TICKET_WEBHOOK_URL": settings.ticket_webhook_url,
        "FRONTLINE_TICKET_WEBHOOK_SECRET": settings.ticket_webhook_secret,
        "FRONTLINE_TICKET_SINKS": " ".join(settings.ticket_sinks),
        "FRONTLINE_OUTBOX_RETRY_SECONDS": repr(settings.outbox_retry_seconds),
        "FRONTLINE_OUTBOX_MAX_ATTEMPTS": str(settings.outbox_max_attempts),
    }
    return {name: value for name, value in values.items() if value}
