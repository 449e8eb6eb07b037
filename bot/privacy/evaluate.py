"""Score the redactor against a labelled set (tests/unit/privacy/labelled_messages.yml).

Messages mark personal data inline as ``[[kind:value]]``. A finding is right when it has the
labelled kind and covers the whole labelled value; anything else it reports is a false positive.
Used by the unit test that holds the accuracy floor and by ``bench/privacy.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Tuple

from bot.privacy.detect import KINDS, Finding
from bot.privacy.redact import Redactor

_MARK = re.compile(r"\[\[(?P<kind>[a-z_]+):(?P<value>.+?)\]\]")


@dataclass(frozen=True)
class Labelled:
    """One message of the set: plain text and the labelled spans ``(kind, start, end)``."""

    text: str
    spans: Tuple[Tuple[str, int, int], ...]
    line: int


def parse_marked(marked: str, line: int = 0) -> Labelled:
    """Turn ``"mail [[email:a@b.co]]"`` into the text and its labelled spans.

    Raises:
        ValueError: an unknown kind is used.
    """
    text_parts: List[str] = []
    spans: List[Tuple[str, int, int]] = []
    cursor = 0
    length = 0
    for match in _MARK.finditer(marked):
        if match.group("kind") not in KINDS:
            raise ValueError(f"line {line}: unknown kind {match.group('kind')!r}")
        before = marked[cursor : match.start()]
        text_parts.append(before)
        length += len(before)
        value = match.group("value")
        spans.append((match.group("kind"), length, length + len(value)))
        text_parts.append(value)
        length += len(value)
        cursor = match.end()
    text_parts.append(marked[cursor:])
    return Labelled("".join(text_parts), tuple(spans), line)


def load_set(path: Path) -> List[Labelled]:
    """Read the labelled set (a YAML list of marked strings), keeping line numbers."""
    from ruamel.yaml import YAML

    doc = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    return [parse_marked(str(item), doc.lc.item(index)[0] + 1) for index, item in enumerate(doc)]


@dataclass
class KindScore:
    """Counts for one kind."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        """Share of findings of this kind that were right (1.0 when there were none)."""
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        """Share of labelled values of this kind that were found (1.0 when there were none)."""
        labelled = self.true_positives + self.false_negatives
        return self.true_positives / labelled if labelled else 1.0


@dataclass
class Score:
    """Per-kind scores plus the messages that went wrong (for the report)."""

    kinds: Dict[str, KindScore] = field(default_factory=lambda: {kind: KindScore() for kind in KINDS})
    mistakes: List[str] = field(default_factory=list)


def score(redactor: Redactor, messages: List[Labelled]) -> Score:
    """Compare the redactor's findings with the labels."""
    result = Score()
    for message in messages:
        found: List[Finding] = redactor.findings(message.text)
        matched = set()
        for kind, start, end in message.spans:
            hit = next(
                (i for i, f in enumerate(found) if f.kind == kind and f.start <= start and f.end >= end and i not in matched),
                None,
            )
            if hit is None:
                result.kinds[kind].false_negatives += 1
                result.mistakes.append(f"line {message.line}: missed {kind} {message.text[start:end]!r}")
            else:
                matched.add(hit)
                result.kinds[kind].true_positives += 1
        for index, finding in enumerate(found):
            if index not in matched:
                result.kinds[finding.kind].false_positives += 1
                result.mistakes.append(f"line {message.line}: wrongly found {finding.kind} {finding.value!r}")
    return result
