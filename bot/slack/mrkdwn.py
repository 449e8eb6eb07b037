"""Markdown (what flows, KB articles and actions write) → Slack's mrkdwn.

Slack's mrkdwn is not Markdown: bold is ``*x*`` (Markdown's italic), italic is ``_x_``, links are
``<url|label>``, there are no headings, and ``&``, ``<`` and ``>`` must be escaped everywhere or
Slack reads them as its own control sequences (``<!channel>`` would ping a whole channel).

The conversion is line-based for block constructs (headings, bullets, quotes, rules) and uses
placeholders for inline ones, so that text produced by one rule (a link, a code span, the ``*``
of a converted bold) is never rewritten by a later rule.
"""

from __future__ import annotations

import re
from typing import Callable, List

# Private-use characters: cannot occur in real text, survive every regex below untouched.
_HOLD_OPEN, _HOLD_CLOSE = "\ue000", "\ue001"
_BOLD = "\ue002"

_FENCE_RE = re.compile(r"```[^\n]*\n?(.*?)(?:```|\Z)", re.DOTALL)
_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
_BULLET_RE = re.compile(r"^(\s*)[-*+]\s+(?=\S)")
_QUOTE_RE = re.compile(r"^\s{0,3}>\s?")
_RULE_RE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")

_CODE_RE = re.compile(r"`([^`\n]+)`")
_IMAGE_RE = re.compile(r"!\[([^\]\n]*)\]\(\s*([^)\s]+)(?:\s+\"[^\"]*\")?\s*\)")
_LINK_RE = re.compile(r"\[([^\]\n]+)\]\(\s*([^)\s]+)(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK_RE = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
# A bare URL, without trailing punctuation or emphasis markers (``**https://x**``, ``see https://x.``).
_BARE_URL_RE = re.compile(r"(?<![\w/<|])https?://[^\s<>()]*[^\s<>().,;:!?*_~'\"]")
_BOLD_ITALIC_RE = re.compile(r"\*\*\*(?=\S)(.+?)(?<=\S)\*\*\*")
_BOLD_RE = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")
_ITALIC_RE = re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])")
_STRIKE_RE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_EMPHASIS_MARKS_RE = re.compile(r"(\*\*|__|~~|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w))")

RULE = "──────────"


def escape(text: str) -> str:
    """Escape the three characters Slack treats as control characters.

    Args:
        text: plain text.

    Returns:
        ``text`` with ``&``, ``<`` and ``>`` as HTML entities, as Slack requires.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, label: str = "") -> str:
    """A mrkdwn link.

    Args:
        url: the target.
        label: the visible text (default: the URL itself).

    Returns:
        ``<url|label>`` with both parts escaped (``|`` cannot appear in a label).
    """
    target = escape(url.strip())
    if not label or label.strip() == url.strip():
        return f"<{target}>"
    return f"<{target}|{escape(label.replace('|', '/').strip())}>"


def plain_label(markdown: str) -> str:
    """Strip inline Markdown emphasis from a short label (link texts, button titles).

    Slack renders no formatting inside link labels or plain-text elements, so ``**x**`` would
    show its asterisks.
    """
    return _EMPHASIS_MARKS_RE.sub("", markdown).strip()


class _Held:
    """Placeholders for finished mrkdwn fragments that later rules must not touch."""

    def __init__(self) -> None:
        self.fragments: List[str] = []

    def hold(self, fragment: str) -> str:
        self.fragments.append(fragment)
        return f"{_HOLD_OPEN}{len(self.fragments) - 1}{_HOLD_CLOSE}"

    def restore(self, text: str) -> str:
        pattern = re.compile(f"{_HOLD_OPEN}(\\d+){_HOLD_CLOSE}")
        # Held fragments may contain placeholders themselves (a code span inside a link label).
        while pattern.search(text):
            text = pattern.sub(lambda m: self.fragments[int(m.group(1))], text)
        return text


def _inline(text: str, held: _Held) -> str:
    """Convert the inline Markdown of one line (no newlines) to mrkdwn."""
    sub = _replacer(held)
    text = _CODE_RE.sub(sub(lambda m: f"`{escape(m.group(1))}`"), text)
    text = _IMAGE_RE.sub(sub(lambda m: link(m.group(2), plain_label(m.group(1)) or "image")), text)
    text = _LINK_RE.sub(sub(lambda m: link(m.group(2), plain_label(m.group(1)))), text)
    text = _AUTOLINK_RE.sub(sub(lambda m: link(m.group(1))), text)
    # Explicit <url> so Slack cannot swallow a neighbouring "*" or "." into the link.
    text = _BARE_URL_RE.sub(sub(lambda m: link(m.group(0))), text)
    text = escape(text)
    text = _BOLD_ITALIC_RE.sub(lambda m: f"{_BOLD}_{m.group(1)}_{_BOLD}", text)
    text = _BOLD_RE.sub(lambda m: f"{_BOLD}{m.group(1) or m.group(2)}{_BOLD}", text)
    text = _ITALIC_RE.sub(lambda m: f"_{m.group(1)}_", text)
    text = _STRIKE_RE.sub(lambda m: f"~{m.group(1)}~", text)
    return text.replace(_BOLD, "*")


def _replacer(held: _Held) -> Callable[[Callable[[re.Match], str]], Callable[[re.Match], str]]:
    """Wrap a match → mrkdwn function so its result is held out of later rules."""

    def wrap(render: Callable[[re.Match], str]) -> Callable[[re.Match], str]:
        return lambda match: held.hold(render(match))

    return wrap


def _line(line: str, held: _Held) -> str:
    """Convert one line: block constructs first, then its inline content."""
    if _RULE_RE.match(line):
        return RULE
    heading = _HEADING_RE.match(line)
    if heading:
        # Slack has no headings; bold is the closest, and nested emphasis would break it.
        return f"*{_inline(plain_label(heading.group(1)), held)}*"
    quote = _QUOTE_RE.match(line)
    if quote:
        # The quote marker must stay a literal ">" (escaped it would show as text).
        return "> " + _line(line[quote.end():], held)
    bullet = _BULLET_RE.match(line)
    if bullet:
        return f"{bullet.group(1)}• {_inline(line[bullet.end():], held)}"
    return _inline(line, held)


def to_mrkdwn(markdown: str) -> str:
    """Convert Markdown to Slack mrkdwn.

    Handles fenced and inline code (kept verbatim, escaped), links and images, bare ``<url>``
    autolinks, bold, italic, bold-italic, strikethrough, headings, ``-``/``*``/``+`` bullets,
    block quotes and horizontal rules. Numbered lists and bare URLs need no conversion.

    Args:
        markdown: CommonMark-ish text.

    Returns:
        The same content as mrkdwn, safe to send in a ``mrkdwn`` text object.
    """
    if not markdown:
        return ""
    held = _Held()
    out: List[str] = []
    position = 0
    for fence in _FENCE_RE.finditer(markdown):
        out.append(_lines(markdown[position:fence.start()], held))
        code = fence.group(1).rstrip("\n")
        out.append(held.hold(f"```\n{escape(code)}\n```" if code else "``` ```"))
        position = fence.end()
    out.append(_lines(markdown[position:], held))
    return held.restore("".join(out))


def _lines(text: str, held: _Held) -> str:
    """Convert a stretch of Markdown that contains no fenced code."""
    return "\n".join(_line(line, held) for line in text.split("\n"))
