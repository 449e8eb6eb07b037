"""Intent accuracy on the held-out set may not drop more than 2 points below the record."""

import json
from pathlib import Path

from bot.nlu.evaluate import Parser, evaluate

HERE = Path(__file__).parent
TOLERANCE = 0.02


def test_held_out_intent_accuracy_stays_within_two_points_of_record(parser: Parser) -> None:
    record = json.loads((HERE / "baseline.json").read_text())["intent_accuracy"]
    result = evaluate(parser, HERE / "test_set.yml")
    print(f"held-out intent accuracy: {result.accuracy:.3f} on {result.total} examples (record {record:.3f})")
    worst = "\n".join(f"  {t!r}: expected {e}, got {g} ({c:.2f})" for t, e, g, c in result.errors[:15])
    assert result.total >= 10 * len(result.per_intent)
    assert result.accuracy >= record - TOLERANCE, f"accuracy {result.accuracy:.3f} < {record - TOLERANCE:.3f}; mistakes:\n{worst}"


def test_test_set_does_not_overlap_training_data() -> None:
    from rasa.shared.nlu.training_data.loading import load_data

    norm = lambda s: " ".join(s.lower().split())  # noqa: E731
    train = {norm(e.get("text")) for f in (HERE.parent.parent / "nlu_data" / "nlu").glob("*.yml") for e in load_data(str(f)).intent_examples}
    test = {norm(e.get("text")) for e in load_data(str(HERE / "test_set.yml")).intent_examples}
    assert not train & test, sorted(train & test)[:10]
