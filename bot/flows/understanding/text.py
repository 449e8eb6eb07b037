"""Text helpers shared by the readers: normalising, phrase search, negation."""

from __future__ import annotations

import re
import unicodedata
from typing import List, Optional

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_NEGATORS = frozenset({"not", "isn't", "isnt", "aren't", "arent", "never", "without", "nor", "except"})


def fold(text: str) -> str:
    """Lower case, unified apostrophes, accents removed ("café" → "cafe")."""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES).casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def normalize(text: str) -> str:
    """Fold, turn punctuation (except ' - . inside words) into spaces, collapse spaces."""
    text = fold(text)
    text = re.sub(r"[^\w'\s-]", " ", text)
    text = re.sub(r"(?<!\w)[-']|[-'](?!\w)", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def words(text: str) -> List[str]:
    """The normalised words of ``text``."""
    return normalize(text).split()


def find_phrase(text: str, phrase: str) -> Optional[int]:
    """Start index of ``phrase`` as whole words in normalised ``text``, or None."""
    if not phrase:
        return None
    match = re.search(rf"(?<![\w']){re.escape(phrase)}(?![\w'])", text)
    return match.start() if match else None


def has_phrase(text: str, phrase: str) -> bool:
    """Whether ``phrase`` occurs as whole words in normalised ``text``."""
    return find_phrase(text, phrase) is not None


#: Words that may stand between a negator and what it negates ("not *really at* home",
#: "not *on my* phone"); any other word ends the negation's reach ("isn't working in the office"
#: negates the working, not the office).
_NEGATION_BRIDGE = frozenset({
    "a", "an", "the", "my", "our", "at", "in", "on", "from", "with", "using", "really", "actually",
    "currently", "even", "exactly", "quite", "at all", "any", "via", "through", "over",
})
_NEGATION_REACH = 3


def negated_at(text: str, index: int) -> bool:
    """Whether a negator governs what starts at ``index`` ("not at home", "not really at home").

    The negator must come right before the phrase, or be separated from it only by articles,
    prepositions and fillers: in "the wifi isn't working in the office" the office is not negated.
    """
    before = text[:index].split()
    for word in reversed(before[-_NEGATION_REACH - 1 :]):
        if word in _NEGATORS:
            return True
        if word not in _NEGATION_BRIDGE:
            return False
    return False


def any_phrase(text: str, phrases: "tuple[str, ...] | list[str] | frozenset[str]") -> Optional[str]:
    """The first of ``phrases`` found in normalised ``text``, or None."""
    for phrase in phrases:
        if has_phrase(text, phrase):
            return phrase
    return None
