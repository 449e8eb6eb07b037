"""Handoff states and engineers' messages render as documented in docs/widget.md.

Live handoff is built elsewhere; these are the message shapes it will emit, injected through the
widget's receive() (the same path socket messages take).
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.widget_driver import WidgetDriver


def _receive(widget: WidgetDriver, message: dict) -> None:
    widget.page.evaluate("m => window.FrontlineWidget.receive(m)", message)


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

    _receive(widget, {"custom": {"handoff": {"state": "ended", "engineer": "Dana"}}})
    expect(widget.messages("event").last).to_have_text("The engineer has ended the chat. You're back with the assistant.")
    expect(page.locator(".fl-subtitle")).to_have_text("Virtual assistant")


def test_anonymous_engineer_is_still_announced(widget: WidgetDriver) -> None:
    _receive(widget, {"custom": {"handoff": {"state": "joined"}}})
    expect(widget.messages("event").last).to_have_text("An engineer has joined the chat.")
    _receive(widget, {"text": "Hello!", "metadata": {"engineer": True}})
    expect(widget.messages("engineer").last.locator(".fl-author")).to_have_text("IT engineer")
