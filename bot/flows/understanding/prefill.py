"""Finding the answer to a question in what the person already said.

Stricter than ``interpret``: only readings that cannot be a coincidence count — an entity the
designer listed, an option's label or synonym found as whole words (not negated), or a value
the step's pattern accepts. Never ordinals, fuzzy spelling, yes/no or bare numbers.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, Optional, Sequence

from .choices import by_phrase, entity_values, label_words, phrases
from .result import Answer
from .spec import Question
from .text import normalize
from .values import search_pattern

#: ``fill_from`` item meaning "the person's earlier messages".
MESSAGES = "messages"


def prefill(question: Question, fill_from: Sequence[str], earlier: Iterable[str], entities: Dict[str, Any]) -> Optional[Answer]:
    """The answer already given, or None.

    Args:
        question: the question about to be asked.
        fill_from: what may fill it: entity names (``os``, ``app_name``…) and/or ``messages``.
        earlier: the person's messages so far, oldest first.
        entities: entity name → value seen so far in the conversation.

    Returns:
        An Answer with source ``earlier`` (``matched`` says what was found), or None.
    """
    wanted = {name: entities.get(name) for name in fill_from if name != MESSAGES and entities.get(name)}
    earlier = list(earlier)
    for name, value in wanted.items():
        found = _from_entity(question, name, value)
        if found is not None:
            if question.kind == "text":
                found = Answer(_as_written(str(found.value), earlier), found.source, found.matched)
            return found
    if MESSAGES not in fill_from:
        return None
    for text in reversed(list(earlier)):  # the latest mention wins ("at home… no, in the office")
        found = _from_text(question, text)
        if found is not None:
            return found
    return None


def _as_written(value: str, earlier: Sequence[str]) -> str:
    """``value`` as the person wrote it ("Adobe Acrobat Pro", not the canonical "adobe acrobat")."""
    for text in reversed(earlier):
        index = text.casefold().find(value.casefold())
        if index >= 0:
            return text[index : index + len(value)]
    return value


def _from_entity(question: Question, name: str, value: Any) -> Optional[Answer]:
    values = entity_values({name: value})
    if not values:
        return None
    if question.kind == "choice":
        hits = [
            option for option in question.options for v in values
            if v in phrases(option) or v in label_words(option)
            or any(p.startswith(v + " ") or p.endswith(" " + v) for p in phrases(option))
        ]
        unique = {o.value for o in hits}
        if len(unique) == 1:
            return Answer(hits[0].value, "earlier", f"{name}: {values[0]}")
        return None
    if question.kind == "text":
        raw = value[0] if isinstance(value, (list, tuple)) else value
        return Answer(str(raw), "earlier", f"{name}: {raw}")
    if question.kind == "regex" and question.pattern:
        for v in (value if isinstance(value, (list, tuple)) else [value]):
            found = search_pattern(question.pattern, str(v))
            if found:
                return Answer(found, "earlier", f"{name}: {found}")
    return None


def _from_text(question: Question, text: str) -> Optional[Answer]:
    if not normalize(text):
        return None
    if question.kind == "choice":
        # Labels and synonyms only: values are the designer's internal names ("office" would
        # match "the office wifi" when the person may be anywhere).
        found, _ambiguous = by_phrase(question.options, text, values=False)
        if found is not None:
            return Answer(found.value, "earlier", found.matched)
        return None
    if question.kind == "regex" and question.pattern:
        value = search_pattern(question.pattern, text)
        if value is not None:
            return Answer(value, "earlier", value)
    return None
