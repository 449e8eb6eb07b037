"""Resident memory of one Rasa server and one action server, for sizing replicas (docs/deploy.md).

    nice -n 10 .venv/bin/python bench/process_memory.py --runs 3

Each run starts both servers (the supervisor's `Assistant`, a fresh SQLite database, free
loopback ports), reads VmRSS of each server's process tree from /proc after start-up, sends a
few warm-up conversations through the REST channel (topic flows and a KB question), and reads
VmRSS and VmHWM (peak) again. Prints a Markdown table with every run and the min-max spread.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import socket
import tempfile
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = ["hi", "my vpn keeps dropping", "it's the office wifi", "Outlook says 0x800CCC0E", "how do I reset my password?", "thanks"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tree(pid: int) -> List[int]:
    """``pid`` and its descendants (from /proc/*/stat)."""
    parents: Dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [pid], [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def status_mb(pid: int, field: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def measure(popen_pid: int) -> Dict[str, float]:
    pids = tree(popen_pid)
    return {"rss_mb": sum(status_mb(p, "VmRSS") for p in pids), "hwm_mb": sum(status_mb(p, "VmHWM") for p in pids)}


def one_run() -> Dict[str, Dict[str, float]]:
    from bot.config import Settings
    from bot.db.migrate import upgrade
    from bot.supervisor import Assistant
    from bot.training import ensure_model

    work = Path(tempfile.mkdtemp(prefix="frontline-mem-"))
    token = secrets.token_urlsafe(16)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTLINE_")}
    env.update({"FRONTLINE_PROJECT_DIR": str(ROOT), "FRONTLINE_DATABASE_URL": f"sqlite:///{work / 'frontline.db'}",
                "FRONTLINE_RASA_PORT": str(free_port()), "FRONTLINE_ACTIONS_PORT": str(free_port()), "FRONTLINE_REST_TOKEN": token})
    settings = Settings.from_env(env)
    model = ensure_model(settings.project_dir, settings.model_dir, settings.model_cache)
    upgrade(settings.database_url)
    assistant = Assistant(settings, model)
    assistant.start()
    try:
        result: Dict[str, Dict[str, float]] = {}
        servers = {"rasa": assistant.rasa, "actions": assistant.actions}
        for name, proc in servers.items():
            assert proc.popen is not None
            result[f"{name}_started"] = measure(proc.popen.pid)
        for user in range(5):
            for message in MESSAGES:
                body = json.dumps({"sender": f"mem-{user}", "message": message}).encode()
                req = urllib.request.Request(f"{settings.rasa_url}/webhooks/rest/webhook", data=body,
                                             headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
                urllib.request.urlopen(req, timeout=60).read()
        time.sleep(1)
        for name, proc in servers.items():
            assert proc.popen is not None
            result[f"{name}_warm"] = measure(proc.popen.pid)
        return result
    finally:
        assistant.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = [one_run() for _ in range(args.runs)]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"{round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GB; {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
    print("| process | RSS after start MB | RSS after 30 turns MB | peak (VmHWM) MB |\n|---|---|---|---|")
    for name in ("rasa", "actions"):
        def cell(key: str, field: str) -> str:
            values = [r[key][field] for r in runs]
            return f"{', '.join(f'{v:.0f}' for v in values)} (spread {min(values):.0f}-{max(values):.0f})"
        print(f"| {name} | {cell(name + '_started', 'rss_mb')} | {cell(name + '_warm', 'rss_mb')} | {cell(name + '_warm', 'hwm_mb')} |")


if __name__ == "__main__":
    main()
