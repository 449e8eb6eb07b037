"""Screen readers get roles and names for every part of the widget; the host page's CSS stays out."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.widget_driver import WidgetDriver


def test_widget_parts_have_roles_and_names(widget: WidgetDriver) -> None:
    page = widget.page
    expect(widget.panel).to_have_accessible_name("Northwind IT Help")
    expect(page.get_by_role("log", name="Conversation")).to_be_visible()
    expect(page.get_by_role("log")).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("button", name="Send")).to_be_visible()
    expect(page.get_by_role("button", name="Close chat")).to_be_visible()
    expect(page.get_by_role("button", name="Start a new conversation")).to_be_visible()
    expect(page.get_by_role("status")).to_be_attached()  # connection changes are announced

    widget.send("I forgot my password")
    widget.expect_buttons(["Company account (Windows, email, Teams)"])
    expect(page.get_by_role("group", name="Suggested replies")).to_be_visible()
    # Every message says who wrote it, for people who cannot see the bubbles' sides.
    expect(widget.messages("user").first).to_contain_text("You:")
    expect(widget.messages("bot").last).to_contain_text("Assistant:")


def test_host_page_styles_do_not_reach_into_the_widget(widget: WidgetDriver) -> None:
    # demo.css styles every <button> hot pink in Impact; the widget's buttons must not care.
    send = widget.page.get_by_role("button", name="Send")
    assert send.evaluate("e => getComputedStyle(e).color") != "rgb(255, 105, 180)"
    assert "Impact" not in send.evaluate("e => getComputedStyle(e).fontFamily")


def test_widget_fills_a_phone_screen(widget: WidgetDriver) -> None:
    page = widget.page
    page.set_viewport_size({"width": 390, "height": 740})
    box = widget.panel.bounding_box()
    assert box is not None
    assert (round(box["x"]), round(box["y"]), round(box["width"]), round(box["height"])) == (0, 0, 390, 740)
    expect(widget.input).to_be_in_viewport()
    widget.send("hi")
    widget.expect_bot("")  # any reply
    page.get_by_role("button", name="Close chat").click()
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_be_in_viewport()
