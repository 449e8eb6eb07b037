"""The hardening parts of one Rasa server process, built once from the environment.

Channels are built by Rasa from credentials.yml, one object each; the limits they share (a
conversation talking over REST and then socket.io is still one IP, one rate) live here, read
once per process when the first channel asks.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import logging
import os
import secrets
from dataclasses import dataclass
from typing import Mapping, Optional

from bot.security.gate import Gate
from bot.security.identity import SessionIssuer
from bot.security.limits import RateLimiter, make_limiter

log = logging.getLogger(__name__)

MINUTE = 60.0


def is_loopback(host: str) -> bool:
    """True when ``host`` (FRONTLINE_HOST) only accepts connections from this machine."""
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class ServerSecurity:
    """Secrets and limits of the Rasa server process."""

    rest_token: Optional[str]
    rest_open_without_token: bool
    widget_identity_secret: Optional[str]
    sessions: SessionIssuer
    gate: Gate
    per_ip: RateLimiter
    max_body_bytes: int
    _client_key_secret: bytes

    def client_key(self, address: Optional[str]) -> Optional[str]:
        """An opaque keyed hash of a client address, for per-IP limits in other processes.

        The address itself is personal data and is never stored or logged.
        """
        if not address:
            return None
        return hmac.new(self._client_key_secret, address.encode(), hashlib.sha256).hexdigest()[:24]

    def rest_token_ok(self, header: Optional[str]) -> bool:
        """Does an ``Authorization`` header carry the REST token?"""
        if not self.rest_token:
            return self.rest_open_without_token
        scheme, _, value = (header or "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), self.rest_token.encode())

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "ServerSecurity":
        """Build from the environment `frontline run` gives the Rasa server."""
        from bot.config import Settings

        env = os.environ if env is None else env
        settings = Settings.from_env(env)
        open_rest = settings.rest_token is None and is_loopback(settings.host)
        if settings.rest_token is None:
            if open_rest:
                log.warning("FRONTLINE_REST_TOKEN is not set: the REST channel answers anyone on this machine "
                            "(%s is a loopback address). Set a token before exposing it (docs/security.md).", settings.host)
            else:
                log.warning("FRONTLINE_REST_TOKEN is not set and FRONTLINE_HOST=%s is not loopback: "
                            "the REST channel is off (docs/security.md)", settings.host)
        session_key = settings.api_token or secrets.token_urlsafe(24)
        store = settings.lock_store_url
        prefix = f"frontline:rate:{hashlib.sha256(settings.database_url.encode()).hexdigest()[:12]}"
        return cls(
            rest_token=settings.rest_token,
            rest_open_without_token=open_rest,
            widget_identity_secret=settings.widget_identity_secret,
            sessions=SessionIssuer(session_key),
            gate=Gate(settings.max_message_chars,
                      make_limiter(store, f"{prefix}:sender", settings.rate_sender_per_minute, MINUTE)),
            per_ip=make_limiter(store, f"{prefix}:ip", settings.rate_ip_per_minute, MINUTE),
            max_body_bytes=settings.max_body_bytes,
            _client_key_secret=hashlib.sha256(("frontline-client-key\0" + session_key).encode()).digest(),
        )


@functools.lru_cache(maxsize=1)
def server_security() -> ServerSecurity:
    """The process's :class:`ServerSecurity` (built on first use, never at import time)."""
    return ServerSecurity.from_env()
