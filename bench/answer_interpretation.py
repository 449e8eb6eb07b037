"""How often replies written apart from the code are read right (bot/flows/understanding).

Reads bench/answer_interpretation_heldout.yml (replies written after the interpreter, never used
to tune it) against the questions of the shipped flows, and prints accuracy per kind of
expectation plus every miss. Pure Python, no servers: ``python bench/answer_interpretation.py``.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any, Dict, Tuple

from ruamel.yaml import YAML

from bot.flows.loading.loader import load_flows
from bot.flows.kinds.understand import context_for, question_for
from bot.flows.understanding import Answer, Hedge, Interruption, Message, Unclear, interpret

ROOT = Path(__file__).resolve().parents[1]


def expected_of(case: Dict[str, Any]) -> Tuple[str, Any]:
    """The case's expectation as (kind, value)."""
    for kind in ("answer", "interrupt", "hedge", "unclear"):
        if kind in case:
            return kind, case[kind]
    raise ValueError(f"case without an expectation: {case}")


def matches(got: Any, kind: str, value: Any) -> bool:
    """Whether the interpretation is what the case expects."""
    if kind == "answer":
        return isinstance(got, Answer) and got.value == value
    if kind == "interrupt":
        return isinstance(got, Interruption) and got.kind == value
    if kind == "hedge":
        return isinstance(got, Hedge) and got.kind == value
    return isinstance(got, Unclear)


def main() -> int:
    """Run every case; print accuracy by kind and the misses."""
    cases = YAML(typ="safe").load((ROOT / "bench" / "answer_interpretation_heldout.yml").read_text())["cases"]
    flowset, problems = load_flows(ROOT / "flows")
    if problems:
        print("\n".join(map(str, problems)))
        return 1
    total: Counter = Counter()
    right: Counter = Counter()
    misses = []
    for case in cases:
        flow_id, step_id = case["q"].split(".")
        flow = flowset.flows[flow_id]
        step = flow.step(step_id)
        message = Message(str(case["text"]), case.get("intent"), float(case.get("confidence", 0.0)))
        got = interpret(question_for(step), message, context_for(flowset, [flow], [], 0.8))
        kind, value = expected_of(case)
        total[kind] += 1
        if matches(got, kind, value):
            right[kind] += 1
        else:
            misses.append(f"  {case['q']}: {case['text']!r} expected {kind}={value!r}, got {got}")
    n, ok = sum(total.values()), sum(right.values())
    print(f"held-out replies: {ok}/{n} read right ({100 * ok / n:.1f}%)")
    for kind in total:
        print(f"  {kind:10s} {right[kind]}/{total[kind]}")
    if misses:
        print("misses:")
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
