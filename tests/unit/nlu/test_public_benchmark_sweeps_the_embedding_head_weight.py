"""bench/nlu_public.py scores the DIET + embedding-head mix at every weight from one run's recorded opinions."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def bench_module():
    spec = importlib.util.spec_from_file_location("nlu_public", ROOT / "bench" / "nlu_public.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sweep_moves_from_diets_answer_to_the_heads_as_the_weight_grows() -> None:
    bench = bench_module()
    # DIET is right on the first message, the head on the second.
    parts = [{"diet": [["a", 0.9], ["b", 0.1]], "head": [["b", 0.6], ["a", 0.4]]},
             {"diet": [["a", 0.55], ["b", 0.45]], "head": [["b", 0.9], ["a", 0.1]]}]
    sweep = bench.ensemble_sweep(parts, ["a", "b"], [0.0, 0.5, 1.0])
    assert sweep == {"0.00": 0.5, "0.50": 1.0, "1.00": 0.5}


def test_recorded_parts_keep_the_heads_best_intents_only() -> None:
    bench = bench_module()
    head = {f"i{n}": n / 100 for n in range(20)}
    compact = bench._compact_parts({"diet": [{"name": "i1", "confidence": 0.7}], "head": head}, keep=3)
    assert [name for name, _ in compact["head"]] == ["i19", "i18", "i17"]
    assert compact["diet"] == [["i1", 0.7]]
