"""Browser fixtures: Debian's Chromium driven by Playwright against the session's real servers.

The browser is the system one (/usr/bin/chromium, installed by scripts/install-browser.sh);
nothing is downloaded. Without it the tests skip on a laptop and fail in CI.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, List

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.browser.widget_driver import WidgetDriver
from tests.conftest import ROOT, Bot, in_ci

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    """Mark every test in this directory `browser` (and `e2e`: they need the real servers)."""
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module.

    Not per session: Playwright's sync API keeps an asyncio loop marked as running in the main
    thread while it is open, and later tests that call asyncio.run() would fail.
    """
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found: run scripts/install-browser.sh (installs Debian's chromium package)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh profile per test: empty localStorage, so a new conversation."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page that fails the test if any script on it throws."""
    page = context.new_page()
    errors: List[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert not errors, f"uncaught errors in the page: {errors}"


@pytest.fixture
def widget(page: Page, bot: Bot) -> WidgetDriver:
    """The demo site (served by the Rasa server) with the widget, loaded and open."""
    page.goto(f"{bot.url}/demo/")
    driver = WidgetDriver(page, bot)
    driver.open()
    return driver


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """test-artifacts/ (screenshots CI keeps)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
