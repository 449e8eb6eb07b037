"""Keyboard only: reach the launcher, chat, answer with a quick reply, close — focus always visible."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.widget_driver import WidgetDriver
from tests.conftest import Bot

# The element focused inside the widget's shadow root (document.activeElement is the host).
FOCUSED = "() => { const r = document.querySelector('[data-frontline-widget]').shadowRoot; const e = r.activeElement; return e ? (e.getAttribute('aria-label') || e.textContent.trim()) : null }"
OUTLINE = "() => { const e = document.querySelector('[data-frontline-widget]').shadowRoot.activeElement; const s = getComputedStyle(e); return [s.outlineStyle, parseFloat(s.outlineWidth)] }"


def _tab_to_launcher(page: Page) -> None:
    for _ in range(20):
        page.keyboard.press("Tab")
        if (page.evaluate(FOCUSED) or "").startswith("Open IT support chat"):
            return
    raise AssertionError("Tab never reached the chat launcher")


def _focus_is_visible(page: Page) -> None:
    style, width = page.evaluate(OUTLINE)
    assert style != "none" and width >= 2, f"focused element has no visible focus ({style} {width}px)"


def test_widget_is_usable_with_keyboard_only(page: Page, bot: Bot) -> None:
    page.goto(f"{bot.url}/demo/")
    widget = WidgetDriver(page, bot)
    expect(widget.launcher).to_be_visible()

    _tab_to_launcher(page)
    _focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(widget.panel).to_be_visible()
    expect(widget.launcher).to_have_attribute("aria-expanded", "true")
    expect(widget.input).to_be_focused()  # opening puts the cursor where the user types
    widget.wait_status("online")

    page.keyboard.type("I forgot my password")
    page.keyboard.press("Enter")
    widget.expect_buttons(["Company account (Windows, email, Teams)", "A business app (SAP, Salesforce…)"])

    # Quick replies sit just before the message box: Shift+Tab walks back to them.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUSED) == "A business app (SAP, Salesforce…)"
    _focus_is_visible(page)
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUSED) == "Company account (Windows, email, Teams)"
    page.keyboard.press("Enter")
    expect(widget.input).to_be_focused()  # the chosen button is disabled; focus must not be lost
    widget.expect_bot("registered for self-service")
    expect(page.locator(".fl-reply.fl-chosen")).to_have_count(1)

    page.keyboard.type("yes")
    page.keyboard.press("Enter")
    widget.expect_bot("passwordreset.microsoftonline.com")

    # Escape closes the panel and gives focus back to the launcher.
    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    assert (page.evaluate(FOCUSED) or "").startswith("Open IT support chat")
    page.keyboard.press("Enter")
    expect(widget.panel).to_be_visible()
    expect(widget.input).to_be_focused()
