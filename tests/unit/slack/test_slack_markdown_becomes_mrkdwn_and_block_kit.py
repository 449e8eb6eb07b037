"""Markdown becomes Slack mrkdwn; bot messages become Block Kit within Slack's limits."""

from __future__ import annotations

import pytest

from bot.slack.blocks import MAX_BLOCKS, MAX_SECTION, chosen, render, split_text
from bot.slack.mrkdwn import to_mrkdwn


@pytest.mark.parametrize(
    "markdown, mrkdwn",
    [
        ("Choose **Company account**, it's *the* one", "Choose *Company account*, it's _the_ one"),
        ("__bold__ and _italic_ and ***both*** and ~~gone~~", "*bold* and _italic_ and *_both_* and ~gone~"),
        ("see [the guide](https://kb.example.com/a?b=1&c=2)", "see <https://kb.example.com/a?b=1&amp;c=2|the guide>"),
        ("[**bold label**](https://x.example)", "<https://x.example|bold label>"),
        ("open **https://passwordreset.example.com**.", "open *<https://passwordreset.example.com>*."),
        ("5 < 6 & 7 > 3, <!channel>", "5 &lt; 6 &amp; 7 &gt; 3, &lt;!channel&gt;"),
        ("run `a<b> **not bold**`", "run `a&lt;b&gt; **not bold**`"),
        ("# Reset your password", "*Reset your password*"),
        ("- one\n  * two\n+ three", "• one\n  • two\n• three"),
        ("1. first\n2. second", "1. first\n2. second"),
        ("> quoted **text**", "> quoted *text*"),
        ("a\n---\nb", "a\n──────────\nb"),
        ("snake_case_name and 2*3*4", "snake_case_name and 2*3*4"),
        ("![diagram](https://img.example/d.png)", "<https://img.example/d.png|diagram>"),
    ],
)
def test_markdown_to_mrkdwn(markdown: str, mrkdwn: str) -> None:
    assert to_mrkdwn(markdown) == mrkdwn


def test_fenced_code_is_kept_verbatim_but_escaped() -> None:
    assert to_mrkdwn("before **b**\n```\nx = a < b and **c**\n```\nafter") == (
        "before *b*\n```\nx = a &lt; b and **c**\n```\nafter"
    )


def test_question_and_buttons_are_one_message_with_payloads_as_values() -> None:
    (message,) = render({
        "text": "Have you registered for **self-service** reset?",
        "buttons": [
            {"title": "Yes", "payload": '/flow_answer{"flow_answer":"yes"}'},
            {"title": "No", "payload": '/flow_answer{"flow_answer":"no"}'},
            {"title": "Talk to a human", "payload": "/request_human"},
        ],
    })
    section, actions = message.blocks
    assert section["text"] == {"type": "mrkdwn", "text": "Have you registered for *self-service* reset?"}
    assert actions["type"] == "actions" and actions["block_id"] == "fl_choices"
    assert [(e["text"]["text"], e["value"], e["action_id"]) for e in actions["elements"]] == [
        ("Yes", '/flow_answer{"flow_answer":"yes"}', "fl_choice_0"),
        ("No", '/flow_answer{"flow_answer":"no"}', "fl_choice_1"),
        ("Talk to a human", "/request_human", "fl_choice_2"),
    ]
    assert message.text == "Have you registered for *self-service* reset?"


def test_kb_articles_become_linked_sections_instead_of_bullets() -> None:
    (message,) = render({
        "text": "These articles might help:\n• [Reset your password](https://kb.example/reset) — Use SSPR\n• [MFA](https://kb.example/mfa)",
        "articles": [
            {"title": "Reset your password", "url": "https://kb.example/reset", "snippet": "Use **SSPR** first."},
            {"title": "MFA", "url": "https://kb.example/mfa", "snippet": ""},
        ],
    })
    intro, first, second = message.blocks
    assert intro["text"]["text"] == "These articles might help:"
    assert first["text"]["text"] == "*<https://kb.example/reset|Reset your password>*\nUse *SSPR* first."
    assert second["text"]["text"] == "*<https://kb.example/mfa|MFA>*"


def test_long_text_is_split_within_slack_limits() -> None:
    paragraph = "word " * 200
    messages = render({"text": "\n".join([paragraph] * 200), "buttons": [{"title": "OK", "payload": "/affirm"}]})
    blocks = [b for m in messages for b in m.blocks]
    assert all(len(m.blocks) <= MAX_BLOCKS for m in messages) and len(messages) > 1
    assert all(len(b["text"]["text"]) <= MAX_SECTION for b in blocks if b["type"] == "section")
    assert messages[-1].blocks[-1]["type"] == "actions"  # buttons stay on the last message
    assert split_text("x" * 7000, 3000) == ["x" * 3000, "x" * 3000, "x" * 1000]


def test_image_and_custom_blocks() -> None:
    (image,) = render({"text": "Like this:", "image": "https://img.example/port.png"})
    assert image.blocks[1] == {"type": "image", "image_url": "https://img.example/port.png", "alt_text": "image"}
    custom_blocks = [{"type": "divider"}]
    (custom,) = render({"custom": {"blocks": custom_blocks, "text": "raw"}})
    assert custom.blocks == custom_blocks and custom.text == "raw"
    assert render({"text": ""}) == []


def test_chosen_replaces_buttons_with_the_choice_once() -> None:
    (message,) = render({"text": "Which client?", "buttons": [{"title": "GlobalProtect", "payload": "/x"}]})
    updated = chosen(message.blocks, "GlobalProtect")
    assert updated == [message.blocks[0], {"type": "context", "elements": [{"type": "mrkdwn", "text": "✔ *GlobalProtect*"}]}]
    assert chosen(updated or [], "GlobalProtect") is None  # nothing left to replace
    shared = chosen(message.blocks, "GlobalProtect", chooser="U2")
    assert shared is not None and shared[-1]["elements"][0]["text"] == "✔ *GlobalProtect* — <@U2>"


def test_over_long_button_labels_are_shortened() -> None:
    (message,) = render({"text": "?", "buttons": [{"title": "x" * 100, "payload": "/a"}]})
    label = message.blocks[1]["elements"][0]["text"]["text"]
    assert len(label) == 75 and label.endswith("…")
