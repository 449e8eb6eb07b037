"""The connection drops (the Rasa server restarts): the widget says so, keeps what the user
writes meanwhile, reconnects by itself and delivers it — once.

Restarting Rasa takes a while, so this is the only browser test that does it; the server comes
back on the same port with the same token, so later tests are unaffected.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.widget_driver import WidgetDriver

OFFLINE_MESSAGE = "I forgot my password"


def test_widget_queues_messages_while_offline_and_recovers(widget: WidgetDriver) -> None:
    page, bot = widget.page, widget.bot
    widget.send("hi")
    widget.expect_bot("")
    widget.wait_turn_done()
    session = widget.session_id()

    bot.assistant.rasa.stop()
    try:
        widget.wait_status("offline")
        expect(page.get_by_role("status")).to_contain_text("Connection lost")
        widget.send(OFFLINE_MESSAGE)
        pending = widget.messages("user").last
        expect(pending).to_contain_text(OFFLINE_MESSAGE)
        expect(pending.locator(".fl-pending")).to_contain_text("Not sent yet")
    finally:
        bot.assistant.restart_rasa()

    widget.wait_status("online", timeout_ms=60_000)
    expect(page.get_by_role("status")).to_contain_text("Reconnected")
    expect(widget.messages("user").last.locator(".fl-pending")).to_have_count(0)
    widget.expect_bot("Which password")  # the queued message reached the bot and was answered
    widget.wait_turn_done()

    assert widget.session_id() == session
    user_texts = [e.get("text") for e in widget.tracker()["events"] if e.get("event") == "user"]
    assert user_texts.count(OFFLINE_MESSAGE) == 1, user_texts  # delivered exactly once
    expect(widget.messages("user")).to_have_count(2)
