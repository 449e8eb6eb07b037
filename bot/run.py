"""`frontline run`: train if needed, migrate, start both servers, watch them, stop cleanly."""

from __future__ import annotations

import logging
import signal
import time
from types import FrameType
from typing import Optional

from bot.config import Settings
from bot.slack.credentials import describe as describe_slack
from bot.supervisor import Assistant, StartupError

log = logging.getLogger(__name__)


class _Stop(Exception):
    """Raised by the SIGTERM handler to leave the watch loop like Ctrl-C does."""


def _raise_stop(_signum: int, _frame: Optional[FrameType]) -> None:
    raise _Stop()


def banner(settings: Settings, api_token_file: str) -> str:
    """What to print once the assistant is up: where to chat and how."""
    url = settings.rasa_url
    auth = ' -H "Authorization: Bearer $FRONTLINE_REST_TOKEN"' if settings.rest_token else ""
    return f"""
Frontline is running.
  Chat (REST):   curl -s -XPOST {url}/webhooks/rest/webhook{auth} -d '{{"sender":"me","message":"hi"}}'
  Website demo:  {url}/demo/{"" if settings.web_demo else "  (off: FRONTLINE_WEB_DEMO=false)"}
  Embed widget:  <script src="{url}/widget/frontline-widget.js" defer></script>
  Slack:         {describe_slack(settings)}
  Rasa HTTP API: {url}/status  (token in {api_token_file})
  Action server: {settings.actions_url.rsplit('/', 1)[0]}/health
Press Ctrl-C to stop.
"""


def run(settings: Settings, train_only: bool = False, role: Optional[str] = None) -> int:
    """Bring the assistant up and keep it up until Ctrl-C/SIGTERM or a server dies.

    With ``role`` (``rasa``, ``actions``, ``worker``) only that process of a cluster runs: the
    Rasa role trains (or finds) the model, the worker role migrates the database and ingests the
    knowledge base (one process does, so replicas do not race on migrations), and the action
    server leaves the background work to the worker.

    Returns:
        0 after a requested stop, 1 if a server failed to start or died.
    """
    from bot.db.migrate import upgrade
    from bot.training import ensure_model

    model = settings.model_dir / "none"
    if role in (None, "rasa") or train_only:
        try:
            model = ensure_model(settings.project_dir, settings.model_dir, settings.model_cache)
        except RuntimeError as exc:
            print(f"error: {exc}\nFix the training data or config.yml, then run again.")
            return 1
    if train_only:
        print(f"model: {model}")
        return 0
    if role in (None, "worker"):
        try:
            upgrade(settings.database_url)
        except Exception as exc:  # reported, not raised: the user needs the reason, not a trace
            print(f"error: could not prepare the database: {exc}\nCheck FRONTLINE_DATABASE_URL or run `frontline doctor`.")
            return 1
    if role is None:  # a cluster's worker ingests on start and on every change of the folder
        from bot.kb.startup import ingest_in_child

        # Incremental and never fatal (problems are printed); in a child process, so the
        # embedding model it loads does not stay in the supervisor (bot/kb/startup.py).
        ingest_in_child(settings)

    assistant = Assistant(settings, model, role=role)
    settings.run_dir.mkdir(parents=True, exist_ok=True)
    token_file = settings.run_dir / "api-token"
    token_file.write_text(assistant.api_token)
    token_file.chmod(0o600)

    # Ctrl-C and SIGTERM both stop cleanly. SIGINT is set explicitly because a shell that starts
    # us in the background (`frontline run &`, CI scripts) leaves it ignored, and Python then
    # installs no KeyboardInterrupt handler: Ctrl-C / kill -INT would do nothing.
    previous = signal.signal(signal.SIGTERM, _raise_stop)
    previous_sigint = signal.signal(signal.SIGINT, _raise_stop)
    try:
        if role is None:
            print(f"starting the action server (:{settings.actions_port}) and the Rasa server (:{settings.rasa_port})…", flush=True)
        else:
            print(f"starting the {assistant.processes[0].name} (role {role})…", flush=True)
        assistant.start()
        print(banner(settings, str(token_file)) if role is None else f"{assistant.processes[0].name} is running. Press Ctrl-C to stop.", flush=True)
        while True:
            dead = assistant.first_dead()
            if dead is not None:
                print(f"error: the {dead.name} stopped unexpectedly; shutting down. Its log ({dead.log_path}):\n{dead.log_tail()}", flush=True)
                return 1
            time.sleep(0.5)
    except StartupError as exc:
        print(f"error: {exc}", flush=True)
        return 1
    except (KeyboardInterrupt, _Stop):
        print("\nstopping…", flush=True)
        return 0
    finally:
        # A second Ctrl-C while the servers shut down must not leave them orphaned.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            assistant.stop()
        finally:
            signal.signal(signal.SIGTERM, previous)
            signal.signal(signal.SIGINT, previous_sigint)
