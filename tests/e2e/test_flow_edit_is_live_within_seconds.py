"""A designer's edit to a flow file reaches the running bot without retraining or restart;
a broken edit is rejected and the last good version keeps serving."""

import time
from pathlib import Path

from tests.conftest import Bot, texts

OLD = "Which VPN client are you using?"
NEW = "Which VPN app do you have installed?"


def _first_reply(bot: Bot, sender: str) -> str:
    reply = texts(bot.send(sender, "my vpn keeps disconnecting"))
    bot.send(sender, "cancel")
    return reply


def _wait_for(bot: Bot, wanted: str, prefix: str, seconds: float = 5.0) -> str:
    deadline, n, reply = time.monotonic() + seconds, 0, ""
    while time.monotonic() < deadline:
        n += 1
        reply = _first_reply(bot, f"{prefix}-{n}")
        if wanted in reply:
            return reply
        time.sleep(0.3)
    return reply


def test_edit_is_live_within_five_seconds_and_broken_edit_keeps_last_good(bot: Bot) -> None:
    path: Path = bot.settings.flows_dir / "vpn_connection.yml"
    original = path.read_text()
    assert OLD in _first_reply(bot, "e2e-live-0")
    try:
        path.write_text(original.replace(OLD, NEW))
        assert NEW in _wait_for(bot, NEW, "e2e-live-a")

        path.write_text(original.replace(OLD, "Broken").replace("steps:", "stepz:", 1))
        time.sleep(2.5)  # well past the reload interval: the broken file has been read
        assert NEW in _first_reply(bot, "e2e-live-b"), "broken edit replaced the last good version"
    finally:
        path.write_text(original)
    assert OLD in _wait_for(bot, OLD, "e2e-live-c")
