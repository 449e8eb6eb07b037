"""Privacy redaction benchmark: per-kind precision and recall, and messages per second.

Scores the redactor (config/privacy.yml) on the labelled set tests/unit/privacy/labelled_messages.yml
(311 messages with and without personal data, look-alikes included), then times redaction of the
whole set over several rounds and reports the median and spread.

    nice -n 19 .venv/bin/python bench/privacy.py
    nice -n 19 .venv/bin/python bench/privacy.py --rounds 7 --json

``--presidio`` also scores Microsoft Presidio's pattern recognisers on a blank spaCy pipeline when
presidio-analyzer is importable (it is not a dependency: install it into a scratch directory and
put that on PYTHONPATH), mapping its entity types onto ours; see docs/privacy.md for why Frontline
does not use it.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.privacy.detect import KINDS, Finding  # noqa: E402
from bot.privacy.evaluate import load_set, score  # noqa: E402
from bot.privacy.policy import load_policy  # noqa: E402
from bot.privacy.redact import Redactor  # noqa: E402

SET = ROOT / "tests" / "unit" / "privacy" / "labelled_messages.yml"
PRESIDIO_KINDS = {
    "EMAIL_ADDRESS": "email", "PHONE_NUMBER": "phone", "CREDIT_CARD": "card", "IBAN_CODE": "iban",
    "IP_ADDRESS": "ip", "US_SSN": "national_id", "UK_NINO": "national_id",
}


def timed(redact: Any, texts: List[str], rounds: int) -> Dict[str, float]:
    """Messages per second over ``rounds`` passes over ``texts``: median, min and max."""
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            redact(text)
        rates.append(len(texts) / (time.perf_counter() - start))
    return {"median": statistics.median(rates), "min": min(rates), "max": max(rates)}


class PresidioAsRedactor:
    """Presidio's analyzer behind the redactor's ``findings`` interface (for scoring only)."""

    def __init__(self) -> None:
        import spacy
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import SpacyNlpEngine

        class Blank(SpacyNlpEngine):
            def __init__(self) -> None:
                super().__init__(models=[{"lang_code": "en", "model_name": "blank"}])

            def load(self) -> None:
                self.nlp = {"en": spacy.blank("en")}

        engine = Blank()
        engine.load()
        registry = RecognizerRegistry()
        registry.load_predefined_recognizers(nlp_engine=engine)
        self.analyzer = AnalyzerEngine(nlp_engine=engine, registry=registry, supported_languages=["en"])

    def findings(self, text: str) -> List[Finding]:
        results = self.analyzer.analyze(text, language="en", score_threshold=0.3)
        return [
            Finding(PRESIDIO_KINDS[r.entity_type], r.start, r.end, text[r.start : r.end])
            for r in results
            if r.entity_type in PRESIDIO_KINDS
        ]


def report(name: str, result: Any, speed: Dict[str, float]) -> Dict[str, Any]:
    rows = {
        kind: {"tp": s.true_positives, "fp": s.false_positives, "fn": s.false_negatives,
               "precision": round(s.precision, 3), "recall": round(s.recall, 3)}
        for kind, s in result.kinds.items()
    }
    return {"name": name, "kinds": rows, "messages_per_second": {k: round(v) for k, v in speed.items()},
            "mistakes": result.mistakes}


def markdown(reports: List[Dict[str, Any]], count: int, rounds: int) -> str:
    lines = [f"Labelled set: {count} messages; speed over {rounds} rounds (median, min–max); "
             f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}.", ""]
    for rep in reports:
        speed = rep["messages_per_second"]
        lines += [f"**{rep['name']}** — {speed['median']:,} messages/s (min {speed['min']:,}, max {speed['max']:,})", "",
                  "| kind | labelled | found right | wrong finds | precision | recall |", "|---|---|---|---|---|---|"]
        for kind in KINDS:
            row = rep["kinds"][kind]
            lines.append(f"| {kind} | {row['tp'] + row['fn']} | {row['tp']} | {row['fp']} | {row['precision']:.3f} | {row['recall']:.3f} |")
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--presidio", action="store_true")
    parser.add_argument("--set", choices=["labelled", "heldout"], default="labelled",
                        help="labelled: the tuned set (tests' floor); heldout: written after tuning")
    args = parser.parse_args()
    messages = load_set(SET if args.set == "labelled" else SET.with_name("heldout_messages.yml"))
    texts = [m.text for m in messages]
    redactor = Redactor(load_policy(ROOT / "config" / "privacy.yml"))
    reports = [report("Frontline (bot/privacy/detect.py)", score(redactor, messages), timed(redactor.redact, texts, args.rounds))]
    if args.presidio:
        presidio = PresidioAsRedactor()
        reports.append(report("Presidio 2.2 pattern recognisers, blank spaCy", score(presidio, messages),
                              timed(presidio.findings, texts, max(1, args.rounds // 2))))
    if args.json:
        print(json.dumps(reports, indent=2))
    else:
        print(markdown(reports, len(messages), args.rounds))
        for rep in reports:
            for mistake in rep["mistakes"][:15]:
                print(f"  {rep['name'].split()[0]}: {mistake}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
