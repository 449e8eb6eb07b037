"""A stand-in for Slack in tests: a local Web API that records every call, and a sender of
events and button clicks signed exactly like Slack signs them.

The Web API runs in a thread (stdlib ``ThreadingHTTPServer``) so it serves both the Rasa server
in its own process (e2e tests) and slack_sdk inside the test process (unit tests). Point
slack_sdk's ``base_url`` (``FRONTLINE_SLACK_API_URL``) at :attr:`FakeSlackApi.url`.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, Dict, List, Optional, Tuple

from tests.local_http import LocalHttpServer

TEAM = "T0FRONT"
BOT_USER = "U0BOT"
BOT_ID = "B0BOT"
SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"


@dataclass
class Call:
    """One Web API call the fake received."""

    method: str
    params: Dict[str, Any]
    token: Optional[str]
    at: float
    status: int = 200
    response: Dict[str, Any] = field(default_factory=dict)


@dataclass
class _Failure:
    status: int
    body: Dict[str, Any]
    headers: Dict[str, str] = field(default_factory=dict)


class FakeSlackApi(LocalHttpServer):
    """Slack's Web API, just enough of it: auth.test, chat.postMessage, chat.update, users.info,
    apps.connections.open (anything else answers ``{"ok": true}``)."""

    def __init__(self, ws_url: str = "") -> None:
        self.calls: List[Call] = []
        self.ws_url = ws_url
        self.members: Dict[str, List[str]] = {}
        self.usergroups: Dict[str, List[str]] = {}
        self.emails: Dict[str, str] = {}
        self._lock = threading.Lock()
        self._failures: Dict[str, List[_Failure]] = {}
        self._ts = itertools.count(1)
        super().__init__()

    @property
    def url(self) -> str:
        """Base URL to give slack_sdk (ends with a slash)."""
        return f"http://127.0.0.1:{self.port}/api/"



    # -- scripting ----------------------------------------------------------------------------

    def fail_next(self, method: str, status: int, body: Optional[Dict[str, Any]] = None,
                  headers: Optional[Dict[str, str]] = None, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with this failure."""
        with self._lock:
            self._failures.setdefault(method, []).extend(
                _Failure(status, body or {"ok": False, "error": f"http_{status}"}, headers or {}) for _ in range(times)
            )

    # -- inspection ---------------------------------------------------------------------------

    def of(self, method: str, ok_only: bool = True, **where: Any) -> List[Call]:
        """Recorded calls of ``method`` whose params contain ``where`` (by default only those
        that succeeded: a failed post shows the user nothing)."""
        with self._lock:
            calls = list(self.calls)
        return [
            c for c in calls
            if c.method == method and (c.status == 200 or not ok_only) and all(c.params.get(k) == v for k, v in where.items())
        ]

    def _received(self) -> str:
        return f"calls: {self.summary()}"

    def posts(self, channel: str, thread_ts: Optional[str] = "any") -> List[Call]:
        """chat.postMessage calls to ``channel`` (in ``thread_ts``, unless "any")."""
        calls = self.of("chat.postMessage", channel=channel)
        return calls if thread_ts == "any" else [c for c in calls if c.params.get("thread_ts") == thread_ts]

    def set_members(self, channel: str, users: Any) -> None:
        """Who is in ``channel`` (``conversations.members`` answers from this)."""
        with self._lock:
            self.members[channel] = list(users)

    def set_email(self, user: str, email: str) -> None:
        """The profile e-mail ``users.info`` tells for ``user`` (as with ``users:read.email``)."""
        with self._lock:
            self.emails[user] = email

    def summary(self) -> List[Tuple[str, str]]:
        with self._lock:
            return [(c.method, str(c.params.get("text", ""))[:60]) for c in self.calls]

    # -- serving ------------------------------------------------------------------------------

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parsed = urllib.parse.urlparse(handler.path)
        method = parsed.path.rsplit("/", 1)[-1]
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        params: Dict[str, Any] = {k: v[0] for k, v in urllib.parse.parse_qs(parsed.query).items()}
        if raw:
            if "json" in (handler.headers.get("Content-Type") or ""):
                params.update(json.loads(raw))
            else:
                params.update({k: v[0] for k, v in urllib.parse.parse_qs(raw.decode()).items()})
        for key in ("blocks",):  # form-encoded calls carry blocks as a JSON string
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        auth = handler.headers.get("Authorization") or ""
        token = auth[7:] if auth.startswith("Bearer ") else params.get("token")
        with self._lock:
            queue = self._failures.get(method) or []
            failure = queue.pop(0) if queue else None
            if failure is None:
                status, answer, headers = 200, self._answer(method, params), {}
            else:
                status, answer, headers = failure.status, failure.body, failure.headers
            self.calls.append(Call(method, params, token, time.monotonic(), status, answer))
        self._reply(handler, status, answer, headers)

    def _answer(self, method: str, params: Dict[str, Any]) -> Dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "url": "https://frontline-test.slack.com/", "team": "Frontline Test",
                    "user": "frontline", "team_id": TEAM, "user_id": BOT_USER, "bot_id": BOT_ID}
        if method == "chat.postMessage":
            ts = f"1700001000.{next(self._ts):06d}"
            message = {"type": "message", "user": BOT_USER, "bot_id": BOT_ID, "ts": ts,
                       "text": params.get("text", ""), "blocks": params.get("blocks", [])}
            if params.get("thread_ts"):
                message["thread_ts"] = params["thread_ts"]
            return {"ok": True, "channel": params.get("channel"), "ts": ts, "message": message}
        if method == "chat.update":
            return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts"), "text": params.get("text", "")}
        if method == "users.info":
            user = params.get("user", "U?")
            profile = {"display_name": f"Person {user}", "real_name": f"Real {user}"}
            if user in self.emails:
                profile["email"] = self.emails[user]
            return {"ok": True, "user": {"id": user, "name": f"handle-{user.lower()}", "real_name": f"Real {user}",
                                         "profile": profile}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700002000.{next(self._ts):06d}"}
        if method == "conversations.members":
            channel = params.get("channel", "")
            if channel not in self.members:
                return {"ok": False, "error": "channel_not_found"}
            return {"ok": True, "members": list(self.members[channel]), "response_metadata": {"next_cursor": ""}}
        if method == "usergroups.users.list":
            group = params.get("usergroup", "")
            if group not in self.usergroups:
                return {"ok": False, "error": "no_such_subteam"}
            return {"ok": True, "users": list(self.usergroups[group])}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.ws_url}
        return {"ok": True}

    @staticmethod
    def _reply(handler: BaseHTTPRequestHandler, status: int, body: Dict[str, Any],
               headers: Optional[Dict[str, str]] = None) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)


def slack_settings_env(api: FakeSlackApi) -> Dict[str, str]:
    """Settings that turn the Slack channel on in HTTP mode, talking to ``api``."""
    return {
        "FRONTLINE_SLACK_BOT_TOKEN": BOT_TOKEN,
        "FRONTLINE_SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "FRONTLINE_SLACK_APP_TOKEN": "",  # whatever the developer's shell has: HTTP mode here
        "FRONTLINE_SLACK_MODE": "http",
        "FRONTLINE_SLACK_API_URL": api.url,
    }


# -- what Slack sends us ------------------------------------------------------------------------

def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's v0 request signature: HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return f"v0={digest}"


_event_ids = itertools.count(1)
_message_ts = itertools.count(1)


def next_ts() -> str:
    """A fresh Slack message timestamp."""
    return f"1700000000.{next(_message_ts):06d}"


def event_body(event: Dict[str, Any], event_id: Optional[str] = None, team: str = TEAM) -> Dict[str, Any]:
    """An Events API ``event_callback`` envelope around ``event``."""
    return {
        "token": "legacy-verification-token",
        "team_id": team,
        "api_app_id": "A0FRONT",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_event_ids):08d}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": team, "user_id": BOT_USER, "is_bot": True}],
    }


def dm_event(user: str, text: str, channel: str, ts: Optional[str] = None) -> Dict[str, Any]:
    """A person's direct message to the bot (``message.im``)."""
    return {"type": "message", "channel_type": "im", "channel": channel, "user": user, "text": text,
            "ts": ts or next_ts(), "team": TEAM, "client_msg_id": f"m-{time.monotonic_ns()}"}


def mention_event(user: str, text: str, channel: str, ts: Optional[str] = None,
                  thread_ts: Optional[str] = None) -> Dict[str, Any]:
    """An ``app_mention`` in a channel (``text`` should contain ``<@U0BOT>``)."""
    event = {"type": "app_mention", "channel": channel, "user": user, "text": text, "ts": ts or next_ts(), "team": TEAM}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def thread_reply_event(user: str, text: str, channel: str, thread_ts: str) -> Dict[str, Any]:
    """A reply in a channel thread (``message.channels``)."""
    return {"type": "message", "channel_type": "channel", "channel": channel, "user": user, "text": text,
            "ts": next_ts(), "thread_ts": thread_ts, "team": TEAM}


def click_payload(user: str, channel: str, message: Dict[str, Any], button_label: str) -> Dict[str, Any]:
    """The ``block_actions`` payload Slack sends when ``user`` clicks the button labelled
    ``button_label`` in ``message`` (a message as our fake API recorded it)."""
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("type") == "button" and element["text"]["text"] == button_label:
                action = {"type": "button", "block_id": block["block_id"], "action_id": element["action_id"],
                          "text": element["text"], "value": element["value"], "action_ts": f"{time.time():.6f}"}
                container = {"type": "message", "message_ts": message["ts"], "channel_id": channel, "is_ephemeral": False}
                if message.get("thread_ts"):
                    container["thread_ts"] = message["thread_ts"]
                return {
                    "type": "block_actions",
                    "user": {"id": user, "username": f"handle-{user.lower()}", "team_id": TEAM},
                    "api_app_id": "A0FRONT",
                    "token": "legacy-verification-token",
                    "container": container,
                    "trigger_id": "123.456.abc",
                    "team": {"id": TEAM, "domain": "frontline-test"},
                    "channel": {"id": channel, "name": "directmessage" if channel.startswith("D") else "it-help"},
                    "message": message,
                    "response_url": "https://hooks.slack.invalid/actions/1",
                    "actions": [action],
                }
    raise AssertionError(f"no button {button_label!r} in message {message.get('ts')}")


def posted_message(call: Call) -> Dict[str, Any]:
    """The message a recorded chat.postMessage created, as Slack would send it back in a click."""
    params = call.params
    message = {"type": "message", "user": BOT_USER, "bot_id": BOT_ID, "text": params.get("text", ""),
               "blocks": params.get("blocks") or [], "ts": call.response["ts"]}
    if params.get("thread_ts"):
        message["thread_ts"] = params["thread_ts"]
    return message


def button_labels(call: Call) -> List[str]:
    """Labels of the buttons in a recorded chat.postMessage."""
    return [e["text"]["text"] for b in call.params.get("blocks") or [] if b.get("type") == "actions"
            for e in b.get("elements") or []]


def block_text(call: Call) -> str:
    """All text of a recorded chat.postMessage (fallback text and blocks)."""
    parts = [str(call.params.get("text") or "")]
    for block in call.params.get("blocks") or []:
        if isinstance(block.get("text"), dict):
            parts.append(block["text"].get("text", ""))
        for section_field in block.get("fields") or []:  # section fields (e.g. the desk's *Requester*)
            if isinstance(section_field, dict):
                parts.append(str(section_field.get("text", "")))
        for element in block.get("elements") or []:
            if isinstance(element.get("text"), (dict, str)):
                parts.append(element["text"]["text"] if isinstance(element["text"], dict) else element["text"])
    return "\n".join(parts)


class SlackSender:
    """Posts signed events and clicks to the Slack channel's HTTP endpoint, like Slack does."""

    def __init__(self, url: str, secret: str = SIGNING_SECRET) -> None:
        self.url = url
        self.secret = secret

    def post(self, body: bytes, content_type: str, *, secret: Optional[str] = None,
             timestamp: Optional[int] = None, headers: Optional[Dict[str, str]] = None) -> Tuple[int, bytes, float]:
        """POST a signed body; returns (status, response body, seconds taken)."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sign(secret or self.secret, ts, body),
            **(headers or {}),
        })
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read(), time.monotonic() - started
        except urllib.error.HTTPError as error:
            return error.code, error.read(), time.monotonic() - started

    def event(self, body: Dict[str, Any], **kwargs: Any) -> Tuple[int, bytes, float]:
        """Send an Events API body (JSON)."""
        return self.post(json.dumps(body).encode(), "application/json", **kwargs)

    def click(self, payload: Dict[str, Any], **kwargs: Any) -> Tuple[int, bytes, float]:
        """Send an interactivity payload (form-encoded ``payload=<json>``)."""
        body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
        return self.post(body, "application/x-www-form-urlencoded", **kwargs)
