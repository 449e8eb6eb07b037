"""The insights dashboard at ``/insights/``, served by the Rasa server behind a login.

Like the widget (:mod:`bot.rasa_ext.web`) it is an input channel only because that is how Rasa
lets a plug-in add routes; credentials.yml lists it. Everything under ``/insights/`` except the
login page and its stylesheet needs the signed session cookie (:mod:`bot.insights.auth`); the
dashboard is off (503 with the reason) until ``FRONTLINE_INSIGHTS_SECRET`` is set.

Database work is synchronous SQLAlchemy, so it runs in a worker thread, never on the event loop.
The rollup is refreshed at most every :data:`REFRESH_SECONDS` before a report.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import threading
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.db.engine import make_engine
from bot.insights.auth import COOKIE, SESSION_SECONDS, Sessions
from bot.insights.filters import KNOWN_CHANNELS, Filters
from bot.insights.report import build_report
from bot.insights.rollup import InsightsRollup
from bot.insights.tables import build_tables, to_csv

STATIC_DIR = Path(__file__).resolve().parent / "static"
REFRESH_SECONDS = 60.0
DEFAULT_DAYS = 30
MAX_FAILURES = 5
FAILURE_WINDOW = 300.0
_STATIC = re.compile(r"^[a-z0-9][a-z0-9-]*\.(js|css|svg)$")
_TYPES = {".js": "application/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
_FLOW = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "frame-ancestors 'none'; form-action 'self'",
}


class _RootBlueprint(Blueprint):
    """Routes at the site root (Rasa would mount channels under ``/webhooks/<name>``)."""

    def register(self, app: Sanic, options: Dict[Text, Any]) -> None:
        """Register ignoring the ``url_prefix`` Rasa passes."""
        super().register(app, {**options, "url_prefix": None})


class BadRequest(ValueError):
    """A query parameter is malformed; the message says which and what was expected."""


def filters_from_query(args: Dict[str, List[str]], today: date) -> Filters:
    """Filters from ``?since=YYYY-MM-DD&until=YYYY-MM-DD&channel=&flow=`` (``until`` inclusive).

    Raises:
        BadRequest: a malformed parameter.
    """
    def one(name: str) -> Optional[str]:
        values = args.get(name) or []
        return values[0].strip() if values and values[0].strip() else None

    def day(name: str, default: date) -> datetime:
        raw = one(name)
        try:
            value = date.fromisoformat(raw) if raw else default
        except ValueError:
            raise BadRequest(f"{name}={raw!r}: expected a date like 2024-03-04") from None
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)

    until = day("until", today) + timedelta(days=1)
    since = day("since", (until - timedelta(days=DEFAULT_DAYS)).date())
    channel = one("channel")
    if channel is not None and channel not in KNOWN_CHANNELS:
        raise BadRequest(f"channel={channel!r}: expected one of {', '.join(KNOWN_CHANNELS)}")
    flow = one("flow")
    if flow is not None and not _FLOW.match(flow):
        raise BadRequest(f"flow={flow!r}: expected a flow id")
    try:
        return Filters(since, until, channel, flow)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None


class InsightsService:
    """Reports for the dashboard: rollup refresh (throttled) and report building.

    Args:
        engine: the Frontline database.
        idle: the idle time that ends a conversation.
        clock: aware UTC now.
    """

    def __init__(self, engine: Engine, idle: timedelta, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.idle = idle
        self.clock = clock
        self.rollup = InsightsRollup(engine, idle)
        self._lock = threading.Lock()
        self._refreshed = 0.0

    def report(self, f: Filters) -> Dict[str, Any]:
        """Refresh the rollup if it is older than :data:`REFRESH_SECONDS`, then build the report."""
        with self._lock:
            if time.monotonic() - self._refreshed > REFRESH_SECONDS:
                self.rollup.refresh()
                self._refreshed = time.monotonic()
        report = build_report(self.engine, f, self.clock(), self.idle)
        report["tables"] = build_tables(report)
        return report


class InsightsChannel(InputChannel):
    """``/insights/``: the dashboard, its login, its data (JSON) and CSV exports."""

    def __init__(self, settings: Optional[Settings] = None, clock: Optional[Callable[[], datetime]] = None) -> None:
        self.settings = settings or Settings.from_env()
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        secret = self.settings.insights_secret
        self.sessions = Sessions(self.settings.insights_users, secret) if secret else None
        self._service: Optional[InsightsService] = None
        self._failures: Dict[str, List[float]] = {}

    @classmethod
    def name(cls) -> Text:
        """Channel name (only used by Rasa to tell channels apart)."""
        return "frontline_insights"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "InsightsChannel":
        """Build from the environment (the settings are in README's configuration table)."""
        return cls()

    def service(self) -> InsightsService:
        """The report service (the engine is made on first use, not at start-up)."""
        if self._service is None:
            engine = make_engine(self.settings.database_url)
            self._service = InsightsService(engine, timedelta(minutes=self.settings.insights_idle_minutes), self.clock)
        return self._service

    # -- login ----------------------------------------------------------------------------------

    def _user(self, request: Request) -> Optional[str]:
        return self.sessions.user(request.cookies.get(COOKIE)) if self.sessions else None

    def _throttled(self, who: str) -> bool:
        now = time.monotonic()
        recent = [t for t in self._failures.get(who, []) if now - t < FAILURE_WINDOW]
        self._failures[who] = recent
        return len(recent) >= MAX_FAILURES

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The dashboard's routes (``on_new_message`` is not used)."""
        bp = _RootBlueprint("frontline_insights")

        def page(body: str, status: int = 200) -> HTTPResponse:
            return response.html(body, status=status, headers=SECURITY_HEADERS)

        def off() -> HTTPResponse:
            return page(_login_html("The insights dashboard is off: set FRONTLINE_INSIGHTS_SECRET and "
                                    "FRONTLINE_INSIGHTS_USERS (see docs/insights.md).", form=False), 503)

        @bp.route("/insights", methods=["GET"], strict_slashes=True)
        async def root(_: Request) -> HTTPResponse:
            return response.redirect("/insights/")

        @bp.route("/insights/", methods=["GET"], strict_slashes=True)
        async def dashboard(request: Request) -> HTTPResponse:
            if self.sessions is None:
                return off()
            if self._user(request) is None:
                return response.redirect("/insights/login")
            return page((STATIC_DIR / "dashboard.html").read_text(encoding="utf-8"))

        @bp.route("/insights/login", methods=["GET"])
        async def login_form(_: Request) -> HTTPResponse:
            if self.sessions is None:
                return off()
            return page(_login_html(None))

        @bp.route("/insights/login", methods=["POST"])
        async def login(request: Request) -> HTTPResponse:
            if self.sessions is None:
                return off()
            name = (request.form.get("name") or "").strip()
            who = f"{request.remote_addr or request.ip or '?'} {name}"  # per client and name
            if self._throttled(who):
                return page(_login_html("Too many failed logins; wait five minutes and try again."), 429)
            password = request.form.get("password") or ""
            sessions = self.sessions
            cookie = await asyncio.get_running_loop().run_in_executor(None, sessions.login, name, password)
            if cookie is None:
                self._failures.setdefault(who, []).append(time.monotonic())
                return page(_login_html("Wrong name or password."), 401)
            resp = response.redirect("/insights/")
            _set_cookie(resp, cookie, request.scheme == "https", SESSION_SECONDS)
            return resp

        @bp.route("/insights/logout", methods=["POST"])
        async def logout(request: Request) -> HTTPResponse:
            resp = response.redirect("/insights/login")
            _set_cookie(resp, "", request.scheme == "https", 0)
            return resp

        async def guarded(request: Request, make: Callable[[Filters], HTTPResponse]) -> HTTPResponse:
            if self.sessions is None:
                return response.json({"error": "the insights dashboard is off"}, status=503)
            if self._user(request) is None:
                return response.json({"error": "log in at /insights/login"}, status=401)
            try:
                f = filters_from_query(dict(request.args), self.clock().date())
            except BadRequest as exc:
                return response.json({"error": str(exc)}, status=400)
            return await asyncio.get_running_loop().run_in_executor(None, make, f)

        @bp.route("/insights/api/report", methods=["GET"])
        async def api_report(request: Request) -> HTTPResponse:
            def make(f: Filters) -> HTTPResponse:
                body = json.dumps(self.service().report(f), default=str)
                return response.raw(body.encode(), content_type="application/json", headers={"Cache-Control": "no-store"})

            return await guarded(request, make)

        @bp.route("/insights/export/<name:str>", methods=["GET"])
        async def export(request: Request, name: str) -> HTTPResponse:
            table_name = name[:-4] if name.endswith(".csv") else name

            def make(f: Filters) -> HTTPResponse:
                tables = self.service().report(f)["tables"]
                if table_name not in tables:
                    return response.json({"error": f"no table {table_name!r}; one of {', '.join(tables)}"}, status=404)
                stamp = f"{f.since:%Y%m%d}-{(f.until - timedelta(days=1)):%Y%m%d}"
                return response.text(to_csv(tables[table_name]), content_type="text/csv; charset=utf-8", headers={
                    "Content-Disposition": f'attachment; filename="insights-{table_name}-{stamp}.csv"',
                    "Cache-Control": "no-store",
                })

            return await guarded(request, make)

        @bp.route("/insights/static/<name:str>", methods=["GET"])
        async def static(_: Request, name: str) -> HTTPResponse:
            path = STATIC_DIR / name
            if not _STATIC.match(name) or not path.is_file():
                return response.text("not found", status=404)
            return response.raw(path.read_bytes(), content_type=_TYPES[path.suffix],
                                headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"})

        return bp


def _set_cookie(resp: HTTPResponse, value: str, secure: bool, max_age: int) -> None:
    resp.cookies[COOKIE] = value
    morsel = resp.cookies[COOKIE]
    morsel["path"] = "/insights"
    morsel["httponly"] = True
    morsel["samesite"] = "Strict"
    morsel["max-age"] = max_age
    if secure:
        morsel["secure"] = True


def _login_html(message: Optional[str], form: bool = True) -> str:
    note = f'<p class="note" role="alert">{html.escape(message)}</p>' if message else ""
    fields = """
      <label for="name">Name</label><input id="name" name="name" autocomplete="username" required autofocus>
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>
      <button type="submit">Log in</button>""" if form else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Frontline insights — log in</title><link rel="stylesheet" href="/insights/static/insights.css"></head>
<body class="login"><main><h1>Frontline insights</h1>{note}
<form method="post" action="/insights/login">{fields}
</form></main></body></html>"""
