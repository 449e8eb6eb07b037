"""Handoff states and engineers' messages render as documented in docs/widget.md.

The first test sends them the way the handoff service does (bot events appended through Rasa's
HTTP API with ``output_channel=latest``), so the socket.io channel's emits are covered too; the
others inject them through the widget's receive(), the path socket messages take.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any, Dict, List

from playwright.sync_api import expect

from tests.browser.widget_driver import WidgetDriver


def _receive(widget: WidgetDriver, message: dict) -> None:
    widget.page.evaluate("m => window.FrontlineWidget.receive(m)", message)


def _push_bot_events(widget: WidgetDriver, events: List[Dict[str, Any]]) -> None:
    """Append bot events and send them to the user's channel, as bot/handoff/rasa_api.py does."""
    bot = widget.bot
    url = (
        f"{bot.url}/conversations/{widget.conversation_id()}/tracker/events"
        f"?execute_side_effects=true&output_channel=latest&include_events=NONE&token={bot.assistant.api_token}"
    )
    request = urllib.request.Request(
        url, data=json.dumps(events).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as resp:
        assert resp.status == 200


def test_handoff_messages_from_the_server_reach_the_widget(widget: WidgetDriver) -> None:
    widget.send("hi")  # the conversation's latest channel is now socket.io
    widget.expect_bot("")
    widget.wait_turn_done()
    _push_bot_events(widget, [
        {"event": "bot", "text": None, "data": {"custom": {"handoff": {"state": "joined", "engineer": "Dana"}}}, "metadata": {}},
        {"event": "bot", "text": "I can see the **VPN** errors in your log.", "data": {}, "metadata": {"engineer": "Dana"}},
    ])
    expect(widget.messages("event").last).to_have_text("Dana, an IT engineer, has joined the chat.")
    engineer = widget.messages("engineer").last
    expect(engineer.locator(".fl-author")).to_have_text("Dana (IT engineer)")
    expect(engineer.locator("strong")).to_have_text("VPN")
    expect(widget.page.locator(".fl-subtitle")).to_have_text("Chatting with Dana")


def test_widget_shows_engineer_joining_their_messages_and_leaving(widget: WidgetDriver) -> None:
    page = widget.page
    _receive(widget, {"custom": {"handoff": {"state": "requested"}}})
    expect(widget.messages("event").last).to_have_text("I've asked an engineer to join. Please stay in this chat.")

    _receive(widget, {"custom": {"handoff": {"state": "joined", "engineer": "Dana"}}})
    expect(widget.messages("event").last).to_have_text("Dana, an IT engineer, has joined the chat.")
    expect(page.locator(".fl-subtitle")).to_have_text("Chatting with Dana")

    _receive(widget, {"text": "Hi, I'm looking at your **VPN** logs now.", "metadata": {"engineer": "Dana"}})
    _receive(widget, {"custom": {"text": "Could you restart GlobalProtect?", "engineer": "Dana"}})
    engineer = widget.messages("engineer")
    expect(engineer).to_have_count(2)
    expect(engineer.first.locator(".fl-author")).to_have_text("Dana (IT engineer)")
    expect(engineer.first.locator("strong")).to_have_text("VPN")
    expect(engineer.last).to_contain_text("Could you restart GlobalProtect?")

    # The state is part of the history: a reload keeps the banner and the name.
    page.reload()
    widget.wait_status("online")
    expect(page.locator(".fl-subtitle")).to_have_text("Chatting with Dana")
    expect(widget.messages("engineer")).to_have_count(2)
    widget.send("It says error 809")  # to the engineer: no "assistant is typing" dots
    expect(page.locator(".fl-typing")).to_be_hidden()

    _receive(widget, {"custom": {"handoff": {"state": "ended", "engineer": "Dana"}}})
    expect(widget.messages("event").last).to_have_text("The engineer has ended the chat. You're back with the assistant.")
    expect(page.locator(".fl-subtitle")).to_have_text("Virtual assistant")


def test_anonymous_engineer_is_still_announced(widget: WidgetDriver) -> None:
    _receive(widget, {"custom": {"handoff": {"state": "joined"}}})
    expect(widget.messages("event").last).to_have_text("An engineer has joined the chat.")
    _receive(widget, {"text": "Hello!", "metadata": {"engineer": True}})
    expect(widget.messages("engineer").last.locator(".fl-author")).to_have_text("IT engineer")
