"""``interpret``: what a reply to a question means. Interruptions come before answers."""

from __future__ import annotations

import re
from typing import Optional

from . import interruptions
from .questions import asks_back
from .choices import read_choice
from .lexicon import UNSURE_PHRASES, UNSURE_STRONG, YES_WORDS, NO_WORDS
from .result import Answer, Hedge, Interpretation, Interruption, Unclear
from .spec import Context, Message, Question
from .text import any_phrase, normalize
from .values import read_number, read_regex, read_text
from .yesno import read_yes_no

_THANKS = re.compile(r"\b(?:thanks?|thank you|thank u|thanx|thx|ty|tysm|cheers|appreciate)\b")

#: Answer sources sure enough that only a phrase-certain interruption overrides them.
STRONG_SOURCES = frozenset({"button", "typed", "ordinal", "synonym", "entity", "unsure"})


def interpret(question: Question, message: Message, context: Optional[Context] = None) -> Interpretation:
    """Read ``message`` as a reply to ``question``.

    Order: a clicked button; interruptions whose words are certain (a person, cancel, start
    over, a ticket, urgency, thanks/goodbye); the answer for the question's kind; then
    interruptions from NLU's intent, which need more confidence when the reply also reads as an
    answer. Hedges ("partly", "give me a sec") are never "yes".
    """
    context = context or Context()
    if message.button is not None:
        return _button(question, message.button)
    text = message.text or ""
    if not text.strip():
        return Unclear("empty")
    certain = interruptions.by_phrase(text)
    if certain is not None:
        if question.kind == "resolve" and certain.kind in ("thanks", "goodbye") and _THANKS.search(normalize(text)):
            return Answer(True, "typed", normalize(text))  # "thanks!" / "thanks, bye" to "did that fix it?"
        if question.kind in ("yes_no", "resolve") and normalize(text) in ("no thanks", "no thank you"):
            return Answer(False, "typed", normalize(text))
        return certain
    reading = read(question, message)
    strong = isinstance(reading, Hedge) or (isinstance(reading, Answer) and reading.source in STRONG_SOURCES)
    if question.kind == "text" and isinstance(reading, Answer):
        strong = False  # any text is an answer to an open question: it proves nothing
    if not strong and not _is_value(question, reading) and asks_back(text):
        return Unclear("question", text.strip())  # "where do I find that?" is not an answer
    by_intent = interruptions.by_intent(
        message, question, context, answered=isinstance(reading, (Answer, Hedge)), strong=strong
    )
    if by_intent is not None and (not strong or _overrides(by_intent, message, context)):
        return by_intent
    return reading


def _is_value(question: Question, reading: Interpretation) -> bool:
    """A validated value was found ("where's that? oh, LT-204511" answers the asset tag)."""
    return isinstance(reading, Answer) and question.kind in ("number", "regex") and reading.source != "unsure"


def _overrides(found: Interruption, message: Message, context: Context) -> bool:
    """Whether a confident intent wins over a strong answer (a different problem said outright)."""
    return found.kind == "other_problem" and message.confidence >= max(0.95, context.interrupt_confidence)


def read(question: Question, message: Message) -> Interpretation:
    """The answer (or hedge / unclear) for the question's kind, without interruptions."""
    text = message.text or ""
    kind = question.kind
    if kind in ("yes_no", "resolve"):
        reading = read_yes_no(text, message.intent, message.confidence, resolve=kind == "resolve")
        if isinstance(reading, Hedge):
            if kind == "yes_no" and reading.kind == "not_yet":
                return Answer(False, "typed", "not yet")
            if reading.kind == "unsure" and question.unsure is not None and kind == "yes_no":
                return Answer(normalize(question.unsure) in YES_WORDS or question.unsure is True, "unsure", normalize(text))
        return reading
    unsure = _unsure(question, text)
    if kind == "choice":
        reading = read_choice(question.options, text, message.entities)
        if isinstance(reading, Unclear) and unsure is not None:
            return unsure
        if isinstance(reading, Unclear) and any_phrase(normalize(text), UNSURE_STRONG + UNSURE_PHRASES):
            return Unclear("unsure", text.strip())
        return reading
    if unsure is not None and kind in ("number", "regex", "text"):
        if kind == "text" or isinstance(_read_value(question, text), Unclear):
            return unsure
    if kind in ("number", "regex"):
        reading = _read_value(question, text)
        if isinstance(reading, Unclear) and any_phrase(normalize(text), UNSURE_STRONG):
            return Unclear("unsure", text.strip())
        return reading
    return read_text(text)


def _read_value(question: Question, text: str) -> Answer | Unclear:
    if question.kind == "number":
        return read_number(text, question.minimum, question.maximum)
    return read_regex(question.pattern, text)


def _unsure(question: Question, text: str) -> Optional[Answer]:
    """"Not sure" mapped to what the designer named, when the reply says only that."""
    if question.unsure is None:
        return None
    norm = normalize(text)
    phrase = any_phrase(norm, UNSURE_STRONG + UNSURE_PHRASES)
    if phrase is None:
        return None
    return Answer(question.unsure, "unsure", phrase)


def _button(question: Question, value: str) -> Interpretation:
    """A clicked button: the option it names, or yes/no (a stale button is unclear)."""
    if question.kind in ("yes_no", "resolve"):
        norm = normalize(value)
        if norm in YES_WORDS:
            return Answer(True, "button", value)
        if norm in NO_WORDS:
            return Answer(False, "button", value)
        if question.kind == "resolve" and norm in ("partly", "not_yet", "not yet"):
            return Hedge("partly" if norm == "partly" else "not_yet")
        return Unclear("no_match", value)
    if question.kind == "choice":
        for option in question.options:
            if value == option.value or normalize(value) == normalize(option.value):
                return Answer(option.value, "button", option.label)
        return Unclear("no_match", value)  # a button from an earlier question
    return Answer(value, "button", value)
