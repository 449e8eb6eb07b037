"""`frontline run --role`: each role is one process; with a role the action server leaves the
background work to the worker; without one, today's two servers with the worker inside."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.supervisor import Assistant


def test_no_role_runs_both_servers_with_the_background_work_in_the_action_server() -> None:
    assistant = Assistant(Settings.from_env({}), Path("model.tar.gz"), "token")
    assert [p.name for p in assistant.processes] == ["action server", "Rasa server"]
    assert assistant.env()["FRONTLINE_WORKER_IN_ACTIONS"] == "true"
    assert assistant.env()["FRONTLINE_LOCK_STORE_URL"] == "memory"


@pytest.mark.parametrize("role,name", [("rasa", "Rasa server"), ("actions", "action server"), ("worker", "worker")])
def test_a_role_runs_one_process_and_the_worker_does_the_background_work(role: str, name: str) -> None:
    assistant = Assistant(Settings.from_env({"FRONTLINE_WORKER_PORT": "5999"}), Path("model.tar.gz"), "token", role=role)
    assert [p.name for p in assistant.processes] == [name]
    assert assistant.env()["FRONTLINE_WORKER_IN_ACTIONS"] == "false"
    if role == "worker":
        assert assistant.processes[0].health_url.endswith(":5999/health")


def test_an_unknown_role_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="rasa, actions, worker"):
        Assistant(Settings.from_env({}), Path("m"), "t", role="db")
