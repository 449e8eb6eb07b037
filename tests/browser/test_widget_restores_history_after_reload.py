"""A returning user sees their conversation after a reload and on another page, and carries on."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.widget_driver import WidgetDriver


def test_widget_restores_history_after_reload_and_navigation(widget: WidgetDriver) -> None:
    widget.send("I forgot my password")
    widget.expect_bot("Which password")
    widget.expect_buttons(["Company account (Windows, email, Teams)"])
    widget.wait_turn_done()
    session = widget.session_id()
    before = widget.messages().all_inner_texts()

    widget.page.reload()
    # Same conversation, same messages, panel still open, and the open question still answerable.
    expect(widget.panel).to_be_visible()
    widget.wait_status("online")
    assert widget.session_id() == session
    assert widget.messages().all_inner_texts() == before
    widget.click("Company account (Windows, email, Teams)")
    widget.expect_bot("registered for self-service")  # the server kept the flow's state too
    widget.wait_turn_done()

    # Another page of the site: the same conversation follows the user.
    widget.page.get_by_role("link", name="Offices").click()
    expect(widget.page.get_by_role("heading", name="Our offices")).to_be_visible()
    expect(widget.panel).to_be_visible()
    assert widget.session_id() == session
    expect(widget.messages("user")).to_have_text(["You: I forgot my password", "You: Company account (Windows, email, Teams)"])
    widget.wait_status("online")
    widget.send("yes")
    widget.expect_bot("passwordreset.microsoftonline.com")


def test_new_conversation_forgets_the_old_one(widget: WidgetDriver) -> None:
    widget.send("I forgot my password")
    widget.expect_bot("Which password")
    widget.wait_turn_done()
    old_session = widget.session_id()

    widget.page.once("dialog", lambda dialog: dialog.accept())
    widget.page.get_by_role("button", name="Start a new conversation").click()
    expect(widget.messages("user")).to_have_count(0)
    expect(widget.messages("bot")).to_have_count(1)  # the greeting
    expect(widget.page.get_by_role("status")).to_have_text("")  # not a "connection lost"
    widget.wait_status("online")
    assert widget.session_id() != old_session
    widget.send("hi")
    widget.expect_bot("")
    widget.page.reload()
    expect(widget.messages("user")).to_have_text(["You: hi"])
