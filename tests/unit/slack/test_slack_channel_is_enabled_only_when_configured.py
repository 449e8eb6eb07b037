"""Slack is off without settings (Rasa reads credentials.yml as is); with a bot token the
supervisor hands Rasa a runtime credentials file whose Slack block Rasa can load, holding
${VAR} references only, never a secret."""

from __future__ import annotations

from pathlib import Path
from typing import Dict

import pytest

from bot.config import Settings
from bot.rasa_ext.slack_channel import SlackChannel
from bot.slack.credentials import runtime_credentials_path, slack_env, write_runtime_credentials
from bot.supervisor import Assistant

ROOT = Path(__file__).resolve().parents[3]
SECRET_VALUES = ("xoxb-secret-token", "signing-secret-value", "xapp-secret-token", "pg-password")


def _rasa_command_credentials(assistant: Assistant) -> str:
    command = assistant.rasa.command
    return command[command.index("--credentials") + 1]


def test_without_slack_settings_rasa_gets_plain_credentials_yml(tmp_path: Path) -> None:
    settings = Settings.from_env({"FRONTLINE_PROJECT_DIR": str(ROOT)})
    assert settings.slack_mode == "off" and not settings.slack_enabled
    assistant = Assistant(settings, Path("model.tar.gz"), api_token="t")
    assert _rasa_command_credentials(assistant) == str(ROOT / "credentials.yml")
    assert not any(name.startswith("FRONTLINE_SLACK") for name in slack_env(settings))
    assert "SlackChannel" not in (ROOT / "credentials.yml").read_text()


@pytest.mark.parametrize("mode", ["http", "socket"])
def test_runtime_credentials_load_in_rasa_and_hold_no_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    from rasa.core.run import create_http_input_channels

    extra = {"FRONTLINE_SLACK_BOT_TOKEN": "xoxb-secret-token"}
    extra.update({"FRONTLINE_SLACK_SIGNING_SECRET": "signing-secret-value"} if mode == "http" else
                 {"FRONTLINE_SLACK_APP_TOKEN": "xapp-secret-token"})
    settings = Settings.from_env({"FRONTLINE_PROJECT_DIR": str(ROOT), "FRONTLINE_RASA_PORT": "5123",
                                  "FRONTLINE_DATABASE_URL": "postgresql://frontline:pg-password@db/frontline", **extra})
    settings = settings.with_(project_dir=tmp_path)  # the runtime file goes to tmp_path/var/run
    (tmp_path / "credentials.yml").write_text((ROOT / "credentials.yml").read_text())
    assert settings.slack_mode == mode

    assistant = Assistant(settings, Path("model.tar.gz"), api_token="t")
    path = write_runtime_credentials(settings, tmp_path / "credentials.yml")
    assert path == runtime_credentials_path(settings) == tmp_path / "var" / "run" / "credentials-5123.yml"
    assert _rasa_command_credentials(assistant) == str(path)
    text = path.read_text()
    assert "bot.rasa_ext.channels.RestChannel" in text and "bot.rasa_ext.slack_channel.SlackChannel:" in text
    assert not [secret for secret in SECRET_VALUES if secret in text]
    assert ("signing_secret" in text) == (mode == "http") and ("app_token" in text) == (mode == "socket")

    env = assistant.env()
    assert env["FRONTLINE_SLACK_BOT_TOKEN"] == "xoxb-secret-token" and env["FRONTLINE_SLACK_MODE"] == mode
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    channels = create_http_input_channels(None, str(path))  # exactly what `rasa run` does
    (slack,) = [c for c in channels if isinstance(c, SlackChannel)]
    assert slack.config.mode == mode and slack.config.bot_token == "xoxb-secret-token"
    assert slack.support_contact == settings.support_contact
    assert "secret" not in repr(slack.config)


@pytest.mark.parametrize(
    "env, message",
    [
        ({"FRONTLINE_SLACK_BOT_TOKEN": "xoxb-1"}, "FRONTLINE_SLACK_SIGNING_SECRET"),
        ({"FRONTLINE_SLACK_BOT_TOKEN": "xoxb-1", "FRONTLINE_SLACK_MODE": "socket"}, "FRONTLINE_SLACK_APP_TOKEN"),
        ({"FRONTLINE_SLACK_MODE": "carrier-pigeon"}, "FRONTLINE_SLACK_MODE"),
    ],
)
def test_incomplete_slack_settings_name_the_missing_variable(env: Dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Settings.from_env(env)


def test_auto_mode_picks_socket_when_an_app_token_is_set() -> None:
    base = {"FRONTLINE_SLACK_BOT_TOKEN": "xoxb-1", "FRONTLINE_SLACK_SIGNING_SECRET": "s"}
    assert Settings.from_env(base).slack_mode == "http"
    assert Settings.from_env({**base, "FRONTLINE_SLACK_APP_TOKEN": "xapp-1"}).slack_mode == "socket"
    assert Settings.from_env({**base, "FRONTLINE_SLACK_APP_TOKEN": "xapp-1", "FRONTLINE_SLACK_MODE": "http"}).slack_mode == "http"
    assert "xoxb-1" not in repr(Settings.from_env(base))
