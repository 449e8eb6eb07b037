"""The app manifests ask for exactly the scopes and events the channel uses, no more."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import pytest
from ruamel.yaml import YAML

from bot.rasa_ext.slack_channel import EVENTS_PATH

ROOT = Path(__file__).resolve().parents[3]

# Why each one is needed (mirrored in docs/slack.md):
SCOPES = {
    "app_mentions:read",  # app_mention: "@Frontline …" in channels
    "im:history",         # message.im: direct messages
    "channels:history",   # message.channels: replies in threads the bot is in (public channels)
    "groups:history",     # message.groups: the same in private channels
    "chat:write",         # chat.postMessage replies, chat.update to replace clicked buttons
    "users:read",         # users.info: the person's display name for the conversation
    "users:read.email",   # users.info: their e-mail, linking their tickets to a verified widget identity
    "channels:read",      # conversations.members: only engineers' channel members act on tickets
    "groups:read",        # the same when the engineers' channel is private
    "usergroups:read",    # usergroups.users.list: FRONTLINE_ENGINEERS_GROUP members act on tickets
}
EVENTS = {"app_mention", "message.im", "message.channels", "message.groups"}


def _load(name: str) -> Dict[str, Any]:
    return YAML(typ="safe").load((ROOT / "slack" / name).read_text())


@pytest.mark.parametrize("name", ["manifest.yml", "manifest.socket-mode.yml"])
def test_manifest_scopes_and_events_are_exactly_the_needed_ones(name: str) -> None:
    manifest = _load(name)
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == SCOPES
    assert "user" not in manifest["oauth_config"]["scopes"]  # never acts as a person
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == EVENTS
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    app_home = manifest["features"]["app_home"]
    assert app_home["messages_tab_enabled"] and not app_home["messages_tab_read_only_enabled"]


def test_http_manifest_points_both_urls_at_the_events_route_and_socket_manifest_at_none() -> None:
    http, socket = _load("manifest.yml"), _load("manifest.socket-mode.yml")
    url = f"/webhooks/slack{EVENTS_PATH}"
    assert http["settings"]["event_subscriptions"]["request_url"].endswith(url)
    assert http["settings"]["interactivity"]["request_url"].endswith(url)
    assert http["settings"]["socket_mode_enabled"] is False
    assert socket["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in socket["settings"]["event_subscriptions"]
    assert "request_url" not in socket["settings"]["interactivity"]
