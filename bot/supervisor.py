"""Start, watch and stop the two processes that make up the assistant.

`Assistant` is used by `frontline run` (which also watches for either process dying) and by
the end-to-end test fixtures (which need to kill and restart the action server on purpose).
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from bot.config import Settings
from bot.slack.credentials import runtime_credentials_path, write_runtime_credentials

log = logging.getLogger(__name__)


class StartupError(RuntimeError):
    """A server did not become healthy; the message carries the tail of its log."""


@dataclass
class Process:
    """One child server: how to start it, where it logs and how to tell it is healthy."""

    name: str
    command: List[str]
    health_url: str
    log_path: Path
    popen: Optional[subprocess.Popen] = field(default=None, repr=False)

    def start(self, env: Dict[str, str], cwd: Path) -> None:
        """Start the process in its own process group, logging to ``log_path``."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as out:
            self.popen = subprocess.Popen(
                self.command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )

    @property
    def alive(self) -> bool:
        """True while the process runs."""
        return self.popen is not None and self.popen.poll() is None

    def healthy(self) -> bool:
        """True if the health URL answers 200."""
        try:
            with urllib.request.urlopen(self.health_url, timeout=2) as resp:
                return resp.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM the process group, then SIGKILL after ``grace`` seconds."""
        if not self.alive:
            return
        assert self.popen is not None
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(self.popen.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.popen.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def kill(self) -> None:
        """Kill at once (tests use this to simulate a crash)."""
        if self.alive:
            assert self.popen is not None
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(10)

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the process's log."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


ROLES = ("rasa", "actions", "worker")


class Assistant:
    """The Rasa server and the action server for one set of settings, or one role of a cluster.

    Args:
        settings: the resolved settings.
        model: the trained model (the Rasa server's).
        api_token: Rasa's HTTP API token (generated when neither given nor configured).
        role: None for one machine (Rasa and action server, the action server also doing the
            background work); ``rasa``, ``actions`` or ``worker`` for one process of a cluster,
            where a separate worker does the background work.
    """

    def __init__(self, settings: Settings, model: Path, api_token: Optional[str] = None, role: Optional[str] = None) -> None:
        if role is not None and role not in ROLES:
            raise ValueError(f"unknown role {role!r}: expected one of {', '.join(ROLES)}")
        if role is not None:
            settings = settings.with_(worker_in_actions=False)
        self.role = role
        self.settings = settings
        self.model = model
        self.api_token = api_token or settings.api_token or secrets.token_urlsafe(24)
        logs = settings.project_dir / "var" / "log"
        python = sys.executable
        # With Slack configured, Rasa reads credentials.yml plus the Slack channel's block.
        self.credentials = runtime_credentials_path(settings) if settings.slack_enabled else settings.project_dir / "credentials.yml"
        self.actions = Process(
            "action server",
            [python, "-m", "bot.action_server", "--port", str(settings.actions_port)],
            f"http://{settings.host}:{settings.actions_port}/health",
            logs / f"actions-{settings.actions_port}.log",
        )
        self.rasa = Process(
            "Rasa server",
            [
                python, "-m", "rasa", "run", "--model", str(model),
                "--endpoints", "endpoints.yml", "--credentials", str(self.credentials),
                "--interface", settings.host, "--port", str(settings.rasa_port),
                "--enable-api", f"--auth-token={self.api_token}",
                "--cors", *settings.cors_origins,
            ],
            # /status, not /: Rasa answers / even when it could not load a model.
            f"{settings.rasa_url}/status?token={self.api_token}",
            logs / f"rasa-{settings.rasa_port}.log",
        )
        self.worker = Process(
            "worker",
            [python, "-m", "bot.action_server.worker", "--port", str(settings.worker_port)],
            f"http://{settings.host}:{settings.worker_port}/health",
            logs / f"worker-{settings.worker_port}.log",
        )

    def env(self) -> Dict[str, str]:
        """Environment of both children: the resolved settings, so they agree."""
        s = self.settings
        return {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(s.project_dir), os.environ.get("PYTHONPATH")])),
            "TF_CPP_MIN_LOG_LEVEL": "2",
            # Rasa phones home (telemetry, Sentry) unless told not to; we never want that.
            "RASA_TELEMETRY_ENABLED": "false",
            # Every setting, resolved once here, so both servers agree with this process (and
            # credentials.yml / endpoints.yml find the variables they refer to).
            **s.to_env(),
            # The token of this run (generated when not configured): Rasa's HTTP API checks it and
            # the action server pushes engineers' messages through that API with it.
            "FRONTLINE_API_TOKEN": self.api_token,
        }

    @property
    def processes(self) -> List[Process]:
        """The processes of this role; without a role both servers, action server first (Rasa calls it)."""
        if self.role is None:
            return [self.actions, self.rasa]
        return [{"rasa": self.rasa, "actions": self.actions, "worker": self.worker}[self.role]]

    def prepare(self) -> None:
        """Write the files the processes read at start (the Slack channel's credentials)."""
        if self.settings.slack_enabled and self.role in (None, "rasa"):
            write_runtime_credentials(self.settings, self.settings.project_dir / "credentials.yml")

    def start(self) -> None:
        """Start both servers and wait until both are healthy.

        Raises:
            StartupError: a server died or did not answer within the startup timeout; both are
                stopped and the message includes the failing server's log tail.
        """
        env = self.env()
        self.prepare()
        for proc in self.processes:
            proc.start(env, self.settings.project_dir)
        deadline = time.monotonic() + self.settings.startup_timeout
        pending = list(self.processes)
        while pending:
            for proc in list(pending):
                if not proc.alive:
                    self.stop()
                    raise StartupError(f"the {proc.name} exited during start-up; its log ({proc.log_path}):\n{proc.log_tail()}")
                if proc.healthy():
                    pending.remove(proc)
            if pending and time.monotonic() > deadline:
                self.stop()
                names = ", ".join(p.name for p in pending)
                raise StartupError(f"{names} not healthy after {self.settings.startup_timeout:.0f}s; log tail:\n{pending[0].log_tail()}")
            time.sleep(0.5)

    def restart_actions(self) -> None:
        """(Re)start the action server alone and wait for it (tests)."""
        self.actions.stop()
        self.actions.start(self.env(), self.settings.project_dir)
        deadline = time.monotonic() + 60
        while not self.actions.healthy():
            if not self.actions.alive or time.monotonic() > deadline:
                raise StartupError(f"action server did not restart:\n{self.actions.log_tail()}")
            time.sleep(0.3)

    def restart_rasa(self) -> None:
        """(Re)start the Rasa server alone, same port and token, and wait until its model is loaded.

        Raises:
            StartupError: the model file is gone (a run in the same checkout may have replaced it;
                the shared cache is tried first), or Rasa did not come back with it loaded.
        """
        self.rasa.stop()
        cached = self.settings.model_cache / self.model.name if self.settings.model_cache else None
        if not self.model.is_file() and cached is not None and cached.is_file():
            self.model.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(cached, self.model)
        if not self.model.is_file():
            raise StartupError(f"cannot restart the Rasa server: its model {self.model} is gone")
        self.rasa.start(self.env(), self.settings.project_dir)
        deadline = time.monotonic() + self.settings.startup_timeout
        while not self.rasa.healthy():
            if not self.rasa.alive or time.monotonic() > deadline:
                raise StartupError(f"Rasa server did not restart with its model:\n{self.rasa.log_tail()}")
            time.sleep(0.5)

    def stop(self) -> None:
        """Stop both servers (Rasa first, so it stops calling the action server)."""
        for proc in reversed(self.processes):
            proc.stop()
        if self.settings.slack_enabled:  # generated per start; don't leave one per port behind
            self.credentials.unlink(missing_ok=True)

    def first_dead(self) -> Optional[Process]:
        """A server that has exited, if any."""
        return next((p for p in self.processes if not p.alive), None)
