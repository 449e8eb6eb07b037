"""Rasa bot messages → Slack Block Kit, and the "✔ choice" that replaces clicked buttons.

A Rasa message (``{"text", "buttons", "image", "articles", "custom", …}``) becomes one Slack
message: the text as mrkdwn sections, knowledge-base articles as one linked section each, the
image as an image block and the buttons as an ``actions`` block. Each button's ``value`` is its
Rasa payload (``/flow_answer{"flow_answer":"yes"}``), so a click can be replayed to Rasa as the
user's message without any lookup.

Slack's limits are respected here rather than discovered in production: 3000 characters per
section, 75 per button label, 2000 per button value, 25 buttons per actions block, 50 blocks per
message (longer content is split over several messages).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from bot.slack.mrkdwn import escape, link, plain_label, to_mrkdwn

log = logging.getLogger(__name__)

ACTION_PREFIX = "fl_choice_"
ACTION_ID_RE = re.compile(rf"^{ACTION_PREFIX}\d+$")
CHOICES_BLOCK_PREFIX = "fl_choices"
CHOSEN_MARK = "✔"

MAX_SECTION = 3000
MAX_BUTTON_LABEL = 75
MAX_BUTTON_VALUE = 2000
MAX_BUTTONS_PER_BLOCK = 25
MAX_BLOCKS = 50
MAX_SNIPPET = 300
MAX_FALLBACK_TEXT = 3000

Block = Dict[str, Any]


@dataclass(frozen=True)
class SlackMessage:
    """One ``chat.postMessage``: notification text plus Block Kit blocks.

    Attributes:
        text: mrkdwn shown in notifications and by clients that cannot render blocks.
        blocks: the message's blocks (may be empty: then ``text`` is the message).
    """

    text: str
    blocks: List[Block]


def section(mrkdwn: str) -> Block:
    """A mrkdwn section block (caller keeps ``mrkdwn`` within 3000 characters)."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def split_text(text: str, limit: int = MAX_SECTION) -> List[str]:
    """Split text into pieces of at most ``limit`` characters at paragraph or line breaks.

    Args:
        text: mrkdwn.
        limit: the maximum piece length.

    Returns:
        Non-empty pieces, in order; a single over-long line is cut hard.
    """
    pieces: List[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # one enormous line: no nicer place to cut
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        pieces.append(current)
    return [p for p in pieces if p.strip()]


def _article_lines_removed(text: str, articles: Sequence[Mapping[str, Any]]) -> str:
    """Drop the bullet lines of ``text`` that list ``articles`` (they get their own sections).

    The flow engine writes KB hits both as Markdown bullets in ``text`` (for channels without
    cards) and as structured ``articles``; showing both would list each article twice.
    """
    keep: List[str] = []
    for line in text.split("\n"):
        stripped = line.lstrip()
        is_bullet = stripped[:1] in ("•", "-", "*")
        lists_article = any(
            (a.get("url") and str(a["url"]) in line) or (a.get("title") and str(a["title"]) in line)
            for a in articles
        )
        if not (is_bullet and lists_article):
            keep.append(line)
    return "\n".join(keep).strip()


def article_section(article: Mapping[str, Any]) -> Block:
    """One knowledge-base article: its title as a link, then a short snippet.

    Args:
        article: ``{"title", "url", "snippet"}`` (url and snippet optional).

    Returns:
        A section block.
    """
    title = plain_label(str(article.get("title") or "Article"))
    url = article.get("url")
    heading = f"*{link(str(url), title)}*" if url else f"*{escape(title)}*"
    snippet = str(article.get("snippet") or "").strip()
    if len(snippet) > MAX_SNIPPET:
        snippet = snippet[: MAX_SNIPPET - 1].rstrip() + "…"
    body = f"{heading}\n{to_mrkdwn(snippet)}" if snippet else heading
    return section(body[:MAX_SECTION])


def button_elements(buttons: Iterable[Mapping[str, Any]]) -> List[Block]:
    """Block Kit buttons for Rasa buttons (``{"title", "payload"}``).

    Buttons whose payload cannot fit in a Slack button value are left out (and logged): a
    truncated payload would send Rasa something the user never chose.
    """
    elements: List[Block] = []
    for button in buttons:
        title = plain_label(str(button.get("title") or button.get("payload") or "?"))
        payload = str(button.get("payload") or title)
        if len(payload) > MAX_BUTTON_VALUE:
            log.error("button %r left out: its payload is longer than Slack allows", title[:40])
            continue
        if len(title) > MAX_BUTTON_LABEL:
            title = title[: MAX_BUTTON_LABEL - 1] + "…"
        elements.append(
            {
                "type": "button",
                "text": {"type": "plain_text", "text": title, "emoji": True},
                "value": payload,
                "action_id": f"{ACTION_PREFIX}{len(elements)}",
            }
        )
    return elements


def actions_blocks(buttons: Iterable[Mapping[str, Any]]) -> List[Block]:
    """The buttons as actions blocks of at most 25 buttons each."""
    elements = button_elements(buttons)
    blocks: List[Block] = []
    for start in range(0, len(elements), MAX_BUTTONS_PER_BLOCK):
        block_id = CHOICES_BLOCK_PREFIX if start == 0 else f"{CHOICES_BLOCK_PREFIX}_{start}"
        blocks.append({"type": "actions", "block_id": block_id, "elements": elements[start:start + MAX_BUTTONS_PER_BLOCK]})
    return blocks


def _fallback_text(mrkdwn: str, articles: Sequence[Mapping[str, Any]], buttons: Sequence[Mapping[str, Any]]) -> str:
    """Notification text: the message, or what it offers when it has no text."""
    if mrkdwn:
        text = mrkdwn
    elif articles:
        text = "Articles: " + ", ".join(escape(plain_label(str(a.get("title") or ""))) for a in articles)
    elif buttons:
        text = " / ".join(escape(plain_label(str(b.get("title") or ""))) for b in buttons)
    else:
        text = "(message)"
    return text if len(text) <= MAX_FALLBACK_TEXT else text[: MAX_FALLBACK_TEXT - 1] + "…"


def render(message: Mapping[str, Any]) -> List[SlackMessage]:
    """Render one Rasa bot message for Slack.

    Args:
        message: a Rasa response dict: ``text`` (Markdown), ``buttons``/``quick_replies``,
            ``image``, ``attachment``, ``articles`` (KB hits), ``elements`` and ``custom``
            (a ``{"blocks": [...], "text": ...}`` custom payload is sent to Slack as is).

    Returns:
        The Slack messages to post, in order (usually exactly one; none for an empty message).
    """
    custom = message.get("custom")
    if isinstance(custom, Mapping) and isinstance(custom.get("blocks"), list):
        text = str(custom.get("text") or message.get("text") or "")
        return [SlackMessage(to_mrkdwn(text) or "(message)", list(custom["blocks"]))]

    articles = [a for a in message.get("articles") or [] if isinstance(a, Mapping)]
    buttons = [b for b in (message.get("buttons") or message.get("quick_replies") or []) if isinstance(b, Mapping)]
    text = str(message.get("text") or "")
    if articles:
        text = _article_lines_removed(text, articles)
    mrkdwn = to_mrkdwn(text)

    blocks: List[Block] = [section(piece) for piece in split_text(mrkdwn)]
    blocks.extend(article_section(a) for a in articles)
    if message.get("image"):
        blocks.append({"type": "image", "image_url": str(message["image"]), "alt_text": "image"})
    if message.get("attachment"):
        blocks.append(section(escape(str(message["attachment"]))[:MAX_SECTION]))
    for element in message.get("elements") or []:
        if isinstance(element, Mapping):
            title = escape(plain_label(str(element.get("title") or "")))
            subtitle = to_mrkdwn(str(element.get("subtitle") or ""))
            blocks.append(section(f"*{title}*\n{subtitle}".strip()[:MAX_SECTION]))
            blocks.extend(actions_blocks(element.get("buttons") or []))
    blocks.extend(actions_blocks(buttons))
    if not blocks:
        return []

    fallback = _fallback_text(mrkdwn, articles, buttons)
    # Over-long content goes out as several messages, the buttons staying on the last one.
    return [SlackMessage(fallback, blocks[i:i + MAX_BLOCKS]) for i in range(0, len(blocks), MAX_BLOCKS)]


def chosen(blocks: Sequence[Mapping[str, Any]], label: str, chooser: Optional[str] = None) -> Optional[List[Block]]:
    """The clicked message's blocks with its buttons replaced by the choice.

    Args:
        blocks: the blocks of the message as Slack sent them back with the click.
        label: the clicked button's label.
        chooser: Slack user id of who clicked, shown in shared threads (None in DMs).

    Returns:
        New blocks: every Frontline actions block removed, a context block ``✔ <label>`` in
        place of the first; None if the message has no Frontline buttons (already answered).
    """
    result: List[Block] = []
    replaced = False
    for block in blocks:
        ours = block.get("type") == "actions" and str(block.get("block_id") or "").startswith(CHOICES_BLOCK_PREFIX)
        if not ours:
            result.append(dict(block))
            continue
        if not replaced:
            text = f"{CHOSEN_MARK} *{escape(plain_label(label))}*"
            if chooser:
                text += f" — <@{chooser}>"
            result.append({"type": "context", "elements": [{"type": "mrkdwn", "text": text}]})
            replaced = True
    return result if replaced else None
