"""One turn shows at most two bot messages where the content allows, and no link twice."""

from __future__ import annotations

from bot.flows.runtime.compose import compact
from bot.flows.model.turns import BotMessage, button


def test_plain_messages_are_merged_into_the_question() -> None:
    messages = [BotMessage("Try this first."), BotMessage("Then this."), BotMessage("Did that fix it?", buttons=[button("Yes", "yes")])]
    out = compact(messages)
    assert len(out) == 2
    assert out[0].text == "Try this first.\n\nThen this."
    assert out[1].buttons and out[1].text == "Did that fix it?"


def test_merged_messages_are_one_blank_line_apart_whatever_their_own_line_ends() -> None:
    steps = BotMessage("Please try:\n1. Restart it.\n")  # a `say: |` block ends with a newline
    out = compact([steps, BotMessage("\nHere's what I found."), BotMessage("Fixed?", buttons=[button("Yes", "yes")])])
    assert out[0].text == "Please try:\n1. Restart it.\n\nHere's what I found."


def test_messages_with_buttons_are_never_merged_into_the_next() -> None:
    messages = [BotMessage("Pick one", buttons=[button("A", "a")]), BotMessage("x", buttons=[button("B", "b")]), BotMessage("y", buttons=[button("C", "c")])]
    assert len(compact(messages)) == 3


def test_a_link_shown_earlier_in_the_turn_is_not_shown_again() -> None:
    url = "https://kb.example.com/reset"
    messages = [
        BotMessage(f"Reset it here: [password reset]({url})"),
        BotMessage("Here's what I found:\n• [Password reset](https://kb.example.com/reset) — how to"),
        BotMessage("Did it work?", link={"title": "Reset", "url": url}, buttons=[button("Yes", "yes")]),
    ]
    out = compact(messages, limit=10)
    joined = "\n".join(m.text for m in out)
    assert joined.count(url) == 1
    assert out[2].link is None
    assert "• Password reset — how to" in out[1].text
