"""Reading yes/no the way people say it: hedges first, then no, then yes."""

from __future__ import annotations

import re
from typing import Optional

from .lexicon import (
    NO_PHRASES, NO_WORDS, NOT_YET_PHRASES, PARTLY_PHRASES, UNSURE_PHRASES, UNSURE_STRONG,
    WAIT_PHRASES, YES_PHRASES, YES_WORDS,
)
from .result import Answer, Hedge, Unclear
from .text import any_phrase, fold, normalize

_BUT = re.compile(r"\b(?:but|except|although|though|apart from)\b")

#: Phrases with "no"/"not" that are not a "no" ("no worries, it works").
_NEUTRAL = ("no worries", "no problem", "no problems", "no issues", "no errors", "not anymore", "no longer", "no more", "nothing wrong")
#: "worked for a bit, then dropped again": a yes that did not last is a no.
_RELAPSE = re.compile(
    r"\b(?:then|but then|and then|again)\b.*\b(?:stopped|dropped|failed|crashed|broke|died|froze|disconnected|went)\b"
    r"|\b(?:stopped|dropped|failed|crashed|broke|died|froze|disconnected|came back)\s+again\b"
)
#: The action itself reported as working: "it printed!", "connected now", "syncing again".
_WORKS_NOW = re.compile(
    r"\b(?:it\s+)?(?:printed|prints|printing|connected|connects|syncing|synced|syncs|loads|loading|loaded|boots|booted|"
    r"works|working|runs|running|opens|opened|sent|sends|arrived|arriving|started|starts|turned on|logged in|signed in)\b"
    r"(?:\s+\w+){0,2}?\s*(?:now|again|fine|ok|okay|normally|!)"
)
#: "it still drops", "still getting the error" — but not "still works".
_STILL_BAD = re.compile(r"\bstill\b(?!\s+(?:works?|working|fine|good|ok|okay|great|connected|online|up)\b)")
_FIXED_SIGNS = ("anymore", "any more", "no longer", "no more", "not anymore", "gone", "disappeared", "went away")


_CLAUSE = re.compile(r"[,.;:!?\u2014\u2013]|\s-\s")


def _leading_yes(text: str) -> Optional[str]:
    """A yes said first, then explained ("yeah i think so, the guy next to me can't get on
    either"): the first clause is a plain yes, and nothing later turns it ("but", "no").

    Only for yes/no questions: on "did that fix it?" the later words decide ("yes, it still drops").
    """
    clauses = [normalize(c) for c in _CLAUSE.split(text) if normalize(c)]
    if len(clauses) < 2:
        return None
    first = clauses[0]
    words = first.split()
    if not words or words[0] not in YES_WORDS or any_phrase(first, NO_PHRASES) or _BUT.search(first):
        return None
    rest = " ".join(clauses[1:])
    if _BUT.search(rest) or rest.split()[0] in NO_WORDS or rest.startswith(("not ", "actually")):
        return None
    return first


def _typo_of_yes_no(norm: str) -> Optional[bool]:
    """A one-word slip of "yes" or "no": swapped or doubled letters ("yse", "yesss", "noo")."""
    if " " in norm or not norm.isalpha():
        return None
    collapsed = re.sub(r"(.)\1+", r"\1", norm)
    if collapsed in ("yes", "ye") or (len(norm) == 3 and sorted(norm) == sorted("yes")):
        return True
    if collapsed == "no":
        return False
    return None


def says_not_fixed(text: str, intent: Optional[str] = None) -> bool:
    """Whether a message says a problem that was fixed is back ("it's not fixed", "still broken").

    A bare "no" is not enough: it usually answers something else ("anything else?" — "no").
    """
    if intent == "not_fixed":
        return True
    reading = read_yes_no(text)
    if isinstance(reading, Hedge):
        return reading.kind == "partly"
    return (
        isinstance(reading, Answer) and reading.value is False and reading.source == "typed"
        and reading.matched not in NO_WORDS and normalize(text) not in NO_WORDS
    )


def read_yes_no(text: str, intent: Optional[str] = None, confidence: float = 0.0, *, resolve: bool = False) -> Answer | Hedge | Unclear:
    """A yes/no reply: Answer(True/False), a Hedge (partly, not yet, wait, unsure) or Unclear.

    Args:
        text: the reply.
        intent: NLU's intent (affirm/deny/thanks are used when the words say nothing).
        confidence: that intent's confidence.
        resolve: the question is "did that fix it?": a bare thank-you or "that worked, thanks"
            means yes, "not yet" waits.
    """
    norm = normalize(text)
    if not norm:
        return Unclear("empty")
    if norm in YES_WORDS or norm.rstrip("!") in YES_WORDS:
        return Answer(True, "typed", norm)
    if norm in NO_WORDS:
        return Answer(False, "typed", norm)
    typo = _typo_of_yes_no(norm)
    if typo is not None:
        return Answer(typo, "fuzzy", norm)  # "yse", "yess", "noo"
    if any_phrase(norm, NOT_YET_PHRASES):
        return Hedge("not_yet")
    if _RELAPSE.search(norm):
        return Answer(False, "typed", "again")  # worked, then stopped: not fixed
    if any_phrase(norm, PARTLY_PHRASES):
        return Hedge("partly")
    if any_phrase(norm, UNSURE_STRONG):
        return Hedge("unsure")
    if any_phrase(norm, WAIT_PHRASES):
        return Hedge("wait")
    if not resolve:
        lead = _leading_yes(text)
        if lead is not None:
            return Answer(True, "typed", lead)
    cleaned = norm
    for phrase in _NEUTRAL:
        cleaned = cleaned.replace(phrase, " ")
    fixed_sign = any_phrase(norm, _FIXED_SIGNS) is not None
    no = any_phrase(cleaned, NO_PHRASES)
    if no and not (fixed_sign and no in ("not", "still not", "it's not", "not working", "isn't working")):
        return Answer(False, "typed", no)
    if _STILL_BAD.search(cleaned) or cleaned.startswith(("yeah no", "yes no", "well no")):
        return Answer(False, "typed", "still")
    first = cleaned.split()[0] if cleaned.split() else ""
    if first in NO_WORDS:
        return Answer(False, "typed", first)
    if any_phrase(norm, UNSURE_PHRASES):
        return Hedge("unsure")
    if first in YES_WORDS:
        return Answer(True, "typed", first)
    yes = any_phrase(norm, YES_PHRASES)
    works = _WORKS_NOW.search(fold(text))
    if yes or fixed_sign or works:
        if _BUT.search(norm) and not any_phrase(norm.split(" but ", 1)[-1], YES_PHRASES):
            return Hedge("partly")  # "printing now but the colours are off"
        return Answer(True, "typed", yes or (works.group(0) if works else ""))
    if intent in ("affirm",) and confidence >= 0.5:
        return Answer(True, "intent", norm)
    if intent in ("deny",) and confidence >= 0.5:
        return Answer(False, "intent", norm)
    if resolve and intent == "thanks":
        return Answer(True, "intent", norm)
    return Unclear("not_yes_no", text.strip())
