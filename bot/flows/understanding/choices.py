"""Reading which option a reply means: label, ordinal, synonym, entity, label words, spelling."""

from __future__ import annotations

import difflib
import re
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from .lexicon import LAST_WORDS, ORDINALS, STOPWORDS
from .result import Answer, Unclear
from .spec import Choice
from .text import find_phrase, negated_at, normalize

FUZZY_RATIO = 0.8
#: Words with which people take back what they just said ("cisco — actually no, globalprotect").
CORRECTION = re.compile(
    r"(?<![\w'])(?:actually|no wait|wait no|wait|sorry|i mean|i meant|scratch that|correction|or rather|rather|"
    r"on second thought|oh no|no no|my bad|my mistake)(?![\w'])"
)

_ORDINAL_RE = re.compile(
    r"^(?:(?:it's|its|it is|i'd say|i think|i guess|probably|go with|pick|choose|option|number|no|#|the)\s+)*"
    r"(?P<word>\w+)(?:\s+(?:one|option|button|choice|please|i think|i guess))*$"
)


#: Words people add inside a phrase without changing it ("won't *even* turn on").
FILLERS = frozenset({"even", "really", "actually", "literally", "totally", "just", "still", "ever"})


def without_fillers(text: str) -> str:
    """Normalised ``text`` without filler words, so "won't even turn on" contains "won't turn on"."""
    return " ".join(w for w in text.split() if w not in FILLERS)


def phrases(option: Choice, values: bool = True) -> List[str]:
    """The normalised label, value (unless ``values`` is False) and synonyms of ``option``."""
    value = [normalize(option.value.replace("_", " "))] if values else []
    found = [normalize(option.label), *value, *(normalize(s) for s in option.synonyms)]
    return [p for p in dict.fromkeys(found) if p]


def label_words(option: Choice) -> List[str]:
    """The meaningful words of the option's label and synonyms (no stopwords, 3+ letters)."""
    found: List[str] = []
    for text in (option.label, *option.synonyms):
        found.extend(w for w in normalize(text).split() if len(w) >= 3 and w not in STOPWORDS)
    return list(dict.fromkeys(found))


def entity_values(entities: Dict[str, Any]) -> List[str]:
    """All entity values of a message as normalised strings."""
    values: List[str] = []
    for value in entities.values():
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if item is not None and str(item).strip():
                values.append(normalize(str(item)))
    return values


def by_exact(options: Sequence[Choice], text: str) -> Optional[Answer]:
    """The whole reply is an option's label, value or synonym."""
    norm = normalize(text)
    for option in options:
        if norm in (normalize(option.label), normalize(option.value), normalize(option.value.replace("_", " "))):
            return Answer(option.value, "typed", text.strip())
    for option in options:
        if norm in (normalize(s) for s in option.synonyms):
            return Answer(option.value, "synonym", text.strip())
    return None


def by_ordinal(options: Sequence[Choice], text: str) -> Optional[Answer]:
    """ "2", "the second one", "option 3", "last one", "the first" → that option."""
    norm = normalize(text)
    if norm.isdigit():
        number = int(norm)
        return Answer(options[number - 1].value, "ordinal", norm) if 1 <= number <= len(options) else None
    match = _ORDINAL_RE.match(norm)
    if not match:
        return None
    word = match.group("word")
    if word in LAST_WORDS:
        return Answer(options[-1].value, "ordinal", norm)
    index: Optional[int] = int(word) if word.isdigit() else ORDINALS.get(word)
    if index is None or not 1 <= index <= len(options):
        return None
    if word in ("one",) and not norm.startswith(("option", "number", "no ", "#")):
        return None  # "one" alone is not "the first" ("the one with the globe")
    return Answer(options[index - 1].value, "ordinal", norm)


def by_entity(options: Sequence[Choice], entities: Dict[str, Any]) -> Optional[Answer]:
    """An NLU entity (app, OS, device) naming exactly one option by a phrase or label word."""
    values = entity_values(entities)
    hits = _unique(
        option.value
        for option in options
        for value in values
        if value in phrases(option) or value in label_words(option) or any(find_phrase(p, value) is not None for p in phrases(option))
    )
    return Answer(hits, "entity", ", ".join(values)) if hits else None


def by_phrase(options: Sequence[Choice], text: str, values: bool = True) -> Tuple[Optional[Answer], List[str]]:
    """An option's label/synonym (or value) found inside the reply, not negated ("not at home").

    Returns:
        (answer, []) when exactly one option is named; (None, [labels]) when several are.
    """
    norm = without_fillers(normalize(text))
    named: Dict[str, Tuple[str, str]] = {}
    for option in options:
        for phrase in phrases(option, values):
            phrase = without_fillers(phrase)
            index = find_phrase(norm, phrase)
            if index is not None and len(phrase) >= 2 and not negated_at(norm, index):
                if len(phrase) > len(named.get(option.value, ("", ""))[1]):
                    named[option.value] = (option.label, phrase)
    corrected = _after_correction(options, text, values) if len(named) > 1 else None
    if corrected is not None:  # "windows — no wait, it's a mac": the person changed their mind
        return corrected, []
    if len(named) == 1:
        value, (_label, phrase) = next(iter(named.items()))
        return Answer(value, "synonym", phrase), []
    if len(named) > 1:
        # Prefer the longest phrase when one contains the others ("windows 11" over "windows").
        longest = max(named.items(), key=lambda kv: len(kv[1][1]))
        if all(other[1] in longest[1][1] for key, other in named.items() if key != longest[0]):
            return Answer(longest[0], "synonym", longest[1][1]), []
    return None, [label for label, _ in named.values()]


def _after_correction(options: Sequence[Choice], text: str, values: bool) -> Optional[Answer]:
    """The one option named after the last correction ("actually", "no wait", "I mean"), when
    the words before it named another; else None."""
    norm = normalize(text)
    marks = list(CORRECTION.finditer(norm))
    if not marks:
        return None
    head, tail = norm[: marks[-1].start()], norm[marks[-1].end() :]
    found, _ambiguous = by_phrase(options, tail, values)
    if found is None:
        return None
    earlier, named_before = by_phrase(options, head, values)
    if (earlier is None or earlier.value == found.value) and not named_before:
        return None
    return found


def by_label_words(options: Sequence[Choice], text: str) -> Tuple[Optional[Answer], List[str]]:
    """The option whose label words the reply shares most (ties are ambiguous)."""
    norm = normalize(text)
    reply = [w for w in norm.split() if w not in STOPWORDS]
    scores: List[Tuple[int, str, str, List[str]]] = []
    for option in options:
        hits = [w for w in label_words(option) if w in reply and not _negated_word(norm, w)]
        if hits:
            scores.append((len(hits), option.value, option.label, hits))
    if not scores:
        return None, []
    scores.sort(key=lambda s: -s[0])
    if len(scores) > 1 and scores[1][0] == scores[0][0]:
        return None, [s[2] for s in scores if s[0] == scores[0][0]]
    return Answer(scores[0][1], "label_words", " ".join(scores[0][3])), []


def _negated_word(norm: str, word: str) -> bool:
    """Whether every mention of ``word`` in ``norm`` is negated ("not at home")."""
    starts = [m.start() for m in re.finditer(rf"(?<![\w']){re.escape(word)}(?![\w'])", norm)]
    return bool(starts) and all(negated_at(norm, start) for start in starts)


def by_fuzzy(options: Sequence[Choice], text: str) -> Optional[Answer]:
    """A near spelling of an option's phrase or label word ("moniter", "anyconect")."""
    norm = normalize(text)
    reply_words = [w for w in norm.split() if len(w) >= 4 and w not in STOPWORDS and not _negated_word(norm, w)]
    scored: List[Tuple[float, str, str]] = []
    for option in options:
        best, what = 0.0, ""
        for phrase in phrases(option):
            ratio = difflib.SequenceMatcher(None, norm, phrase).ratio()
            if ratio > best:
                best, what = ratio, norm
        for word in label_words(option):
            for reply_word in reply_words:
                if len(word) >= 4:
                    ratio = difflib.SequenceMatcher(None, reply_word, word).ratio()
                    if ratio > best:
                        best, what = ratio, reply_word
        scored.append((best, option.value, what))
    scored.sort(key=lambda s: -s[0])
    if not scored or scored[0][0] < FUZZY_RATIO:
        return None
    if len(scored) > 1 and scored[1][0] >= scored[0][0] - 0.02:
        return None
    return Answer(scored[0][1], "fuzzy", scored[0][2])


def read_choice(options: Sequence[Choice], text: str, entities: Dict[str, Any]) -> Answer | Unclear:
    """The option a typed reply means, trying the surest readings first."""
    if not normalize(text):
        return Unclear("empty")
    for reader in (by_exact, by_ordinal):
        found = reader(options, text)
        if found is not None:
            return found
    found, ambiguous = by_phrase(options, text)
    if found is not None:
        return found
    by_ent = by_entity(options, entities)
    if by_ent is not None:
        return by_ent
    if ambiguous:
        return Unclear("ambiguous", " or ".join(f"“{a}”" for a in ambiguous))
    found, ambiguous = by_label_words(options, text)
    if found is not None:
        return found
    if ambiguous:
        return Unclear("ambiguous", " or ".join(f"“{a}”" for a in ambiguous))
    fuzzy = by_fuzzy(options, text)
    if fuzzy is not None:
        return fuzzy
    return Unclear("no_match", text.strip())


def _unique(values: Iterable[str]) -> Optional[str]:
    found = list(dict.fromkeys(values))
    return found[0] if len(found) == 1 else None
