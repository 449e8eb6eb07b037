"""A Frontline cluster on this machine: nginx (round robin) in front of two Rasa servers and two
action servers, plus two workers (background work must happen once however many run), on a fresh PostgreSQL database, Redis locks and shared
socket.io rooms. Each piece is a process started the way `frontline run --role …` starts it
(bot/supervisor.py); nginx runs from a config written into the run's directory.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from bot.config import Settings
from bot.supervisor import Assistant, Process, StartupError
from tests.conftest import ROOT, free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PG_SERVER = os.environ.get("FRONTLINE_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("FRONTLINE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

NGINX_CONF = """
daemon off;
{user}
worker_processes 1;
error_log {dir}/nginx-error.log warn;
pid {dir}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  upstream rasa {{ {rasa} }}
  upstream actions {{ {actions} }}
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
  server {{
    listen 127.0.0.1:{rasa_port};
    location / {{
      proxy_pass http://rasa;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_read_timeout 300s;
      # A replica that is down (refused, reset before answering) is skipped; POSTs are retried
      # too, since a turn that never reached the lock was not processed.
      proxy_next_upstream error timeout non_idempotent;
      proxy_connect_timeout 2s;
    }}
  }}
  server {{
    listen 127.0.0.1:{actions_port};
    location / {{
      proxy_pass http://actions;
      proxy_read_timeout 330s;
      proxy_next_upstream error;
    }}
  }}
}}
"""


def create_database() -> str:
    """A fresh PostgreSQL database for this run; returns its URL."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from bot.db.engine import make_engine

    name = f"fl_cluster_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop the run's database."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from bot.db.engine import make_engine

    admin = make_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


@dataclass
class Cluster:
    """The running cluster. ``url`` is nginx's Rasa side; ``rasa[i].url`` a replica directly."""

    work: Path
    settings: Settings
    model: Path
    api_token: str
    rasa: List[Assistant] = field(default_factory=list)
    actions: List[Assistant] = field(default_factory=list)
    workers: List[Assistant] = field(default_factory=list)
    nginx: Optional[subprocess.Popen] = None
    rasa_port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def processes(self) -> List[Process]:
        return [a.processes[0] for a in [*self.actions, *self.workers, *self.rasa]]

    def wait_healthy(self, procs: List[Process], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pending = list(procs)
        while pending:
            for proc in list(pending):
                if not proc.alive:
                    raise StartupError(f"{proc.name} exited during start-up:\n{proc.log_tail()}")
                if proc.healthy():
                    pending.remove(proc)
            if pending and time.monotonic() > deadline:
                raise StartupError(f"{pending[0].name} not healthy after {timeout:.0f}s:\n{pending[0].log_tail()}")
            time.sleep(0.5)

    def start(self, timeout: float = 600) -> None:
        for part in [*self.actions, *self.workers]:
            part.processes[0].start(part.env(), ROOT)
        for replica in self.rasa:
            replica.prepare()
            replica.processes[0].start(replica.env(), ROOT)
        self.wait_healthy(self.processes, timeout)
        self.nginx = subprocess.Popen(
            [NGINX, "-p", str(self.work), "-c", str(self.work / "nginx.conf")],
            stdout=subprocess.DEVNULL, stderr=open(self.work / "nginx.out", "ab"), start_new_session=True,
        )
        time.sleep(1.0)
        if self.nginx.poll() is not None:
            raise StartupError(f"nginx exited: {(self.work / 'nginx.out').read_text()[-2000:]}")

    def restart_rasa(self, index: int, timeout: float = 600) -> None:
        replica = self.rasa[index]
        replica.processes[0].start(replica.env(), ROOT)
        self.wait_healthy([replica.processes[0]], timeout)

    def stop(self) -> None:
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.terminate()
            try:
                self.nginx.wait(10)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
        for proc in reversed(self.processes):
            proc.stop()


def build_cluster(work: Path, extra_env: Dict[str, str], endpoints: Optional[Path] = None) -> Cluster:
    """Configure (not start) the cluster in ``work``: settings, database, nginx.conf."""
    from bot.db.migrate import upgrade
    from bot.training import ensure_model
    from tests.kb_support import ingest_kb

    database = create_database()
    rasa_port, actions_port = free_port(), free_port()
    api_token = secrets.token_urlsafe(16)
    flows = work / "flows"
    shutil.copytree(ROOT / "flows", flows)
    env = {
        **os.environ,
        "FRONTLINE_PROJECT_DIR": str(ROOT),
        "FRONTLINE_DATABASE_URL": database,
        "FRONTLINE_LOCK_STORE_URL": REDIS_URL,
        "FRONTLINE_SOCKET_MANAGER_URL": REDIS_URL,
        "FRONTLINE_API_TOKEN": api_token,
        "FRONTLINE_REST_TOKEN": secrets.token_urlsafe(16),
        "FRONTLINE_FLOWS_DIR": str(flows),
        "FRONTLINE_SUPPORT_CONTACT": "the test service desk",
        "FRONTLINE_RATE_SENDER_PER_MINUTE": "1000",
        "FRONTLINE_RATE_IP_PER_MINUTE": "100000",
        "FRONTLINE_TICKETS_PER_HOUR": "1000",
        "FRONTLINE_RASA_URL": f"http://127.0.0.1:{rasa_port}",  # engineers' messages go through nginx
        "FRONTLINE_STARTUP_TIMEOUT": "600",
        "FRONTLINE_WEB_DEMO": "false",
        **extra_env,
    }
    base = Settings.from_env(env)
    model = ensure_model(base.project_dir, base.model_dir, base.model_cache)
    upgrade(base.database_url)
    ingest_kb(base)
    cluster = Cluster(work, base, model, api_token, rasa_port=rasa_port)
    rasa_ports = [free_port(), free_port()]
    action_ports = [free_port(), free_port()]
    for port in rasa_ports:
        # Rasa reaches the action servers through nginx's actions_port. FRONTLINE_ACTIONS_URL is a
        # setting of its own (resolved once from host and port when loaded), so it is set here too.
        actions_url = f"http://127.0.0.1:{actions_port}/webhook"
        replica = Assistant(base.with_(rasa_port=port, actions_port=actions_port, actions_url=actions_url), model, api_token, role="rasa")
        if endpoints is not None:
            replica.rasa.command[replica.rasa.command.index("endpoints.yml")] = str(endpoints)
        replica.rasa.log_path = work / f"rasa-{port}.log"
        cluster.rasa.append(replica)
    for port in action_ports:
        server = Assistant(base.with_(actions_port=port), model, api_token, role="actions")
        server.actions.log_path = work / f"actions-{port}.log"
        cluster.actions.append(server)
    for index in range(2):
        worker = Assistant(base.with_(worker_port=free_port()), model, api_token, role="worker")
        worker.worker.log_path = work / f"worker-{index}.log"
        cluster.workers.append(worker)
    (work / "nginx.conf").write_text(NGINX_CONF.format(
        # As root nginx's workers would run as nobody, who cannot enter pytest's private tmp dir.
        user="user root;" if os.geteuid() == 0 else "",
        dir=work, rasa_port=rasa_port, actions_port=actions_port,
        rasa=" ".join(f"server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in rasa_ports),
        actions=" ".join(f"server 127.0.0.1:{p};" for p in action_ports),
    ))
    cluster.settings = base
    return cluster
