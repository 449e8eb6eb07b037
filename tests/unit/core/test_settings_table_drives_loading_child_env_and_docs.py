"""Each setting is declared once (bot/config.py) and that declaration drives loading, the
environment handed to the child servers, the documentation and `frontline config`."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Dict

import pytest

from bot.cli import main
from bot.config import SETTINGS_DOC, Settings, configuration_table, settings_table
from bot.supervisor import Assistant

ROOT = Path(__file__).resolve().parents[3]

NON_DEFAULT: Dict[str, str] = {
    "FRONTLINE_PROJECT_DIR": str(ROOT),
    "FRONTLINE_DATABASE_URL": "postgresql://frontline:pg-password@db/frontline",
    "FRONTLINE_HOST": "0.0.0.0",
    "FRONTLINE_RASA_PORT": "6001",
    "FRONTLINE_API_TOKEN": "api-token-value",
    "FRONTLINE_CORS_ORIGINS": "https://a.example https://b.example",
    "FRONTLINE_MODEL_CACHE": "",
    "FRONTLINE_KB_MODEL_DIR": "models/minilm",
    "FRONTLINE_KB_URL": "https://kb.example/articles/",
    "FRONTLINE_KB_MIN_CONFIDENCE": "0.45",
    "FRONTLINE_LOG_LEVEL": "debug",
    "FRONTLINE_WEB_DEMO": "off",
    "FRONTLINE_SLACK_BOT_TOKEN": "xoxb-secret-token",
    "FRONTLINE_SLACK_APP_TOKEN": "xapp-secret-token",
    "FRONTLINE_SLACK_ENGINEERS_CHANNEL": " C0ENG ",
    "FRONTLINE_TICKET_WEBHOOK_URL": "https://hooks.example/t",
    "FRONTLINE_TICKET_WEBHOOK_SECRET": "webhook-secret-value",
    "FRONTLINE_TICKET_SINKS": "a.B c.D",
    "FRONTLINE_OUTBOX_RETRY_SECONDS": "0.3",
    "FRONTLINE_STARTUP_TIMEOUT": "12.5",
}
SECRETS = ("api-token-value", "xoxb-secret-token", "xapp-secret-token", "webhook-secret-value")


def test_every_settings_field_is_declared_with_its_variable_once() -> None:
    table = settings_table()
    assert [spec.field for spec in table] == [f.name for f in dataclasses.fields(Settings)]
    variables = [spec.variable for spec in table]
    assert len(set(variables)) == len(variables)
    assert [(s.variable, s.default_doc, s.description) for s in table] == list(SETTINGS_DOC)


@pytest.mark.parametrize("env", [{"FRONTLINE_PROJECT_DIR": str(ROOT)}, NON_DEFAULT], ids=["defaults", "non-default"])
def test_the_child_environment_reads_back_to_the_same_settings(env: Dict[str, str]) -> None:
    settings = Settings.from_env(env)
    assert Settings.from_env(settings.to_env()) == settings


def test_child_servers_get_every_resolved_setting_over_the_inherited_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # A value changed after loading (as tests and the CLI do with with_()) must win over
    # whatever the parent's shell exported.
    monkeypatch.setenv("FRONTLINE_KB_URL", "https://stale.example/kb")
    monkeypatch.setenv("FRONTLINE_SLACK_APP_TOKEN", "xapp-from-the-shell")
    settings = Settings.from_env({"FRONTLINE_PROJECT_DIR": str(ROOT)}).with_(kb_url="https://kb.example")
    env = Assistant(settings, Path("model.tar.gz"), api_token="run-token").env()
    assert Settings.from_env(env).with_(api_token=None) == settings
    assert env["FRONTLINE_API_TOKEN"] == "run-token"
    assert env["FRONTLINE_ACTIONS_URL"] == settings.actions_url


def test_secrets_are_hidden_from_repr_and_config_values(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings.from_env(NON_DEFAULT)
    assert not [secret for secret in SECRETS if secret in repr(settings)]
    for name, value in NON_DEFAULT.items():
        monkeypatch.setenv(name, value)
    assert main(["config", "--values"]) == 0
    out = capsys.readouterr().out
    assert not [secret for secret in SECRETS if secret in out] and "pg-password" not in out
    assert "FRONTLINE_SLACK_BOT_TOKEN=(set)" in out and "FRONTLINE_KB_URL=https://kb.example/articles" in out
    assert "FRONTLINE_DATABASE_URL=postgresql://frontline:***@db/frontline" in out


def test_frontline_config_prints_the_table_derived_from_the_declarations(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert out.strip() == configuration_table()
    assert out.count("| `FRONTLINE_") == len(settings_table())
