"""Choose the EmbeddingHead weight on a validation split of our own training data, never the test sets.

    .venv/bin/python bench/ensemble_cv.py [--folds 5] [--run-folds 0,1] [--seed 0]

``config.yml``'s pipeline (without its FallbackClassifier) is trained, through Rasa, on k-1 folds
of ``nlu_data/`` and scored on the held-out fold twice: the examples as written (short messages)
and every topic example wrapped the way people write a first message (a courtesy opener, one or
two neutral context sentences, a courtesy closer). The context sentences of the long versions are
written here, apart from ``bot/rasa_ext/context_sentences.txt`` (which LongMessageAugmenter wraps
the training examples in), so no context sentence is both learnt and tested. The run records
DIET's and the head's opinions for every message (``embedding_head_parts``), so every weight
``w`` of ``(1 - w) * DIET + w * head`` is scored from the same training, as deployed (top intent
right and its confidence at or above the fallback threshold) and closed-set.

Neither ``tests/nlu/test_set.yml`` nor ``tests/nlu/long_messages.yml`` is read: they stay
held out for the regression tests.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OPENERS = ["Hi there, hope you're well.", "Hello!", "Good morning, sorry to bother you.", "Hey team.",
           "Hi, hope your week is going well.", "Morning all."]
CLOSERS = ["Thanks so much in advance!", "Cheers.", "Kind regards.", "Many thanks.", "Thank you for your help!",
           "Appreciate it."]
#: Neutral context for the validation messages: none of these is in context_sentences.txt.
VALIDATION_CONTEXT = [
    "I've got a presentation at two.", "My team lead told me to message you.", "It worked last Friday.",
    "This has been going on for a few days now.", "I'm on the late shift tonight.",
    "Not sure if this is the right place to ask.", "I've been putting off reporting it.",
    "I'm covering for a colleague this week.", "It happened right after lunch.",
    "I already asked around the office.", "I'm quite stressed about it to be honest.",
    "This is holding up the whole team.", "I'm at the other site today.", "Nobody else seems to have it.",
]
WEIGHTS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0)
#: Weights whose mean as deployed is this close to the best count as tied (a validation fold of
#: about 220 short and 100 long messages moves by 0.5 points with one or two messages).
TOLERANCE = 0.005


def recommend(table: Dict[str, Dict[str, Any]]) -> float:
    """The weight to ship: among those within TOLERANCE of the best mean as deployed (short and
    long), the one with the best closed-set mean (the head's gain in ranking, kept where the
    fallback threshold does not pay for it).

    Args:
        table: per weight, ``short``/``long`` (as deployed, closed-set) and ``mean_deployed``.

    Returns:
        The recommended weight.
    """
    top = max(row["mean_deployed"] for row in table.values())
    tied = [w for w, row in table.items() if row["mean_deployed"] >= top - TOLERANCE]
    return float(max(tied, key=lambda w: (table[w]["short"][1] + table[w]["long"][1], -float(w))))


def wrap(text: str, rng: random.Random) -> str:
    """A long first message around one example: opener, the example and context in random order, closer."""
    core = text[0].upper() + text[1:]
    core += "" if core[-1] in ".!?" else "."
    middle = [core, *rng.sample(VALIDATION_CONTEXT, rng.randint(1, 2))]
    rng.shuffle(middle)
    return " ".join([rng.choice(OPENERS), *middle, rng.choice(CLOSERS)])


def mix(parts: Dict[str, List[List[Any]]], weight: float) -> Tuple[str, float]:
    """Top intent and confidence of ``(1 - w) * DIET + w * head`` from recorded parts."""
    combined: Dict[str, float] = {}
    for name, p in parts["diet"]:
        combined[name] = combined.get(name, 0.0) + (1 - weight) * p
    for name, p in parts["head"]:
        combined[name] = combined.get(name, 0.0) + weight * p
    best = max(combined, key=lambda n: combined[n])
    return best, combined[best]


def score(parts: Sequence[Dict[str, List[List[Any]]]], gold: Sequence[str], weight: float,
          threshold: float) -> Tuple[float, float]:
    """(as deployed, closed-set) accuracy at one weight."""
    deployed = closed = 0
    for row, truth in zip(parts, gold, strict=True):
        name, confidence = mix(row, weight)
        closed += name == truth
        deployed += name == truth and confidence >= threshold
    return deployed / len(gold), closed / len(gold)


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--run-folds", default="0,1", help="which folds to train and score (each is one Rasa training)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks" / "ensemble_cv.json")
    args = parser.parse_args(argv)

    from rasa.shared.nlu.training_data.loading import load_data

    from bench.nlu_public import fallback_threshold, project_pipeline, run_pipeline, without_fallback

    full = project_pipeline(args.config)
    threshold = fallback_threshold(full) or 0.5
    pipeline = without_fallback(full)
    excluded = set(next(c for c in full if c["name"].endswith("LongMessageAugmenter"))["exclude_intents"])
    examples = [(m.get("text"), m.get("intent")) for f in sorted((ROOT / "nlu_data" / "nlu").glob("*.yml"))
                for m in load_data(str(f)).intent_examples if m.get("intent")]
    rng = random.Random(args.seed)
    order = list(range(len(examples)))
    rng.shuffle(order)
    report: Dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M"), "threshold": threshold, "folds": {}}
    pooled: Dict[str, Tuple[List[Any], List[str]]] = {"short": ([], []), "long": ([], [])}
    for fold in [int(f) for f in args.run_folds.split(",")]:
        test_idx = set(order[fold :: args.folds])
        train = [examples[i] for i in range(len(examples)) if i not in test_idx]
        short = [examples[i] for i in sorted(test_idx)]
        long_ = [(wrap(t, rng), i) for t, i in short if i not in excluded]
        evaluation = {"short": [t for t, _ in short], "long": [t for t, _ in long_]}
        res = run_pipeline(f"ensemble-cv-fold{fold}", pipeline, train, evaluation, 24 * 3600.0,
                           ROOT / "docs" / "benchmarks" / "logs")
        fold_report: Dict[str, Any] = {"train_examples": len(train), "train_seconds": res["train_seconds"]}
        for name, rows in (("short", short), ("long", long_)):
            parts = res["ensemble_parts"][name]
            gold = [i for _, i in rows]
            pooled[name][0].extend(parts)
            pooled[name][1].extend(gold)
            fold_report[name] = {f"{w:.1f}": score(parts, gold, w, threshold) for w in WEIGHTS}
        report["folds"][str(fold)] = fold_report
        print(f"fold {fold}: {json.dumps(fold_report)}", flush=True)

    print(f"\nthreshold {threshold}; as deployed / closed-set %, pooled over folds "
          f"({len(pooled['short'][1])} short, {len(pooled['long'][1])} long)")
    print("| head weight w | short, as deployed | short, closed-set | long, as deployed | long, closed-set | mean as deployed |")
    print("|---|---|---|---|---|---|")
    table = {}
    for w in WEIGHTS:
        s = score(*pooled["short"], w, threshold)
        lo = score(*pooled["long"], w, threshold)
        mean = statistics.fmean([s[0], lo[0]])
        table[f"{w:.1f}"] = {"short": s, "long": lo, "mean_deployed": mean}
        print(f"| {w:.1f} | {100 * s[0]:.1f} | {100 * s[1]:.1f} | {100 * lo[0]:.1f} | {100 * lo[1]:.1f} | {100 * mean:.1f} |")
    report["pooled"] = table
    best = recommend(table)
    report["recommended_weight"] = best
    print(f"recommended weight (within {TOLERANCE * 100:.1f} points of the best mean as deployed, "
          f"then the best closed-set mean): {best}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
