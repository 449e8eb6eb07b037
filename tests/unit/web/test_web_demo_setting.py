"""FRONTLINE_WEB_DEMO turns the demo site off for production, and says so when mistyped."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.rasa_ext.web import WidgetChannel


def test_demo_is_on_by_default_and_can_be_turned_off() -> None:
    assert Settings.from_env({}).web_demo is True
    assert Settings.from_env({"FRONTLINE_WEB_DEMO": "false"}).web_demo is False


def test_a_mistyped_value_names_the_variable() -> None:
    with pytest.raises(ValueError, match="FRONTLINE_WEB_DEMO"):
        Settings.from_env({"FRONTLINE_WEB_DEMO": "maybe"})


def test_channel_reads_the_expanded_credentials_value() -> None:
    assert WidgetChannel.from_credentials({"demo_page": "false"}).demo_page is False
    assert WidgetChannel.from_credentials({"demo_page": "true"}).demo_page is True
    assert WidgetChannel.from_credentials(None).demo_page is True
