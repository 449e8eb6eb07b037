"""Malformed Slack requests are answered 400 with a reason, before slack-bolt sees them.

Slack itself never sends these, but anyone can POST to the events URL, and signed payloads from
a buggy or hostile app integration reached our listeners as ``event: "text"`` or
``actions: []`` and crashed them with 500s and tracebacks. The checks here are about shape only
(is it an object, is ``actions`` a non-empty list of objects, …); bolt still verifies the
signature and timestamp of everything that passes.
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Optional
from urllib.parse import parse_qs

from sanic.request import Request
from slack_sdk.signature import SignatureVerifier

STRING_FIELDS = ("type", "user", "channel", "text", "ts", "thread_ts", "channel_type", "subtype", "team", "bot_id")


def _object(value: Any) -> bool:
    return isinstance(value, Mapping)


def _event_problem(event: Any) -> Optional[str]:
    if not _object(event):
        return "'event' must be an object"
    for name in STRING_FIELDS:
        if name in event and event[name] is not None and not isinstance(event[name], str):
            return f"'event.{name}' must be a string"
    return None


def _interaction_problem(body: Mapping[str, Any]) -> Optional[str]:
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions or not all(_object(a) for a in actions):
        return "'actions' must be a non-empty list of objects"
    for action in actions:
        # Bolt matches every block action by its action_id (a KeyError, so a 500, without one).
        if not isinstance(action.get("action_id"), str):
            return "'actions[].action_id' is required and must be a string"
        for name in ("value", "block_id"):
            if name in action and not isinstance(action[name], str):
                return f"'actions[].{name}' must be a string"
        if "text" in action and not _object(action["text"]):
            return "'actions[].text' must be an object"
    for name in ("user", "channel", "container", "message", "team"):
        if name in body and body[name] is not None and not _object(body[name]):
            return f"'{name}' must be an object"
    message = body.get("message") or {}
    blocks = message.get("blocks")
    if blocks is not None and (not isinstance(blocks, list) or not all(_object(b) for b in blocks)):
        return "'message.blocks' must be a list of objects"
    for name in ("ts", "thread_ts", "text"):
        if name in message and message[name] is not None and not isinstance(message[name], str):
            return f"'message.{name}' must be a string"
    return None


def shape_problem(body: Any) -> Optional[str]:
    """What is wrong with a parsed Events API or interactivity payload, or None."""
    if not _object(body):
        return "the payload must be a JSON object"
    if "event" in body:
        problem = _event_problem(body["event"])
        if problem:
            return problem
    if body.get("type") == "block_actions":
        return _interaction_problem(body)
    if "type" in body and not isinstance(body["type"], str):
        return "'type' must be a string"
    return None


def signature_problem(request: Request, signing_secret: Optional[str]) -> Optional[str]:
    """Why a request is not authentically from Slack (checked first: forgeries get 401 whatever
    their body), or None. Slack's scheme: HMAC-SHA256 of ``v0:<timestamp>:<body>``, timestamp
    within five minutes."""
    timestamp = request.headers.get("x-slack-request-timestamp") or ""
    signature = request.headers.get("x-slack-signature") or ""
    if not timestamp.isdigit() or not signature:
        return "missing or malformed X-Slack-Request-Timestamp / X-Slack-Signature"
    if not signing_secret:
        return "this server has no Slack signing secret configured"
    if not SignatureVerifier(signing_secret).is_valid(request.body or b"", timestamp, signature):
        return "invalid or expired signature"
    return None


def request_problem(request: Request) -> Optional[str]:
    """What is wrong with the body of an (authentic) request to the events URL, or None."""
    raw = request.body or b""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8"
    content_type = (request.headers.get("content-type") or "").lower()
    try:
        if "application/json" in content_type:
            return shape_problem(json.loads(text))
        form = parse_qs(text)
        if "payload" in form:
            return shape_problem(json.loads(form["payload"][0]))
    except ValueError:
        return "the body (or its 'payload' field) is not valid JSON"
    if not form and text.strip():
        return "expected JSON (Events API) or a form with 'payload' (interactivity)"
    return None
