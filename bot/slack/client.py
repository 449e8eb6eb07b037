"""Slack Web API calls that survive rate limits and outages, and never raise.

Replies are sent after Slack's request was acknowledged, from a background task: an exception
there would reach nobody and lose the reply silently. So every call goes through
:meth:`SlackClient.call`, which

- waits out ``429 Too Many Requests`` for exactly the ``Retry-After`` seconds Slack asks for;
- treats 5xx answers, Slack's "try again" error codes, timeouts and connection errors as an
  outage: logs it, backs off exponentially (1, 2, 4 … 30 s) and retries, up to a time budget;
- logs and returns a failed :class:`ApiResult` for everything else (and when the budget runs
  out), instead of raising.

Only the method name, HTTP status and Slack's error code are logged: never message text.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Optional

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[Any]]
Clock = Callable[[], float]

# Slack answers these with HTTP 200 and ok=false when its side is struggling.
TRANSIENT_ERRORS = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"})
# Slack rejected our Block Kit; the same message as plain text still reaches the user.
BLOCKS_REJECTED = frozenset({"invalid_blocks", "invalid_blocks_format", "msg_blocks_too_long"})

DEFAULT_GIVE_UP_AFTER = 120.0
MAX_BACKOFF = 30.0
MAX_RETRY_AFTER = 120.0


@dataclass(frozen=True)
class ApiResult:
    """The outcome of one Web API call after retries.

    Attributes:
        ok: Slack accepted the call.
        data: Slack's JSON answer (empty when none arrived).
        error: Slack's error code, or a short description of why no answer arrived.
    """

    ok: bool
    data: Dict[str, Any] = field(default_factory=dict)
    error: Optional[str] = None


@dataclass(frozen=True)
class _Failure:
    """Why one attempt failed and whether (and after how long) to try again."""

    reason: str
    retry: bool
    retry_after: Optional[float] = None  # set for rate limits: Slack said how long to wait


def _status_of(response: Any) -> Optional[int]:
    """HTTP status of a SlackApiError's response (an AsyncSlackResponse or, for unparsable
    bodies, aiohttp's ClientResponse)."""
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    return int(status) if status else None


def _retry_after(response: Any) -> float:
    """Seconds from the Retry-After header (Slack always sends one with 429), default 1."""
    headers = getattr(response, "headers", None) or {}
    try:
        raw = headers.get("Retry-After") or headers.get("retry-after")
        if isinstance(raw, (list, tuple)):
            raw = raw[0] if raw else None
        return min(max(float(raw), 0.0), MAX_RETRY_AFTER) if raw is not None else 1.0
    except (TypeError, ValueError):
        return 1.0


def classify(exc: BaseException) -> _Failure:
    """Decide what a failed attempt means.

    Args:
        exc: what the Web API call raised.

    Returns:
        The failure, with ``retry`` set for rate limits and outages.
    """
    if isinstance(exc, SlackApiError):
        status = _status_of(exc.response)
        data = getattr(exc.response, "data", None)
        error = data.get("error") if isinstance(data, dict) else None
        if status == 429:
            return _Failure("rate limited (HTTP 429)", True, _retry_after(exc.response))
        if status is not None and status >= 500:
            return _Failure(f"HTTP {status}", True)
        if error in TRANSIENT_ERRORS:
            return _Failure(str(error), True)
        return _Failure(str(error or f"HTTP {status}"), False)
    if isinstance(exc, (aiohttp.ClientError, asyncio.TimeoutError, OSError)):
        return _Failure(f"{type(exc).__name__}: {exc}".rstrip(": "), True)
    return _Failure(f"unexpected {type(exc).__name__}", False)


class SlackClient:
    """The Web API, with Frontline's retry policy; every method returns, none raises."""

    def __init__(
        self,
        web: AsyncWebClient,
        *,
        give_up_after: float = DEFAULT_GIVE_UP_AFTER,
        max_backoff: float = MAX_BACKOFF,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = time.monotonic,
    ) -> None:
        """Wrap ``web``.

        Args:
            web: slack_sdk's client, carrying the bot token and base URL. Its own retry
                handlers should be off (``retry_handlers=[]``): this class is the one policy.
            give_up_after: seconds after which an outage is no longer retried.
            max_backoff: the longest wait between outage retries.
            sleep: awaitable sleep (tests record waits instead of waiting).
            clock: monotonic clock in seconds.
        """
        self.web = web
        self.give_up_after = give_up_after
        self.max_backoff = max_backoff
        self._sleep = sleep
        self._clock = clock

    async def call(self, method: str, *, give_up_after: Optional[float] = None, **params: Any) -> ApiResult:
        """Call a Web API method (``"chat.postMessage"``), retrying rate limits and outages.

        Args:
            method: the API method name.
            give_up_after: this call's retry budget in seconds (default: the client's); lookups
                that are merely nice to have use a short one so they never hold up a reply.
            **params: its arguments.

        Returns:
            The result; ``ok`` is False if Slack refused or never answered within the budget.
        """
        api = getattr(self.web, method.replace(".", "_"))
        deadline = self._clock() + (self.give_up_after if give_up_after is None else give_up_after)
        attempt = 0
        backoff = 1.0
        while True:
            attempt += 1
            try:
                response = await api(**params)
                return ApiResult(True, dict(response.data) if isinstance(response.data, dict) else {})
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # classified below; nothing may escape a reply task
                failure = classify(exc)
                if failure.reason.startswith("unexpected"):
                    log.exception("Slack %s failed: %s", method, failure.reason)
                answer = getattr(getattr(exc, "response", None), "data", None)
            data = dict(answer) if isinstance(answer, dict) else {}
            if not failure.retry:
                log.error("Slack %s failed: %s (not retried)", method, failure.reason)
                return ApiResult(False, data, failure.reason)
            wait = failure.retry_after if failure.retry_after is not None else backoff
            if self._clock() + wait > deadline:
                log.error("Slack %s failed: %s; giving up after %d attempts", method, failure.reason, attempt)
                return ApiResult(False, data, failure.reason)
            if failure.retry_after is not None:
                log.warning("Slack %s: %s; retrying in %.0fs as asked", method, failure.reason, wait)
            else:
                log.warning("Slack %s failed: %s; retrying in %.0fs (attempt %d)", method, failure.reason, wait, attempt)
                backoff = min(backoff * 2, self.max_backoff)
            await self._sleep(wait)

    async def post_message(
        self,
        channel: str,
        text: str,
        blocks: Optional[List[Dict[str, Any]]] = None,
        thread_ts: Optional[str] = None,
    ) -> ApiResult:
        """Post a message; if Slack rejects its blocks, post the text alone.

        Args:
            channel: conversation id (``D…`` for a DM, ``C…``/``G…`` for channels).
            text: mrkdwn text; the notification text when ``blocks`` are given.
            blocks: Block Kit blocks.
            thread_ts: reply in this thread.

        Returns:
            The result of the last attempt.
        """
        params: Dict[str, Any] = {"channel": channel, "text": text}
        if blocks:
            params["blocks"] = blocks
        if thread_ts:
            params["thread_ts"] = thread_ts
        result = await self.call("chat.postMessage", **params)
        if not result.ok and blocks and result.error in BLOCKS_REJECTED:
            log.error("Slack rejected our blocks (%s); sending the text alone", result.error)
            params.pop("blocks")
            result = await self.call("chat.postMessage", **params)
        return result

    async def update_message(
        self, channel: str, ts: str, text: str, blocks: List[Dict[str, Any]]
    ) -> ApiResult:
        """Replace a message the bot posted (used to swap clicked buttons for the choice)."""
        return await self.call("chat.update", channel=channel, ts=ts, text=text, blocks=blocks)
