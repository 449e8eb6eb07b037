"""Reading validated values: numbers, patterns (asset tags, paths…) and free text."""

from __future__ import annotations

import re
from typing import Optional

from .lexicon import NUMBER_WORDS
from .result import Answer, Unclear
from .text import any_phrase, normalize

_NUMBER_RE = re.compile(r"(?<![\w.])[-+]?\d+(?:[.,]\d+)?(?![\w])")


def read_number(text: str, minimum: Optional[float], maximum: Optional[float]) -> Answer | Unclear:
    """The number in the reply ("about 20", "five", "a dozen") if within the bounds."""
    matches = list(_NUMBER_RE.finditer(text))
    values = [float(m.group(0).replace(",", ".")) for m in matches]
    source = "typed" if matches and normalize(text) == matches[0].group(0) else "found_in_text"
    if not values:
        norm = normalize(text)
        word = any_phrase(norm, tuple(sorted(NUMBER_WORDS, key=len, reverse=True)))
        if word is None:
            return Unclear("not_a_number", text.strip())
        values = [float(NUMBER_WORDS[word])]
        source = "found_in_text"
    in_range = [v for v in values if (minimum is None or v >= minimum) and (maximum is None or v <= maximum)]
    if not in_range:
        return Unclear("out_of_range", f"{values[0]:g}")
    value = in_range[0]
    return Answer(int(value) if value.is_integer() else value, source, f"{value:g}")


def search_pattern(pattern: str, text: str) -> Optional[str]:
    """The part of ``text`` that ``pattern`` (written for the whole reply) accepts, or None."""
    stripped = text.strip().strip(".!?,;:\"'")
    if re.fullmatch(pattern, stripped):
        return stripped
    inner = pattern
    if inner.startswith("^"):
        inner = inner[1:]
    if inner.endswith("$") and not inner.endswith("\\$"):
        inner = inner[:-1]
    try:
        found = re.search(rf"(?<![\w-])(?:{inner})(?![\w-])", text)
    except re.error:
        return None
    return found.group(0) if found else None


def read_regex(pattern: Optional[str], text: str) -> Answer | Unclear:
    """The reply, or the part of it, that matches the question's pattern."""
    if not text.strip():
        return Unclear("empty")
    if pattern is None:
        return Unclear("bad_format", text.strip())
    stripped = text.strip().strip(".!?,;:\"'")
    if re.fullmatch(pattern, stripped):
        return Answer(stripped, "typed", stripped)
    found = search_pattern(pattern, text)
    if found is not None:
        return Answer(found, "found_in_text", found)
    return Unclear("bad_format", text.strip())


def read_text(text: str) -> Answer | Unclear:
    """Any non-empty reply."""
    stripped = text.strip()
    return Answer(stripped, "typed", stripped) if stripped else Unclear("empty")
