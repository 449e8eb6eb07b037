"""Settings come from the environment with documented defaults and clear errors."""

import re
from pathlib import Path

import pytest

from bot.config import SETTINGS_DOC, Settings


def test_defaults_are_embedded_sqlite_memory_locks_and_standard_ports(tmp_path: Path) -> None:
    s = Settings.from_env({"FRONTLINE_PROJECT_DIR": str(tmp_path)})
    assert s.database_url == f"sqlite:///{tmp_path / 'var' / 'frontline.db'}"
    assert s.lock_store_url == "memory"
    assert (s.rasa_port, s.actions_port) == (5005, 5055)
    assert s.actions_url == "http://127.0.0.1:5055/webhook"
    assert s.flows_dir == tmp_path / "flows"


def test_every_variable_read_is_documented(tmp_path: Path) -> None:
    import bot.config

    source = Path(bot.config.__file__).read_text().split("class Settings")[1]
    read = set(re.findall(r'"(FRONTLINE_[A-Z_]+)"', source))
    documented = {name for name, _, _ in SETTINGS_DOC}
    assert read and read <= documented, read - documented


@pytest.mark.parametrize("value", ["abc", "0", "70000"])
def test_bad_port_names_the_variable_and_what_was_expected(value: str) -> None:
    with pytest.raises(ValueError, match="FRONTLINE_RASA_PORT.*expected a TCP port"):
        Settings.from_env({"FRONTLINE_RASA_PORT": value})


def test_cluster_settings_default_to_no_broker_and_a_local_action_server() -> None:
    s = Settings.from_env({"FRONTLINE_HOST": "0.0.0.0", "FRONTLINE_ACTIONS_PORT": "6000"})
    assert s.event_broker_url is None and s.event_broker_queue == "frontline_events"
    assert s.actions_url == "http://0.0.0.0:6000/webhook"
    s = Settings.from_env({"FRONTLINE_ACTIONS_URL": "http://actions:5055/webhook", "FRONTLINE_EVENT_BROKER_URL": " "})
    assert s.actions_url == "http://actions:5055/webhook" and s.event_broker_url is None


def test_bad_broker_and_actions_urls_name_the_variable_without_the_password() -> None:
    with pytest.raises(ValueError, match="FRONTLINE_EVENT_BROKER_URL: expected an amqp") as raised:
        Settings.from_env({"FRONTLINE_EVENT_BROKER_URL": "redis://user:hunter2@mq:5672"})
    assert "hunter2" not in str(raised.value)
    with pytest.raises(ValueError, match="FRONTLINE_ACTIONS_URL.*webhook URL"):
        Settings.from_env({"FRONTLINE_ACTIONS_URL": "actions:5055"})
