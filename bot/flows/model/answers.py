"""Reading a user's reply to an ``ask``/``resolve`` step: buttons first, then forgiving text.

Each ``read_*`` function returns the value to save, or None when the reply is not a usable
answer (the engine then re-asks with the step's hint).
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Iterable, List, Optional, Sequence, Tuple

from bot.flows.model import Answer, Option
from bot.flows.model.turns import UserTurn, parse_flow_answer_payload

FUZZY_RATIO = 0.75

YES_WORDS = frozenset(
    {"yes", "y", "yeah", "yep", "yup", "yea", "ya", "sure", "correct", "ok", "okay", "right",
     "true", "affirmative", "absolutely", "definitely", "indeed", "si", "oui", "ja"}
)
NO_WORDS = frozenset({"no", "n", "nope", "nah", "nay", "false", "negative", "never", "non", "nein"})
# Checked before YES_PHRASES because several contain a "yes" phrase ("not working" ⊃ "working").
NO_PHRASES = (
    "not really", "still broken", "still not", "still the same", "still happening", "still failing",
    "didn't work", "did not work", "doesn't work", "does not work", "didnt work", "doesnt work",
    "not working", "not fixed", "no luck", "not yet", "no change", "same problem", "it didn't",
    "it did not", "not sorted", "not solved", "not resolved",
)
YES_PHRASES = (
    "it worked", "that worked", "worked", "it works", "that fixed it", "fixed", "all good",
    "sorted", "it's working", "its working", "working now", "that did it", "yes it did", "solved",
    "resolved", "of course", "sounds good",
)


def normalize(text: str) -> str:
    """Lower-case, unify apostrophes, drop surrounding punctuation and collapse spaces."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").casefold()
    text = re.sub(r"[^\w'\s.-]", " ", text)
    return re.sub(r"\s+", " ", text).strip(" .-'")


def reply_text(turn: UserTurn) -> str:
    """The text to interpret: the clicked button's value, else a typed payload's, else the text."""
    if turn.button_value is not None:
        return str(turn.button_value)
    payload = parse_flow_answer_payload(turn.text or "")
    return payload if payload is not None else (turn.text or "")


def _contains_phrase(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


def read_yes_no(turn: UserTurn, *, thanks_means_yes: bool = False) -> Optional[bool]:
    """Yes/no from a button, typed words, or the affirm/deny intent.

    Args:
        turn: the user's turn.
        thanks_means_yes: for "Did that fix it?" questions, a bare thank-you means yes.
    """
    text = normalize(reply_text(turn))
    if text in YES_WORDS:
        return True
    if text in NO_WORDS:
        return False
    if turn.button_value is None and text:
        if any(_contains_phrase(text, p) for p in NO_PHRASES):
            return False
        if any(_contains_phrase(text, p) for p in YES_PHRASES):
            return True
        first = text.split(" ", 1)[0].strip(",")
        if first in YES_WORDS:
            return True
        if first in NO_WORDS:
            return False
    if turn.intent == "affirm":
        return True
    if turn.intent == "deny":
        return False
    if thanks_means_yes and turn.intent == "thanks":
        return True
    return None


def read_choice(options: Sequence[Option], turn: UserTurn) -> Optional[str]:
    """The chosen option's value: exact value/label, list number, entity, substring, then fuzzy."""
    raw = reply_text(turn)
    text = normalize(raw)
    if not text:
        return None
    for option in options:
        if text in (normalize(option.value), normalize(option.label)):
            return option.value
    if turn.button_value is not None:
        return None  # a stale button from an earlier question is not an answer to this one
    if text.isdigit() and 1 <= int(text) <= len(options):
        return options[int(text) - 1].value
    by_entity = _unique(o.value for o in options for v in _entity_values(turn) if normalize(v) in _names(o))
    if by_entity is not None:
        return by_entity
    by_substring = _unique(
        o.value
        for o in options
        for name in _names(o)
        if name and (_contains_phrase(text, name) or (len(text) >= 3 and _contains_phrase(name, text)))
    )
    if by_substring is not None:
        return by_substring
    return _fuzzy(options, text)


def _names(option: Option) -> Tuple[str, str]:
    return normalize(option.label), normalize(option.value)


def _entity_values(turn: UserTurn) -> List[str]:
    values: List[str] = []
    for value in turn.entities.values():
        if isinstance(value, (list, tuple)):
            values.extend(str(v) for v in value)
        elif value is not None:
            values.append(str(value))
    return values


def _unique(values: Iterable[str]) -> Optional[str]:
    found = list(dict.fromkeys(values))
    return found[0] if len(found) == 1 else None


def _fuzzy(options: Sequence[Option], text: str) -> Optional[str]:
    """Best option by difflib ratio against the whole reply and each word; None if tied/low."""
    words = text.split(" ")
    scored: List[Tuple[float, str]] = []
    for option in options:
        best = 0.0
        for name in _names(option):
            best = max(best, difflib.SequenceMatcher(None, text, name).ratio())
            for word in words:
                if len(word) >= 3 and " " not in name:
                    best = max(best, difflib.SequenceMatcher(None, word, name).ratio())
        scored.append((best, option.value))
    scored.sort(reverse=True)
    if not scored or scored[0][0] < FUZZY_RATIO:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None  # ambiguous: better to re-ask than to guess
    return scored[0][1]


_NUMBER_RE = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


def read_number(turn: UserTurn, minimum: Optional[float], maximum: Optional[float]) -> Optional[float]:
    """The first number in the reply, if within [minimum, maximum]; integral values as int."""
    match = _NUMBER_RE.search(reply_text(turn))
    if not match:
        return None
    value = float(match.group(0).replace(",", "."))
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        return None
    return int(value) if value.is_integer() else value


def read_regex(pattern: Optional[str], turn: UserTurn) -> Optional[str]:
    """The stripped reply if it fully matches ``pattern``."""
    text = reply_text(turn).strip()
    if pattern is None or not text:
        return None
    return text if re.fullmatch(pattern, text) else None


def read_text(turn: UserTurn) -> Optional[str]:
    """Any non-empty reply."""
    text = reply_text(turn).strip()
    return text or None


def read_answer(answer: Answer, turn: UserTurn) -> Tuple[bool, Any]:
    """Interpret ``turn`` as an answer of the given type.

    Returns:
        (True, value) for a usable answer — yes_no gives a bool, number an int/float, the others
        a string — or (False, None).
    """
    value: Any
    if answer.type == "yes_no":
        value = read_yes_no(turn)
    elif answer.type == "choice":
        value = read_choice(answer.options, turn)
    elif answer.type == "number":
        value = read_number(turn, answer.minimum, answer.maximum)
    elif answer.type == "regex":
        value = read_regex(answer.pattern, turn)
    else:
        value = read_text(turn)
    return value is not None, value


def default_hint(answer: Answer) -> str:
    """What to say when an answer was not understood and the step has no ``hint``."""
    if answer.type == "yes_no":
        return "Sorry, I didn't catch that — please answer yes or no."
    if answer.type == "choice":
        labels = ", ".join(o.label for o in answer.options)
        return f"Sorry, I didn't catch that — please pick one of: {labels}."
    if answer.type == "number":
        if answer.minimum is not None and answer.maximum is not None:
            return f"Please reply with a number from {answer.minimum:g} to {answer.maximum:g}."
        return "Please reply with a number."
    if answer.type == "regex":
        return "Sorry, that doesn't look right — please check the format and try again."
    return "Sorry, I didn't catch that — could you type your answer?"
