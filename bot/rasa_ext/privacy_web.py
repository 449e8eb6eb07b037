"""Export and erasure over HTTP, for administrators with the API token, on the Rasa server.

- ``GET /privacy/export?user=ID`` → the export document (JSON), 404 when nothing is stored;
- ``POST /privacy/erase`` with ``{"user": ID, "confirm": true}`` → what was erased.

The token is Rasa's API token (FRONTLINE_API_TOKEN), as ``Authorization: Bearer …`` or
``?token=``. ``X-Frontline-Actor`` names the administrator in the audit record. Like the widget,
this is an input channel only because that is how Rasa lets a plug-in add routes.
"""

from __future__ import annotations

import asyncio
import hmac
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.rasa_ext.web import _RootBlueprint


def token_ok(request: Request, expected: Optional[str]) -> bool:
    """True when the request carries the API token (never when no token is configured)."""
    if not expected:
        return False
    header = request.headers.get("authorization", "")
    given = header[7:].strip() if header.lower().startswith("bearer ") else request.args.get("token", "")
    return hmac.compare_digest(given.encode(), expected.encode())


class PrivacyChannel(InputChannel):
    """The administrators' privacy routes (credentials.yml lists this channel)."""

    def __init__(self, service_factory: Optional[Callable[[], Any]] = None, token: Optional[str] = None) -> None:
        self._factory = service_factory
        self._service: Any = None
        self._token = token

    @classmethod
    def name(cls) -> Text:
        """Channel name (only used by Rasa to tell channels apart)."""
        return "frontline_privacy"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "PrivacyChannel":
        """Build from credentials.yml (no options: the settings come from the environment)."""
        return cls()

    def _settings(self) -> Any:
        from bot.config import Settings

        return Settings.from_env()

    def _get_service(self) -> Any:
        if self._service is None:
            if self._factory is not None:
                self._service = self._factory()
            else:
                from bot.privacy.service import build_privacy_service

                self._service = build_privacy_service(self._settings())
        return self._service

    def _expected_token(self) -> Optional[str]:
        if self._token is None:
            self._token = self._settings().api_token or ""
        return self._token

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The two routes (``on_new_message`` is not used)."""
        bp = _RootBlueprint("frontline_privacy")

        def refused(request: Request) -> Optional[HTTPResponse]:
            if token_ok(request, self._expected_token()):
                return None
            return response.json({"error": "the API token is missing or wrong"}, status=401)

        def actor(request: Request) -> str:
            return (request.headers.get("x-frontline-actor") or "api")[:255]

        @bp.route("/privacy/export", methods=["GET"])
        async def export(request: Request) -> HTTPResponse:
            denied = refused(request)
            if denied is not None:
                return denied
            user = (request.args.get("user") or "").strip()
            if not user:
                return response.json({"error": "give ?user=<sender id | email | Slack user id>"}, status=400)
            from bot.privacy.export import is_empty

            document = await asyncio.to_thread(self._get_service().export, user, actor(request), "http")
            if is_empty(document):
                return response.json({"error": "nothing is stored about this person"}, status=404)
            return response.json(document, dumps=_dumps)

        @bp.route("/privacy/erase", methods=["POST"])
        async def erase(request: Request) -> HTTPResponse:
            denied = refused(request)
            if denied is not None:
                return denied
            body = request.json if isinstance(request.json, dict) else {}
            user = str(body.get("user") or "").strip()
            if not user or body.get("confirm") is not True:
                return response.json(
                    {"error": 'send {"user": "<sender id | email | Slack user id>", "confirm": true}; erasure cannot be undone'},
                    status=400,
                )
            result = await asyncio.to_thread(self._get_service().erase, user, actor(request), "http")
            status = 200 if result.found else 404
            return response.json({"found": result.found, "erased": result.counts, "closed_tickets": result.closed_tickets}, status=status)

        return bp


def _dumps(value: Any, **kwargs: Any) -> str:
    import json

    return json.dumps(value, default=str, ensure_ascii=False, **kwargs)
