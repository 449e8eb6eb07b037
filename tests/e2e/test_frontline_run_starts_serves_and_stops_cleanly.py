"""`frontline run` end to end as a user runs it: banner, chat, clean stop, and stopping
everything when one of its servers dies."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Dict, List

import pytest

from tests.conftest import ROOT, free_port


def _children(pid: int) -> Dict[int, str]:
    """Child processes of ``pid`` with their command lines (from /proc)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                cmd = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                found[int(stat.parent.name)] = cmd
        except (OSError, IndexError, ValueError):
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"


@pytest.fixture()
def run_process(tmp_path: Path):
    env = {
        **os.environ,
        "FRONTLINE_DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
        "FRONTLINE_RASA_PORT": str(free_port()),
        "FRONTLINE_ACTIONS_PORT": str(free_port()),
    }
    out = open(tmp_path / "out.log", "w+")
    # Started with SIGINT ignored, as a shell starts a background job (`frontline run &`, CI
    # scripts): Ctrl-C / kill -INT must stop it all the same.
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    deadline = time.monotonic() + 300
    while "Frontline is running" not in (tmp_path / "out.log").read_text():
        assert proc.poll() is None, (tmp_path / "out.log").read_text()
        assert time.monotonic() < deadline, "no banner within 300 s"
        time.sleep(0.5)
    yield proc, env, tmp_path / "out.log"
    if proc.poll() is None:
        # The test failed with `frontline run` still up: kill its servers too (they run in
        # their own process groups, so killing the supervisor alone would orphan them).
        for pid in [*_servers(proc), proc.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait(10)


def _servers(proc: subprocess.Popen) -> List[int]:
    return [pid for pid, cmd in _children(proc.pid).items() if "rasa run" in cmd or "bot.action_server" in cmd]


def test_run_chats_then_stops_both_servers_on_sigint(run_process) -> None:
    proc, env, log = run_process
    servers = _servers(proc)
    assert len(servers) == 2
    url = f"http://127.0.0.1:{env['FRONTLINE_RASA_PORT']}/webhooks/rest/webhook"
    req = urllib.request.Request(url, data=b'{"sender":"run-test","message":"hi"}', headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert b"Frontline" in resp.read()
    proc.send_signal(signal.SIGINT)
    assert proc.wait(60) == 0, log.read_text()
    assert not any(_alive(pid) for pid in servers)


def test_run_stops_everything_and_fails_when_a_server_dies(run_process) -> None:
    proc, env, log = run_process
    servers = _servers(proc)
    actions = next(pid for pid, cmd in _children(proc.pid).items() if "bot.action_server" in cmd)
    os.kill(actions, signal.SIGKILL)
    assert proc.wait(60) == 1
    assert "stopped unexpectedly" in log.read_text()
    assert not any(_alive(pid) for pid in servers)
