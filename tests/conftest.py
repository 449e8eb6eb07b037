"""Shared fixtures: a real Rasa server and action server, started once per test session.

The model is trained only when its inputs changed (content hash, shared cache), the database
is a fresh SQLite file, ports are free ones, and flows are served from a temporary copy so
tests may edit them.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest

from bot.config import Settings
from bot.supervisor import Assistant

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def in_ci() -> bool:
    """True in CI, where tests needing local services must fail rather than skip."""
    return os.environ.get("CI", "").lower() == "true"


@dataclass
class Bot:
    """A running assistant and helpers to talk to it over HTTP."""

    assistant: Assistant
    settings: Settings

    @property
    def url(self) -> str:
        return self.settings.rasa_url

    def send(self, sender: str, message: str, timeout: float = 30) -> List[Dict[str, Any]]:
        """POST to the REST channel (with its token); return the bot's messages."""
        body = json.dumps({"sender": sender, "message": message}).encode()
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.settings.rest_token}"}
        req = urllib.request.Request(f"{self.url}/webhooks/rest/webhook", data=body, headers=headers)
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.loads(resp.read() or b"[]")

    @staticmethod
    def conversation(sender: str) -> str:
        """The conversation id of a REST ``sender`` (the REST channel namespaces senders);
        ids of other channels (``slack:``, ``web:``) are returned unchanged."""
        from bot.security.identity import REST_PREFIX, SLACK_PREFIX, WEB_PREFIX

        return sender if sender.startswith((SLACK_PREFIX, WEB_PREFIX, REST_PREFIX)) else REST_PREFIX + sender

    def api(self, path: str, token: Optional[str] = "default") -> Any:
        """GET a Rasa HTTP API path with the API token (or another/no token)."""
        tok = self.assistant.api_token if token == "default" else token
        if path.startswith("/conversations/"):  # REST senders live under rest:<sender>
            sender, _, rest = path[len("/conversations/"):].partition("/")
            conversation = urllib.parse.quote(self.conversation(sender), safe=":@")
            path = f"/conversations/{conversation}/{rest}"
        sep = "&" if "?" in path else "?"
        full = f"{self.url}{path}{sep}token={tok}" if tok else f"{self.url}{path}"
        with urllib.request.urlopen(full, timeout=30) as resp:
            return json.loads(resp.read())

    def slots(self, sender: str) -> Dict[str, Any]:
        """Current slots of a conversation."""
        return self.api(f"/conversations/{sender}/tracker")["slots"]

    def ticket_with_events(self, reference: str) -> Tuple[Any, List[Any]]:
        """The ticket row with ``reference`` and its event rows in order, read from the database."""
        from sqlalchemy import select

        from bot.db.engine import make_engine
        from bot.db.models import TicketEventRow, TicketRow

        engine = make_engine(self.settings.database_url)
        try:
            with engine.connect() as conn:
                ticket = conn.execute(select(TicketRow).where(TicketRow.reference == reference)).one()
                events = conn.execute(
                    select(TicketEventRow).where(TicketEventRow.ticket_id == ticket.id).order_by(TicketEventRow.id)
                ).all()
        finally:
            engine.dispose()
        return ticket, events


def texts(messages: List[Dict[str, Any]]) -> str:
    """All message texts of a turn joined, for substring assertions."""
    return "\n".join(m.get("text") or "" for m in messages)


def button_titles(messages: List[Dict[str, Any]]) -> List[str]:
    """All button titles offered in a turn."""
    return [b["title"] for m in messages for b in m.get("buttons") or []]


@pytest.fixture(scope="session")
def slack_api() -> Iterator[Any]:
    """A fake Slack Web API (tests/fake_slack.py) recording every call; the session bot's
    Slack channel (HTTP mode) talks to it."""
    from tests.fake_slack import FakeSlackApi

    api = FakeSlackApi().start()
    try:
        yield api
    finally:
        api.stop()


@pytest.fixture(scope="session")
def ticket_webhook() -> Iterator[Any]:
    """A stand-in external ticket system (tests/fake_webhook.py) receiving the session bot's
    signed ticket webhooks; tests make it fail and recover."""
    from tests.fake_webhook import WebhookReceiver

    receiver = WebhookReceiver().start()
    try:
        yield receiver
    finally:
        receiver.stop()


ALWAYS_OPEN = "timezone: UTC\nhours: {%s}\n" % ", ".join(f"{d}: '00:00-24:00'" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
ENGINEERS_CHANNEL = "C0ENGINEERS"
INSIGHTS_USER = "lead"
INSIGHTS_PASSWORD = "e2e insights password"
# Slack users who are members of the engineers' channel on the fake Slack (may Claim/Resolve).
ENGINEERS = ("U0DANA", "U0ENG", "U0ERIK")
WIDGET_IDENTITY_SECRET = "test-widget-identity-secret"
RATE_SENDER_PER_MINUTE = 40


@pytest.fixture(scope="session")
def bot(tmp_path_factory: pytest.TempPathFactory, slack_api: Any, ticket_webhook: Any) -> Iterator[Bot]:
    """Train (cached) and start the real servers once for the whole session."""
    from bot.db.migrate import upgrade
    from bot.insights.auth import hash_password
    from bot.training import ensure_model
    from tests.fake_slack import slack_settings_env
    from tests.kb_support import ingest_kb

    work = tmp_path_factory.mktemp("frontline")
    flows = work / "flows"
    shutil.copytree(ROOT / "flows", flows)
    env = {
        **os.environ,
        "FRONTLINE_PROJECT_DIR": str(ROOT),
        "FRONTLINE_DATABASE_URL": f"sqlite:///{work / 'frontline.db'}",
        "FRONTLINE_RASA_PORT": str(free_port()),
        "FRONTLINE_ACTIONS_PORT": str(free_port()),
        "FRONTLINE_API_TOKEN": secrets.token_urlsafe(16),
        "FRONTLINE_FLOWS_DIR": str(flows),
        "FRONTLINE_SUPPORT_CONTACT": "the test service desk",
        # REST needs its token (Bot.send sends it); limits roomy enough for the whole suite from
        # one address, tight enough that tests/e2e can reach them (test_limits_*).
        "FRONTLINE_REST_TOKEN": secrets.token_urlsafe(16),
        "FRONTLINE_WIDGET_IDENTITY_SECRET": WIDGET_IDENTITY_SECRET,
        "FRONTLINE_RATE_SENDER_PER_MINUTE": str(RATE_SENDER_PER_MINUTE),
        "FRONTLINE_RATE_IP_PER_MINUTE": "100000",
        "FRONTLINE_TICKETS_PER_HOUR": "50",
        **slack_settings_env(slack_api),  # Slack on (HTTP mode), so tests/e2e can drive it too
        # Tickets: engineers are always on duty (so handoffs are live whatever the time), their
        # channel is on the fake Slack, and ticket events go to a local webhook, retried quickly.
        "FRONTLINE_SUPPORT_HOURS": str(work / "support_hours.yml"),
        "FRONTLINE_SLACK_ENGINEERS_CHANNEL": ENGINEERS_CHANNEL,
        "FRONTLINE_TICKET_WEBHOOK_URL": ticket_webhook.url,
        "FRONTLINE_TICKET_WEBHOOK_SECRET": ticket_webhook.secret,
        "FRONTLINE_OUTBOX_RETRY_SECONDS": "0.3",
        # The insights dashboard at /insights/ with one login (tests/e2e/test_insights_*).
        "FRONTLINE_INSIGHTS_SECRET": secrets.token_urlsafe(24),
        "FRONTLINE_INSIGHTS_USERS": f"{INSIGHTS_USER}:{hash_password(INSIGHTS_PASSWORD, iterations=1000)}",
    }
    (work / "support_hours.yml").write_text(ALWAYS_OPEN)
    slack_api.set_members(ENGINEERS_CHANNEL, ENGINEERS)
    settings = Settings.from_env(env)
    model = ensure_model(settings.project_dir, settings.model_dir, settings.model_cache)
    upgrade(settings.database_url)
    ingest_kb(settings)  # kb/ → this database (embeddings from the machine-wide cache)
    assistant = Assistant(settings, model)
    assistant.start()
    try:
        yield Bot(assistant, settings)
    finally:
        assistant.stop()
