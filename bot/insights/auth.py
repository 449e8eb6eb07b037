"""Dashboard logins: PBKDF2 password hashes and an HMAC-signed session cookie (stdlib only).

Users come from ``FRONTLINE_INSIGHTS_USERS`` as ``name:pbkdf2_sha256$<iterations>$<salt>$<hash>``
(``frontline insights-user NAME`` makes an entry); no password is stored anywhere. A login sets
a cookie ``<name>|<expiry>|<signature>`` signed with ``FRONTLINE_INSIGHTS_SECRET``; changing the
secret logs everybody out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from typing import Callable, Mapping, Optional

ITERATIONS = 260_000
SESSION_SECONDS = 12 * 3600
COOKIE = "frontline_insights"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, salt: Optional[bytes] = None, iterations: int = ITERATIONS) -> str:
    """A ``pbkdf2_sha256$iterations$salt$hash`` string for ``password``."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return f"pbkdf2_sha256${iterations}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, hashed: str) -> bool:
    """Whether ``password`` matches ``hashed`` (constant-time comparison)."""
    try:
        scheme, iterations, salt, digest = hashed.split("$")
        if scheme != "pbkdf2_sha256":
            return False
        actual = hashlib.pbkdf2_hmac("sha256", password.encode(), _unb64(salt), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, _unb64(digest))


class Sessions:
    """Checks logins and signs/reads the session cookie.

    Args:
        users: name → password hash.
        secret: the signing secret.
        clock: Unix time in seconds.
    """

    def __init__(self, users: Mapping[str, str], secret: str, clock: Callable[[], float] = time.time) -> None:
        self.users = dict(users)
        self._key = hashlib.sha256(b"frontline-insights-session:" + secret.encode()).digest()
        self._clock = clock
        # Checking an unknown name costs as much as a known one, so names cannot be probed by timing.
        self._dummy = hash_password(secrets.token_hex(8))

    def login(self, name: str, password: str) -> Optional[str]:
        """A cookie value if ``name``/``password`` are right, else None."""
        hashed = self.users.get(name)
        ok = check_password(password, hashed or self._dummy)
        return self.issue(name) if ok and hashed else None

    def issue(self, name: str) -> str:
        """A signed cookie value for ``name``, valid for :data:`SESSION_SECONDS`."""
        expiry = int(self._clock()) + SESSION_SECONDS
        payload = f"{name}|{expiry}"
        return f"{payload}|{self._sign(payload)}"

    def user(self, cookie: Optional[str]) -> Optional[str]:
        """The logged-in user of a cookie value, or None (missing, forged, expired, user removed)."""
        if not cookie or cookie.count("|") != 2:
            return None
        name, expiry, signature = cookie.split("|")
        if not hmac.compare_digest(signature, self._sign(f"{name}|{expiry}")):
            return None
        if not expiry.isdigit() or int(expiry) < self._clock() or name not in self.users:
            return None
        return name

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode(), hashlib.sha256).digest())
