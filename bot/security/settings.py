"""Reads the hardening settings (REST token, widget identity secret, limits) from the environment.

Kept apart from :mod:`bot.config` so the settings table there only gains one line per setting;
the variables are documented in ``SETTINGS_DOC`` like every other setting.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = (env.get(name) or "").strip() or str(default)
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{name}={raw!r}: expected a whole number of at least 1, e.g. {default}")
    return int(raw)


def hardening_settings(env: Mapping[str, str]) -> Dict[str, Any]:
    """The hardening fields of :class:`bot.config.Settings`, read from ``env``.

    Raises:
        ValueError: a limit is not a positive whole number; the message names the variable.
    """
    group = (env.get("FRONTLINE_ENGINEERS_GROUP") or "").strip() or None
    return {
        "rest_token": env.get("FRONTLINE_REST_TOKEN") or None,
        "widget_identity_secret": env.get("FRONTLINE_WIDGET_IDENTITY_SECRET") or None,
        "engineers_group": group,
        "max_message_chars": _positive_int(env, "FRONTLINE_MAX_MESSAGE_CHARS", 2000),
        "max_body_bytes": _positive_int(env, "FRONTLINE_MAX_BODY_BYTES", 262144),
        "rate_sender_per_minute": _positive_int(env, "FRONTLINE_RATE_SENDER_PER_MINUTE", 30),
        "rate_ip_per_minute": _positive_int(env, "FRONTLINE_RATE_IP_PER_MINUTE", 120),
        "tickets_per_hour": _positive_int(env, "FRONTLINE_TICKETS_PER_HOUR", 5),
    }
