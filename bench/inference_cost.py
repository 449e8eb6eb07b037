"""In-process inference cost: NLU parse time per message and KB query embedding time.

    .venv/bin/python bench/inference_cost.py                      # the project's model
    .venv/bin/python bench/inference_cost.py --model path/to/model.tar.gz --rounds 5

- **NLU parse**: the trained model parses every message of ``tests/nlu/test_set.yml`` (short) and
  ``tests/nlu/long_messages.yml`` (long) through Rasa's ``Agent.parse_message``, as the Rasa server
  does for each user turn, one message at a time, after a warm-up. Each round gives a p50; the
  table reports the median, min and max of the round p50s and the p95 over all parses.
- **KB query embedding**: ``bot.kb.dense.MiniLMEmbedder.embed([question])`` for the questions of
  ``bench/kb_questions.yml``, the way the action server embeds a user's question: the eager path
  the bot uses today (``compile_from=512``, so one-question calls never trace a graph) against the
  compiled ``tf.function`` path (``compile_from=1``, input signature ``[None, None]``, so it is
  traced once per process whatever the length); the one-off tracing cost is reported apart.

Prints a Markdown table and writes ``<out>/inference_cost.json``. Timings only: nothing asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0-1) of ``values`` by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def timed_rounds(call: Callable[[str], Any], texts: Sequence[str], rounds: int) -> dict[str, Any]:
    """Time ``call(text)`` for every text, ``rounds`` times; per-round p50s and overall p95 in ms."""
    round_p50s: list[float] = []
    every: list[float] = []
    for _ in range(rounds):
        samples = []
        for text in texts:
            started = time.perf_counter()
            call(text)
            samples.append(1000 * (time.perf_counter() - started))
        round_p50s.append(statistics.median(samples))
        every.extend(samples)
    return {
        "n_per_round": len(texts), "rounds": rounds,
        "p50_ms_median_of_rounds": round(statistics.median(round_p50s), 2),
        "p50_ms_min": round(min(round_p50s), 2), "p50_ms_max": round(max(round_p50s), 2),
        "p95_ms": round(percentile(every, 0.95), 2),
        "mean_ms": round(statistics.fmean(every), 2),
    }


def load_texts(path: Path) -> list[str]:
    """The example texts of a Rasa NLU file."""
    from rasa.shared.nlu.training_data.loading import load_data

    return [m.get("text") for m in load_data(str(path)).intent_examples]


def kb_questions(path: Path) -> list[str]:
    """The question texts of ``bench/kb_questions.yml``."""
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(path.read_text())
    items = data.get("questions", data) if isinstance(data, dict) else data
    out: list[str] = []
    for item in items:
        if isinstance(item, dict):
            text = item.get("question") or item.get("text") or item.get("q")
            if text:
                out.append(str(text))
        elif isinstance(item, str):
            out.append(item)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, help="trained Rasa model (default: the project's, trained if needed)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--skip-nlu", action="store_true")
    parser.add_argument("--skip-kb", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks")
    args = parser.parse_args(argv)
    for key, value in {"TF_CPP_MIN_LOG_LEVEL": "2", "RASA_TELEMETRY_ENABLED": "false",
                       "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}.items():
        os.environ.setdefault(key, value)
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M"), "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
    }

    if not args.skip_nlu:
        from bot.nlu.evaluate import Parser

        model = args.model
        if model is None:
            from bot.config import Settings
            from bot.training import ensure_model

            settings = Settings.from_env()
            model = ensure_model(settings.project_dir, settings.model_dir, settings.model_cache)
        short = load_texts(ROOT / "tests" / "nlu" / "test_set.yml")
        long = load_texts(ROOT / "tests" / "nlu" / "long_messages.yml")
        nlu = Parser(Path(model))
        try:
            for text in short[:20]:  # warm-up: graph tracing, caches
                nlu.parse(text)
            report["nlu_model"] = str(model)
            report["nlu_parse_short"] = timed_rounds(nlu.parse, short, args.rounds)
            report["nlu_parse_long"] = timed_rounds(nlu.parse, long, args.rounds)
        finally:
            nlu.close()
        print(json.dumps({k: report[k] for k in ("nlu_parse_short", "nlu_parse_long")}, indent=1), flush=True)

    if not args.skip_kb:
        from bot.kb.dense import MiniLMEmbedder

        questions = kb_questions(ROOT / "bench" / "kb_questions.yml")
        for label, compile_from in (("kb_embed_eager", 512), ("kb_embed_compiled", 1)):
            embedder = MiniLMEmbedder(compile_from=compile_from)
            started = time.perf_counter()
            embedder.load()
            load_s = time.perf_counter() - started
            started = time.perf_counter()
            embedder.embed([questions[0]])
            first_ms = 1000 * (time.perf_counter() - started)
            for text in questions[:10]:
                embedder.embed([text])
            report[label] = {**timed_rounds(lambda t, e=embedder: e.embed([t]), questions, args.rounds),
                             "load_s": round(load_s, 2), "first_call_ms": round(first_ms, 1)}
            print(label, json.dumps(report[label]), flush=True)

    report["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "inference_cost.json").write_text(json.dumps(report, indent=1))
    print(markdown(report))
    return 0


def markdown(report: dict[str, Any]) -> str:
    """The results as a Markdown table."""
    lines = ["| measure | n × rounds | p50 ms (median of rounds) | p50 min-max | p95 ms | extra |",
             "|---|---|---|---|---|---|"]
    for key, label in (("nlu_parse_short", "NLU parse, short messages"),
                       ("nlu_parse_long", "NLU parse, long messages"),
                       ("kb_embed_eager", "KB query embedding, eager (today)"),
                       ("kb_embed_compiled", "KB query embedding, tf.function")):
        row = report.get(key)
        if not row:
            continue
        extra = f"first call {row['first_call_ms']} ms" if "first_call_ms" in row else ""
        lines.append(f"| {label} | {row['n_per_round']} × {row['rounds']} | {row['p50_ms_median_of_rounds']} | "
                     f"{row['p50_ms_min']}-{row['p50_ms_max']} | {row['p95_ms']} | {extra} |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
