"""Lint checks on how answers are understood: synonyms that name two options, ``unsure`` options.

A synonym (or a label/value) that names two options of one question makes typed replies
ambiguous: "mac" cannot mean both "Mac" and "MacBook dock". The bot would re-ask every time, so
the designer gets an error pointing at the second option.
"""

from __future__ import annotations

from typing import Dict, List, Tuple

from bot.flows.model import Location, Option, Problem, Step
from bot.flows.understanding.text import normalize


def _names(option: Option) -> List[Tuple[str, str]]:
    """(normalised phrase, how it was written) for the option's label, value and synonyms."""
    named = [(normalize(option.label), f"label {option.label!r}"), (normalize(option.value.replace("_", " ")), f"value {option.value!r}")]
    named += [(normalize(s), f"synonym {s!r}") for s in option.synonyms]
    return [(phrase, what) for phrase, what in named if phrase]


def check_shared_synonyms(steps: Tuple[Step, ...], flow_id: str) -> List[Problem]:
    """An error for every synonym that also names another option of the same question."""
    problems: List[Problem] = []
    for step in steps:
        if step.kind != "ask" or step.answer is None or step.answer.type != "choice":
            continue
        owner: Dict[str, Tuple[Option, str]] = {}
        for option in step.answer.options:
            for phrase, what in _names(option):
                first = owner.get(phrase)
                if first is None:
                    owner[phrase] = (option, what)
                    continue
                if first[0].value == option.value or not what.startswith("synonym"):
                    continue
                location = option.location or step.location
                problems.append(Problem(
                    Location(location.file, location.line),
                    f"flow '{flow_id}' step '{step.id}': {what} of option {option.label!r} also names option "
                    f"{first[0].label!r} ({first[1]}); a reply saying {phrase!r} would be ambiguous — keep it on one option",
                ))
    return problems
