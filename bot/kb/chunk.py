"""Split an article into heading sections: the passages that are indexed and shown.

The text before the first heading is the introduction (its heading is the article title). A
leading ``# <title>`` line is treated as part of the title, not as a section. Headings inside
code blocks are ignored. Sections longer than :data:`MAX_WORDS` are cut at paragraph breaks so
that a passage stays short enough to show in a chat and to embed without truncation.
"""

from __future__ import annotations

import re
from typing import List, Tuple

from bot.kb.model import ArticleDoc, Section
from bot.kb.parse import FENCE_RE, HEADING_RE

MAX_WORDS = 180


def anchor_for(heading: str) -> str:
    """The URL fragment of a heading, as common Markdown renderers make it.

    Args:
        heading: the heading text, e.g. ``"Step 2: Reset the adapter"``.

    Returns:
        ``"step-2-reset-the-adapter"``.
    """
    text = re.sub(r"[`*_~\[\]()]", "", heading.strip().lower())
    text = re.sub(r"[^\w\s-]", "", text)
    return re.sub(r"\s+", "-", text).strip("-")


def _paragraphs(text: str) -> List[str]:
    """Blank-line separated blocks of ``text``."""
    return [block.strip() for block in re.split(r"\n\s*\n", text) if block.strip()]


def _split_long(text: str) -> List[str]:
    """Cut ``text`` into pieces of at most about MAX_WORDS words at paragraph breaks."""
    if len(text.split()) <= MAX_WORDS:
        return [text]
    pieces: List[str] = []
    current: List[str] = []
    words = 0
    for block in _paragraphs(text):
        size = len(block.split())
        if current and words + size > MAX_WORDS:
            pieces.append("\n\n".join(current))
            current, words = [], 0
        current.append(block)
        words += size
    if current:
        pieces.append("\n\n".join(current))
    return pieces


def split_sections(doc: ArticleDoc) -> List[Section]:
    """Split ``doc`` into sections, in reading order.

    Args:
        doc: a parsed article.

    Returns:
        Non-empty sections; the first one is the introduction when the article has one.
    """
    raw: List[Tuple[str, str, int, List[str]]] = []
    heading, anchor, start = doc.title, "", doc.body_line
    lines: List[str] = []
    in_fence = False
    first_text_seen = False
    for number, line in enumerate(doc.body.splitlines(), start=doc.body_line):
        if FENCE_RE.match(line):
            in_fence = not in_fence
        match = None if in_fence else HEADING_RE.match(line)
        if match and (match.group(2) or "").strip():
            text = match.group(2).strip()
            if not first_text_seen and len(match.group(1)) == 1 and text.casefold() == doc.title.casefold():
                first_text_seen = True
                continue
            raw.append((heading, anchor, start, lines))
            heading, anchor, start, lines = text, anchor_for(text), number, []
            first_text_seen = True
            continue
        if line.strip():
            first_text_seen = True
        lines.append(line)
    raw.append((heading, anchor, start, lines))

    sections: List[Section] = []
    for heading, anchor, start, body_lines in raw:
        text = "\n".join(body_lines).strip()
        if not text:
            continue
        for piece in _split_long(text):
            sections.append(Section(heading=heading, anchor=anchor, line=start, text=piece))
    return sections
