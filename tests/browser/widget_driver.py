"""Drives the website widget in a page the way a person would, for the browser tests.

Elements are found by role and accessible name where a person would find them by label (which
also checks the labels exist); Playwright's selectors reach into the widget's open shadow root.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any, Callable, Dict, List, Optional

from playwright.sync_api import Locator, Page, expect

from tests.conftest import Bot

REPLY_TIMEOUT_MS = 45_000  # first turns after a (re)start load the NLU pipeline


class WidgetDriver:
    """One widget on one page, plus the bot behind it (for tracker checks)."""

    def __init__(self, page: Page, bot: Bot) -> None:
        self.page = page
        self.bot = bot

    # ---- elements ------------------------------------------------------------------------

    @property
    def launcher(self) -> Locator:
        return self.page.get_by_role("button", name=re.compile(r"IT support chat"))

    @property
    def panel(self) -> Locator:
        return self.page.get_by_role("dialog")

    @property
    def input(self) -> Locator:
        return self.page.get_by_role("textbox", name="Message")

    def messages(self, sender: str = "", turn: Optional[int] = None) -> Locator:
        """Message list items, optionally only one sender's (user/bot/engineer/event) or one turn's."""
        selector = ".fl-msg"
        if sender:
            selector += f'[data-from="{sender}"]'
        if turn is not None:
            selector += f'[data-turn="{turn}"]'
        return self.page.locator(selector)

    def reply_button(self, title: str) -> Locator:
        """An enabled quick-reply button with exactly this title."""
        return self.page.locator(".fl-reply:not([disabled])").filter(
            has_text=re.compile(rf"^\s*{re.escape(title)}\s*$", re.IGNORECASE)
        )

    # ---- actions -------------------------------------------------------------------------

    def open(self) -> None:
        """Open the panel with the launcher (if closed) and wait until it is connected."""
        expect(self.launcher).to_be_visible()
        if not self.panel.is_visible():
            self.launcher.click()
        expect(self.panel).to_be_visible()
        self.wait_status("online")

    def wait_status(self, status: str, timeout_ms: int = REPLY_TIMEOUT_MS) -> None:
        """Wait until the connection status (data-status on the widget root) is ``status``."""
        expect(self.page.locator(f'.fl-root[data-status="{status}"]')).to_have_count(1, timeout=timeout_ms)

    def send(self, text: str) -> None:
        """Type a message and press Enter."""
        self.input.fill(text)
        self.input.press("Enter")

    def click(self, title: str) -> None:
        """Click a quick reply of the current turn."""
        button = self.reply_button(title)
        expect(button.first).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        button.first.click()

    @property
    def turn(self) -> int:
        """The number of user messages sent so far (the widget numbers turns)."""
        last = self.messages("user").last
        return int(last.get_attribute("data-turn") or 0) if self.messages("user").count() else 0

    def expect_bot(self, text: str, turn: Optional[int] = None) -> None:
        """Wait until a bot message of the current (or given) turn contains ``text`` (any case)."""
        turn = self.turn if turn is None else turn
        bot_messages = self.page.locator(f'.fl-msg:is([data-from="bot"], [data-from="engineer"])[data-turn="{turn}"]')
        expect(bot_messages.filter(has_text=re.compile(re.escape(text), re.IGNORECASE)).first).to_be_visible(
            timeout=REPLY_TIMEOUT_MS
        )

    def expect_buttons(self, titles: List[str]) -> None:
        """Wait until every title is offered as an enabled quick reply."""
        for title in titles:
            expect(self.reply_button(title).first).to_be_visible(timeout=REPLY_TIMEOUT_MS)

    # ---- state ---------------------------------------------------------------------------

    def conversation_id(self) -> str:
        """Rasa's sender id of the widget's conversation (``web:<session id>``)."""
        return f"web:{self.session_id()}"

    def session_id(self) -> str:
        """The session id the server issued and the widget stored."""
        value = self.page.evaluate(
            "() => Object.keys(localStorage).filter(k => k.endsWith(':session')).map(k => localStorage.getItem(k))[0]"
        )
        assert value, "the widget stored no session id"
        return json.loads(value)

    def tracker(self) -> Dict[str, Any]:
        """The conversation's tracker from Rasa's HTTP API."""
        return self.bot.api(f"/conversations/{self.conversation_id()}/tracker")

    def wait_turn_done(self, timeout: float = REPLY_TIMEOUT_MS / 1000) -> None:
        """Wait until Rasa has processed every message sent so far and listens again.

        Rasa emits a turn's messages before it saves the tracker, so once the tracker shows
        every user message and ``action_listen``, all replies are on the wire.
        """
        sent = self.turn
        deadline = time.monotonic() + timeout
        while True:
            tracker = self.tracker()
            users = sum(1 for e in tracker.get("events", []) if e.get("event") == "user")
            if users >= sent and tracker.get("latest_action_name") == "action_listen":
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"Rasa still busy after {timeout:.0f}s ({users}/{sent} user messages)")
            time.sleep(0.2)
        self.page.wait_for_timeout(300)  # socket delivery of the last emits

    def wait_slots(self, check: Callable[[Dict[str, Any]], bool], what: str, timeout: float = 30) -> Dict[str, Any]:
        """Poll the tracker's slots until ``check`` holds."""
        deadline = time.monotonic() + timeout
        while True:
            slots = self.tracker().get("slots") or {}
            if check(slots):
                return slots
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: slots are {json.dumps(slots)[:600]}")
            time.sleep(0.2)
