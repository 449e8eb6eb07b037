"""Parsing of the insights settings (the fields live on :class:`bot.config.Settings`)."""

from __future__ import annotations

import re
from typing import Any, Dict, Mapping, Optional, Tuple

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DIGEST = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)\s+([01]?\d|2[0-3]):([0-5]\d)$")
_USER = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")


def parse_digest(raw: str) -> Optional[Tuple[int, int, int]]:
    """``"mon 09:00"`` → ``(0, 9, 0)`` (weekday, hour, minute, UTC); ``"off"`` → None.

    Raises:
        ValueError: naming the variable and the expected shape.
    """
    text = raw.strip().lower()
    if text in ("off", "false", "no", "none"):
        return None
    match = _DIGEST.match(text)
    if not match:
        raise ValueError(f"FRONTLINE_INSIGHTS_DIGEST={raw!r}: expected a weekday and a UTC time like 'mon 09:00', or 'off'")
    return DAYS.index(match.group(1)), int(match.group(2)), int(match.group(3))


def parse_users(raw: str) -> Dict[str, str]:
    """``"alice:pbkdf2_sha256$… bob:pbkdf2_sha256$…"`` → ``{"alice": "pbkdf2_sha256$…", …}``.

    Raises:
        ValueError: an entry is not ``name:hash`` (the message shows the name, never the hash).
    """
    users: Dict[str, str] = {}
    for entry in raw.split():
        name, _, hashed = entry.partition(":")
        if not _USER.match(name) or not hashed.startswith("pbkdf2_sha256$") or hashed.count("$") != 3:
            raise ValueError(
                f"FRONTLINE_INSIGHTS_USERS: entry for {name[:64]!r} is not name:pbkdf2_sha256$… "
                "(make one with `frontline insights-user NAME`)"
            )
        users[name] = hashed
    return users


def insights_fields(env: Mapping[str, str]) -> Dict[str, Any]:
    """The insights fields of :class:`bot.config.Settings` from ``env``.

    Raises:
        ValueError: a variable has a value of the wrong shape; the message names it.
    """
    idle_raw = env.get("FRONTLINE_INSIGHTS_IDLE_MINUTES") or "30"
    try:
        idle = float(idle_raw)
    except ValueError:
        idle = -1.0
    if not idle > 0:
        raise ValueError(f"FRONTLINE_INSIGHTS_IDLE_MINUTES={idle_raw!r}: expected minutes greater than 0, e.g. 30")
    secret = env.get("FRONTLINE_INSIGHTS_SECRET") or None
    if secret is not None and len(secret) < 16:
        raise ValueError("FRONTLINE_INSIGHTS_SECRET is too short: use at least 16 random characters")
    return {
        "insights_idle_minutes": idle,
        "insights_users": parse_users(env.get("FRONTLINE_INSIGHTS_USERS") or ""),
        "insights_secret": secret,
        "insights_digest": parse_digest(env.get("FRONTLINE_INSIGHTS_DIGEST") or "mon 09:00"),
    }


def insights_env(settings: Any) -> Dict[str, str]:
    """The insights settings as environment variables for the servers ``frontline run`` starts."""
    digest = settings.insights_digest
    env = {
        "FRONTLINE_INSIGHTS_IDLE_MINUTES": f"{settings.insights_idle_minutes:g}",
        "FRONTLINE_INSIGHTS_USERS": " ".join(f"{name}:{hashed}" for name, hashed in settings.insights_users.items()),
        "FRONTLINE_INSIGHTS_DIGEST": "off" if digest is None else f"{DAYS[digest[0]]} {digest[1]:02d}:{digest[2]:02d}",
    }
    if settings.insights_secret:
        env["FRONTLINE_INSIGHTS_SECRET"] = settings.insights_secret
    return env
