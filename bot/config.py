"""Frontline settings: every default, every environment variable, read once.

`Settings.from_env()` is called where an application is assembled (the CLI, the action server,
the test fixtures); nothing reads the environment at import time. The table in README.md is
generated from `SETTINGS_DOC` below so code and documentation cannot drift.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
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
    ("FRONTLINE_CORS_ORIGINS", "*", "Space-separated origins allowed to call the Rasa server from a browser."),
    ("FRONTLINE_MODEL_DIR", "var/models", "Where trained models are written (named by content hash)."),
    ("FRONTLINE_MODEL_CACHE", "~/.cache/frontline/models", "Shared cache of trained models by content hash (speeds up CI and fresh clones); empty to disable."),
    ("FRONTLINE_FLOWS_DIR", "flows", "Troubleshooting flow files (re-read on change, no restart)."),
    ("FRONTLINE_STATUS_FILE", "status/services.yml", "Service status page used by flow checks."),
    ("FRONTLINE_SUPPORT_CONTACT", "the IT service desk (it-support@example.com, ext. 4357)", "Where the bot sends people when it cannot help them itself."),
    ("FRONTLINE_STARTUP_TIMEOUT", "300", "Seconds `frontline run` waits for both servers to become healthy."),
    ("FRONTLINE_LOG_LEVEL", "INFO", "Log level of both servers."),
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
        )

    def with_(self, **changes: object) -> "Settings":
        """Return a copy with some fields replaced (used by tests and the CLI)."""
        return replace(self, **changes)  # type: ignore[arg-type]

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
