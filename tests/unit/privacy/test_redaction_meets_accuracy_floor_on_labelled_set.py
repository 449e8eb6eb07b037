"""The labelled set (>= 300 messages, look-alikes included) meets the issue's accuracy goals."""

from __future__ import annotations

from bot.privacy.evaluate import load_set, score
from bot.privacy.redact import Redactor

from .conftest import LABELLED_SET

RECALL_FLOOR = {"card": 0.98, "email": 0.98, "phone": 0.98, "password": 0.98, "api_key": 0.98}
PRECISION_FLOOR = 0.95


def test_labelled_set_has_at_least_300_messages_with_and_without_personal_data() -> None:
    messages = load_set(LABELLED_SET)
    assert len(messages) >= 300
    with_data = [m for m in messages if m.spans]
    assert len(with_data) >= 150 and len(messages) - len(with_data) >= 100


def test_recall_and_precision_meet_the_goals(redactor: Redactor) -> None:
    result = score(redactor, load_set(LABELLED_SET))
    problems = []
    for kind, floor in RECALL_FLOOR.items():
        if result.kinds[kind].recall < floor:
            problems.append(f"{kind} recall {result.kinds[kind].recall:.3f} < {floor}")
    for kind, counts in result.kinds.items():
        if counts.precision < PRECISION_FLOOR:
            problems.append(f"{kind} precision {counts.precision:.3f} < {PRECISION_FLOOR}")
    assert not problems, "\n".join(problems + result.mistakes)


def test_redacted_text_no_longer_contains_any_labelled_value(redactor: Redactor) -> None:
    leaks = []
    for message in load_set(LABELLED_SET):
        redacted = redactor.redact(message.text)
        for kind, start, end in message.spans:
            if message.text[start:end] in redacted:
                leaks.append(f"line {message.line}: {kind} {message.text[start:end]!r} survives")
    assert not leaks, "\n".join(leaks)
