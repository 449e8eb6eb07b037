"""Compare NLU pipelines on public data: any text,category intent set (two regimes) and CLINC150.

    .venv/bin/python bench/nlu_public.py \
        --banking77 /work/shared/datasets/banking77 \
        --clinc150 /work/shared/datasets/clinc150/data_full.json
    .venv/bin/python bench/nlu_public.py --dataset "My intents=/path/to/folder" --runs 10shot,full

``--dataset NAME=FOLDER`` (repeatable) takes any folder holding ``train.csv`` and ``test.csv``
with ``text`` and ``category`` columns, and names it NAME in the table; ``--banking77 FOLDER`` is
the same as ``--dataset Banking77=FOLDER``.

Pipelines:
- ``stock``: the pipeline `rasa init` trains with (Rasa's own default config, read from the
  installed package: count vectors word + char_wb 1-4, DIET 100 epochs, ResponseSelector).
- ``ours``: the pipeline of the project's config.yml (or ``--ours-config``).
- ``tfidf``: not Rasa: TF-IDF word 1-2-grams + logistic regression (scikit-learn), the
  seconds-to-train baseline any learned pipeline has to beat (Banking77 runs only).
Both run without their FallbackClassifier so accuracy is measured on the top intent; the
out-of-scope numbers apply the confidence threshold afterwards, on the same predictions.

Runs (each in its own process, one after the other, so peak memory is per run):
- each data set, 10 examples per intent (the first 10 of each intent in train.csv, or with
  ``--seeds 1,2,3`` one random draw per seed, DIET and the augmenter seeded with it), stock and ours;
- each data set, full training split, stock and ours, each with the same wall-clock training budget
  (``--budget-minutes``, default 30): a DIET whose next epoch would overrun the budget stops
  and is evaluated as it is, and the table says how many epochs it got;
- CLINC150 (data_full.json), ours, trained on the in-scope training split: in-scope accuracy and
  out-of-scope recall; the threshold is chosen on the validation split (maximising the mean of
  in-scope accuracy and oos recall) and reported on the test split, with the whole curve.

Writes ``<out>/nlu_public.json`` (every number, and the per-example confidences behind the
curves) and ``<out>/nlu_public.md`` (the table). Nothing is downloaded; the data paths are
arguments.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
Example = Tuple[str, str]  # text, intent

REFERENCES = {
    "banking77_full": "BERT fine-tuned 93.66, USE+ConveRT 93.36 (Casanueva et al. 2020, table 3)",
    "banking77_10shot": "USE+ConveRT 85.19 (Casanueva et al. 2020, table 3)",
    "clinc150": "BERT 96.2 / 52.3, MLP on USE 93.4 / 49.1, Rasa NLU (spacy-sklearn) 90.9 / 31.2, "
    "DialogFlow 90.8 / 26.7 (Larson et al. 2019, table 2, confidence threshold)",
}


# ------------------------------------------------------------------------------------ data
def load_text_category(folder: Path) -> Tuple[List[Example], List[Example]]:
    """(train, test) from ``train.csv`` / ``test.csv`` (columns text, category) of any intent set."""

    def read(name: str) -> List[Example]:
        with open(folder / name, newline="", encoding="utf-8") as handle:
            return [(row["text"].strip(), row["category"]) for row in csv.DictReader(handle)]

    return read("train.csv"), read("test.csv")


def dataset_slug(name: str) -> str:
    """The result-key prefix of a data set: ``b77`` for Banking77 (earlier results), else its name."""
    if name == "Banking77":
        return "b77"
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")


def parse_dataset(value: str) -> Tuple[str, Path]:
    """``NAME=FOLDER`` from the command line."""
    name, sep, folder = value.partition("=")
    if not sep or not name.strip() or not folder.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=FOLDER, got {value!r}")
    return name.strip(), Path(folder.strip())


def first_per_intent(examples: Sequence[Example], k: int) -> List[Example]:
    """The first ``k`` examples of every intent, in file order."""
    seen: Dict[str, int] = {}
    out = []
    for text, intent in examples:
        if seen.get(intent, 0) < k:
            seen[intent] = seen.get(intent, 0) + 1
            out.append((text, intent))
    return out


def sample_per_intent(examples: Sequence[Example], k: int, seed: int) -> List[Example]:
    """``k`` examples of every intent drawn at random (seeded), in file order.

    Args:
        examples: the training split.
        k: examples per intent.
        seed: seed of the draw (the same seed draws the same examples).

    Returns:
        The drawn examples.
    """
    import random

    by_intent: Dict[str, List[int]] = {}
    for index, (_, intent) in enumerate(examples):
        by_intent.setdefault(intent, []).append(index)
    rng = random.Random(seed)
    chosen = sorted(i for intent in sorted(by_intent) for i in rng.sample(by_intent[intent], min(k, len(by_intent[intent]))))
    return [examples[i] for i in chosen]


def with_seed(pipeline: Sequence[Dict[str, Any]], seed: int) -> List[Dict[str, Any]]:
    """The pipeline with every seeded component (DIET's ``random_seed``, the augmenter's ``seed``) at ``seed``."""
    out = []
    for component in pipeline:
        component = dict(component)
        if component.get("name") == "DIETClassifier":
            component["random_seed"] = seed
        if str(component.get("name", "")).endswith("LongMessageAugmenter"):
            component["seed"] = seed
        out.append(component)
    return out


def load_clinc150(path: Path) -> Dict[str, List[Example]]:
    """Every split of CLINC150's data_full.json (train, val, test, oos_train, oos_val, oos_test)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {key: [(text, intent) for text, intent in rows] for key, rows in data.items()}


# ------------------------------------------------------------------------------- pipelines
def stock_pipeline() -> List[Dict[str, Any]]:
    """The NLU pipeline `rasa init` trains with: Rasa's default config (the init project
    leaves its pipeline commented out, so this default is what runs)."""
    import rasa.engine.recipes.default_recipe as recipe
    from ruamel.yaml import YAML

    path = Path(recipe.__file__).parent / "config_files" / "default_config.yml"
    return list(YAML(typ="safe").load(path.read_text())["pipeline"])


def project_pipeline(config: Path) -> List[Dict[str, Any]]:
    """The pipeline of a project config.yml."""
    from ruamel.yaml import YAML

    return list(YAML(typ="safe").load(config.read_text())["pipeline"])


def fallback_threshold(pipeline: Sequence[Dict[str, Any]]) -> Optional[float]:
    """The FallbackClassifier threshold of a pipeline, if it has one."""
    for component in pipeline:
        if component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", 0.3))
    return None


def without_fallback(pipeline: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [dict(c) for c in pipeline if c.get("name") != "FallbackClassifier"]


# ------------------------------------------------------------------------------ one run
def child_main(spec_path: Path, result_path: Path) -> int:
    """Train one pipeline and classify the evaluation texts (runs in a fresh process)."""
    spec = json.loads(spec_path.read_text())
    budget = float(spec["budget_seconds"])
    started = time.monotonic()
    stats: Dict[str, Any] = {"epochs": [], "stopped_by_budget": False}

    import tensorflow as tf
    import rasa.utils.train_utils as train_utils

    original = train_utils.create_common_callbacks

    class Budget(tf.keras.callbacks.Callback):
        """Stops training when the next epoch would overrun the wall-clock budget."""

        def __init__(self, planned: int) -> None:
            super().__init__()
            self.planned = planned
            self.done = 0
            self.epoch_started = time.monotonic()

        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            self.epoch_started = time.monotonic()

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            self.done = epoch + 1
            last = time.monotonic() - self.epoch_started
            stats["epochs"][-1] = {"planned": self.planned, "done": self.done, "last_epoch_s": round(last, 2)}
            if self.done < self.planned and time.monotonic() - started + last > budget:
                stats["stopped_by_budget"] = True
                self.model.stop_training = True

    def callbacks(epochs: int, *args: Any, **kwargs: Any) -> List[Any]:
        stats["epochs"].append({"planned": epochs, "done": 0})
        return [*original(epochs, *args, **kwargs), Budget(epochs)]

    train_utils.create_common_callbacks = callbacks

    from rasa.model_training import train_nlu
    from ruamel.yaml import YAML

    work = Path(spec["workdir"])
    config = work / "config.yml"
    with open(config, "w") as handle:
        YAML().dump({"recipe": "default.v1", "language": "en", "pipeline": spec["pipeline"]}, handle)
    model = train_nlu(str(config), spec["train_file"], str(work / "models"), fixed_model_name="bench")
    train_seconds = time.monotonic() - started
    if not model:
        raise RuntimeError("training produced no model")

    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage
    from rasa.shared.core.constants import ACTION_LISTEN_NAME  # noqa: F401 (rasa import order)
    from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER

    agent = Agent.load(model)
    processor = agent.processor
    target = processor.model_metadata.nlu_target
    outputs: Dict[str, List[List[Any]]] = {}
    part_rows: Dict[str, List[Dict[str, Any]]] = {}
    t0 = time.monotonic()
    n = 0
    for name, texts in spec["eval"].items():
        rows = []
        for start in range(0, len(texts), 64):
            batch = [UserMessage(text) for text in texts[start : start + 64]]
            parsed = processor.graph_runner.run(
                inputs={PLACEHOLDER_MESSAGE: batch, PLACEHOLDER_TRACKER: None}, targets=[target]
            )[target]
            for message in parsed:
                ranking = message.get("intent_ranking") or [message.get("intent") or {}]
                top = ranking[0] if ranking else {}
                second = ranking[1] if len(ranking) > 1 else {}
                rows.append([top.get("name"), round(float(top.get("confidence") or 0.0), 5),
                             second.get("name"), round(float(second.get("confidence") or 0.0), 5)])
                parts = message.get("embedding_head_parts")  # bot/rasa_ext/embedding_head.py
                if parts:
                    part_rows.setdefault(name, []).append(_compact_parts(parts))
        outputs[name] = rows
        n += len(texts)
    predict_seconds = time.monotonic() - t0
    result = {
        "train_seconds": round(train_seconds, 1),
        "predict_ms_per_message": round(1000 * predict_seconds / max(n, 1), 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "diet_epochs": stats["epochs"],
        "stopped_by_budget": stats["stopped_by_budget"],
        "predictions": outputs,
    }
    if part_rows:
        result["ensemble_parts"] = part_rows
    result_path.write_text(json.dumps(result))
    return 0


#: Head weights tried by the sweep (0 = DIET alone, 1 = the embedding head alone).
SWEEP_WEIGHTS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0)


def _compact_parts(parts: Dict[str, Any], keep: int = 10) -> Dict[str, List[List[Any]]]:
    """DIET's ranking and the embedding head's top ``keep`` intents, for the ensemble weight sweep."""
    diet = [[e["name"], round(float(e["confidence"]), 5)] for e in parts["diet"]]
    head = sorted(parts["head"].items(), key=lambda item: item[1], reverse=True)[:keep]
    return {"diet": diet, "head": [[n, round(float(p), 5)] for n, p in head]}


def ensemble_sweep(parts: Sequence[Dict[str, List[List[Any]]]], gold: Sequence[str],
                   weights: Sequence[float]) -> Dict[str, float]:
    """Top-1 accuracy of ``(1 - w) * DIET + w * head`` for each weight, from recorded parts.

    Both sides are truncated to their top 10, so an intent outside both lists cannot win; the
    shipped component combines the head's full distribution (the top choice rarely differs).
    """
    scores: Dict[str, float] = {}
    for weight in weights:
        right = 0
        for row, truth in zip(parts, gold):
            combined: Dict[str, float] = {}
            for name, p in row["diet"]:
                combined[name] = combined.get(name, 0.0) + (1 - weight) * p
            for name, p in row["head"]:
                combined[name] = combined.get(name, 0.0) + weight * p
            right += max(combined, key=lambda n: combined[n]) == truth
        scores[f"{weight:.2f}"] = round(right / max(len(gold), 1), 4)
    return scores


def run_tfidf(label: str, train: Sequence[Example], evaluation: Dict[str, List[str]]) -> Dict[str, Any]:
    """The TF-IDF + logistic regression baseline, in this process (it takes seconds)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    print(f"[{time.strftime('%H:%M:%S')}] {label}: training on {len(train)} examples", flush=True)
    started = time.monotonic()
    model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                          LogisticRegression(C=10.0, max_iter=2000))
    model.fit([t for t, _ in train], [i for _, i in train])
    train_seconds = time.monotonic() - started
    t0 = time.monotonic()
    predictions = {name: [[p, 0.0, None, 0.0] for p in model.predict(texts)] for name, texts in evaluation.items()}
    n = sum(len(texts) for texts in evaluation.values())
    return {
        "train_seconds": round(train_seconds, 1),
        "predict_ms_per_message": round(1000 * (time.monotonic() - t0) / max(n, 1), 2),
        "peak_rss_mb": None,  # shares this process; not comparable
        "diet_epochs": [],
        "stopped_by_budget": False,
        "predictions": predictions,
    }


def write_training_file(path: Path, examples: Sequence[Example]) -> None:
    """Rasa JSON training data (no YAML quoting pitfalls with free text)."""
    common = [{"text": text, "intent": intent, "entities": []} for text, intent in examples]
    path.write_text(json.dumps({"rasa_nlu_data": {"common_examples": common}}))


def run_pipeline(
    label: str,
    pipeline: List[Dict[str, Any]],
    train: Sequence[Example],
    evaluation: Dict[str, List[str]],
    budget_seconds: float,
    log_dir: Path,
) -> Dict[str, Any]:
    """Train + predict in a child process; returns its result (raises with the log tail)."""
    with tempfile.TemporaryDirectory(prefix="nlu-bench-") as tmp:
        work = Path(tmp)
        write_training_file(work / "train.json", train)
        spec = {
            "pipeline": pipeline,
            "train_file": str(work / "train.json"),
            "eval": evaluation,
            "budget_seconds": budget_seconds,
            "workdir": str(work),
        }
        (work / "spec.json").write_text(json.dumps(spec))
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "RASA_TELEMETRY_ENABLED": "false",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            # a private, empty training cache: no run reuses another run's featurisation
            "RASA_CACHE_DIRECTORY": str(work / "cache"),
        }
        log_dir.mkdir(parents=True, exist_ok=True)
        log_file = log_dir / f"{label}.log"
        print(f"[{time.strftime('%H:%M:%S')}] {label}: training on {len(train)} examples "
              f"(budget {budget_seconds / 60:.0f} min), log {log_file}", flush=True)
        with open(log_file, "w") as log:
            code = subprocess.call(
                [sys.executable, __file__, "--child", str(work / "spec.json"), str(work / "result.json")],
                cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
        if code != 0:
            tail = "\n".join(log_file.read_text().splitlines()[-25:])
            raise RuntimeError(f"{label} failed (exit {code}):\n{tail}")
        result = json.loads((work / "result.json").read_text())
    print(f"[{time.strftime('%H:%M:%S')}] {label}: trained in {result['train_seconds']} s, "
          f"epochs {result['diet_epochs']}, peak RSS {result['peak_rss_mb']} MB", flush=True)
    return result


# ------------------------------------------------------------------------------ metrics
def accuracy_and_macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> Tuple[float, float]:
    from sklearn.metrics import accuracy_score, f1_score

    labels = sorted(set(gold))
    return (
        float(accuracy_score(gold, predicted)),
        float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)),
    )


def oos_curve(
    in_gold: Sequence[str], in_rows: Sequence[List[Any]], oos_rows: Sequence[List[Any]],
    thresholds: Sequence[float],
) -> List[Dict[str, float]]:
    """In-scope accuracy (a rejected in-scope query counts as wrong) and oos recall per threshold."""
    curve = []
    for t in thresholds:
        correct = sum(1 for g, r in zip(in_gold, in_rows) if r[0] == g and r[1] >= t)
        caught = sum(1 for r in oos_rows if r[1] < t)
        curve.append({
            "threshold": round(t, 3),
            "in_scope_accuracy": correct / len(in_gold),
            "oos_recall": caught / len(oos_rows),
        })
    return curve


THRESHOLDS = [round(0.05 * i, 2) for i in range(0, 20)] + [0.96, 0.97, 0.98, 0.99]


# --------------------------------------------------------------------------------- main
def machine() -> Dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines()
                      if l.startswith("MemTotal"))
    except (OSError, StopIteration):
        mem_kb = 0
    from importlib.metadata import version

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "rasa": version("rasa"),
        "tensorflow": version("tensorflow"),
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "load_average_at_start": [round(x, 1) for x in os.getloadavg()],
    }


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--banking77", type=Path, help="Banking77 folder (same as --dataset Banking77=FOLDER)")
    parser.add_argument("--dataset", type=parse_dataset, action="append", default=[], metavar="NAME=FOLDER",
                        help="any intent data set: a folder with train.csv and test.csv (text,category); repeatable")
    parser.add_argument("--clinc150", type=Path, help="CLINC150 data_full.json")
    parser.add_argument("--ours-config", type=Path, default=ROOT / "config.yml")
    parser.add_argument("--budget-minutes", type=float, default=30.0,
                        help="wall-clock training budget per pipeline on the full Banking77 split")
    parser.add_argument("--clinc-budget-minutes", type=float, default=10.0,
                        help="wall-clock training budget of the CLINC150 run (15,000 examples)")
    parser.add_argument("--clinc-per-intent", type=int, default=0,
                        help="train on the first n examples per CLINC150 intent only (quick smoke runs; default all)")
    parser.add_argument("--runs", default="10shot,full,clinc150",
                        help="comma-separated subset of: 10shot, full (on every data set), clinc150; "
                        "b77_10shot and b77_full are accepted for 10shot and full")
    parser.add_argument("--pipelines", default="tfidf,stock,ours", help="comma-separated subset of: tfidf, stock, ours")
    parser.add_argument("--merge", action="store_true",
                        help="keep the results of an earlier run in <out>/nlu_public.json and add or replace these")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks")
    parser.add_argument("--seeds", default="",
                        help="comma-separated seeds for the 10-shot regime: each draws 10 per intent at random and "
                        "seeds DIET and the augmenter with it (default: the first 10 per intent, the config's seeds)")
    parser.add_argument("--full-per-intent", type=int, default=0,
                        help="full regime on a random (seed 0) n per intent only, when a whole run does not fit (default all)")
    parser.add_argument("--test-stride", type=int, default=1,
                        help="evaluate on every n-th test example only (quick smoke runs; default all)")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(*args.child)

    t_start = time.monotonic()
    runs = [r.strip().removeprefix("b77_") for r in args.runs.split(",") if r.strip()]
    pipelines = [p.strip() for p in args.pipelines.split(",") if p.strip()]
    datasets = ([("Banking77", args.banking77)] if args.banking77 else []) + list(args.dataset)
    if any(r in ("10shot", "full") for r in runs) and not datasets:
        parser.error("--dataset NAME=FOLDER (or --banking77 FOLDER) is required for the 10shot and full runs")
    if "clinc150" in runs and not args.clinc150:
        parser.error("--clinc150 is required for the CLINC150 run")

    ours_full = project_pipeline(args.ours_config)
    available = {"stock": without_fallback(stock_pipeline()), "ours": without_fallback(ours_full)}
    config_threshold = fallback_threshold(ours_full)
    log_dir = args.out / "logs"
    report: Dict[str, Any] = OrderedDict(
        machine=machine(), budget_minutes=args.budget_minutes, pipelines=available,
        ours_config=str(args.ours_config), results=OrderedDict(),
    )
    previous = args.out / "nlu_public.json"
    if args.merge and previous.is_file():
        earlier = json.loads(previous.read_text())
        report["machine"] = earlier["machine"]
        report["budget_minutes"] = earlier.get("budget_minutes", args.budget_minutes)
        report["results"].update(earlier.get("results", {}))
    unlimited = 24 * 3600.0

    for dataset, folder in datasets if any(r in ("10shot", "full") for r in runs) else []:
        train, test = load_text_category(folder)
        test = test[:: args.test_stride]
        slug = dataset_slug(dataset)
        seeds = [int(x) for x in args.seeds.split(",") if x.strip()]
        full = sample_per_intent(train, args.full_per_intent, 0) if args.full_per_intent else train
        # regime key -> (training examples, budget, seed or None for the config's own seeds)
        regimes: Dict[str, Tuple[List[Example], float, Optional[int]]] = {}
        if "10shot" in runs:
            if seeds:
                for seed in seeds:
                    regimes[f"{slug}_10shot_s{seed}"] = (sample_per_intent(train, 10, seed), unlimited, seed)
            else:
                regimes[f"{slug}_10shot"] = (first_per_intent(train, 10), unlimited, None)
        if "full" in runs:
            regimes[f"{slug}_full"] = (full, args.budget_minutes * 60, None)
        for regime, (examples, budget, seed) in regimes.items():
            for name in pipelines:
                evaluation = {"test": [t for t, _ in test]}
                if name == "tfidf":
                    res = run_tfidf(f"{regime}-{name}", examples, evaluation)
                else:
                    pipeline = available[name] if seed is None else with_seed(available[name], seed)
                    res = run_pipeline(f"{regime}-{name}", pipeline, examples, evaluation, budget, log_dir)
                predicted = [row[0] for row in res["predictions"]["test"]]
                acc, f1 = accuracy_and_macro_f1([i for _, i in test], predicted)
                report["results"][f"{regime}/{name}"] = {
                    "dataset": dataset, "data_path": str(folder),
                    "train_examples": len(examples), "test_examples": len(test),
                    "accuracy": acc, "macro_f1": f1, "seed": seed,
                    **{k: v for k, v in res.items() if k not in ("predictions", "ensemble_parts")},
                    "budget_minutes": budget / 60 if budget < unlimited else None,
                }
                if res.get("ensemble_parts", {}).get("test"):
                    sweep = ensemble_sweep(res["ensemble_parts"]["test"], [i for _, i in test], SWEEP_WEIGHTS)
                    report["results"][f"{regime}/{name}"]["ensemble_weight_sweep"] = sweep
                    print(f"    embedding-head weight sweep (accuracy): {sweep}", flush=True)
                print(f"    accuracy {acc:.4f}, macro-F1 {f1:.4f}", flush=True)
                _write(report, args.out)

    if "clinc150" in runs:
        data = load_clinc150(args.clinc150)
        if args.clinc_per_intent:
            data["train"] = first_per_intent(data["train"], args.clinc_per_intent)
        for key in ("val", "oos_val", "test", "oos_test"):
            data[key] = data[key][:: args.test_stride]
        for name in [p for p in pipelines if p == "ours"] or []:
            evaluation = {key: [t for t, _ in data[key]] for key in ("val", "oos_val", "test", "oos_test")}
            res = run_pipeline(f"clinc150-{name}", available[name], data["train"], evaluation,
                               args.clinc_budget_minutes * 60, log_dir)
            preds = res["predictions"]
            val_curve = oos_curve([i for _, i in data["val"]], preds["val"], preds["oos_val"], THRESHOLDS)
            test_curve = oos_curve([i for _, i in data["test"]], preds["test"], preds["oos_test"], THRESHOLDS)
            best = max(val_curve, key=lambda p: (p["in_scope_accuracy"] + p["oos_recall"], -p["threshold"]))
            at = lambda curve, t: min(curve, key=lambda p: abs(p["threshold"] - t))  # noqa: E731
            report["results"][f"clinc150/{name}"] = {
                "train_examples": len(data["train"]),
                "test_examples": len(data["test"]), "oos_test_examples": len(data["oos_test"]),
                "budget_minutes": args.clinc_budget_minutes,
                "chosen_threshold_on_val": best["threshold"],
                "at_chosen_threshold": at(test_curve, best["threshold"]),
                "config_threshold": config_threshold,
                "at_config_threshold": at(test_curve, config_threshold) if config_threshold is not None else None,
                "no_threshold": at(test_curve, 0.0),
                "val_curve": val_curve, "test_curve": test_curve,
                **{k: v for k, v in res.items() if k not in ("predictions", "ensemble_parts")},
                "oos_test_confidences": [row[1] for row in preds["oos_test"]],
                "test_confidences_correct": [row[1] for row, (_, g) in zip(preds["test"], data["test"]) if row[0] == g],
            }
            r = report["results"][f"clinc150/{name}"]["at_chosen_threshold"]
            print(f"    threshold {best['threshold']} (chosen on val): in-scope accuracy "
                  f"{r['in_scope_accuracy']:.4f}, oos recall {r['oos_recall']:.4f}", flush=True)
            _write(report, args.out)
    if not args.merge:
        report["machine"]["load_average_at_end"] = [round(x, 1) for x in os.getloadavg()]
        report["machine"]["total_minutes"] = round((time.monotonic() - t_start) / 60, 1)
    _write(report, args.out)
    print(f"wrote {args.out / 'nlu_public.md'} and {args.out / 'nlu_public.json'}")
    return 0


def _write(report: Dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "nlu_public.json").write_text(json.dumps(report, indent=1))
    (out / "nlu_public.md").write_text(markdown(report))


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 60 else f"{seconds / 60:.1f} min"


def _gb(mb: Optional[float]) -> str:
    return "—" if mb is None else f"{mb / 1024:.1f} GB"


def _pct(x: Optional[float]) -> str:
    return "—" if x is None else f"{100 * x:.1f}"


def _regime_kind(run: str) -> Optional[str]:
    """``10shot`` or ``full`` for a regime key (``b77_10shot``, ``b77_10shot_s1``, ``b77_full``), else None."""
    import re

    match = re.search(r"_(10shot|full)(_s\d+)?$", run)
    return match.group(1) if match else None


def seed_summary(report: Dict[str, Any]) -> List[str]:
    """Mean, standard deviation and range over the seeded 10-shot runs of each data set and pipeline."""
    import re
    import statistics

    groups: Dict[Tuple[str, str], List[Dict[str, Any]]] = {}
    for key, r in report["results"].items():
        run, name = key.split("/")
        match = re.match(r"(.+)_10shot_s\d+$", run)
        if match:
            groups.setdefault((match.group(1), name), []).append(r)
    lines: List[str] = []
    for (slug, name), rows in sorted(groups.items()):
        accs = [100 * r["accuracy"] for r in rows]
        f1s = [100 * r["macro_f1"] for r in rows]
        sd = statistics.stdev(accs) if len(accs) > 1 else 0.0
        lines.append(f"- {slug} 10-shot, {name}, seeds {', '.join(str(r['seed']) for r in rows)}: accuracy "
                     f"{statistics.fmean(accs):.1f} ± {sd:.1f} (min-max {min(accs):.1f}-{max(accs):.1f}), "
                     f"macro-F1 {statistics.fmean(f1s):.1f}")
        sweeps = [r["ensemble_weight_sweep"] for r in rows if r.get("ensemble_weight_sweep")]
        if len(sweeps) == len(rows):
            cells = ", ".join(f"w={w}: {100 * statistics.fmean(s[w] for s in sweeps):.1f}" for w in sweeps[0])
            lines.append(f"  - head weight sweep, mean over seeds: {cells}")
    return lines


def markdown(report: Dict[str, Any]) -> str:
    """The results table (and the machine it ran on)."""
    m = report["machine"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; Python {m['python']}, "
        f"Rasa {m['rasa']}, TensorFlow {m['tensorflow']}; run {m['date']}; load average at start "
        f"{', '.join(str(x) for x in m.get('load_average_at_start', []))} (shared machine: other jobs ran too).",
        "",
        "| data set | regime | pipeline | accuracy % | macro-F1 % | training time | DIET epochs | peak RSS | published reference (test accuracy %) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    names = {"stock": "stock `rasa init`", "ours": "ours (config.yml)",
             "tfidf": "TF-IDF + logistic regression (not Rasa)"}
    order = {"tfidf": 0, "stock": 1, "ours": 2}
    rows = sorted(report["results"].items(),
                  key=lambda item: (item[0].split("/")[0], order.get(item[0].split("/")[1], 9)))
    for key, r in rows:
        run, name = key.split("/")
        if _regime_kind(run):
            data = r.get("dataset", "Banking77")
            shot = _regime_kind(run) == "10shot"
            regime = f"10 per intent ({r['train_examples']:,})" if shot else f"full split ({r['train_examples']:,})"
            if r.get("seed") is not None:
                regime += f", seed {r['seed']}"
            reference = REFERENCES.get("banking77_10shot" if shot else "banking77_full", "—") if data == "Banking77" else "—"
            epochs = "; ".join(f"{e['done']}/{e['planned']}" for e in r["diet_epochs"]) or "—"
            if r.get("stopped_by_budget"):
                epochs += " (stopped by budget)"
            budget = f" (budget {r['budget_minutes']:.0f} min)" if r.get("budget_minutes") else ""
            lines.append(
                f"| {data} | {regime} | {names[name]} | {_pct(r['accuracy'])} | {_pct(r['macro_f1'])} | "
                f"{_duration(r['train_seconds'])}{budget} | {epochs} | {_gb(r['peak_rss_mb'])} | "
                f"{reference} |"
            )
    for key, r in report["results"].items():
        run, name = key.split("/")
        if run == "clinc150":
            c = r["at_chosen_threshold"]
            epochs = "; ".join(f"{e['done']}/{e['planned']}" for e in r["diet_epochs"]) or "—"
            lines.append(
                f"| CLINC150 | full, threshold {c['threshold']} chosen on val | {names[name]} | "
                f"in-scope {_pct(c['in_scope_accuracy'])} / oos recall {_pct(c['oos_recall'])} | — | "
                f"{r['train_seconds'] / 60:.1f} min (budget {r['budget_minutes']:.0f} min) | {epochs} | "
                f"{r['peak_rss_mb'] / 1024:.1f} GB | in-scope / oos recall: {REFERENCES['clinc150']} |"
            )
    summary = seed_summary(report)
    if summary:
        lines += ["", "Over seeds (each seed draws its own 10 per intent and seeds DIET and the augmenter):", *summary]
    lines += [
        "",
        "Accuracy is on the top intent with the FallbackClassifier removed (closed-set). CLINC150:",
        "an in-scope query whose confidence is below the threshold counts as wrong; an",
        "out-of-scope query counts as caught when its confidence is below the threshold.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
