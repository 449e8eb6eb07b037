"""Markdown in messages is rendered, and nothing in a message can run script in the host page."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.widget_driver import WidgetDriver

ATTACKS = (
    '**Bold** and a [safe link](https://intranet.example.com/vpn).\n'
    '<img src="x" onerror="window.__pwned = 1">\n'
    '<script>window.__pwned = 2</script>\n'
    '[click me](javascript:window.__pwned=3)\n'
    '<a href="javascript:window.__pwned=4">raw link</a>\n'
    '<iframe src="javascript:window.__pwned=5"></iframe>\n'
    '![pic](javascript:window.__pwned=6)'
)


def test_bot_markdown_is_rendered_and_sanitised(widget: WidgetDriver) -> None:
    page = widget.page
    page.evaluate("m => window.FrontlineWidget.receive(m)", {"text": ATTACKS})
    page.evaluate("m => window.FrontlineWidget.receive(m)", {"custom": {"text": ATTACKS, "engineer": "Mallory"}})
    bubbles = page.locator(".fl-msg .fl-bubble")
    expect(bubbles.filter(has_text="raw link")).to_have_count(2)

    for bubble in bubbles.filter(has_text="raw link").all():
        expect(bubble.locator("strong")).to_have_text("Bold")
        safe = bubble.get_by_role("link", name="safe link")
        expect(safe).to_have_attribute("href", "https://intranet.example.com/vpn")
        expect(safe).to_have_attribute("target", "_blank")
        expect(safe).to_have_attribute("rel", "noopener noreferrer")
        expect(bubble.locator("script, iframe, [onerror]")).to_have_count(0)
        expect(bubble.locator('[href^="javascript"], [src^="javascript"]')).to_have_count(0)
        # Unsafe links keep their text but lose their target.
        expect(bubble.get_by_role("link", name="click me")).to_have_count(0)
        expect(bubble).to_contain_text("click me")
    page.wait_for_timeout(300)  # would-be onerror handlers have fired by now
    assert page.evaluate("() => window.__pwned") is None


def test_what_the_user_types_is_shown_as_text(widget: WidgetDriver) -> None:
    page = widget.page
    typed = '<img src=x onerror="window.__pwned=7"> **not bold**'
    widget.send(typed)
    message = widget.messages("user").last
    expect(message).to_contain_text(typed)
    expect(message.locator("img, strong")).to_have_count(0)
    widget.wait_turn_done()
    assert page.evaluate("() => window.__pwned") is None
