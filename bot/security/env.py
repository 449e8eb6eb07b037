"""The hardening settings as environment variables for the servers `frontline run` starts."""

from __future__ import annotations

from typing import Dict

from bot.config import Settings


def security_env(settings: Settings) -> Dict[str, str]:
    """Variables both servers need so they apply the same limits and secrets.

    Returns:
        Only variables that have a value (secrets travel by environment only).
    """
    values = {
        "FRONTLINE_REST_TOKEN": settings.rest_token,
        "FRONTLINE_WIDGET_IDENTITY_SECRET": settings.widget_identity_secret,
        "FRONTLINE_ENGINEERS_GROUP": settings.engineers_group,
        "FRONTLINE_MAX_MESSAGE_CHARS": str(settings.max_message_chars),
        "FRONTLINE_MAX_BODY_BYTES": str(settings.max_body_bytes),
        "FRONTLINE_RATE_SENDER_PER_MINUTE": str(settings.rate_sender_per_minute),
        "FRONTLINE_RATE_IP_PER_MINUTE": str(settings.rate_ip_per_minute),
        "FRONTLINE_TICKETS_PER_HOUR": str(settings.tickets_per_hour),
    }
    return {name: value for name, value in values.items() if value}
