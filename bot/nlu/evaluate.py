"""Evaluate intent classification of a trained model on a held-out Rasa NLU file."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Tuple


@dataclass
class Evaluation:
    """Intent accuracy and the mistakes behind it."""

    total: int = 0
    correct: int = 0
    errors: List[Tuple[str, str, str, float]] = field(default_factory=list)  # text, expected, got, conf
    per_intent: Dict[str, Counter] = field(default_factory=dict)

    @property
    def accuracy(self) -> float:
        """Share of examples whose top intent is the labelled one (nlu_fallback counts as wrong)."""
        return self.correct / self.total if self.total else 0.0


class Parser:
    """Parses messages with a trained Rasa model, in-process (NLU part only)."""

    def __init__(self, model: Path) -> None:
        import logging

        from rasa.core.agent import Agent
        from rasa.utils.log_utils import configure_structlog

        # Rasa logs every parse at debug level through structlog; a CLI must not.
        configure_structlog(logging.WARNING)
        self._agent = Agent.load(str(model))
        self._loop = asyncio.new_event_loop()

    def parse(self, text: str) -> Dict[str, Any]:
        """Rasa's parse result (intent, intent_ranking, entities) for ``text``."""
        return self._loop.run_until_complete(self._agent.parse_message(text))

    def close(self) -> None:
        """Release the event loop."""
        self._loop.close()


def evaluate(parser: Parser, test_file: Path) -> Evaluation:
    """Classify every example of ``test_file`` and compare with its label."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(test_file))
    result = Evaluation()
    for example in data.intent_examples:
        expected = example.get("intent")
        parsed = parser.parse(example.get("text"))
        got = (parsed.get("intent") or {}).get("name")
        conf = float((parsed.get("intent") or {}).get("confidence") or 0.0)
        result.total += 1
        counts = result.per_intent.setdefault(expected, Counter())
        counts["total"] += 1
        if got == expected:
            result.correct += 1
            counts["correct"] += 1
        else:
            result.errors.append((example.get("text"), expected, str(got), conf))
    return result
