"""Who is talking, decided by the server from authenticated sources only.

- Every channel has its own namespace of conversation ids (``rest:``, ``web:``, ``slack:``), so
  a client of one channel can never name (read, write or impersonate) another's conversation.
- Client-sent metadata is never trusted: channels drop it and attach :data:`TRUSTED_KEY`
  metadata built here from what they verified (a Slack signature, a server-issued widget session,
  a REST token, a widget identity token).
- Widget identity verification follows the convention of Intercom and Chatwoot: the host site
  computes ``user_hash = HMAC-SHA256(secret, user_id)`` (hex) on its server and passes both to
  the widget; only a matching hash makes the visitor a *verified* user (``user:<user_id>``).
- Widget session ids are issued by the server and signed, so a browser can resume its own
  session after a reload or restart but cannot make one up (or guess another visitor's).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Tuple, TypeGuard

REST_PREFIX = "rest:"
WEB_PREFIX = "web:"
SLACK_PREFIX = "slack:"
VERIFIED_PREFIX = "user:"
TRUSTED_KEY = "frontline"
MAX_RAW_SENDER = 128
SESSION_RANDOM_BYTES = 16
SESSION_SIG_CHARS = 32
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
MAX_EMAIL = 254


def rest_conversation(sender: str) -> str:
    """The conversation id of a REST client's ``sender``."""
    return REST_PREFIX + sender


def web_conversation(session_id: str) -> str:
    """The conversation id of a widget session."""
    return WEB_PREFIX + session_id


def valid_raw_sender(sender: Any) -> TypeGuard[str]:
    """True for a usable REST ``sender``: a non-empty string of at most 128 printable characters."""
    return (
        isinstance(sender, str)
        and 0 < len(sender.strip()) <= MAX_RAW_SENDER
        and sender.isprintable()
        and "/" not in sender  # conversation ids appear in HTTP API paths
    )


def email_of(value: Any) -> Optional[str]:
    """``value`` as a normalised (stripped, lower-case) e-mail address, or None if it is not one.

    Tickets are linked across channels by this form, so Slack's ``Grace@Example.com`` and the
    host site's ``grace@example.com`` are the same person.
    """
    if not isinstance(value, str):
        return None
    value = value.strip().lower()
    return value if len(value) <= MAX_EMAIL and EMAIL.match(value) else None


def user_hash(secret: str, user_id: str) -> str:
    """HMAC-SHA256 of ``user_id`` with ``secret``, hex: what the host site computes."""
    return hmac.new(secret.encode(), user_id.encode(), hashlib.sha256).hexdigest()


def verify_user(secret: Optional[str], user_id: Any, given_hash: Any) -> Optional[str]:
    """The verified user id, or None (no secret configured, missing or wrong hash).

    Args:
        secret: FRONTLINE_WIDGET_IDENTITY_SECRET.
        user_id: what the host site says the visitor is (e.g. their e-mail address).
        given_hash: the ``user_hash`` the host site computed.
    """
    if not secret or not isinstance(user_id, str) or not isinstance(given_hash, str):
        return None
    user_id = user_id.strip()
    if not user_id or len(user_id) > 254 or not user_id.isprintable():
        return None
    if hmac.compare_digest(user_hash(secret, user_id), given_hash.strip().lower()):
        return user_id
    return None


class SessionIssuer:
    """Issues widget session ids and recognises the ones it issued (across restarts and
    replicas that share the key).

    Args:
        key: server-side secret (derived from the Rasa API token or the identity secret).
    """

    def __init__(self, key: str) -> None:
        self._key = hashlib.sha256(("frontline-widget-session\0" + key).encode()).digest()

    def _sig(self, random_part: str) -> str:
        return hmac.new(self._key, random_part.encode(), hashlib.sha256).hexdigest()[:SESSION_SIG_CHARS]

    def issue(self) -> str:
        """A fresh, unguessable session id (hex random part + signature)."""
        random_part = secrets.token_hex(SESSION_RANDOM_BYTES)
        return f"{random_part}{self._sig(random_part)}"

    def valid(self, session_id: Any) -> bool:
        """True if this server (or one sharing its key) issued ``session_id``."""
        size = SESSION_RANDOM_BYTES * 2
        if not isinstance(session_id, str) or len(session_id) != size + SESSION_SIG_CHARS:
            return False
        random_part, sig = session_id[:size], session_id[size:]
        return hmac.compare_digest(self._sig(random_part), sig)


def trusted_metadata(
    channel: str,
    *,
    verified_user: Optional[str] = None,
    client_key: Optional[str] = None,
) -> Mapping[str, Any]:
    """The metadata a channel attaches to a user message (and nothing the client sent).

    Args:
        channel: ``rest``, ``socketio`` or ``slack``.
        verified_user: a verified identity (widget identity token), if any.
        client_key: an opaque, keyed hash of the client's address (per-IP ticket limits); never
            the address itself, which is personal data.
    """
    trusted: dict = {"channel": channel}
    if verified_user:
        trusted["verified_user"] = verified_user
    if client_key:
        trusted["client_key"] = client_key
    return {TRUSTED_KEY: trusted}


@dataclass(frozen=True)
class Requester:
    """Who a ticket is for.

    Attributes:
        id: the stable requester id (``slack:<team>:<user>``, ``user:<verified id>``, or the
            conversation id).
        name: display name from an authenticated source (Slack's users.info), if any.
        verified: the id was proven (Slack signature, widget identity token), so the person's
            tickets from other conversations may be shown and VIP lists apply.
        email: a *verified* e-mail address (normalised): Slack's profile e-mail of a Slack user,
            or a verified widget user id that is an e-mail address. It links the person's
            tickets across channels; never set for an unverified requester.
    """

    id: str
    name: Optional[str]
    verified: bool
    email: Optional[str] = None


def requester(sender_id: str, metadata: Any) -> Requester:
    """Who is talking in conversation ``sender_id``, from server-attached metadata only.

    Slack identity (with the e-mail the Slack adapter looked up) is trusted only in a Slack
    conversation (whose id no other channel can produce); a verified widget identity only when
    the channel attached it.
    """
    metadata = metadata if isinstance(metadata, Mapping) else {}
    if sender_id.startswith(SLACK_PREFIX):
        slack = metadata.get("slack")
        if isinstance(slack, Mapping) and slack.get("team") and slack.get("user"):
            name = slack.get("display_name")
            return Requester(f"slack:{slack['team']}:{slack['user']}", str(name) if name else None, True,
                             email_of(slack.get("email")))
        return Requester(sender_id, None, False)
    trusted = metadata.get(TRUSTED_KEY)
    if isinstance(trusted, Mapping) and isinstance(trusted.get("verified_user"), str) and trusted["verified_user"]:
        verified = trusted["verified_user"]
        return Requester(VERIFIED_PREFIX + verified, None, True, email_of(verified))
    return Requester(sender_id, None, False)


def client_key_of(metadata: Any) -> Optional[str]:
    """The keyed client-address hash a channel attached, if any."""
    trusted = metadata.get(TRUSTED_KEY) if isinstance(metadata, Mapping) else None
    key = trusted.get("client_key") if isinstance(trusted, Mapping) else None
    return key if isinstance(key, str) else None


def split_verified(requester_id: str) -> Tuple[bool, str]:
    """(is verified, the id without its ``user:`` prefix)."""
    if requester_id.startswith(VERIFIED_PREFIX):
        return True, requester_id[len(VERIFIED_PREFIX):]
    return False, requester_id
