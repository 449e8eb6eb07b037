"""A person chats through a whole troubleshooting flow in the website widget, clicking buttons.

The script is a conversation test from tests/conversations/ (so it follows the flow content as
it changes), played through the browser: where the script types an answer that is also offered
as a button, the person clicks the button instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from playwright.sync_api import expect

from bot.flowtests.conversations import ConversationTest, load_tests
from tests.browser.widget_driver import WidgetDriver
from tests.conftest import ROOT

SCRIPT_FILE = ROOT / "tests" / "conversations" / "password_reset.yml"


def _script() -> ConversationTest:
    """The first test in the file that clicks a button and ends a flow."""
    for test in load_tests(SCRIPT_FILE):
        keys = [step.key for step in test.steps]
        if "click" in keys and "outcome" in keys:
            return test
    raise AssertionError(f"{SCRIPT_FILE} has no test with a click and an outcome")


def _play(test: ConversationTest, widget: WidgetDriver, before_last_answer: Callable[[], None]) -> int:
    """Play the script; return how many buttons were clicked."""
    clicks = 0
    answers = [i for i, step in enumerate(test.steps) if step.key in ("user", "click")]
    for index, step in enumerate(test.steps):
        where = f"{test.file.name}:{step.line} ({step.key}: {step.value})"
        if step.key in ("user", "click"):
            widget.wait_turn_done()
            if index == answers[-1]:
                before_last_answer()
            text = str(step.value)
            if step.key == "click" or widget.reply_button(text).count():
                widget.click(text)
                clicks += 1
            else:
                widget.send(text)
        elif step.key == "bot":
            widget.expect_bot(str(step.value))
        elif step.key == "buttons":
            widget.expect_buttons([str(t) for t in step.value])
        elif step.key == "flow":
            widget.wait_slots(lambda s: (s.get("flow_state") or {}).get("flow") == step.value, where)
        elif step.key == "step":
            widget.wait_slots(lambda s: (s.get("flow_state") or {}).get("step") == step.value, where)
        elif step.key == "no_flow":
            widget.wait_slots(lambda s: not s.get("flow_state"), where)
        elif step.key == "outcome":
            widget.wait_slots(lambda s: (s.get("flow_last") or {}).get("outcome") == step.value, where)
    return clicks


def test_widget_runs_a_whole_flow_with_button_clicks(widget: WidgetDriver, artifacts: Path) -> None:
    def screenshot() -> None:
        # The README's picture (docs/img/widget.png is a copy, refreshed by hand): the demo site
        # with the widget open mid-conversation, buttons used and offered.
        widget.page.mouse.move(0, 0)  # no hover effect left on the last clicked spot
        widget.page.screenshot(path=str(artifacts / "widget-open.png"))

    test = _script()
    clicks = _play(test, widget, before_last_answer=screenshot)
    assert clicks >= 1
    widget.wait_turn_done()

    # Each click showed the chosen title as the user's message and retired its button set.
    chosen = widget.page.locator(".fl-reply.fl-chosen")
    expect(chosen).to_have_count(clicks)
    user_texts = widget.messages("user").all_inner_texts()
    for title in chosen.all_inner_texts():
        assert any(title.replace("(chosen)", "").strip() in text for text in user_texts)
    expect(widget.page.locator(".fl-typing")).to_be_hidden()
    assert (artifacts / "widget-open.png").stat().st_size > 10_000
